import { createHash } from 'node:crypto';
import { readIfExists, removeFile, withFileLock, writeFileAtomic } from './fsutil.js';
import type { Env, FileJournal } from './store.js';
import type { Format, TargetSpec } from './target.js';

export interface FormatContext {
  target: Pick<TargetSpec, 'name' | 'url' | 'insecure' | 'protocol' | 'options'>;
  token: string;
  username?: string;
  expiresAt?: string;
  refreshToken?: string;
  env: Env;
  home: string;
  platform: NodeJS.Platform;
  storeDir: string;
}

export interface Location {
  path: string;
  /** Set when the file is not where the tool looks by default: the variable that points the tool at it. */
  exportVar?: { name: string; value: string };
}

/** One deploy tool's credential file: where it lives, how our entry is merged in and taken out. */
export interface FormatWriter {
  format: Format;
  locate(ctx: FormatContext): Location;
  /** Merge our entry into the file's current text (undefined when absent). Throws invalidInput if unparseable. */
  upsert(
    existing: string | undefined,
    ctx: FormatContext,
  ): { content: string; key: string; previousEntry: string | null };
  /** Take our entry out again, putting back its predecessor; `empty` when no entry at all is left. */
  remove(existing: string, key: string, previousEntry: string | null): { content: string; empty: boolean };
  /** Variables to hand to later steps (the env format). */
  variables?(ctx: FormatContext): Record<string, string>;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Merge our entry into a tool's file under its lock, and return the journal that undoes it. */
export async function writeToolFile(
  writer: FormatWriter,
  ctx: FormatContext,
  earlier?: FileJournal,
): Promise<{ journal: FileJournal; before: string | undefined }> {
  const loc = writer.locate(ctx);
  return withFileLock(loc.path, async () => {
    const before = await readIfExists(loc.path);
    const { content, key, previousEntry } = writer.upsert(before, ctx);
    await writeFileAtomic(loc.path, content);
    // Re-login over our own entry: keep what was there before our first login.
    const keepEarlier = earlier && earlier.path === loc.path && earlier.key === key;
    const journal: FileJournal = {
      format: writer.format,
      path: loc.path,
      key,
      previousEntry: keepEarlier ? earlier.previousEntry : previousEntry,
      original: keepEarlier
        ? earlier.original
        : before === undefined
          ? null
          : Buffer.from(before).toString('base64'),
      writtenHash: sha256(content),
      ...(loc.exportVar ? { exportVar: loc.exportVar } : {}),
    };
    return { journal, before };
  });
}

/** Roll back one write of this run: put the bytes from just before it back, unless someone wrote since. */
export async function rollbackToolFile(
  path: string,
  before: string | undefined,
  writtenHash: string,
): Promise<void> {
  await withFileLock(path, async () => {
    const current = await readIfExists(path);
    if (current === undefined || sha256(current) !== writtenHash) return;
    if (before === undefined) await removeFile(path);
    else await writeFileAtomic(path, before);
  });
}

/**
 * Undo one journal entry: restore the original bytes when nobody touched the file since we
 * wrote it, else take out only our entry and leave everyone else's.
 */
export async function undoToolFile(writer: FormatWriter, j: FileJournal): Promise<void> {
  await withFileLock(j.path, async () => {
    const current = await readIfExists(j.path);
    if (current === undefined) return;
    if (sha256(current) === j.writtenHash) {
      if (j.original === null) await removeFile(j.path);
      else await writeFileAtomic(j.path, Buffer.from(j.original, 'base64').toString('utf8'));
      return;
    }
    let next: { content: string; empty: boolean };
    try {
      next = writer.remove(current, j.key, j.previousEntry);
    } catch {
      // Someone rewrote the file into something we cannot parse: leave it alone rather than lose it.
      return;
    }
    if (next.empty && j.original === null) await removeFile(j.path);
    else if (next.content !== current) await writeFileAtomic(j.path, next.content);
  });
}
