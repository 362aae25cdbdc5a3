import { needsLogin } from '../core/errors.js';
import { login } from '../core/login.js';
import { specOf } from '../core/session.js';
import { readStore, pickTargetName } from '../core/store.js';
import type { Credentials } from '../core/target.js';
import type { Cli } from './commands.js';

/**
 * Log in again without a person: only with the stored target's own non-interactive method and
 * the secrets the environment holds (a CI OIDC token, DEPLOY_LOGIN_PASSWORD, DEPLOY_LOGIN_TOKEN).
 */
export async function relogin(cli: Cli, target: string | undefined, why: unknown) {
  const data = await readStore(cli.ctx.storePath);
  const name = pickTargetName(target, cli.env, data);
  const entry = data.targets[name];
  const fail = () =>
    why instanceof Error
      ? why
      : needsLogin(`Target "${name}" needs login and cannot log in again without a person.`);
  if (!entry || entry.method === 'device') throw fail();
  const creds: Credentials = {
    password: cli.env.DEPLOY_LOGIN_PASSWORD || undefined,
    token: cli.env.DEPLOY_LOGIN_TOKEN || undefined,
    clientSecret: cli.env.DEPLOY_LOGIN_CLIENT_SECRET || undefined,
  };
  if ((entry.method === 'password' && !creds.password) || (entry.method === 'token' && !creds.token))
    throw fail();
  for (const s of Object.values(creds)) cli.ctx.secrets.add(s);
  cli.io.err(`deploy-login: logging in to "${name}" again with ${entry.method}.\n`);
  await login(specOf(name, entry), creds, cli.ctx);
  const fresh = (await readStore(cli.ctx.storePath)).targets[name]!;
  return { name, entry: fresh };
}
