import { constants, readFileSync } from 'node:fs';
import { localfs as fs } from './localfs.js';
import os from 'node:os';
import path from 'node:path';
import { invalidInput } from './errors.js';

/**
 * A hex nonce for temp and lock file names. They only need to differ between concurrent writers
 * (O_EXCL and link() catch the rare clash), not to be unguessable, so Math.random serves and
 * start-up skips loading node:crypto (~5 ms).
 */
export function nonce(bytes: number): string {
  let out = '';
  while (out.length < bytes * 2)
    out += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, bytes * 2);
}

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
    const code = (err as NodeJS.ErrnoException).code;
    // A file where a parent directory should be is the user's to fix, not a bug (exit 2, not 1).
    if (code === 'ENOTDIR') throw partIsFile(dir);
    if (code !== 'ENOENT') throw err;
  }
  await mkdirEach(dir);
}

/**
 * ensureDir that also says which directories it made (outermost first), so that undoing a write
 * can take them away again: a login into an empty HOME must not leave ~/.docker behind. Each is
 * made on its own, so one another process made meanwhile (EEXIST) is not counted as ours.
 */
export async function makeDirs(dir: string): Promise<string[]> {
  const made = await mkdirEach(dir);
  if (!made) return [];
  // What stands there now (a symlinked or non-directory leaf) gets ensureDir's checks and errors.
  if (made.length === 0) await ensureDir(dir);
  return made;
}

/**
 * Make the missing directories of `dir` one at a time, outermost first, and say which were made
 * (undefined: `dir` is a real directory already, the common case). Never Node's recursive mkdir:
 * where a parent exists but takes no new entries (/proc, a dangling symlink) it retries forever,
 * and a logout spun at 100% CPU.
 */
async function mkdirEach(dir: string): Promise<string[] | undefined> {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = await fs.lstat(d).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      if (err.code === 'ENOTDIR') throw partIsFile(dir);
      throw err;
    });
    // The common case, a real directory already there: nothing to make, nothing more to check.
    if (st?.isDirectory() && missing.length === 0) return undefined;
    if (st || path.dirname(d) === d) break;
    missing.unshift(d);
  }
  const made: string[] = [];
  for (const d of missing) {
    try {
      await fs.mkdir(d, { mode: DIR_MODE });
      made.push(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      await removeEmptyDirs(made);
      if (code === 'ENOTDIR') throw partIsFile(dir);
      if (code === 'ENOENT') throw cannotCreate(d);
      throw fileError(err, d, 'created');
    }
  }
  return made;
}

const partIsFile = (dir: string) =>
  invalidInput(`${dir} cannot be created: part of its path is a file: move it away.`);

const cannotCreate = (dir: string) =>
  invalidInput(
    `${dir} cannot be created (part of its path leads nowhere, or its file system takes no new directories): check the path.`,
  );

/**
 * Remove directories that makeDirs made, innermost first, while they are empty: one that holds
 * anything (someone else's file) stops the walk, since its parents cannot be empty either.
 */
export async function removeEmptyDirs(dirs: readonly string[] | undefined): Promise<void> {
  for (const d of [...(dirs ?? [])].reverse()) {
    const st = await fs.lstat(d).catch(() => undefined);
    if (!st) continue;
    if (!st.isDirectory()) return;
    if (
      !(await fs.rmdir(d).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(err, file, 'read');
  }
}

/**
 * The file system refusing a path (a directory where the store should be, no permission, a full
 * or read-only disk) is the environment's problem, not a bug: one sentence naming the file, exit 2.
 */
const FILE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'part of its path is not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symlinks',
  EEXIST: 'something else is in the way',
};
export function fileError(err: unknown, file: string, verb: string): unknown {
  const why = FILE_ERRORS[(err as NodeJS.ErrnoException)?.code ?? ''];
  return why ? invalidInput(`${file} cannot be ${verb} (${why}): check the path and its permissions.`) : err;
}

async function onFile<T>(file: string, verb: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw fileError(err, file, verb);
  }
}

