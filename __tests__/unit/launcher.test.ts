/** The PATH launcher the Action writes for later steps: a POSIX sh script around the bundled CLI. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeLauncher, writeLauncher } from '../../src/action/launcher';

const posix = process.platform === 'win32' ? it.skip : it;

describe('CLI launcher', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-launcher-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  posix('runs the CLI from an action path holding $, backquotes, quotes and spaces, as a path', async () => {
    const odd = path.join(tmp, `act $HOME \`id -u\` it's "x"`);
    fs.mkdirSync(odd);
    const entry = path.join(odd, 'index.js');
    fs.writeFileSync(entry, "console.log('ran ' + JSON.stringify(process.argv.slice(2)));\n");
    const dir = await writeLauncher(entry, { RUNNER_TEMP: tmp });
    const out = execFileSync(path.join(dir, 'deploy-login'), ['a b', '$HOME'], { encoding: 'utf8' });
    expect(out).toBe('ran ["a b","$HOME"]\n');
    expect(await removeLauncher(dir)).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
