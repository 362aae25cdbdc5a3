#!/usr/bin/env node
import { main } from './main.js';
import { streamWritesPending } from './io.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything printed went straight to the descriptors, so nothing is left to flush: exit now
    // rather than wait for Node to tear the heap down (about 1 ms of a 40 ms login). Text that fell
    // back to a stream (a descriptor left non-blocking) must drain first, so then Node exits itself.
    if (!streamWritesPending()) process.exit(code);
  },
  (err) => {
    process.stderr.write(
      `deploy-login: internal error (a bug): ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
