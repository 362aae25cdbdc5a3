/**
 * The library API for Node and Deno scripts: the same core the CLI and the Action use.
 *
 *   import { login, status, token, run, logout } from 'deploy-login';
 */
import { createContext, type ContextOverrides } from '../core/context.js';
import { DeployLoginError, EXIT_CODES, type Outcome } from '../core/errors.js';
import { login as coreLogin, type LoginResult } from '../core/login.js';
import { runDeploy, type RunResult } from '../core/run.js';
import {
  deployEnv,
  logout as coreLogout,
  status as coreStatus,
  usableCredential,
  type LogoutResult,
  type TargetStatus,
} from '../core/session.js';
import { actionLabel, resolveTarget, type Credentials, type TargetInput } from '../core/target.js';

export { DeployLoginError, EXIT_CODES };
export type { Outcome, LoginResult, RunResult, TargetStatus, LogoutResult, TargetInput, Credentials };

export interface Options extends ContextOverrides {
  allowHttp?: boolean;
}

export async function login(
  target: TargetInput,
  credentials: Credentials = {},
  options: Options = {},
): Promise<LoginResult> {
  const ctx = createContext(options);
  const spec = resolveTarget(target, credentials, { label: actionLabel, allowHttp: options.allowHttp });
  return coreLogin(spec, credentials, ctx);
}

export async function logout(
  which: { target?: string; all?: boolean } = {},
  options: Options = {},
): Promise<LogoutResult> {
  return coreLogout(createContext(options), which);
}

export async function status(target?: string, options: Options = {}): Promise<TargetStatus> {
  return coreStatus(createContext(options), target);
}

/** The stored token; throws a DeployLoginError with outcome "needs-login" when there is none usable. */
export async function token(target?: string, options: Options = {}): Promise<string> {
  return (await usableCredential(createContext(options), target)).entry.token;
}

export async function run(
  command: string[],
  opts: { target?: string; timeoutMs?: number; needsLoginPatterns?: RegExp[] } & Options = {},
): Promise<RunResult> {
  const ctx = createContext(opts);
  const { name, entry } = await usableCredential(ctx, opts.target);
  return runDeploy({
    command,
    env: ctx.env,
    childEnv: deployEnv(name, entry, ctx.storePath),
    timeoutMs: opts.timeoutMs,
    needsLoginPatterns: opts.needsLoginPatterns,
    stdout: (t) => void process.stdout.write(ctx.secrets.redact(t)),
    stderr: (t) => void process.stderr.write(ctx.secrets.redact(t)),
    redact: (t) => ctx.secrets.redact(t),
  });
}
