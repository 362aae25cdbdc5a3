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
import { createContext, type ContextOverrides, type CoreContext } from '../core/context.js';
import { DeployLoginError, EXIT_CODES, OUTCOMES, type Outcome } from '../core/errors.js';
import { SecretRegistry } from '../core/redact.js';
import { HttpClient, httpOptionsFromEnv } from '../core/http.js';
import { login as coreLogin, type LoginResult } from '../core/login.js';
import type { OidcOptions } from '../core/oidc.js';
import type { JsonLoginInput } from '../core/protocols/json-config.js';
import { requireCommand, runDeploy, type RunResult } from '../core/run.js';
import {
  deployEnv,
  logout as coreLogout,
  refresh as coreRefresh,
  status as coreStatus,
  usableCredential,
  type LogoutResult,
  type TargetStatus,
} from '../core/session.js';
import { pickTargetName, readStore, type StoredTarget } from '../core/store.js';
import { actionLabel, resolveTarget, type Credentials, type TargetInput } from '../core/target.js';

export { DeployLoginError, EXIT_CODES, OUTCOMES };
export type {
  Outcome,
  LoginResult,
  RunResult,
  TargetStatus,
  LogoutResult,
  TargetInput,
  Credentials,
  JsonLoginInput,
  OidcOptions,
  StoredTarget,
};

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

function contextOf(options: Options): CoreContext {
  if (!options.allowHttp || options.http) return createContext(options);
  const env = options.env ?? process.env;
  return createContext({
    ...options,
    http: new HttpClient({ ...httpOptionsFromEnv(env), allowHttp: true, log: options.log }),
  });
}

/**
 * Every call runs with one secret registry, and what leaves it is masked through that registry:
 * the caller's log and warn lines, and the message of anything thrown. The CLI masks at its output;
 * a library caller prints `err.message` itself, and a server that quotes a password back in its
 * error text must not have it printed.
 */
async function guarded<T>(
  options: Options,
  secretsGiven: Array<string | undefined>,
  work: (options: Options) => Promise<T>,
): Promise<T> {
  const secrets = options.secrets ?? new SecretRegistry();
  for (const s of secretsGiven) secrets.add(s);
  const mask = (sink?: (line: string) => void) => sink && ((line: string) => sink(secrets.redact(line)));
  try {
    return await work({ ...options, secrets, log: mask(options.log), warn: mask(options.warn) });
  } catch (err) {
    throw maskedError(err, secrets);
  }
}

function maskedError(err: unknown, secrets: SecretRegistry): unknown {
  if (!(err instanceof Error)) return err;
  const message = secrets.redact(err.message);
  if (message === err.message) return err;
  if (err instanceof DeployLoginError) return new DeployLoginError(err.outcome, message);
  return Object.assign(new Error(message), { name: err.name });
}

/** Log in and store the token; secrets are used, never stored. Throws DeployLoginError. */
export async function login(
  target: LoginTarget,
  credentials: Credentials = {},
  options: Options = {},
): Promise<LoginResult> {
  const given = [credentials.password, credentials.token, credentials.clientSecret];
  return guarded(options, given, (o) => loginGuarded(target, credentials, o));
}

async function loginGuarded(
  target: LoginTarget,
  credentials: Credentials,
  options: Options,
): Promise<LoginResult> {
  const { json, oidc, checkUrl, ...input } = target;
  let prepared: TargetInput = {
    ...input,
    options: {
      ...(input.options ?? {}),
      ...(oidc && Object.keys(oidc).length ? { oidc } : {}),
      ...(checkUrl ? { checkUrl } : {}),
    },
  };
  if (input.protocol === 'json' || json) {
    const { prepareJsonTarget, actionJsonLabel } = await import('../core/protocols/json-config.js');
    prepared = prepareJsonTarget(prepared, json ?? {}, actionJsonLabel);
  }
  const spec = resolveTarget(prepared, credentials, { label: actionLabel, allowHttp: options.allowHttp });
  const ctx = contextOf({
    ...options,
    ...(oidc && !options.idToken ? { oidc: { ...options.oidc, ...oidc } } : {}),
  });
  return coreLogin(spec, credentials, ctx);
}

