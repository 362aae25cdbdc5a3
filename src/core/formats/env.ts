import path from 'node:path';
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

/** Single-quote for POSIX shells and dotenv readers alike. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A dotenv file per target beside the store: `<store dir>/<target>.env`. */
export const envWriter: FormatWriter = {
  format: 'env',
  locate(ctx) {
    return { path: path.join(ctx.storeDir, `${ctx.target.name}.env`) };
  },
  upsert(existing, ctx) {
    const body = Object.entries(envVariables(ctx))
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
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
