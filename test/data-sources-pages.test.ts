import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from './helpers/api.js';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from './helpers/chromium.js';
import { DIALECTS } from './helpers/dialects.js';
import { createAdmin, flatFixture, loadCsv } from './helpers/flat-files.js';
import { makeTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Issue 19, the monitor: `/data_sources` in real headless Chromium (Debian's, driven by
 * playwright-core): sign in with a Roster user's login and password, see a failed and a
 * successful load, open the errors, sign out. Plus what a browser does not show: a form
 * without its CSRF token is refused, a user without the Admin role is turned away.
 */

/** Where the docs' screenshot is written when SCREENSHOT_DIR is set (`docs/images`). */
const SCREENSHOT_DIR = process.env['SCREENSHOT_DIR'];

describe.skipIf(!hasChromium())('the /data_sources pages in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(() => browser.close());

  // SQLite and PostgreSQL alike: sessions live in the database.
  for (const dialect of DIALECTS) {
    describe(`on ${dialect.name}`, () => {
      let t: TestApp;
      let base: string;
      let page: Page;
      beforeEach(async () => {
        t = await makeTestApp(dialect);
        base = await t.app.listen({ host: '127.0.0.1', port: 0 });
        await createAdmin(t);
        await createUser(t, { login: 'USER_TEST', email: 'user.test@example.com', firstname: 'user', lastname: 'test' });
        page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
      });
      afterEach(async () => {
        await page.close();
        await t.close();
      });

      const signIn = async (login: string, password: string) => {
        await page.goto(`${base}/data_sources`);
        await page.waitForURL(/\/session\/new/);
        await page.getByLabel('Login').fill(login);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      };

      it('an Admin signs in, sees a failed and a successful load, opens the errors, signs out', async () => {
        await loadCsv(t, flatFixture('modify_user.csv'), { filename: 'modify_user.csv' });
        const failed = await loadCsv(t, 'Login,Email,First Name,Last Name\nnew_user,not-an-email,New,User\n', {
          filename: 'broken.csv',
        });

        await signIn('ada', 'wrong password');
        expect(await page.getByRole('alert').innerText()).toBe('The login or password is wrong, or the user is inactive.');
        await page.getByLabel('Password').fill('correct horse battery');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(`${base}/data_sources`);

        const rows = page.locator('tbody tr');
        expect(await rows.count()).toBe(2);
        // Newest first: the failed file, then the good one.
        expect(await rows.nth(0).locator('td').allInnerTexts()).toEqual([
          'broken.csv',
          'User',
          'Done',
          expect.stringMatching(/UTC$/) as unknown as string,
          expect.stringMatching(/UTC$/) as unknown as string,
          expect.stringMatching(/UTC$/) as unknown as string,
          '1',
          '0',
          '0',
          '1',
        ]);
        expect(await rows.nth(1).locator('td').nth(0).innerText()).toBe('modify_user.csv');
        expect(await rows.nth(1).locator('td').nth(8).innerText()).toBe('1');
        if (SCREENSHOT_DIR && dialect.name === 'sqlite') {
          mkdirSync(SCREENSHOT_DIR, { recursive: true });
          await page.screenshot({ path: `${SCREENSHOT_DIR}/data-sources.png`, fullPage: true });
        }

        // Keyboard: the first link after the skip link is the newest load.
        await page.getByRole('link', { name: 'broken.csv' }).focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}/data_sources/${failed.id}`);
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('broken.csv');
        const error = page.locator('tbody tr');
        expect(await error.locator('td').allInnerTexts()).toEqual(['2', 'new_user', 'Email', 'not-an-email', 'Email is invalid']);
        if (SCREENSHOT_DIR && dialect.name === 'sqlite')
          await page.screenshot({ path: `${SCREENSHOT_DIR}/data-source.png`, fullPage: true });

        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL(/\/session\/new$/);
        await page.goto(`${base}/data_sources`);
        await page.waitForURL(/\/session\/new\?return_to=%2Fdata_sources$/);
      });

      it('is usable on a narrow screen: the table scrolls in its own box', async () => {
        await loadCsv(t, flatFixture('modify_user.csv'), { filename: 'modify_user.csv' });
        await page.setViewportSize({ width: 360, height: 640 });
        await signIn('ada', 'correct horse battery');
        await page.waitForURL(`${base}/data_sources`);
        // Evaluated in the page (a string: the tests are not compiled against the DOM's types).
        const widths = await page.evaluate<[number, number, number]>(
          "(() => { const w = document.querySelector('.table-wrap'); return [document.documentElement.scrollWidth, w.scrollWidth, w.clientWidth]; })()",
        );
        const [pageWidth, wrapScroll, wrapClient] = widths;
        expect(pageWidth).toBeLessThanOrEqual(360);
        expect(wrapScroll).toBeGreaterThan(wrapClient);
      });

      it('turns away a user without the Admin role, and a form without its CSRF token', async () => {
        const [user] = JSON.parse(
          (await t.request({ method: 'GET', url: '/api/users?login=USER_TEST', headers: { accept: 'application/json' } })).body,
        ) as Array<{ id: number }>;
        const set = await t.request({
          method: 'PUT',
          url: `/api/users/${user?.id}`,
          headers: { 'content-type': 'application/json' },
          payload: { password: 'plain user password' },
        });
        expect(set.statusCode).toBe(200);
        await signIn('USER_TEST', 'plain user password');
        await page.waitForURL(`${base}/data_sources`);
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Not allowed');

        const forged = await fetch(`${base}/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'login=ada&password=correct+horse+battery',
          redirect: 'manual',
        });
        expect(forged.status).toBe(403);
        expect(forged.headers.get('set-cookie')).toBeNull();
      });
    });
  }
});
