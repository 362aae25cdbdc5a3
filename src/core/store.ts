import path from 'node:path';
import { localfs as fs } from './localfs.js';
import { invalidInput } from './errors.js';
import { refuseSymlink, removeFile, withFileLock, writeFileAtomic } from './fsutil.js';
import { parseJsonSafely } from './redact.js';
import { storedTargetsProblem } from './store-check.js';
import { readStoreText, sealStore, unsealStore } from './store-seal.js';
import { readHead, readMember, serializeStoreText, spliceStoreText, type TextParts } from './store-text.js';
import { validateTargetName, type Format, type Method, type ProtocolName } from './target.js';

export type Env = Record<string, string | undefined>;

type StoreLayout = Parameters<typeof serializeStoreText>[0];
const layout = (data: StoreData) => data as unknown as StoreLayout;

/** A variable named by the user (`password-env: NAME`): own keys only, so "__proto__" is just unset. */
export const envValue = (env: Env, name: string): string | undefined =>
  Object.hasOwn(env, name) && typeof env[name] === 'string' ? env[name] : undefined;

/** What we changed in a deploy tool's file, so logout can undo exactly that. */
export interface FileJournal {
  format: Format;
  path: string;
  /** The writer's key for our entry (a registry host, a context name...). */
  key: string;
  /** Our entry's predecessor, serialized by the writer; null when there was none. */
  previousEntry: string | null;
  /** The whole file before we first touched it (base64), or null when it did not exist (or `shared`). */
  original: string | null;
  /** Other runs had entries in the file when we wrote it: undo goes entry by entry, never by bytes. */
  shared?: boolean;
  /** sha256 of the file as we left it: if unchanged since, the original is restored byte for byte. */
  writtenHash: string;
  /** sha256 of our entry as the writer serializes it, when the writer can read entries back. */
  entryHash?: string;
  /** The tool's variable we exported because the file is not at its default path. */
  exportVar?: { name: string; value: string };
  /** The permission bits `original` had: restored with its bytes (absent in older journals: 0600). */
  mode?: number;
  /** Directories the write created (outermost first): removed at undo if they are empty by then. */
  dirs?: string[];
}

export interface StoredTarget {
  url: string;
  protocol: ProtocolName;
  method: Method;
  insecure: boolean;
  token: string;
  /** The credential lives only in a tool file (a Basic-auth registry's password): `token` is empty. */
  tokenInToolFileOnly?: boolean;
  expiresAt?: string;
  refreshToken?: string;
  username?: string;
  audience?: string;
  tokenEndpoint?: string;
  clientId?: string;
  scope?: string;
  formats: Format[];
  options?: Record<string, unknown>;
  loggedInAt: string;
  files: FileJournal[];
}

export interface StoreData {
  version: 1;
  current?: string;
  targets: Record<string, StoredTarget>;
}

/**
 * Targets live in an object without a prototype, so looking up a target named "toString" or
 * "constructor" (valid names) finds nothing rather than Object.prototype's functions. A parsed
 * table gets its prototype taken away in place: copying 1,000 targets costs more.
 */
const targetTable = (from: object = {}): StoreData['targets'] =>
  Object.setPrototypeOf(from, null) as StoreData['targets'];

export const emptyStore = (): StoreData => ({ version: 1, targets: targetTable() });

/** $DEPLOY_LOGIN_CONFIG; in Actions a per-job file under RUNNER_TEMP; else the XDG config dir. */
export function storePath(env: Env, home: string): string {
  if (env.DEPLOY_LOGIN_CONFIG) return path.resolve(env.DEPLOY_LOGIN_CONFIG);
  const job = jobStorePath(env);
  if (job) return job;
  const xdg =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(home, '.config');
  return path.join(xdg, 'deploy-login', 'credentials.json');
}

/**
 * Whether the store's text holds what undoes a tool file (a journal in some target's `files`): the
 * original entries of the user's Docker config, kubeconfig, ... which nothing could bring back if
 * a crash lost them, so such a store waits for the disk before it replaces the old one. A store of
 * tokens alone holds nothing a login cannot get again, and is atomic without waiting (an fsync is
 * 0.3-1.4 ms here, the largest single cost a login adds). Errs towards waiting: any "files" key
 * not written by us compactly as empty counts.
 */
