// Performs a fixed list of runner commands with the real @actions/core, for the conformance test
// of src/action/runner.ts. Reads the operations as JSON from argv[2].
import * as core from '@actions/core';

for (const [op, ...args] of JSON.parse(process.argv[2])) {
  if (op === 'summary') {
    await core.summary.addRaw(args[0]).write();
  } else {
    core[op](...args);
  }
}
