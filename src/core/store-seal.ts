import { constants, type BigIntStats } from 'node:fs';
import { localfs as fs } from './localfs.js';
import { FILE_MODE, fileError } from './fsutil.js';

/**
 * A seal: what the store's file looked like right after our last write to it (device, inode,
 * size, mtime and ctime in nanoseconds), kept beside it in `<store>.seal`. While the file still
 * matches its seal, it is the very text we wrote, so it is in our layout (store-text.ts) and a
 * command may read just the lines it needs instead of parsing 1,000 targets.
 *
 * Why the match is proof: any write to the file moves its ctime, which no process can set back;
 * a file put in its place (an editor's save, a restore, another version's write) has another
 * inode. A seal that cannot be written or read, or is half-written, simply does not match, and
 * the store is parsed whole as if there were none. The seal holds nothing secret.
 */
export const sealPath = (file: string): string => `${file}.seal`;

/**
 * Fixed width (each number in 20 digits, as many as a 64-bit one has), so a new seal overwrites
 * the old one in place: truncating a file that was just written makes ext4 flush it at close
 * (auto_da_alloc), which cost a login half a millisecond.
 */
export const sealOf = (st: BigIntStats): string =>
  `${[st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].map((n) => String(n).padStart(20, '0')).join(' ')}\n`;
const SEAL_LENGTH = 5 * 21;

export interface StoreText {
  text: Buffer;
  /** The text is the one our last write left: in our layout, every name once. */
  sealed: boolean;
}

/** The store's text and whether its seal vouches for it; undefined when there is no store. */
export async function readStoreText(file: string): Promise<StoreText | undefined> {
  let handle;
  try {
    handle = await fs.open(file, constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(err, file, 'read');
  }
  try {
    // Stat, read, stat again from one descriptor: a write in place during the read shows as a
    // changed ctime, and a file renamed over the path meanwhile is not the one we read.
    const before = sealOf(await handle.stat({ bigint: true }));
    const text = await handle.read();
    const after = sealOf(await handle.stat({ bigint: true }));
    const seal = before === after ? await fs.readFile(sealPath(file), 'utf8').catch(() => '') : '';
    return { text, sealed: seal === before };
  } catch (err) {
    throw fileError(err, file, 'read');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Seal the store as it is now: called under the store's lock right after writing it, so no other
 * writer of ours comes between. Not fsynced: a seal lost in a crash only costs one whole parse.
 */
export async function sealStore(file: string): Promise<void> {
  try {
    const st = await fs.stat(file, { bigint: true });
    const handle = await fs.open(
      sealPath(file),
      constants.O_WRONLY | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
      FILE_MODE,
    );
    try {
      // A reader meanwhile may see old and new bytes mixed: that never equals the seal of the
      // file it read unless it is that seal.
      await handle.write(sealOf(st), 0);
      if ((await handle.stat({ bigint: true })).size !== BigInt(SEAL_LENGTH))
        await handle.truncate(SEAL_LENGTH);
    } finally {
      await handle.close();
    }
  } catch {
    await unsealStore(file);
  }
}

export async function unsealStore(file: string): Promise<void> {
  await fs.rm(sealPath(file), { force: true }).catch(() => undefined);
}
