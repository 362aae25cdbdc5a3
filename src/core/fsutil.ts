import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { invalidInput } from './errors.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Create the directory (and parents) with 0700 for the ones we create; never follow a symlinked leaf. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    const st = await fs.lstat(dir);
    if (st.isSymbolicLink()) {
      const real = await fs.stat(dir).catch(() => undefined);
      if (!real?.isDirectory())
        throw invalidInput(`${dir} is a symlink that does not lead to a directory: remove it.`);
      return;
    }
    if (!st.isDirectory()) throw invalidInput(`${dir} exists and is not a directory: move it away.`);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function refuseSymlink(file: string): Promise<void> {
  const st = await fs.lstat(file).catch(() => undefined);
  if (st?.isSymbolicLink()) {
    throw invalidInput(
      `${file} is a symlink; deploy-login never writes credentials through a symlink: remove it.`,
    );
  }
}

/**
 * Write a whole file so that readers see either the old or the new content, never a mix:
 * a private temp file in the same directory (O_EXCL|O_NOFOLLOW, 0600), fsync, rename.
 */
export async function writeFileAtomic(file: string, content: string, mode = FILE_MODE): Promise<void> {
  const dir = path.dirname(file);
  await ensureDir(dir);
  await refuseSymlink(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    mode,
  );
  try {
    await handle.writeFile(content, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export async function removeFile(file: string): Promise<void> {
  await refuseSymlink(file);
  await fs.rm(file, { force: true });
}

export interface LockOptions {
  /** Give up after this long; a lock is considered abandoned after `staleMs`. */
  timeoutMs?: number;
  staleMs?: number;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock beside `file`, safe across processes. A lock whose owner died (SIGKILL)
 * or that is older than `staleMs` is broken, so a killed command never blocks a later one.
 */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const lock = `${file}.lock`;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const staleMs = opts.staleMs ?? 20_000;
  await ensureDir(path.dirname(file));
  const started = Date.now();
  const me = `${process.pid}:${randomBytes(6).toString('hex')}`;
  let delay = 5;
  for (;;) {
    try {
      const h = await fs.open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
      await h.writeFile(me);
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await breakIfStale(lock, staleMs)) continue;
      if (Date.now() - started > timeoutMs) {
        throw invalidInput(
          `${file} is locked by another deploy-login process (lock file ${lock}); if none is running, delete the lock file.`,
        );
      }
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    const owner = await fs.readFile(lock, 'utf8').catch(() => '');
    if (owner === me) await fs.rm(lock, { force: true });
  }
}

async function breakIfStale(lock: string, staleMs: number): Promise<boolean> {
  const [content, st] = await Promise.all([
    fs.readFile(lock, 'utf8').catch(() => undefined),
    fs.stat(lock).catch(() => undefined),
  ]);
  if (content === undefined || !st) return true; // vanished: try again at once
  const pid = Number(content.split(':')[0]);
  // An empty lock is one being written right now, unless it is old.
  const dead = content !== '' && !pidAlive(pid);
  if (dead || Date.now() - st.mtimeMs > staleMs) {
    // Rename first so two breakers cannot both delete a fresh lock taken in between.
    const grave = `${lock}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      await fs.rename(lock, grave);
      const moved = await fs.readFile(grave, 'utf8').catch(() => undefined);
      // We moved someone's fresh lock taken in between: put it back (link fails if a third took it).
      if (moved !== content) await fs.link(grave, lock).catch(() => undefined);
      await fs.rm(grave, { force: true });
    } catch {}
    return true;
  }
  return false;
}
