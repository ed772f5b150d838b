import { existsSync } from 'node:fs';

/** Debian's Chromium, which `.ci/run` installs (or `CHROMIUM_PATH`); browser tests are skipped without it. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Whether the browser is there to drive. */
export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** The flags a sandboxed, offline machine needs (docs/flat-files.md#browser-tests). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
