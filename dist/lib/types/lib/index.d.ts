/**
 * The library API for Node and Deno scripts: the same core the CLI and the Action use.
 *
 *   import { login, status, token, run, logout } from 'deploy-login';        // Node
 *   import { login, status, token, run, logout } from 'npm:deploy-login';    // Deno
 *
 * Every function takes an optional `options` last: `env` (default process.env), `storePath`,
 * `allowHttp`, `log`/`warn` callbacks, and `oidc` (where the CI token comes from). Failures are
 * thrown as DeployLoginError, whose `outcome` and `exitCode` follow the CLI's exit codes.
 * See docs/library.md.
 */
import { type ContextOverrides } from '../core/context.js';
import { DeployLoginError, EXIT_CODES, OUTCOMES, type Outcome } from '../core/errors.js';
import { type LoginResult } from '../core/login.js';
import type { OidcOptions } from '../core/oidc.js';
import type { JsonLoginInput } from '../core/protocols/json-config.js';
import { type RunResult } from '../core/run.js';
import { type LogoutResult, type TargetStatus } from '../core/session.js';
import { type StoredTarget } from '../core/store.js';
import { type Credentials, type TargetInput } from '../core/target.js';
export { DeployLoginError, EXIT_CODES, OUTCOMES };
export type { Outcome, LoginResult, RunResult, TargetStatus, LogoutResult, TargetInput, Credentials, JsonLoginInput, OidcOptions, StoredTarget, };
export interface Options extends Omit<ContextOverrides, 'idToken'> {
    /** Allow plain http:// to non-loopback hosts (like DEPLOY_LOGIN_ALLOW_HTTP=true). */
    allowHttp?: boolean;
    /** Supply the CI OIDC token yourself (audience in, JWT out) instead of detecting the CI. */
    idToken?: (audience: string) => Promise<string>;
}
/** A target to log in to: the Action's keys in camelCase, plus the json protocol's settings. */
export interface LoginTarget extends TargetInput {
    /** protocol "json": a recipe and/or the login request spelled out (see docs/protocol-json.md). */
    json?: JsonLoginInput;
    /** Where the CI OIDC token comes from (default: detected). Stored with the target for re-logins. */
    oidc?: Omit<OidcOptions, 'warn' | 'insecure'>;
    /** An endpoint answering 200 for a valid token, for `status(..., { verify: true })`. */
    checkUrl?: string;
}
/** Log in and store the token; secrets are used, never stored. Throws DeployLoginError. */
export declare function login(target: LoginTarget, credentials?: Credentials, options?: Options): Promise<LoginResult>;
export declare function logout(which?: {
    target?: string;
    all?: boolean;
}, options?: Options): Promise<LogoutResult>;
export interface StatusOptions extends Options {
    /** Also ask the target (its check URL) whether the token is still good. */
    verify?: boolean;
}
/**
 * What the store says about a target: `state` valid | expired | missing, `secondsLeft`, ...
 * With `verify`, a token the target refuses throws DeployLoginError (outcome "needs-login").
 */
export declare function status(target?: string, options?: StatusOptions): Promise<TargetStatus>;
/** The stored token (refreshed first if it expired and can be); throws needs-login when there is none usable. */
export declare function token(target?: string, options?: Options): Promise<string>;
/** Get a new token now with the stored refresh token. */
export declare function refresh(target?: string, options?: Options): Promise<TargetStatus>;
export interface RunOptions extends Options {
    target?: string;
    /** Stop the command (its whole process group) after this long. */
    timeoutMs?: number;
    /** Output that means "needs login", besides the built-in per-tool patterns. */
    needsLoginPatterns?: RegExp[];
    needsLoginExitCodes?: number[];
    cwd?: string;
    /** Where the command's output goes (default: this process's stdout/stderr), already redacted. */
    stdout?: (text: string) => void;
    stderr?: (text: string) => void;
}
/**
 * Run a deploy command with the target's credential, as `deploy-login run` does: no shell,
 * stdin closed, prompts off; resolves with the outcome (exit code 0, 3 or 4) rather than throwing.
 */
export declare function run(command: string[], opts?: RunOptions): Promise<RunResult>;
