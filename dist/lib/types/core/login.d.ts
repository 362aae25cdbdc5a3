import type { CoreContext } from './context.js';
import type { Grant } from './protocols/types.js';
import { type FileJournal } from './store.js';
import type { Credentials, TargetSpec } from './target.js';
import { type FormatContext } from './toolfiles.js';
export interface LoginResult {
    target: string;
    url: string;
    method: TargetSpec['method'];
    token: string;
    expiresAt?: string;
    refreshToken?: string;
    /** Tool files written, in order. */
    files: FileJournal[];
    /** Variables for later steps: the env format's, plus the tools' own path variables. */
    variables: Record<string, string>;
    storePath: string;
}
/** Refuse formats we cannot write, and what they could not hold, before anything is sent. */
export declare function checkFormats(spec: TargetSpec, label?: string): void;
export declare function formatContext(ctx: CoreContext, spec: TargetSpec, grant: Grant): FormatContext;
/**
 * Log in: obtain a token, merge it into each tool file, then record it in the store.
 * On any failure, the tool files written so far are undone: nothing half-written stays.
 */
export declare function login(spec: TargetSpec, creds: Credentials, ctx: CoreContext): Promise<LoginResult>;
/** The network half of a login: ask the target for a token (every secret registered on the way). */
export declare function obtainGrant(spec: TargetSpec, creds: Credentials, ctx: CoreContext): Promise<Grant>;
export declare function saveGrant(spec: TargetSpec, grant: Grant, ctx: CoreContext): Promise<LoginResult>;
/** A grant obtained and waiting to be written: its target, and the context it was obtained in. */
export interface PendingGrant {
    spec: TargetSpec;
    grant: Grant;
    ctx: CoreContext;
}
export type SaveOutcome = LoginResult | {
    error: unknown;
};
/**
 * Write several grants under one hold of the store's lock and with one store write: a step that
 * logs in to 50 targets reads, writes and fsyncs the store once per batch, not 50 times.
 *
 * Lock order is always the store, then a tool file (logout does the same), so concurrent runs
 * cannot deadlock. Each grant's tool files are written or rolled back on their own; if the store
 * write itself fails, every file of the batch is rolled back. Nothing half-written stays.
 */
export declare function saveGrants(items: PendingGrant[], storeCtx: CoreContext): Promise<SaveOutcome[]>;
