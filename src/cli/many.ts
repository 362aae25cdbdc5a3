import { promises as fs } from 'node:fs';
import { createContext } from '../core/context.js';
import { invalidInput } from '../core/errors.js';
import {
  loginMany,
  overallOutcome,
  parseConcurrency,
  parseTargetList,
  type TargetResult,
} from '../core/many.js';
import { allowsPlainHttp, type TargetInput } from '../core/target.js';
import { list, str, type Values } from './args.js';
import type { Cli } from './commands.js';
import { paint, readStdin } from './io.js';
import { oidcOptionsOf, withLoginExtras } from './login-extras.js';

/** Flags that name one target, or carry its secret: meaningless next to a list of targets. */
const SINGLE_ONLY = [
  'url',
  'target',
  'password-stdin',
  'token-stdin',
  'get-device-code',
  'check-device-code',
];

/**
 * `deploy-login login --targets-file FILE`: log in to every target of a YAML list, in parallel.
 * Secrets come only from environment variables the file names (`password-env: VAR`); the other
 * login flags (--format, --protocol, --method...) are defaults every item can override.
 */
export async function loginTargetsFile(cli: Cli, v: Values): Promise<number> {
  const file = str(v['targets-file'])!;
  for (const flag of SINGLE_ONLY) {
    if (v[flag] !== undefined && v[flag] !== false) {
      throw invalidInput(
        `--${flag} cannot be used with --targets-file: put it in each item of the file instead.`,
      );
    }
  }
  if (typeof v.password === 'string' || typeof v.token === 'string') {
    throw invalidInput(
      'Secrets are not accepted on the command line: use password-env / token-env in the targets file.',
    );
  }
  const label = `--targets-file ${file}`;
  const text = file === '-' ? await readStdin() : await readTargetsFile(file);
  const { env, ctx } = cli;
  const allowHttp = allowsPlainHttp(env);
  const defaults: TargetInput = await withLoginExtras(
    {
      method: str(v.method),
      protocol: str(v.protocol),
      username: str(v.username),
      audience: str(v.audience),
      tokenEndpoint: str(v['token-endpoint']),
      clientId: str(v['client-id']),
      scope: str(v.scope),
      format: list(v.format).join(','),
      insecure: v.insecure === true ? true : undefined,
    },
    v,
    env,
  );
  const concurrency = parseConcurrency(
    str(v.concurrency) ?? env.DEPLOY_LOGIN_CONCURRENCY,
    str(v.concurrency) !== undefined ? '--concurrency' : 'DEPLOY_LOGIN_CONCURRENCY',
  );
  const items = await parseTargetList(text, {
    label,
    defaults: { input: defaults, creds: {} },
    inlineSecrets: false,
    env,
    allowHttp,
    secrets: ctx.secrets,
  });
  const json = v.json === true;
  const results = await loginMany(items, ctx, {
    concurrency,
    contextFor: (item, sink, shared) =>
      createContext({
        ...shared,
        env,
        home: ctx.home,
        storePath: ctx.storePath,
        secrets: ctx.secrets,
        log: (text) => sink({ level: 'info', text }),
        warn: (text) => sink({ level: 'warn', text }),
        ...(oidcOptionsOf(item.spec) ? { oidc: oidcOptionsOf(item.spec) } : {}),
      }),
    // Each target's lines come out together when it is done, so parallel logins never interleave.
    onDone: (r) => printOne(cli, r),
  });
  const overall = overallOutcome(results);
  if (json) {
    cli.io.out(
      JSON.stringify({
        outcome: overall.outcome,
        exitCode: overall.exitCode,
        credentialsFile: ctx.storePath,
        results: results.map((r) => ({
          target: r.target,
          outcome: r.outcome,
          exitCode: r.exitCode,
          expiresAt: r.expiresAt ?? null,
          url: r.url,
          method: r.method,
          attempts: r.attempts,
          durationMs: r.durationMs,
          ...(r.error ? { error: r.error } : {}),
          files: (r.login?.files ?? []).map((f) => ({ format: f.format, path: f.path })),
        })),
      }) + '\n',
    );
  }
  const ok = results.filter((r) => r.outcome === 'success').length;
  const tail =
    overall.exitCode === 0 ? '' : `; exit ${overall.exitCode} (${overall.outcome}, the most severe outcome)`;
  cli.io.err(`Logged in to ${ok} of ${results.length} target${results.length === 1 ? '' : 's'}${tail}.\n`);
  return overall.exitCode;
}

async function readTargetsFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw invalidInput(
      code === 'ENOENT'
        ? `--targets-file ${file} does not exist.`
        : `--targets-file ${file} cannot be read (${code ?? 'error'}).`,
    );
  }
}

function printOne(cli: Cli, r: TargetResult): void {
  const tag = `[${r.target}]`;
  for (const l of r.log) {
    cli.io.err(
      `${tag} ${l.level === 'warn' ? paint(cli.io, 'yellow', `warning: ${l.text}`) : paint(cli.io, 'dim', l.text)}\n`,
    );
  }
  if (r.outcome === 'success') {
    const exp = r.expiresAt ? `, expires ${r.expiresAt}` : '';
    cli.io.err(`${tag} ${paint(cli.io, 'green', 'logged in')} to ${r.url} with ${r.method}${exp}.\n`);
  } else {
    cli.io.err(`${tag} ${paint(cli.io, 'red', r.outcome)} (exit ${r.exitCode}): ${r.error}\n`);
  }
}
