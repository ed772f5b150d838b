#!/usr/bin/env node
import { buildProgram, failureMessage } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(failureMessage(err));
    process.exit(1);
  });
