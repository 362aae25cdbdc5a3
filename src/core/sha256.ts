import { createHash } from 'node:crypto';

/**
 * Hex SHA-256 of a file's or an entry's text, for the journals and ledgers that tell whether a
 * tool file is still as we left it. Small texts (entries, most tool files) go through
 * @noble/hashes: loading node:crypto costs a login about 6 ms (it pulls in 16 internal modules),
 * while hashing a kilobyte in JavaScript costs well under one. Past LARGE, JavaScript's
 * ~0.4 ms per cold kilobyte would overtake that, so node:crypto (loaded on first use by the
 * build's deferred built-ins) takes over. Both give the same digests, so journals and ledgers
 * already written stay valid. @noble/hashes is a chunk of its own: most commands never hash.
 */
const LARGE = 16 * 1024;
let digest: ((data: Uint8Array) => Uint8Array) | undefined;

/** Makes `sha256` usable; every path that hashes awaits this first. */
export async function loadSha256(): Promise<void> {
  digest ??= (await import('@noble/hashes/sha2.js')).sha256;
}

export function sha256(text: string): string {
  if (text.length > LARGE) return createHash('sha256').update(text).digest('hex');
  if (!digest) throw new Error('sha256 called before loadSha256');
  return Buffer.from(digest(Buffer.from(text, 'utf8'))).toString('hex');
}
