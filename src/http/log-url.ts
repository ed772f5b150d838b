/** Query parameters that carry secrets when a client puts them in the URL (Coupa's own examples do). */
const SECRET_PARAMS = new Set(['client_secret', 'access_token', 'refresh_token', 'x_coupa_api_key', 'api_key', 'password']);

/** Percent-decoding that never throws: malformed escapes stay as they are; `+` is a space, as in forms. */
function decodeLoosely(text: string): string {
  let out = text.replaceAll('+', ' ');
  // Decode until stable (a few rounds at most), so `%2563lient_secret` is caught as well.
  for (let round = 0; round < 3; round++) {
    const next = out.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}

const isSecretName = (raw: string): boolean => SECRET_PARAMS.has(decodeLoosely(raw).trim().toLowerCase().replaceAll('-', '_'));

/**
 * The URL as it may be logged: the value of every secret query parameter is replaced by
 * `[Redacted]`, whatever the spelling of its name (`%63lient_secret`, `access%5Ftoken`,
 * `Client-Secret`) and whichever separator precedes it (`&` or `;`).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .replace(/(^|[&;])([^&;=]*)=[^&;]*/g, (pair, sep: string, name: string) =>
      isSecretName(name) ? `${sep}${name}=[Redacted]` : pair,
    );
  return `${url.slice(0, q + 1)}${query}`;
}
