import { needsLogin } from '../core/errors.js';
import { describe, needsLoginError, refresh } from '../core/session.js';
import { pickTargetName, readStore } from '../core/store.js';
import { COMMON, parse } from './args.js';
import { targetOption, type Cli } from './commands.js';
import { paint } from './io.js';
import { maskedEnvironmentCredentials } from './relogin.js';

/**
 * `deploy-login refresh [--target NAME] [--json]`: trade the stored refresh token for a new token
 * now (before a long deploy, say), rewriting the store and the tool files. Exit 3 when the target
 * gave no refresh token or refuses it.
 */
export async function refreshCommand(cli: Cli, argv: string[]): Promise<number> {
  const { values: v } = parse('refresh', argv, COMMON);
  const explicit = targetOption(v, cli.env);
  const data = await readStore(cli.ctx.storePath);
  const name = pickTargetName(explicit, cli.env, data);
  const entry = data.targets[name];
  if (!entry) throw needsLoginError(describe(name, entry, data, cli.ctx.now()));
  if (!entry.refreshToken) {
    throw needsLogin(
      `Target "${name}" has no refresh token (its ${entry.protocol} ${entry.method} login did not give one): log in again.`,
    );
  }
  const creds = maskedEnvironmentCredentials(cli);
  cli.ctx.secrets.add(entry.token);
  const fresh = await refresh(cli.ctx, name, entry, creds);
  if (v.json) {
    cli.io.out(
      JSON.stringify({
        outcome: 'success',
        exitCode: 0,
        target: name,
        url: fresh.url,
        expiresAt: fresh.expiresAt ?? null,
        credentialsFile: cli.ctx.storePath,
      }) + '\n',
    );
    return 0;
  }
  const exp = fresh.expiresAt ? `; it expires ${fresh.expiresAt}` : '';
  cli.io.err(`${paint(cli.io, 'green', 'Refreshed')} the token for "${name}" (${fresh.url})${exp}.\n`);
  return 0;
}
