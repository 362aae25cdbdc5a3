import path from 'node:path';
import { invalidInput } from '../errors.js';
import { parseJsonSafely } from '../redact.js';
import { UnparseableToolFile, type FormatContext, type FormatWriter } from '../toolfiles.js';
import { configDir } from './paths.js';

/**
 * Names whose `<target>.json` is a file Spin (or another target) already owns: `config` would
 * share the default target's file, and logging either out would hand back the other's token.
 */
const SPIN_OWN_FILES = new Map([
  ['config', "the default target's login (target default)"],
  ['registry-auth', "Spin's own registry credentials"],
]);

/**
 * Spin / Fermyon login config: one flat JSON connection per file,
 * `<config_dir>/fermyon/config.json` for "default" and `<target>.json` for the others,
 * with keys in the order Spin's `LoginConnection` serializes them.
 */
export const spinWriter: FormatWriter = {
  format: 'spin',
  locate(ctx) {
    const dir = path.join(configDir(ctx.env, ctx.home, ctx.platform), 'fermyon');
    if (ctx.target.name === 'default') return { path: path.join(dir, 'config.json') };
    // Spin reads <name>.json only when told the environment's name (--environment-name or this variable).
    return {
      path: path.join(dir, `${ctx.target.name}.json`),
      exportVar: { name: 'FERMYON_DEPLOYMENT_ENVIRONMENT', value: ctx.target.name },
    };
  },
  check(target) {
    // Lower case: macOS's and Windows's file systems take Config.json for config.json.
    const own = target.name.toLowerCase();
    const taken = SPIN_OWN_FILES.get(own);
    if (taken) {
      throw invalidInput(
        `The target name "${target.name}" cannot be used with format spin: fermyon/${own}.json is ${taken}; choose another target name.`,
      );
    }
    bindleUrl(target.options);
  },
  parse: checkConnection,
  upsert(existing, ctx) {
    // Not a connection Spin could read: replaced like any other format's unparseable file (with a
    // warning), not silently.
    if (existing !== undefined) checkConnection(existing, spinWriter.locate(ctx).path);
    // A connection file is ours whole: whatever was there is kept verbatim and put back on logout.
    return {
      content: JSON.stringify(spinConnection(ctx), null, 2) + '\n',
      key: ctx.target.name,
      previousEntry: existing ?? null,
    };
  },
  // The whole file is the entry.
  entryAt: (content) => content,
  remove(_existing, _key, previousEntry) {
    return previousEntry === null ? { content: '', empty: true } : { content: previousEntry, empty: false };
  },
};

/** Throws UnparseableToolFile unless `content` is empty or a JSON object, as Spin reads one. */
function checkConnection(content: string, file: string): void {
  if (content.trim() === '') return;
  const parsed = parseJsonSafely(content);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new UnparseableToolFile(
      `The Spin config ${file} is not a JSON object: fix it or delete it, then log in again.`,
      'it is not a JSON object',
    );
  }
}

function bindleUrl(options: Record<string, unknown> | undefined): string | undefined {
  const bindle = options?.bindleUrl;
  if (bindle !== undefined && typeof bindle !== 'string') throw invalidInput('bindle-url must be a string.');
  return bindle;
}

export function spinConnection(ctx: FormatContext): Record<string, unknown> {
  const bindle = bindleUrl(ctx.target.options);
  return {
    url: ctx.target.url.endsWith('/') ? ctx.target.url : ctx.target.url + '/',
    ...(bindle ? { bindle_url: bindle } : {}),
    danger_accept_invalid_certs: ctx.target.insecure,
    token: ctx.token,
    ...(ctx.refreshToken ? { refresh_token: ctx.refreshToken } : {}),
    ...(ctx.expiresAt ? { expiration: ctx.expiresAt } : {}),
  };
}
