import path from 'node:path';
import { readIfExists, removeFile, writeFileAtomic } from './fsutil.js';
import { parseJsonSafely } from './redact.js';
import { readStore, type StoreData } from './store.js';

/**
 * Who holds which entry of a shared tool file.
 *
 * Several deploy-login runs with different stores can write the same tool file: matrix legs of
 * different jobs on one self-hosted runner share one HOME and so one ~/.docker/config.json.
 * Each run's store journals only its own changes; what one run cannot see is that another
 * stacked its entry on top of (or below) its own under the same key. This ledger, kept beside
 * the file and written under the file's lock, records per key the stack of runs that wrote it,
 * each with the entry it replaced. Leaving the stack is then a linked-list splice:
 *
 * - the top leaves: its predecessor's entry goes back into the file (if the file still holds
 *   the top's own entry: anything else was written by someone outside deploy-login and is kept);
 * - anyone else leaves: the file is not touched, and the run above inherits its predecessor,
 *   so a run that logged out is never resurrected by a later logout.
 *
 * The ledger holds serialized predecessor entries (credentials already present in the tool
 * file), so it is written 0600 like the file itself and deleted as soon as it is empty.
 */
export interface OwnerRecord {
  /** `<store path>#<target>`: whose entry it is. */
  owner: string;
  /** When it was written (ISO), to leave in-flight logins alone when pruning. */
  at: string;
  /** sha256 of our entry as the writer serializes it; '' when the writer cannot read entries back. */
  entry: string;
  /** The entry we replaced, serialized by the writer; null when the key was free. */
  previous: string | null;
}

export interface Ledger {
  version: 1;
  /** True when a deploy-login run created the file: the last one out removes it again. */
  created: boolean;
  /**
   * The directories that run made for the file (outermost first): the last one out removes them
   * too, when empty. Only the first run's store journal knows them, and it may leave first.
   */
  dirs?: string[];
  keys: Record<string, OwnerRecord[]>;
}

/**
 * `.<file>.deploy-login`: not ending in `.json`, because some tools treat every *.json file in
 * their directory as theirs (`spin cloud login --list` lists each one in fermyon/ as an
 * environment). Versions before this one named it `.<file>.deploy-login.json` (legacyLedgerPath):
 * it is still read, and removed when the ledger is next written.
 */
export function ledgerPath(file: string): string {
  const base = path.basename(file);
  const name = base.startsWith('.') ? `${base}.deploy-login` : `.${base}.deploy-login`;
  return path.join(path.dirname(file), name);
}
export const legacyLedgerPath = (file: string): string => `${ledgerPath(file)}.json`;

/** An unreadable ledger is treated as empty: the store journals still allow a plain undo. */
export async function readLedger(file: string): Promise<Ledger> {
  const text =
    (await readIfExists(ledgerPath(file)).catch(() => undefined)) ??
    (await readIfExists(legacyLedgerPath(file)).catch(() => undefined));
  const parsed = text === undefined ? undefined : parseJsonSafely(text);
  const v = parsed?.ok ? (parsed.value as Partial<Ledger> | null) : undefined;
  if (!v || v.version !== 1 || typeof v.keys !== 'object' || v.keys === null || Array.isArray(v.keys)) {
    return { version: 1, created: false, keys: {} };
  }
  const keys: Ledger['keys'] = {};
  for (const [k, list] of Object.entries(v.keys)) {
    if (!Array.isArray(list)) continue;
    const ok = list.filter(
      (r): r is OwnerRecord =>
        !!r &&
        typeof r.owner === 'string' &&
        typeof r.entry === 'string' &&
        (r.previous === null || typeof r.previous === 'string'),
    );
    if (ok.length) keys[k] = ok;
  }
  // Only the file's own directory and its parents: the ledger is a file, and what it names is removed.
  const dir = path.dirname(file);
  const dirs = Array.isArray(v.dirs)
    ? v.dirs.filter(
        (d): d is string =>
          typeof d === 'string' && path.isAbsolute(d) && (dir === d || dir.startsWith(d + path.sep)),
      )
    : [];
  return { version: 1, created: v.created === true, keys, ...(dirs.length ? { dirs } : {}) };
}

export async function writeLedger(file: string, ledger: Ledger): Promise<void> {
  const at = ledgerPath(file);
  if (Object.keys(ledger.keys).length === 0) {
    await removeFile(at).catch(() => undefined);
  } else {
    // Not fsynced: after a power cut a lost ledger only means undo falls back to the store's journal.
    await writeFileAtomic(at, JSON.stringify(ledger) + '\n', undefined, { durable: false });
  }
  // The old name's file, read above when the new one was missing, is superseded now.
  await removeFile(legacyLedgerPath(file)).catch(() => undefined);
}

