import { DeployLoginError, needsLogin } from '../core/errors.js';
import { login } from '../core/login.js';
import { specOf } from '../core/session.js';
import { readStore, pickTargetName, type StoredTarget } from '../core/store.js';
import { allowsPlainHttp, resolveTarget, type Credentials, type TargetSpec } from '../core/target.js';
import type { Cli } from './commands.js';
import { contextFor } from './login-extras.js';

/** The secrets a login without a person can use: only what the environment holds. */
export function environmentCredentials(env: Cli['env']): Credentials {
  return {
    password: env.DEPLOY_LOGIN_PASSWORD || undefined,
    token: env.DEPLOY_LOGIN_TOKEN || undefined,
    clientSecret: env.DEPLOY_LOGIN_CLIENT_SECRET || undefined,
  };
}

/**
 * environmentCredentials, each secret masked before anything can print it: what a command that
 * logs in or refreshes without a person (refresh, --relogin, token/env/run on an expired token)
 * authenticates with.
 */
export function maskedEnvironmentCredentials(cli: Cli): Credentials {
  const creds = environmentCredentials(cli.env);
  for (const s of Object.values(creds)) cli.ctx.secrets.add(s);
  return creds;
}

/**
 * Log in again without a person: with the stored target's own method and settings (or, for a
 * target never logged in to here, DEPLOY_LOGIN_URL and friends), and only the secrets the
 * environment holds (a CI OIDC token, DEPLOY_LOGIN_PASSWORD, DEPLOY_LOGIN_TOKEN). When that is not
 * possible the result is still "needs login" (exit 3), saying why.
 */
export async function relogin(
  cli: Cli,
  target: string | undefined,
  why: unknown,
): Promise<{ name: string; entry: StoredTarget }> {
  const data = await readStore(cli.ctx.storePath);
  const name = pickTargetName(target, cli.env, data);
  const creds = maskedEnvironmentCredentials(cli);
  const original = why instanceof Error ? why.message : `Target "${name}" needs login.`;
  const cannot = (reason: string) =>
    needsLogin(`${original.replace(/\.$/, '')}; --relogin cannot log in again: ${reason}.`);

  const stored = data.targets[name];
  let spec: TargetSpec;
  if (stored) {
    spec = specOf(name, stored);
  } else if (cli.env.DEPLOY_LOGIN_URL) {
    try {
      spec = resolveTarget(
        { target: name, url: cli.env.DEPLOY_LOGIN_URL, username: cli.env.DEPLOY_LOGIN_USERNAME },
        creds,
        {
          label: (k) => `DEPLOY_LOGIN_${k.toUpperCase()}`,
          allowHttp: allowsPlainHttp(cli.env),
        },
      );
    } catch (err) {
      throw cannot((err as Error).message.replace(/\.$/, ''));
    }
  } else {
    throw cannot('it was never logged in to here and DEPLOY_LOGIN_URL is not set');
  }
  if (spec.protocol === 'fermyon') {
    // Spin's own variables, as `spin login` reads them; DEPLOY_LOGIN_* still win.
    creds.password ??= cli.env.HIPPO_PASSWORD || undefined;
    creds.token ??= cli.env.SPIN_AUTH_TOKEN || undefined;
    for (const s of [creds.password, creds.token]) cli.ctx.secrets.add(s);
  }
  if (spec.method === 'device') throw cannot('its method is "device", which needs a person');
  if (spec.method === 'password' && !creds.password) throw cannot('DEPLOY_LOGIN_PASSWORD is not set');
  if (spec.method === 'token' && !creds.token) throw cannot('DEPLOY_LOGIN_TOKEN is not set');

  // The name as resolved (DEPLOY_LOGIN_TARGET=" staging " is "staging"): what login stores under.
  cli.io.err(`deploy-login: logging in to "${spec.name}" again with ${spec.method}.\n`);
  try {
    await login(spec, creds, contextFor(cli.ctx, spec));
  } catch (err) {
    // No CI token here, say: the credential still needs a login, which is what the caller reports.
    if (err instanceof DeployLoginError && err.outcome === 'invalid-input') {
      throw cannot(err.message.replace(/\.$/, ''));
    }
    throw err;
  }
  const entry = (await readStore(cli.ctx.storePath)).targets[spec.name];
  if (!entry) throw cannot(`the new credential for "${spec.name}" is not in the store`);
  cli.ctx.secrets.add(entry.token);
  return { name: spec.name, entry };
}