export async function logout(
  which: { target?: string; all?: boolean } = {},
  options: Options = {},
): Promise<LogoutResult> {
  return guarded(options, [], (o) => coreLogout(contextOf(o), which));
}

export interface StatusOptions extends Options {
  /** Also ask the target (its check URL) whether the token is still good. */
  verify?: boolean;
}

/**
 * What the store says about a target: `state` valid | expired | missing, `secondsLeft`, ...
 * With `verify`, a token the target refuses throws DeployLoginError (outcome "needs-login").
 */
export async function status(target?: string, options: StatusOptions = {}): Promise<TargetStatus> {
  return guarded(options, [], async (o) => {
    const ctx = contextOf(o);
    const s = await coreStatus(ctx, target);
    if (!options.verify || s.state !== 'valid') return s;
    const { verifyToken } = await import('../core/verify.js');
    const entry = (await readStore(ctx.storePath)).targets[s.target]!;
    await verifyToken(ctx, s.target, entry);
    return { ...s, verified: true };
  });
}

/** The stored token (refreshed first if it expired and can be); throws needs-login when there is none usable. */
export async function token(target?: string, options: Options = {}): Promise<string> {
  return guarded(options, [], async (o) => (await usableCredential(contextOf(o), target)).entry.token);
}

/** Get a new token now with the stored refresh token. */
export async function refresh(target?: string, options: Options = {}): Promise<TargetStatus> {
  return guarded(options, [], async (o) => {
    const ctx = contextOf(o);
    const data = await readStore(ctx.storePath);
    const name = pickTargetName(target, ctx.env, data);
    const entry = data.targets[name];
    if (!entry?.refreshToken) {
      throw new DeployLoginError('needs-login', `Target "${name}" has no refresh token: log in again.`);
    }
    await coreRefresh(ctx, name, entry, {});
    return coreStatus(ctx, name);
  });
}

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
export async function run(command: string[], opts: RunOptions = {}): Promise<RunResult> {
  return guarded(opts, [], (o) => runGuarded(command, { ...opts, ...o }));
}

async function runGuarded(command: string[], opts: RunOptions): Promise<RunResult> {
  // Typed as RegExp[], but JavaScript callers pass what they pass: a string would fail only when the
  // command first prints, as an internal error.
  const patterns: unknown = opts.needsLoginPatterns;
  if (patterns !== undefined && !(Array.isArray(patterns) && patterns.every((p) => p instanceof RegExp))) {
    throw new DeployLoginError(
      'invalid-input',
      'needsLoginPatterns must be a list of regular expressions (RegExp).',
    );
  }
  const ctx = contextOf(opts);
  // The credential first, as the CLI checks it (missing or expired: needs-login, whatever the
  // command); a command that cannot start is found before a refresh is spent on it.
  const commandRuns = () => {
    if (command[0]) requireCommand(command[0], ctx.env, opts.cwd);
  };
  // (Without a refresh, runDeploy checks the command itself before it spawns.)
  const { name, entry } = await usableCredential(ctx, opts.target, { beforeRefresh: commandRuns });
  ctx.secrets.add(entry.token);
  return runDeploy({
    command,
    env: ctx.env,
    childEnv: deployEnv(name, entry, ctx.storePath),
    timeoutMs: opts.timeoutMs,
    needsLoginPatterns: opts.needsLoginPatterns,
    needsLoginExitCodes: opts.needsLoginExitCodes,
    cwd: opts.cwd,
    stdout: opts.stdout ?? ((t) => void process.stdout.write(t)),
    stderr: opts.stderr ?? ((t) => void process.stderr.write(t)),
    redact: (t) => ctx.secrets.redact(t),
    pendingSecret: (t) => ctx.secrets.pendingPrefix(t),
  });
}
