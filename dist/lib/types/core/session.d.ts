import { type CoreContext } from './context.js';
import { type StoreData, type StoredTarget } from './store.js';
import { type Credentials, type TargetSpec } from './target.js';
export type CredentialState = 'valid' | 'expired' | 'missing';
export interface TargetStatus {
    target: string;
    state: CredentialState;
    current: boolean;
    url?: string;
    method?: string;
    protocol?: string;
    expiresAt?: string;
    secondsLeft?: number;
    refreshable?: boolean;
    files?: string[];
    /** With the library's `status(..., { verify: true })`: the target accepted the token just now. */
    verified?: boolean;
}
export declare function describe(name: string, entry: StoredTarget | undefined, data: StoreData, now: number): TargetStatus;
export declare function needsLoginError(s: TargetStatus): Error;
export declare function status(ctx: CoreContext, explicit?: string): Promise<TargetStatus>;
export declare function listTargets(ctx: CoreContext): Promise<TargetStatus[]>;
export declare function useTarget(ctx: CoreContext, name: string): Promise<void>;
export declare function specOf(name: string, e: StoredTarget): TargetSpec;
/**
 * The stored credential for a target, refreshed first when it has expired and a refresh token
 * is there. Throws needs-login when there is none, or it expired for good.
 */
export declare function usableCredential(ctx: CoreContext, explicit: string | undefined, opts?: {
    refresh?: boolean;
    creds?: Credentials;
    beforeRefresh?: () => void;
}): Promise<{
    name: string;
    entry: StoredTarget;
}>;
export declare function refresh(ctx: CoreContext, name: string, entry: StoredTarget, creds: Credentials): Promise<StoredTarget>;
/** The variables a deploy command gets: the token, the target, and each tool file's variable. */
export declare function deployEnv(name: string, entry: {
    token: string;
    url: string;
    files: Array<{
        exportVar?: {
            name: string;
            value: string;
        };
    }>;
}, storePath: string): Record<string, string>;
export interface LogoutResult {
    removed: string[];
    restoredFiles: string[];
}
/** Undo a target's tool files (newest first) and drop it from the store; a store left empty is removed. */
export declare function logout(ctx: CoreContext, which: {
    target?: string;
    all?: boolean;
    targets?: string[];
}): Promise<LogoutResult>;
