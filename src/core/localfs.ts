import * as fsSync from 'node:fs';

/**
 * The slice of `fs.promises` the store and the lock use, done with synchronous calls. Every file
 * here is small and local: a synchronous call costs microseconds, while each promise call is a
 * thread-pool round trip (and the first one loads `fs/promises`), which made a login's two dozen
 * file operations cost more than its network exchange. Errors still arrive as rejected promises,
 * so callers keep `await` and `.catch` as they would with `fs.promises`.
 */
type Sync<T> = () => T;
const run = <T>(fn: Sync<T>): Promise<T> => {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
};

export interface LocalFileHandle {
  /** The whole file from the start. */
  read(): Promise<Buffer>;
  /**
   * A text, or parts written one after another (writev), at `position` (pwrite) or at the file
   * offset; writev may take fewer bytes than asked, so it goes on until all are in.
   */
  write(content: string | ReadonlyArray<string | Uint8Array>, position?: number): Promise<void>;
  truncate(length: number): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  stat(opts: { bigint: true }): Promise<fsSync.BigIntStats>;
  close(): Promise<void>;
}

function writeAll(
  fd: number,
  content: string | ReadonlyArray<string | Uint8Array>,
  position: number | undefined,
): void {
  const parts = typeof content === 'string' ? [content] : content;
  const bufs = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)).filter((b) => b.length > 0);
  let at = position;
  while (bufs.length) {
    let written = fsSync.writevSync(fd, bufs, at);
    if (at !== undefined) at += written;
    while (bufs.length && written >= bufs[0]!.length) written -= bufs.shift()!.length;
    if (written > 0) bufs[0] = bufs[0]!.subarray(written);
  }
}

function handle(fd: number): LocalFileHandle {
  return {
    read: () => run(() => fsSync.readFileSync(fd)),
    write: (content, position) => run(() => writeAll(fd, content, position)),
    truncate: (length) => run(() => fsSync.ftruncateSync(fd, length)),
    chmod: (mode) => run(() => fsSync.fchmodSync(fd, mode)),
    sync: () => run(() => fsSync.fsyncSync(fd)),
    stat: () => run(() => fsSync.fstatSync(fd, { bigint: true })),
    close: () => run(() => fsSync.closeSync(fd)),
  };
}

export const localfs = {
  lstat: (p: string) => run(() => fsSync.lstatSync(p)),
  stat: ((p: string, opts?: { bigint: true }) => run(() => fsSync.statSync(p, opts as never))) as {
    (p: string): Promise<fsSync.Stats>;
    (p: string, opts: { bigint: true }): Promise<fsSync.BigIntStats>;
  },
  mkdir: (p: string, opts: fsSync.MakeDirectoryOptions) => run(() => void fsSync.mkdirSync(p, opts)),
  rmdir: (p: string) => run(() => fsSync.rmdirSync(p)),
  readFile: (p: string, encoding: BufferEncoding) => run(() => fsSync.readFileSync(p, encoding)),
  writeFile: (p: string, data: string, opts: fsSync.WriteFileOptions) =>
    run(() => fsSync.writeFileSync(p, data, opts)),
  open: (p: string, flags: string | number, mode?: number) =>
    run(() => handle(fsSync.openSync(p, flags, mode))),
  rm: (p: string, opts?: fsSync.RmOptions) => run(() => fsSync.rmSync(p, opts)),
  rename: (from: string, to: string) => run(() => fsSync.renameSync(from, to)),
  link: (from: string, to: string) => run(() => fsSync.linkSync(from, to)),
  readdir: (p: string) => run(() => fsSync.readdirSync(p)),
  utimes: (p: string, atime: Date, mtime: Date) => run(() => fsSync.utimesSync(p, atime, mtime)),
};
