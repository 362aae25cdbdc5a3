import { isoTime } from './time.js';
import path from 'node:path';
import { DeployLoginError } from './errors.js';
import {
  FILE_MODE,
  makeDirs,
  readIfExists,
  removeEmptyDirs,
  removeFile,
  withFileLock,
  writeFileAtomic,
} from './fsutil.js';
import { localfs as fs } from './localfs.js';
import { loadSha256, sha256 } from './sha256.js';
import {
  abandoned,
  isEmptyLedger,
  leave,
  push,
  readLedger,
  writeLedger,
  type LeaveAction,
  type Ledger,
} from './owners.js';
import type { Env, FileJournal } from './store.js';
import type { Format, TargetSpec } from './target.js';

export interface FormatContext {
  target: Pick<TargetSpec, 'name' | 'url' | 'insecure' | 'protocol' | 'options'>;
  token: string;
  username?: string;
  expiresAt?: string;
  refreshToken?: string;
  /** The token is a registry identity token (an OAuth2 refresh token for its token service), not a password. */
  identityToken?: boolean;
  /** Where a writer says something the user should know (e.g. a docker credsStore that shadows our entry). */
  warn?: (line: string) => void;
  env: Env;
  home: string;
  platform: NodeJS.Platform;
  storeDir: string;
}

/** What a format can check before the token exists: the target, and the username asked for. */
export type FormatTarget = FormatContext['target'] & { username?: string };

export interface Location {
  path: string;
  /** Set when the file is not where the tool looks by default: the variable that points the tool at it. */
  exportVar?: { name: string; value: string };
}

/** One deploy tool's credential file: where it lives, how our entry is merged in and taken out. */
export interface FormatWriter {
  format: Format;
  /** Load what the writer needs (a parser) before upsert/remove run; called by the engine, once is enough. */
  load?(): Promise<void>;
  locate(ctx: FormatContext): Location;
  /**
   * Refuse, before any request is sent, what this format could never write for the target (a
   * netrc username with a space, a URL a dotenv value cannot hold): exit 2 means nothing was sent,
   * and a token issued only to be thrown away is a token a log may have seen for nothing.
   */
  check?(target: FormatTarget): void;
  /**
   * Throw UnparseableToolFile when the tool could not read `content` (what `status` reports);
   * formats whose every text reads (line-based ones) leave it out.
   */
  parse?(content: string, file: string): void;
  /** Merge our entry into the file's current text (undefined when absent). Throws invalidInput if unparseable. */
  upsert(
    existing: string | undefined,
    ctx: FormatContext,
  ): { content: string; key: string; previousEntry: string | null };
  /** Take our entry out again, putting back its predecessor; `empty` when no entry at all is left. */
  remove(existing: string, key: string, previousEntry: string | null): { content: string; empty: boolean };
  /** Variables to hand to later steps (the env format). */
  variables?(ctx: FormatContext): Record<string, string>;
  /**
   * The entry at `key` serialized exactly as `upsert` reports a `previousEntry` (null when there
   * is none). Optional, but without it a run cannot tell its own entry from one written over it
   * since by something other than deploy-login (see owners.ts).
   */
  entryAt?(content: string, key: string): string | null;
}

/**
 * What a writer's upsert throws when the file there cannot be parsed (not JSON, not YAML, a list
 * that is not a list). Called directly, it is invalid input like any other; a login replaces the
 * file instead, with a warning naming it, and keeps its bytes so that logout puts them back.
 */
export class UnparseableToolFile extends DeployLoginError {
  constructor(
    message: string,
    /** Why, in a few words ("it is not valid YAML (line 3)"), for the warning. */
    readonly reason: string,
  ) {
    super('invalid-input', message);
  }
}

/** Who writes: the store and target, so runs with different stores sharing one HOME are told apart. */
export const ownerOf = (storePath: string, target: string): string => `${storePath}#${target}`;

/**
 * Files in the store's own directory (the env format's) belong to that store alone: no run with
 * another store can write them, so they need no ledger of owners (one file and one fsync less).
 */
