/**
 * requireCommand: the `run` command is looked up before anything is sent, the way spawn will find
 * it (a name on the child's PATH, or a path to an executable file), against real files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeployLoginError } from '../../src/core/errors';
import { requireCommand } from '../../src/core/run';

describe('requireCommand', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cmd-'));
    fs.mkdirSync(path.join(dir, 'tools'));
    fs.writeFileSync(path.join(dir, 'tools', 'deploy'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'tools', 'notes'), 'not a program\n', { mode: 0o644 });
    fs.mkdirSync(path.join(dir, 'tools', 'subdir'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const refusal = (cmd: string, env: NodeJS.ProcessEnv, cwd = dir): string | undefined => {
    try {
      requireCommand(cmd, env, cwd);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(DeployLoginError);
      expect((err as DeployLoginError).exitCode).toBe(2);
      return (err as Error).message;
    }
  };

  it('finds a name on PATH, and an executable by relative or absolute path', () => {
    const env = { PATH: `/nonexistent${path.delimiter}${path.join(dir, 'tools')}` };
    expect(refusal('deploy', env)).toBeUndefined();
    expect(refusal('./tools/deploy', {})).toBeUndefined();
    expect(refusal(path.join(dir, 'tools', 'deploy'), {})).toBeUndefined();
    // An empty PATH entry is the working directory, as execvp reads it.
    expect(
      refusal('deploy', { PATH: `/nonexistent${path.delimiter}` }, path.join(dir, 'tools')),
    ).toBeUndefined();
  });

  it('refuses a missing name, a file without the execute bit, and a directory', () => {
    const env = { PATH: path.join(dir, 'tools') };
    expect(refusal('no-such-cmd-xyz', env)).toBe('run: the command "no-such-cmd-xyz" was not found on PATH.');
    expect(refusal('notes', env)).toBe('run: the command "notes" was not found on PATH.');
    expect(refusal('subdir', env)).toBe('run: the command "subdir" was not found on PATH.');
    expect(refusal('./tools/notes', env)).toBe('run: "./tools/notes" is not an executable file.');
    expect(refusal('./tools/subdir', env)).toBe('run: "./tools/subdir" is not an executable file.');
    expect(refusal('./tools/missing', env)).toBe('run: "./tools/missing" is not an executable file.');
  });
});
