#!/usr/bin/env node
import { main } from './main.js';

// Let stdout drain before exiting: process.exit() would cut off piped output.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(
      `deploy-login: internal error (a bug): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
