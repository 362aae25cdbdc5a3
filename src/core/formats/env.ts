import path from 'node:path';
import { invalidInput } from '../errors.js';
import type { FormatContext, FormatWriter } from '../toolfiles.js';
import { envSuffix } from './paths.js';

/** Variables for the target, both plain (for single-target use) and with the target's name in them. */
export function envVariables(ctx: FormatContext): Record<string, string> {
  const s = envSuffix(ctx.target.name);
  const vars: Record<string, string> = {
    DEPLOY_LOGIN_TOKEN: ctx.token,
    DEPLOY_LOGIN_URL: ctx.target.url,
    DEPLOY_LOGIN_TARGET: ctx.target.name,
    [`DEPLOY_LOGIN_${s}_TOKEN`]: ctx.token,
    [`DEPLOY_LOGIN_${s}_URL`]: ctx.target.url,
  };
  if (ctx.expiresAt) {
    vars.DEPLOY_LOGIN_EXPIRES_AT = ctx.expiresAt;
    vars[`DEPLOY_LOGIN_${s}_EXPIRES_AT`] = ctx.expiresAt;
  }
  return vars;
}

/** Single-quote for POSIX shells (`export` lines); a dotenv file needs dotenvValue. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value that dotenv readers (Node's --env-file, the dotenv package, docker compose) and POSIX
 * shells (`set -a; . file`) all read back exactly. Dotenv has no escape for a quote inside single
 * quotes (the shell's `'\''` reads as a value cut short), so: single quotes; a value holding `'`
 * goes in double quotes when nothing in it means something there (`"` `\` `$` and backquote).
 * Anything else (and a line break) has no such spelling: undefined.
 */
export function dotenvValue(value: string): string | undefined {
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return undefined;
  if (!value.includes("'")) return `'${value}'`;
  if (!/["\\$`]/.test(value)) return `"${value}"`;
  return undefined;
}

function dotenvLine(name: string, value: string): string {
  const quoted = dotenvValue(value);
  if (quoted === undefined) {
    // Never the value in the message: it may be the token.
    const what = /TOKEN$/.test(name) ? 'token' : /URL$/.test(name) ? 'target URL' : 'target name';
    throw invalidInput(
      `The ${what} holds characters a dotenv file cannot carry safely (a line break, or ' together with " \\ $ or \`): leave env out of the formats and use "deploy-login env" or "deploy-login token" instead.`,
    );
  }
  return `${name}=${quoted}`;
}

/** A dotenv file per target beside the store: `<store dir>/<target>.env`. */
export const envWriter: FormatWriter = {
  format: 'env',
  locate(ctx) {
    return { path: path.join(ctx.storeDir, `${ctx.target.name}.env`) };
  },
  check(target) {
    // The token comes later; the URL and name are known now and refused before anything is sent.
    dotenvLine('DEPLOY_LOGIN_URL', target.url);
    dotenvLine('DEPLOY_LOGIN_TARGET', target.name);
  },
  upsert(existing, ctx) {
    const body = Object.entries(envVariables(ctx))
      .map(([k, v]) => dotenvLine(k, v))
      .join('\n');
    return { content: body + '\n', key: ctx.target.name, previousEntry: existing ?? null };
  },
  // The whole file is the entry.
  entryAt: (content) => content,
  remove(_existing, _key, previousEntry) {
    return previousEntry === null ? { content: '', empty: true } : { content: previousEntry, empty: false };
  },
  variables: envVariables,
};