function holdsUndo(text: string | TextParts): boolean {
  const has = (part: string | Uint8Array, s: string) =>
    typeof part === 'string'
      ? part.includes(s)
      : Buffer.from(part.buffer, part.byteOffset, part.byteLength).includes(s);
  return (typeof text === 'string' ? [text] : text).some((p) => has(p, '"files":[{') || has(p, '"files": '));
}

/** In GitHub Actions, the job's own store under RUNNER_TEMP (which the runner deletes after the job). */
const jobStorePath = (env: Env): string | undefined =>
  env.GITHUB_ACTIONS === 'true' && env.RUNNER_TEMP
    ? path.join(env.RUNNER_TEMP, 'deploy-login', 'credentials.json')
    : undefined;

export const isJobStore = (file: string, env: Env): boolean => file === jobStorePath(env);

/**
 * Whether each store write may wait for the disk (fsync before the rename). Not the job's own
 * store: the runner deletes it after the job, and a machine that crashes ends the job with it, so
 * durability buys nothing there while costing every Action step 0.3-0.9 ms. Either way the replace
 * stays atomic (a reader sees the old store or the new one).
 */
export const storeIsDurable = (ctx: { storePath: string; env: Env }): boolean =>
  !isJobStore(ctx.storePath, ctx.env);

/**
 * The entries a command will use, picked from the store's top-level fields (see
 * storedTargetsProblem). A sealed store (store-seal.ts) hands such a command just those entries
 * and the current target's: the others are not even parsed.
 */
export type Only = (data: StoreData) => string | readonly string[];

const namesOf = (picked: string | readonly string[]): readonly string[] =>
  typeof picked === 'string' ? [picked] : picked;

const unreadable = (file: string, why: string) =>
  invalidInput(
    `The credential store ${file} cannot be read (${why}): fix it, delete it, or run "deploy-login login" to replace it.`,
  );

/**
 * Parse and check a store. With `only`, just the entries a command will use are checked (the
 * rest are neither read nor changed); without it, every entry.
 */
export function parseStore(text: string, file: string, only?: Only): StoreData {
  const parsed = parseJsonSafely(text);
  if (!parsed.ok) throw unreadable(file, 'it is not valid JSON');
  return checkStore(parsed.value, file, only);
}

function checkStore(value: unknown, file: string, only?: Only): StoreData {
  const v = value as Partial<StoreData> | null;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw unreadable(file, 'it is not a JSON object');
  if (v.version !== 1)
    throw unreadable(file, `unknown version ${JSON.stringify(v.version)?.slice(0, 20)}, expected 1`);
  if (!v.targets || typeof v.targets !== 'object' || Array.isArray(v.targets))
    throw unreadable(file, '"targets" is not an object');
  if (v.current !== undefined && typeof v.current !== 'string')
    throw unreadable(file, '"current" is not a string');
  v.targets = targetTable(v.targets);
  // Field by field (store-check.ts): what gets through is read without further checks.
  const problem = storedTargetsProblem(
    v.targets as Record<string, unknown>,
    only && namesOf(only(v as StoreData)),
  );
  if (problem) throw unreadable(file, problem);
  return v as StoreData;
}

/**
 * A sealed store's top-level fields and the entries `only` picks (and the current target's), read
 * line by line. Undefined when the text is not what a sealed store holds; the caller then parses
 * it whole, which names what is wrong.
 */
function parseSealedStore(text: Buffer, file: string, only: Only): StoreData | undefined {
  let head: Record<string, unknown>;
  const picked = targetTable();
  try {
    head = readHead(text);
    if (head.version !== 1 || (head.current !== undefined && typeof head.current !== 'string'))
      return undefined;
    head.targets = picked;
    const names = namesOf(only(head as unknown as StoreData));
    for (const name of head.current === undefined ? names : [...names, head.current as string]) {
      const entry = readMember(text, name);
      if (entry !== undefined) picked[name] = entry as StoredTarget;
    }
  } catch {
    return undefined;
  }
  return checkStore(head, file, only);
}

/** The store's text: one target per line (store-text.ts). */
export const serializeStore = (data: StoreData): string => serializeStoreText(layout(data));