function sharedFile(file: string, owner: string | undefined): boolean {
  if (!owner) return true;
  return path.dirname(file) !== path.dirname(owner.slice(0, owner.lastIndexOf('#')));
}
const loadLedger = (file: string, owner: string | undefined): Promise<Ledger> =>
  sharedFile(file, owner) ? readLedger(file) : Promise.resolve({ version: 1, created: false, keys: {} });
const saveLedger = (file: string, owner: string | undefined, ledger: Ledger): Promise<void> =>
  sharedFile(file, owner) ? writeLedger(file, ledger) : Promise.resolve();

/** A byte-for-byte copy of the original file is kept up to this size; beyond it, undo is by entry. */
const ORIGINAL_CAP = 1024 * 1024;

/** The hash of the entry at `key` in `content`: undefined when the writer cannot say. */
function entryHash(writer: FormatWriter, content: string | undefined, key: string): string | undefined {
  if (content === undefined || !writer.entryAt) return undefined;
  try {
    const e = writer.entryAt(content, key);
    return e === null ? 'absent' : sha256(e);
  } catch {
    return undefined;
  }
}

export interface ToolFileWrite {
  journal: FileJournal;
  /** The file's bytes before this write (undefined: it did not exist), for a rollback. */
  before: string | undefined;
  /** The ledger before this write, for a rollback. */
  ledgerBefore: Ledger;
  /** The file's permission bits before this write, for a rollback. */
  modeBefore?: number;
}

/** Permission bits of a file that exists (undefined when it cannot be stat'ed). */
const modeOf = (file: string): Promise<number | undefined> =>
  fs.lstat(file).then(
    (st) => st.mode & 0o777,
    () => undefined,
  );

/**
 * Merge our entry into a tool's file under its lock, record it in the file's ledger of owners,
 * and return the journal that undoes it. `earlier` is this target's journal for the same
 * format from a previous login, so a re-login keeps what was there before the first one.
 */
export async function writeToolFile(
  writer: FormatWriter,
  ctx: FormatContext,
  earlier?: FileJournal,
  owner = ownerOf(path.join(ctx.storeDir, 'credentials.json'), ctx.target.name),
): Promise<ToolFileWrite> {
  const loc = writer.locate(ctx);
  await writer.load?.();
  await loadSha256();
  const dirs = await makeDirs(path.dirname(loc.path));
  // A write that fails leaves no directory of ours behind (the lock file is gone by then).
  return withFileLock(loc.path, () => writeLocked(writer, ctx, loc, earlier, owner, dirs)).catch(
    async (err: unknown) => {
      await removeEmptyDirs(dirs);
      throw err;
    },
  );
}

