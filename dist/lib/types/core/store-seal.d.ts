import { type BigIntStats } from 'node:fs';
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
export declare const sealPath: (file: string) => string;
/**
 * Fixed width (each number in 20 digits, as many as a 64-bit one has), so a new seal overwrites
 * the old one in place: truncating a file that was just written makes ext4 flush it at close
 * (auto_da_alloc), which cost a login half a millisecond.
 */
export declare const sealOf: (st: BigIntStats) => string;
export interface StoreText {
    text: Buffer;
    /** The text is the one our last write left: in our layout, every name once. */
    sealed: boolean;
}
/** The store's text and whether its seal vouches for it; undefined when there is no store. */
export declare function readStoreText(file: string): Promise<StoreText | undefined>;
/**
 * Seal the store as it is now: called under the store's lock right after writing it, so no other
 * writer of ours comes between. Not fsynced: a seal lost in a crash only costs one whole parse.
 */
export declare function sealStore(file: string): Promise<void>;
export declare function unsealStore(file: string): Promise<void>;
