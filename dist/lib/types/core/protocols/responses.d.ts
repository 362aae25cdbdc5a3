import { DeployLoginError } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { Grant } from './types.js';
export declare function parseJsonObject(res: HttpResponse): Record<string, unknown> | undefined;
/** A short, printable reason from whatever error body the server sent (OAuth, ProblemDetails, Vault, PyPI). */
export declare function errorReason(body: Record<string, unknown> | undefined): {
    code?: string;
    text: string;
};
/** Turn a non-2xx answer from a login endpoint into the right outcome. */
export declare function rejection(res: HttpResponse, what: string): DeployLoginError;
export declare function ensureOk(res: HttpResponse, what: string): Record<string, unknown>;
/** Read a dotted path ("auth.client_token") out of a JSON object. */
export declare function pick(body: unknown, dotted: string): unknown;
/** Normalise an expiry given as RFC 3339, seconds-from-now, or a unix timestamp. */
export declare function toExpiry(value: unknown, kind: 'date' | 'seconds' | 'unix', now: number): string | undefined;
/**
 * The grant of method `token`: the user's own token, stored as given. Nothing was asked of a
 * server, so what is wrong with it is the user's to fix, never "try again later": empty is bad
 * input (2), a JWT whose `exp` has passed needs a fresh login (3).
 */
export declare function givenTokenGrant(token: string | undefined, now: number, username?: string): Grant;
/** Build a grant from a token and whatever expiry the server gave, falling back to the JWT's `exp`. */
export declare function grantOf(token: unknown, what: string, now: number, extra?: {
    expiresAt?: string;
    expiresIn?: unknown;
    refreshToken?: unknown;
    username?: string;
}): Grant;
