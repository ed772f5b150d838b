import { Eta } from 'eta';

/**
 * The pages' templates, rendered by Eta with every `<%= %>` HTML-escaped (`autoEscape`); the
 * only raw output (`<%~ %>`) is a page's body inside the layout. Kept as strings in the code so
 * the single-file build (dist/roster.mjs) carries them. Plain HTML and one small stylesheet: no
 * script, usable with the keyboard (a skip link, real links, buttons and labels) and on a
 * narrow screen (tables scroll inside their own box).
 */

const LAYOUT = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<% if (it.refresh) { %><meta http-equiv="refresh" content="<%= it.refresh %>"><% } %>
<title><%= it.title %> · Roster</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d2433; background: #f6f7f9; }
  body { margin: 0; }
  header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; padding: .75rem 1rem; background: #1d2433; color: #fff; }
  header a { color: #fff; }
  main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
  .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; color: #000; padding: .25rem .5rem; }
  .table-wrap { overflow-x: auto; background: #fff; border: 1px solid #d5d9e0; border-radius: 4px; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e6e9ee; vertical-align: top; }
  th { background: #eef0f4; white-space: nowrap; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .status { font-weight: 600; padding: .1rem .4rem; border-radius: 3px; white-space: nowrap; }
  .status-Done { background: #dcf5e3; } .status-Failed { background: #fbdcdc; } .status-Pending, .status-Loading { background: #fff2c7; }
  form.inline { display: inline; }
  label { display: block; margin-top: .75rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; max-width: 22rem; padding: .4rem; font-size: 1rem; }
  button { margin-top: 1rem; padding: .4rem .9rem; font-size: 1rem; cursor: pointer; }
  header button { margin: 0; font-size: .9rem; }
  a:focus, button:focus, input:focus { outline: 3px solid #5b8def; outline-offset: 2px; }
  .error { color: #a40000; font-weight: 600; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff; padding: 1rem; border: 1px solid #d5d9e0; border-radius: 4px; }
  dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
  <strong>Roster</strong>
  <% if (it.user) { %>
  <span>Signed in as <%= it.user.login %>
    <form class="inline" method="post" action="/session/sign_out">
      <input type="hidden" name="_csrf" value="<%= it.csrf %>">
      <button type="submit">Sign out</button>
    </form>
  </span>
  <% } %>
</header>
<main id="main">
<%~ it.body %>
</main>
</body>
</html>
`;

const SIGN_IN = `<% layout('@layout') %>
<h1>Sign in</h1>
<p>Sign in with your Roster user's login and password.</p>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<form method="post" action="/session">
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <input type="hidden" name="return_to" value="<%= it.returnTo %>">
  <label for="login">Login</label>
  <input type="text" id="login" name="login" autocomplete="username" value="<%= it.login %>" required autofocus>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
`;

const MESSAGE = `<% layout('@layout') %>
<h1><%= it.title %></h1>
<p><%= it.message %></p>
<p><a href="/data_sources">Data sources</a></p>
`;

const LIST = `<% layout('@layout') %>
<h1>Data sources</h1>
<p>Flat files loaded over SFTP (<code>/Incoming/Users</code>) and through <code>/api/data_file_sources/load_file</code>, newest first.<% if (it.refresh) { %> This page refreshes while a load runs.<% } %></p>
<% if (it.sources.length === 0) { %>
<p>No files have been loaded yet.</p>
<% } else { %>
<div class="table-wrap">
<table>
  <caption class="skip">Loads</caption>
  <thead><tr><th scope="col">File</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col">Rows</th><th scope="col">Created</th><th scope="col">Updated</th><th scope="col">Errors</th></tr></thead>
  <tbody>
  <% for (const s of it.sources) { %>
  <tr>
    <td><a href="/data_sources/<%= s.id %>"><%= s.file %></a></td>
    <td><%= s.sourceFor %></td>
    <td><span class="status status-<%= s.status %>"><%= s.status %></span></td>
    <td><%= s.createdAt %></td>
    <td><%= s.startTime %></td>
    <td><%= s.endTime %></td>
    <td class="num"><%= s.recordsCount %></td>
    <td class="num"><%= s.recordsCreated %></td>
    <td class="num"><%= s.recordsUpdated %></td>
    <td class="num"><%= s.uploadErrorsCount %></td>
  </tr>
  <% } %>
  </tbody>
</table>
</div>
<% } %>
<% if (it.older) { %><p><a href="/data_sources?page=<%= it.page + 1 %>">Older loads</a></p><% } %>
<% if (it.page > 1) { %><p><a href="/data_sources?page=<%= it.page - 1 %>">Newer loads</a></p><% } %>
`;

const DETAIL = `<% layout('@layout') %>
<p><a href="/data_sources">← All data sources</a></p>
<h1><%= it.source.file %></h1>
<dl>
  <dt>Status</dt><dd><span class="status status-<%= it.source.status %>"><%= it.source.status %></span></dd>
  <dt>Type</dt><dd><%= it.source.sourceFor %></dd>
  <dt>Created</dt><dd><%= it.source.createdAt %></dd>
  <dt>Started</dt><dd><%= it.source.startTime %></dd>
  <dt>Ended</dt><dd><%= it.source.endTime %></dd>
  <dt>Rows</dt><dd><%= it.source.recordsCount %> (<%= it.source.recordsCreated %> created, <%= it.source.recordsUpdated %> updated, <%= it.source.uploadErrorsCount %> with errors)</dd>
  <dt>Result</dt><dd><%= it.source.resultText %></dd>
</dl>
<h2>Upload errors</h2>
<% if (it.errors.length === 0) { %>
<p>No row failed.</p>
<% } else { %>
<div class="table-wrap">
<table>
  <thead><tr><th scope="col">Row</th><th scope="col">First column</th><th scope="col">Field with error</th><th scope="col">Value</th><th scope="col">Errors</th></tr></thead>
  <tbody>
  <% for (const e of it.errors) { %>
  <tr><td class="num"><%= e.row %></td><td><%= e.firstColumn %></td><td><%= e.field %></td><td><%= e.value %></td><td><%= e.errors %></td></tr>
  <% } %>
  </tbody>
</table>
</div>
<% } %>
`;

/** The page templates by name: `sign-in`, `message`, `list`, `detail`; each renders inside the layout. */
export type PageName = 'sign-in' | 'message' | 'list' | 'detail';

const eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });
eta.loadTemplate('@layout', LAYOUT);
eta.loadTemplate('@sign-in', SIGN_IN);
eta.loadTemplate('@message', MESSAGE);
eta.loadTemplate('@list', LIST);
eta.loadTemplate('@detail', DETAIL);

/** Renders page `name` with `data` (escaped) inside the layout; `data.title` names the page. */
export function renderPage(name: PageName, data: Record<string, unknown> & { readonly title: string }): string {
  return eta.render(`@${name}`, data);
}