/**
 * What writing `file` would refuse, found before a login sends anything (exit 2 promises that
 * nothing was sent): the file a symlink or not a file, or a part of its path a file. It only
 * reads; the write checks again. One lstat when the file is already there.
 */
export async function checkWritable(file: string): Promise<void> {
  const st = await fs.lstat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOTDIR') throw partIsFile(path.dirname(file));
    return undefined;
  });
  if (st) {
    if (st.isSymbolicLink()) throw symlinkRefused(file);
    if (!st.isFile()) {
      const why = st.isDirectory() ? 'it is a directory' : 'something else is in the way';
      throw invalidInput(`${file} cannot be written (${why}): check the path and its permissions.`);
    }
    return;
  }
  for (let d = path.dirname(path.resolve(file)); ; d = path.dirname(d)) {
    const here = await fs.lstat(d).catch(() => undefined);
    if (here) {
      // A symlinked directory is followed, as makeDirs does (e.g. /tmp on macOS).
      const dir = here.isSymbolicLink() ? await fs.stat(d).catch(() => undefined) : here;
      if (here.isSymbolicLink() && !dir) throw cannotCreate(path.dirname(path.resolve(file)));
      if (!dir?.isDirectory()) throw partIsFile(path.dirname(file));
      return;
    }
    if (path.dirname(d) === d) return;
  }
}

const symlinkRefused = (file: string) =>
  invalidInput(`${file} is a symlink; deploy-login never writes credentials through a symlink: remove it.`);

export async function refuseSymlink(file: string): Promise<void> {
  const st = await fs.lstat(file).catch(() => undefined);
  if (st?.isSymbolicLink()) throw symlinkRefused(file);
}

/**
 * Write a whole file so that readers see either the old or the new content, never a mix:
 * a private temp file in the same directory (O_EXCL|O_NOFOLLOW, 0600), fsync, rename.
 */
export async function writeFileAtomic(
  file: string,
  content: string | ReadonlyArray<string | Uint8Array>,
  mode = FILE_MODE,
  opts: { durable?: boolean } = {},
): Promise<void> {
  return onFile(file, 'written', () => writeWhole(file, content, mode, opts.durable !== false));
}

