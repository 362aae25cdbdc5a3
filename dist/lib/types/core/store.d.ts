import { type Format, type Method, type ProtocolName } from './target.js';
export type Env = Record<string, string | undefined>;
/** A variable named by the user (`password-env: NAME`): own keys only, so "__proto__" is just unset. */
export declare const envValue: (env: Env, name: string) => string | undefined;
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
    exportVar?: {
        name: string;
        value: string;
    };
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
export declare const emptyStore: () => StoreData;
/** $DEPLOY_LOGIN_CONFIG; in Actions a per-job file under RUNNER_TEMP; else the XDG config dir. */
export declare function storePath(env: Env, home: string): string;
export declare const isJobStore: (file: string, env: Env) => boolean;
/**
 * Whether each store write may wait for the disk (fsync before the rename). Not the job's own
 * store: the runner deletes it after the job, and a machine that crashes ends the job with it, so
 * durability buys nothing there while costing every Action step 0.3-0.9 ms. Either way the replace
 * stays atomic (a reader sees the old store or the new one).
 */
export declare const storeIsDurable: (ctx: {
    storePath: string;
    env: Env;
}) => boolean;
/**
 * The entries a command will use, picked from the store's top-level fields (see
 * storedTargetsProblem). A sealed store (store-seal.ts) hands such a command just those entries
 * and the current target's: the others are not even parsed.
 */
export type Only = (data: StoreData) => string | readonly string[];
/**
 * Parse and check a store. With `only`, just the entries a command will use are checked (the
 * rest are neither read nor changed); without it, every entry.
 */
export declare function parseStore(text: string, file: string, only?: Only): StoreData;
/** The store's text: one target per line (store-text.ts). */
export declare const serializeStore: (data: StoreData) => string;
/** The store; with `only`, a sealed store yields just the entries `only` picks and the current one. */
export declare function readStore(file: string, only?: Only): Promise<StoreData>;
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
export declare function updateStore<T>(file: string, mutate: (data: StoreData) => T | Promise<T>, opts?: UpdateOptions): Promise<T>;
/**
 * DEPLOY_LOGIN_TARGET, read like the other DEPLOY_LOGIN_* fallbacks: trimmed, and empty (a CI
 * variable set to nothing) means unset. Any other value must be a valid name: a bad one would
 * otherwise be looked up, found missing and reported as "needs login" (exit 3) for a typo.
 */
export declare function envTargetName(env: Env): string | undefined;
/**
 * The target a command acts on: the one given, then DEPLOY_LOGIN_TARGET, then the store's current,
 * then "default". A name given is used exactly as given: an empty one is a caller's unset
 * variable, not a request for "default" (which it would silently act on, or overwrite).
 */
export declare function pickTargetName(explicit: string | undefined, env: Env, data: StoreData): string;