async function writeLocked(
  writer: FormatWriter,
  ctx: FormatContext,
  loc: Location,
  earlier: FileJournal | undefined,
  owner: string,
  dirs: string[],
): Promise<ToolFileWrite> {
  const before = await readIfExists(loc.path);
  const modeBefore = before === undefined ? undefined : await modeOf(loc.path);
  const ledger = await loadLedger(loc.path, owner);
  const ledgerBefore = structuredClone(ledger);
  const current = await pruneAbandoned(writer, loc.path, ledger, before);
  if (before === undefined && isEmptyLedger(ledger)) {
    ledger.created = true;
    if (dirs.length) ledger.dirs = dirs;
  }
  let upserted: ReturnType<FormatWriter['upsert']>;
  let replaced = false;
  try {
    upserted = writer.upsert(current, ctx);
  } catch (err) {
    if (!(err instanceof UnparseableToolFile) || before === undefined) throw err;
    // The contract: an unparseable tool file is never silently discarded. It is replaced by a
    // fresh one, said so, and its bytes are journaled (below) for logout to put back. Whatever
    // other runs' ledger records said was in it is gone with its content.
    ctx.warn?.(
      `${loc.path} cannot be parsed (${err.reason}): deploy-login replaced it; its bytes are kept and put back at logout.`,
    );
    upserted = writer.upsert(undefined, ctx);
    replaced = true;
    ledger.keys = {};
  }
  const { content, key, previousEntry } = upserted;
  const alone = Object.values(ledger.keys).every((stack) => stack.every((r) => r.owner === owner));
  const mine = entryHash(writer, content, key);
  const rec = push(
    ledger,
    key,
    { owner, at: isoTime(Date.now()), entry: mine && mine !== 'absent' ? mine : '' },
    previousEntry,
    previousEntry === null ? undefined : sha256(previousEntry),
  );
  await writeFileAtomic(loc.path, content);
  await saveLedger(loc.path, owner, ledger);
  // The original bytes are worth keeping only when no other run has entries in the file: then
  // undoing is exactly "put the file back". With others in it, undo goes entry by entry.
  // A re-login keeps the bytes from before its first login (the earlier journal's); without
  // that journal, the bytes before this write are our own earlier entry, not the original.
  const sameEntry = earlier && earlier.path === loc.path && earlier.key === key;
  const reLogin = Object.values(ledgerBefore.keys).some((stack) => stack.some((r) => r.owner === owner));
  let original: string | null = null;
  let shared = true;
  let mode = modeBefore;
  if (replaced) {
    // The unparseable bytes go back whatever their size: they exist nowhere else.
    shared = false;
    original = Buffer.from(before!).toString('base64');
  } else if (alone && !(current !== undefined && current.length > ORIGINAL_CAP)) {
    if (sameEntry) {
      shared = !!earlier.shared;
      original = earlier.shared ? null : earlier.original;
      mode = earlier.mode;
    } else if (!reLogin) {
      shared = false;
      original = current === undefined ? null : Buffer.from(current).toString('base64');
    }
  }
  // Directories a first login made stay recorded through re-logins, for the last logout.
  const madeDirs = [...(earlier?.path === loc.path ? (earlier.dirs ?? []) : []), ...dirs];
  const journal: FileJournal = {
    format: writer.format,
    path: loc.path,
    key,
    previousEntry: rec.previous,
    original,
    ...(shared ? { shared: true } : {}),
    writtenHash: sha256(content),
    ...(mine && mine !== 'absent' ? { entryHash: mine } : {}),
    ...(loc.exportVar ? { exportVar: loc.exportVar } : {}),
    ...(original !== null && mode !== undefined ? { mode } : {}),
    ...(madeDirs.length ? { dirs: madeDirs } : {}),
  };
  return { journal, before, ledgerBefore, modeBefore };
}

/** Take out the entries of runs that will never log out (see owners.abandoned), in memory. */
async function pruneAbandoned(
  writer: FormatWriter,
  file: string,
  ledger: Ledger,
  content: string | undefined,
): Promise<string | undefined> {
  if (isEmptyLedger(ledger)) return content;
  let text = content;
  for (const { key, owner } of await abandoned(ledger, file, Date.now())) {
    const action = leave(ledger, key, owner, entryHash(writer, text, key), null);
    if (action.kind !== 'restore' || text === undefined) continue;
    try {
      text = writer.remove(text, key, action.previous).content;
    } catch {
      // Unparseable: the upsert that follows reports it.
    }
  }
  return text;
}

/**
 * Roll back one write of this run after a later step failed: the bytes from just before it go
 * back (with the ledger as it was) when nobody wrote since; otherwise our entry is taken out.
 */
export async function rollbackWrite(
  writer: FormatWriter,
  write: ToolFileWrite,
  owner: string,
): Promise<void> {
  await undo(writer, write.journal, owner, write);
}

/** The bytes-only rollback (no ledger): put `before` back if the file is still as we wrote it. */
export async function rollbackToolFile(
  file: string,
  before: string | undefined,
  writtenHash: string,
): Promise<void> {
  await loadSha256();
  await withFileLock(file, async () => {
    const current = await readIfExists(file);
    if (current === undefined || sha256(current) !== writtenHash) return;
    if (before === undefined) await removeFile(file);
    else await writeFileAtomic(file, before);
  });
}

