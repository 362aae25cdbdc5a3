/**
 * A hex nonce for temp and lock file names. They only need to differ between concurrent writers
 * (O_EXCL and link() catch the rare clash), not to be unguessable, so Math.random serves and
 * start-up skips loading node:crypto (~5 ms).
 */
export declare function nonce(bytes: number): string;
export declare const FILE_MODE = 384;
export declare const DIR_MODE = 448;
/** Create the directory (and parents) with 0700 for the ones we create; never follow a symlinked leaf. */
export declare function ensureDir(dir: string): Promise<void>;
/**
 * ensureDir that also says which directories it made (outermost first), so that undoing a write
 * can take them away again: a login into an empty HOME must not leave ~/.docker behind. Each is
 * made on its own, so one another process made meanwhile (EEXIST) is not counted as ours.
 */
export declare function makeDirs(dir: string): Promise<string[]>;
/**
 * Remove directories that makeDirs made, innermost first, while they are empty: one that holds
 * anything (someone else's file) stops the walk, since its parents cannot be empty either.
 */
export declare function removeEmptyDirs(dirs: readonly string[] | undefined): Promise<void>;
export declare function readIfExists(file: string): Promise<string | undefined>;
export declare function fileError(err: unknown, file: string, verb: string): unknown;
/**
 * What writing `file` would refuse, found before a login sends anything (exit 2 promises that
 * nothing was sent): the file a symlink or not a file, or a part of its path a file. It only
 * reads; the write checks again. One lstat when the file is already there.
 */
export declare function checkWritable(file: string): Promise<void>;
export declare function refuseSymlink(file: string): Promise<void>;
/**
 * Write a whole file so that readers see either the old or the new content, never a mix:
 * a private temp file in the same directory (O_EXCL|O_NOFOLLOW, 0600), fsync, rename.
 */
export declare function writeFileAtomic(file: string, content: string | ReadonlyArray<string | Uint8Array>, mode?: number, opts?: {
    durable?: boolean;
}): Promise<void>;
export declare function removeFile(file: string): Promise<void>;
export interface LockOptions {
    /** Give up after this long; a lock is considered abandoned after `staleMs`. */
    timeoutMs?: number;
    staleMs?: number;
}
/**
 * An exclusive lock beside `file`, safe across processes (and across hosts sharing a home over
 * NFS: the lock is created whole with link(2), which is atomic there too).
 *
 * Stale locks: the holder touches its lock every `staleMs / 4`, so a lock is broken only when its
 * owner is gone: at once when the owner was a process on this host that no longer exists
 * (SIGKILL), else when nobody has touched it for `staleMs`. A slow but live holder is never
 * broken, so two writers never both believe they hold it.
 */
export declare function withFileLock<T>(file: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
export declare const LITTER_MIN_AGE_MS = 5000;
export declare function sweepLitter(dir: string, now?: number): Promise<string[]>;
