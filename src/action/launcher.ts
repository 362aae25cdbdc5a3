/**
 * The `deploy-login` launcher later steps find on PATH, in a directory the Action creates for it
 * alone. Never a directory derived from the store's path: with DEPLOY_LOGIN_CONFIG in the
 * workspace or HOME, `<dir>/bin` is the user's own, and it would be put on PATH and then deleted.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** mkdtemp's prefix: the post step removes only a directory whose name starts with it. */
const DIR_PREFIX = 'deploy-login-bin-';
/** The only files the launcher directory ever holds. */
const LAUNCHERS = ['deploy-login', 'deploy-login.cmd'];

/**
 * Write launchers that run the bundled CLI (`cliEntry`) with this Node, in a fresh directory under
 * RUNNER_TEMP (the runner empties it after the job), else the OS temp dir; returns the directory.
 */
export async function writeLauncher(cliEntry: string, env: NodeJS.ProcessEnv): Promise<string> {
  const base = env.RUNNER_TEMP && path.isAbsolute(env.RUNNER_TEMP) ? env.RUNNER_TEMP : os.tmpdir();
  await fs.mkdir(base, { recursive: true });
  // mkdtemp: a new directory (mode 0700) that nobody else can have made or planted.
  const dir = await fs.mkdtemp(path.join(base, DIR_PREFIX));
  // Single quotes: a path holding $, ` or " (an action checked out anywhere) stays a path.
  const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
  const sh = `#!/bin/sh\nexec ${q(process.execPath)} ${q(cliEntry)} "$@"\n`;
  await fs.writeFile(path.join(dir, LAUNCHERS[0]!), sh, { mode: 0o755 });
  if (process.platform === 'win32') {
    await fs.writeFile(path.join(dir, LAUNCHERS[1]!), `@"${process.execPath}" "${cliEntry}" %*\r\n`);
  }
  return dir;
}

/**
 * Remove a directory writeLauncher made, and nothing else: the name must be ours, it must be a
 * real directory (not a symlink), and only our launcher files are unlinked before a non-recursive
 * rmdir, so whatever else is in it (it was not ours after all) stays. Returns false when the path
 * is not one writeLauncher makes (and so was left alone); true when it is gone.
 */
export async function removeLauncher(dir: string): Promise<boolean> {
  if (!path.isAbsolute(dir) || !path.basename(dir).startsWith(DIR_PREFIX)) return false;
  const stat = await fs.lstat(dir).catch(() => undefined);
  if (!stat) return true;
  if (!stat.isDirectory()) return false;
  for (const name of LAUNCHERS) {
    const file = path.join(dir, name);
    const s = await fs.lstat(file).catch(() => undefined);
    if (s?.isFile()) await fs.unlink(file);
  }
  await fs.rmdir(dir);
  return true;
}