/** The store; with `only`, a sealed store yields just the entries `only` picks and the current one. */
export async function readStore(file: string, only?: Only): Promise<StoreData> {
  const stored = await readStoreText(file);
  if (stored === undefined) return emptyStore();
  return (
    (only && stored.sealed && parseSealedStore(stored.text, file, only)) ||
    parseStore(stored.text.toString('utf8'), file, only)
  );
}

export interface UpdateOptions {
  /** login may replace an unreadable store, but only after saying so. */
  replaceCorrupt?: (message: string) => void;
  /** The entries this update reads or changes; the rest are written back unchecked (see parseStore). */
  only?: Only;
  /**
   * The update reads no entry but those `only` picks and the current one, and never lists the
   * targets: a sealed store gives it just those (logout, which picks the next current target
   * from all of them, does not set this).
   */
  sparse?: boolean;
  /** A store the update leaves without targets is removed (with its seal) rather than written. */
  removeWhenEmpty?: boolean;
  /** Checks the store's directory right before the store is written (store-dir.ts). */
  guardDir?: () => Promise<void>;
  /** False: atomic without the fsync (see storeIsDurable). */
  durable?: boolean;
}

/**
 * Read-modify-write under the store's lock, replaced atomically, then sealed. A sealed store has
 * only the lines of the changed entries edited; any other is written whole in our layout.
 */
export async function updateStore<T>(
  file: string,
  mutate: (data: StoreData) => T | Promise<T>,
  opts: UpdateOptions = {},
): Promise<T> {
  return withFileLock(file, async () => {
    // Only a file that was read and does not parse may be replaced. A path that cannot be read at
    // all (a directory, no permission) is reported as it is: moving it away could move a whole
    // directory someone pointed DEPLOY_LOGIN_CONFIG at.
    const stored = await readStoreText(file);
    let sealed = stored?.sealed === true;
    let data: StoreData | undefined;
    try {
      if (sealed && opts.only && opts.sparse) data = parseSealedStore(stored!.text, file, opts.only);
      data ??=
        stored === undefined ? emptyStore() : parseStore(stored.text.toString('utf8'), file, opts.only);
    } catch (err) {
      if (!opts.replaceCorrupt) throw err;
      // Only a regular file is ever moved aside. A symlink is refused as every store write refuses
      // it (moving it would replace the user's link, and whatever it points at, by our store);
      // anything else that is not a file is reported as it is.
      await refuseSymlink(file);
      if (!(await fs.lstat(file).catch(() => undefined))?.isFile()) throw err;
      const backup = `${file}.corrupt-${Date.now()}`;
      await fs.rename(file, backup).catch(() => undefined);
      opts.replaceCorrupt(
        `${(err as Error).message.replace(/: fix it.*$/, '')}; it was moved to ${backup} and a new store started.`,
      );
      data = emptyStore();
      sealed = false;
    }
    const names = opts.only && namesOf(opts.only(data));
    const result = await mutate(data);
    if (opts.removeWhenEmpty && !opts.sparse && Object.keys(data.targets).length === 0) {
      await removeFile(file);
      await unsealStore(file);
      return result;
    }
    await opts.guardDir?.();
    const text = sealed && names ? spliceStoreText(stored!.text, layout(data), names) : serializeStore(data);
    await writeFileAtomic(file, text, undefined, { durable: opts.durable !== false && holdsUndo(text) });
    await sealStore(file);
    return result;
  });
}

/**
 * DEPLOY_LOGIN_TARGET, read like the other DEPLOY_LOGIN_* fallbacks: trimmed, and empty (a CI
 * variable set to nothing) means unset. Any other value must be a valid name: a bad one would
 * otherwise be looked up, found missing and reported as "needs login" (exit 3) for a typo.
 */
export function envTargetName(env: Env): string | undefined {
  const name = env.DEPLOY_LOGIN_TARGET?.trim();
  return name ? validateTargetName(name, 'DEPLOY_LOGIN_TARGET') : undefined;
}

/**
 * The target a command acts on: the one given, then DEPLOY_LOGIN_TARGET, then the store's current,
 * then "default". A name given is used exactly as given: an empty one is a caller's unset
 * variable, not a request for "default" (which it would silently act on, or overwrite).
 */
export function pickTargetName(explicit: string | undefined, env: Env, data: StoreData): string {
  if (explicit !== undefined) return validateTargetName(explicit, 'target');
  return envTargetName(env) ?? (data.current || 'default');
}
