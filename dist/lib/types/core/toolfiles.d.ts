import { DeployLoginError } from './errors.js';
import { type Ledger } from './owners.js';
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
export type FormatTarget = FormatContext['target'] & {
    username?: string;
};
export interface Location {
    path: string;
    /** Set when the file is not where the tool looks by default: the variable that points the tool at it. */
    exportVar?: {
        name: string;
        value: string;
    };
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
    upsert(existing: string | undefined, ctx: FormatContext): {
        content: string;
        key: string;
        previousEntry: string | null;
    };
    /** Take our entry out again, putting back its predecessor; `empty` when no entry at all is left. */
    remove(existing: string, key: string, previousEntry: string | null): {
        content: string;
        empty: boolean;
    };
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
export declare class UnparseableToolFile extends DeployLoginError {
    /** Why, in a few words ("it is not valid YAML (line 3)"), for the warning. */
    readonly reason: string;
    constructor(message: string, 
    /** Why, in a few words ("it is not valid YAML (line 3)"), for the warning. */
    reason: string);
}
/** Who writes: the store and target, so runs with different stores sharing one HOME are told apart. */
export declare const ownerOf: (storePath: string, target: string) => string;
export interface ToolFileWrite {
    journal: FileJournal;
    /** The file's bytes before this write (undefined: it did not exist), for a rollback. */
    before: string | undefined;
    /** The ledger before this write, for a rollback. */
    ledgerBefore: Ledger;
    /** The file's permission bits before this write, for a rollback. */
    modeBefore?: number;
}
/**
 * Merge our entry into a tool's file under its lock, record it in the file's ledger of owners,
 * and return the journal that undoes it. `earlier` is this target's journal for the same
 * format from a previous login, so a re-login keeps what was there before the first one.
 */
export declare function writeToolFile(writer: FormatWriter, ctx: FormatContext, earlier?: FileJournal, owner?: string): Promise<ToolFileWrite>;
/**
 * Roll back one write of this run after a later step failed: the bytes from just before it go
 * back (with the ledger as it was) when nobody wrote since; otherwise our entry is taken out.
 */
export declare function rollbackWrite(writer: FormatWriter, write: ToolFileWrite, owner: string): Promise<void>;
/** The bytes-only rollback (no ledger): put `before` back if the file is still as we wrote it. */
export declare function rollbackToolFile(file: string, before: string | undefined, writtenHash: string): Promise<void>;
/**
 * Undo one journal entry when a target logs out: restore the original bytes when nobody touched
 * the file since we wrote it, else take out only our entry (putting back the one we replaced,
 * or the one the ledger says is now below us) and leave everyone else's.
 */
export declare function undoToolFile(writer: FormatWriter, j: FileJournal, owner?: string): Promise<void>;
