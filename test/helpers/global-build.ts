import { execFileSync } from 'node:child_process';

/** CLI tests run the built `dist/`; build once so they never test stale output. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