async function writeWhole(
  file: string,
  content: string | ReadonlyArray<string | Uint8Array>,
  mode: number,
  durable: boolean,
): Promise<void> {
  const dir = path.dirname(file);
  await ensureDir(dir);
  await refuseSymlink(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${nonce(6)}.tmp`);
  const handle = await fs.open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    mode,
  );
  try {
    await handle.write(content);
    await handle.chmod(mode);
    // durable: false for bookkeeping that can be rebuilt: atomic still, without waiting for the disk.
    if (durable) await handle.sync();
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
  await onFile(file, 'removed', () => fs.rm(file, { force: true }));
}

export interface LockOptions {
  /** Give up after this long; a lock is considered abandoned after `staleMs`. */
  timeoutMs?: number;
  staleMs?: number;
}

/**
 * This host's name, read when a lock is first taken: from the kernel's own file where there is one
 * (what os.hostname() returns, without loading node:os on every login), else from node:os.
 */
let hostName: string | undefined;
const HOST = (): string => (hostName ??= kernelHostname() ?? os.hostname());
function kernelHostname(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/hostname', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
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
 * Contenders inside one process queue here, in order, instead of polling the lock file: a step
 * that logs in to 50 targets hands the lock from one to the next at once.
 */
const localQueues = new Map<string, Promise<void>>();

const lockedError = (file: string, lock: string) =>
  invalidInput(
    `${file} is locked by another deploy-login process (lock file ${lock}); if none is running, delete the lock file.`,
  );

/**
 * An exclusive lock beside `file`, safe across processes (and across hosts sharing a home over
 * NFS: the lock is created whole with link(2), which is atomic there too).
 *
 * Stale locks: the holder touches its lock every `staleMs / 4`, so a lock is broken only when its
 * owner is gone: at once when the owner was a process on this host that no longer exists
 * (SIGKILL), else when nobody has touched it for `staleMs`. A slow but live holder is never
 * broken, so two writers never both believe they hold it.
 */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  opts: LockOptions = {},
): Promise<T> {
  const lock = `${path.resolve(file)}.lock`;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const staleMs = opts.staleMs ?? 20_000;
  const started = Date.now();

  const ahead = localQueues.get(lock) ?? Promise.resolve();
  let leave!: () => void;
  const mine = new Promise<void>((resolve) => (leave = resolve));
  const tail = ahead.then(() => mine);
  localQueues.set(lock, tail);
  try {
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      ahead.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
    if (!waited) throw lockedError(file, lock);

    await onFile(file, 'locked', () => ensureDir(path.dirname(file)));
    const me = `${process.pid}:${HOST()}:${nonce(6)}`;
    await onFile(file, 'locked', () => acquire(lock, me, { file, started, timeoutMs, staleMs }));
    await sweepLitter(path.dirname(lock));
    const heartbeat = setInterval(
      () => {
        const now = new Date();
        fs.utimes(lock, now, now).catch(() => undefined);
      },
      Math.max(50, staleMs / 4),
    );
    heartbeat.unref?.();
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      const owner = await fs.readFile(lock, 'utf8').catch(() => '');
      if (owner === me) await fs.rm(lock, { force: true });
    }
  } finally {
    leave();
    if (localQueues.get(lock) === tail) localQueues.delete(lock);
  }
}

async function acquire(
  lock: string,
  me: string,
  o: { file: string; started: number; timeoutMs: number; staleMs: number },
): Promise<void> {
  // Write the owner into a private file first, then link it into place: the lock never exists empty.
  const draft = `${lock}.${nonce(6)}.tmp`;
  await fs.writeFile(draft, me, { mode: FILE_MODE, flag: 'wx' });
  try {
    let delay = 2;
    for (;;) {
      try {
        await linkOrCreate(draft, lock, me);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (await breakIfStale(lock, o.staleMs, draft, me)) continue;
      if (Date.now() - o.started > o.timeoutMs) throw lockedError(o.file, lock);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 50);
    }
  } finally {
    await fs.rm(draft, { force: true });
  }
}

/** link(2) where the filesystem has hard links; elsewhere an exclusive create (briefly empty). */
async function linkOrCreate(draft: string, lock: string, me: string): Promise<void> {
  try {
    await fs.link(draft, lock);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    await fs.writeFile(lock, me, { mode: FILE_MODE, flag: 'wx' });
  }
}

/**
 * What a writer killed mid-write (SIGKILL) leaves beside the files: a temp file of an atomic write
 * (which may hold a token), a lock draft, a lock breaker's marker or grave. The next writer in the directory
 * removes those whose process is gone, once per process and directory. The age guard keeps a
 * writer in another PID namespace sharing the directory (whose live PID we cannot see) safe.
 */
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;
const LOCK_GRAVE = /^.+\.lock\.stale\.(\d+)\.[0-9a-f]{8}$/;
const LOCK_DRAFT = /^.+\.lock\.[0-9a-f]{12}\.tmp$/;
const LOCK_BREAKING = /^.+\.lock\.breaking$/;
export const LITTER_MIN_AGE_MS = 5_000;
const swept = new Set<string>();

export async function sweepLitter(dir: string, now = Date.now()): Promise<string[]> {
  if (swept.has(dir)) return [];
  swept.add(dir);
  const removed: string[] = [];
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    // A tool file's directory may hold 1,000 files (one Spin file per target): one cheap test first.
    if (!name.endsWith('.tmp') && !name.includes('.lock.')) continue;
    const byPid = TEMP_FILE.exec(name) ?? LOCK_GRAVE.exec(name);
    const breaking = LOCK_BREAKING.test(name);
    if (!byPid && !breaking && !LOCK_DRAFT.test(name)) continue;
    const file = path.join(dir, name);
    const st = await fs.lstat(file).catch(() => undefined);
    if (!st?.isFile() || now - st.mtimeMs < LITTER_MIN_AGE_MS) continue;
    const owner = byPid ? undefined : await fs.readFile(file, 'utf8').catch(() => undefined);
    const dead = byPid
      ? !pidAlive(Number(byPid[1]))
      : breaking
        ? owner === '' || breakerIsDead(owner)
        : owner === '' || (!!owner && ownerIsDead(owner));
    if (
      dead &&
      (await fs.rm(file, { force: true }).then(
        () => true,
        () => false,
      ))
    )
      removed.push(file);
  }
  return removed;
}

/** A `.breaking` marker holds "pid:host[:nonce]": dead when that process lived on this host and is gone. */
function breakerIsDead(content: string | undefined): boolean {
  const [pid, host] = (content ?? '').split(':');
  return !!pid && host === HOST() && !pidAlive(Number(pid));
}

/** Owner "pid:host:nonce" (older versions wrote "pid:nonce"): dead when it lived on this host and is gone. */
function ownerIsDead(content: string): boolean {
  const [pid, host, nonce] = content.split(':');
  const sameHost = nonce === undefined || host === HOST();
  return sameHost && !pidAlive(Number(pid));
}

/** How long an empty lock file may be a live writer's, between creating it and writing its owner. */
const EMPTY_LOCK_MS = 2_000;

/**
 * Break the lock if its owner is gone. Owner and inode are read through one descriptor, so the
 * owner we judge is the file we would break: a lock released and re-taken between two reads
 * (owner read from the old file, the new file stat'ed) can never get a live owner's lock broken.
 * One breaker at a time (`.breaking`), and the inode is checked again right before the rename.
 */
async function breakIfStale(lock: string, staleMs: number, draft: string, me: string): Promise<boolean> {
  let seen: { content: string; ino: bigint; dev: bigint; mtimeMs: number };
  try {
    const fh = await fs.open(lock, 'r');
    try {
      const st = await fh.stat({ bigint: true });
      seen = {
        content: (await fh.read()).toString('utf8'),
        ino: st.ino,
        dev: st.dev,
        mtimeMs: Number(st.mtimeMs),
      };
    } finally {
      await fh.close();
    }
  } catch {
    return true; // vanished: try again at once
  }
  const dead = seen.content !== '' && ownerIsDead(seen.content);
  // A lock is written whole (linked into place), or where links fail, created and filled at once:
  // one still empty after a moment was left by a process killed in between, and names no owner to
  // wait for. Waiting out `staleMs` for it would block every later command for nothing.
  const emptyAndLeft = seen.content === '' && Date.now() - seen.mtimeMs > EMPTY_LOCK_MS;
  if (!dead && !emptyAndLeft && Date.now() - seen.mtimeMs <= staleMs) return false;
  const breaking = `${lock}.breaking`;
  try {
    // Our lock draft linked into place ("pid:host:nonce"): the marker is never empty, so one left by
    // a breaker killed mid-way is recognised as dead at once.
    await linkOrCreate(draft, breaking, me);
  } catch {
    // Someone else is breaking it right now. A breaker killed mid-way left this behind: clear it at
    // once when its process is gone (a killed command must not hold up the next), else once it is old.
    const [owner, st] = await Promise.all([
      fs.readFile(breaking, 'utf8').catch(() => undefined),
      fs.stat(breaking).catch(() => undefined),
    ]);
    if (st && (breakerIsDead(owner) || Date.now() - st.mtimeMs > 5_000)) {
      await fs.rm(breaking, { force: true });
      return true;
    }
    return false;
  }
  try {
    const now = await fs.stat(lock, { bigint: true }).catch(() => undefined);
    if (!now || now.ino !== seen.ino || now.dev !== seen.dev) return true; // replaced since: look again
    // Its owner touched it since (an empty lock has none to touch it: a write would have filled it).
    if (!dead && !emptyAndLeft && Date.now() - Number(now.mtimeMs) <= staleMs) return false;
    const grave = `${lock}.stale.${process.pid}.${nonce(4)}`;
    try {
      await fs.rename(lock, grave);
      const moved = await fs.stat(grave, { bigint: true }).catch(() => undefined);
      // Not the file we judged after all: put it back (link fails if a third took the lock since).
      if (moved && moved.ino !== seen.ino) await fs.link(grave, lock).catch(() => undefined);
      await fs.rm(grave, { force: true });
    } catch {}
    return true;
  } finally {
    await fs.rm(breaking, { force: true });
  }
}