/**
 * Undo one journal entry when a target logs out: restore the original bytes when nobody touched
 * the file since we wrote it, else take out only our entry (putting back the one we replaced,
 * or the one the ledger says is now below us) and leave everyone else's.
 */
export async function undoToolFile(writer: FormatWriter, j: FileJournal, owner?: string): Promise<void> {
  await undo(writer, j, owner, undefined);
}

async function undo(
  writer: FormatWriter,
  j: FileJournal,
  owner: string | undefined,
  rollback: ToolFileWrite | undefined,
): Promise<void> {
  await writer.load?.();
  await loadSha256();
  const lastOut = await withFileLock(j.path, () => undoLocked(writer, j, owner, rollback));
  // After the lock is released (its file sat in the directory): directories the write made go
  // when nothing is left in them; one holding anything (a restored file, someone's) stays. The
  // last run out of a file another run created also takes the directories that run made.
  await removeEmptyDirs(j.dirs);
  await removeEmptyDirs(lastOut);
}

/** Returns the ledger's directories when this undo removed a file a deploy-login run created. */
async function undoLocked(
  writer: FormatWriter,
  j: FileJournal,
  owner: string | undefined,
  rollback: ToolFileWrite | undefined,
): Promise<string[] | undefined> {
  const current = await readIfExists(j.path);
  const ledger = await loadLedger(j.path, owner);
  // Without an owner (a caller of the plain API), the record is the newest one with our entry.
  const who =
    owner ??
    (j.entryHash ? ledger.keys[j.key]?.filter((r) => r.entry === j.entryHash).pop()?.owner : undefined);
  const action: LeaveAction = who
    ? leave(ledger, j.key, who, entryHash(writer, current, j.key), j.previousEntry)
    : { kind: 'unknown' };
  const untouched = current !== undefined && sha256(current) === j.writtenHash;
  if (current === undefined || action.kind === 'keep') {
    await saveLedger(j.path, owner, ledger);
    return;
  }
  let previous = j.previousEntry;
  if (action.kind === 'restore') previous = action.previous;
  // No ledger record (an older store, a lost ledger, or undone already): touch the key only if
  // it still holds our own entry, so a repeated undo never clobbers whoever wrote it since.
  const now = entryHash(writer, current, j.key);
  if (action.kind === 'unknown' && !untouched && j.entryHash && now !== undefined && now !== j.entryHash) {
    await saveLedger(j.path, owner, ledger);
    return;
  }
  const exact = untouched && !(action.kind === 'restore' && action.spliced);
  if (exact && rollback) {
    if (rollback.before === undefined) await removeFile(j.path);
    else await writeFileAtomic(j.path, rollback.before, rollback.modeBefore ?? FILE_MODE);
    await saveLedger(j.path, owner, rollback.ledgerBefore);
    return;
  }
  if (exact && !j.shared) {
    if (j.original === null) await removeFile(j.path);
    // The original bytes go back with the mode they had (a 0644 .npmrc stays 0644).
    else
      await writeFileAtomic(j.path, Buffer.from(j.original, 'base64').toString('utf8'), j.mode ?? FILE_MODE);
    await saveLedger(j.path, owner, ledger);
    return;
  }
  let next: { content: string; empty: boolean };
  try {
    next = writer.remove(current, j.key, previous);
  } catch {
    // Someone rewrote the file into something we cannot parse: leave it alone rather than lose it.
    await saveLedger(j.path, owner, ledger);
    return;
  }
  const createdByUs = j.shared ? ledger.created && isEmptyLedger(ledger) : j.original === null;
  // No entry left and nothing else in the file: remove it rather than leave it empty. An empty
  // Spin/Docker/kube file is one the tool cannot parse; it happens when the run that created the
  // file was killed before its store recorded it, so the journal says "not created by us".
  const gone = next.empty && (createdByUs || next.content.trim() === '');
  if (gone) await removeFile(j.path);
  else if (next.content !== current) await writeFileAtomic(j.path, next.content);
  await saveLedger(j.path, owner, ledger);
  return gone && createdByUs ? ledger.dirs : undefined;
}