export const isEmptyLedger = (l: Ledger): boolean => Object.keys(l.keys).length === 0;

/**
 * Record that `owner` now holds `key`. `replaced` is the entry the file held there before this
 * write (from the writer); `currentIsMine` says whether that entry was this owner's own earlier
 * one, in which case the predecessor stays what it was.
 */
export function push(
  ledger: Ledger,
  key: string,
  record: Omit<OwnerRecord, 'previous'>,
  replaced: string | null,
  replacedHash: string | undefined,
): OwnerRecord {
  const stack = (ledger.keys[key] ??= []);
  const at = stack.findIndex((r) => r.owner === record.owner);
  let previous = replaced;
  if (at >= 0) {
    const old = stack[at]!;
    const onTop = at === stack.length - 1;
    // Our own entry was still in the file: what we replaced the first time is still the predecessor.
    if (onTop && (!old.entry || replacedHash === undefined || old.entry === replacedHash)) {
      previous = old.previous;
    }
    splice(stack, at);
  }
  const next: OwnerRecord = { ...record, previous };
  stack.push(next);
  return next;
}

/** Take the record at `at` out of a stack, handing its predecessor to the record above it. */
function splice(stack: OwnerRecord[], at: number): void {
  const above = stack[at + 1];
  if (above) above.previous = stack[at]!.previous;
  stack.splice(at, 1);
}

export type LeaveAction =
  /** Not in the ledger (an older store, or the ledger was lost): fall back to the journal. */
  | { kind: 'unknown' }
  /** Someone else's entry is at the key now (stacked on ours, or written outside deploy-login): leave the file alone. */
  | { kind: 'keep' }
  /** Our entry is at the key: put `previous` back; `spliced` says whether it changed since we wrote. */
  | { kind: 'restore'; previous: string | null; spliced: boolean };

/** `owner` leaves `key`; `currentHash` is the hash of the entry the file holds there now (undefined: unknown). */
export function leave(
  ledger: Ledger,
  key: string,
  owner: string,
  currentHash: string | undefined,
  journalPrevious: string | null,
): LeaveAction {
  const stack = ledger.keys[key];
  const at = stack ? stack.findIndex((r) => r.owner === owner) : -1;
  if (!stack || at < 0) return { kind: 'unknown' };
  const rec = stack[at]!;
  const onTop = at === stack.length - 1;
  splice(stack, at);
  if (stack.length === 0) delete ledger.keys[key];
  if (!onTop) return { kind: 'keep' };
  if (rec.entry && currentHash !== undefined && currentHash !== rec.entry) return { kind: 'keep' };
  return { kind: 'restore', previous: rec.previous, spliced: rec.previous !== journalPrevious };
}

/**
 * Records of runs that will never log out (a job killed before its post step, a store deleted)
 * would keep their token in the file for good. A record is abandoned when its store no longer
 * lists that target with this file, and it is older than `graceMs` (a login writes its tool
 * files a moment before its store entry).
 */
export async function abandoned(
  ledger: Ledger,
  file: string,
  now: number,
  graceMs = 10 * 60_000,
): Promise<Array<{ key: string; owner: string }>> {
  const old: Array<{ key: string; owner: string; store: string; target: string }> = [];
  for (const [key, stack] of Object.entries(ledger.keys)) {
    for (const r of stack) {
      const at = Date.parse(r.at);
      if (!Number.isFinite(at) || now - at < graceMs) continue;
      const hash = r.owner.lastIndexOf('#');
      old.push({ key, owner: r.owner, store: r.owner.slice(0, hash), target: r.owner.slice(hash + 1) });
    }
  }
  // One read per store, of just the targets in question (a sealed store is not parsed past them).
  const stores = new Map<string, Promise<StoreData | undefined>>();
  for (const { store } of old) {
    if (stores.has(store)) continue;
    const targets = old.filter((o) => o.store === store).map((o) => o.target);
    // undefined: unreadable; its records are left be rather than guessed at.
    stores.set(
      store,
      readStore(store, () => targets).catch(() => undefined),
    );
  }
  const out: Array<{ key: string; owner: string }> = [];
  for (const { key, owner, store, target } of old) {
    const data = await stores.get(store);
    if (data === undefined) continue;
    const files = data.targets[target]?.files ?? [];
    if (!files.some((f) => f.path === file)) out.push({ key, owner });
  }
  return out;
}
