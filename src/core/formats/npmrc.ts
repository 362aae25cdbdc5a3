import path from 'node:path';
import { invalidInput } from '../errors.js';
import type { FormatWriter } from '../toolfiles.js';
import { appendLine, optionString, requireBareWord } from './common.js';

/**
 * npm's "nerf dart" for a registry URL: `//host[:port]/path/`, the prefix npm matches
 * per-registry credentials by (npm/cli `lib/utils/nerf-dart`, with the registry URL ending in `/`).
 */
export function nerfDart(registry: string): string {
  let url: URL;
  try {
    url = new URL(registry.endsWith('/') ? registry : registry + '/');
  } catch {
    throw invalidInput(
      `npm-registry "${registry.slice(0, 80)}" is not a URL such as https://registry.npmjs.org/.`,
    );
  }
  return `//${url.host}${url.pathname}`;
}

/** The config key of a line (`key = value`, trimmed like npm's ini parser), or undefined for comments. */
function lineKey(line: string): string | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#') || t.startsWith(';')) return undefined;
  const eq = t.indexOf('=');
  return (eq < 0 ? t : t.slice(0, eq)).trim();
}

/** The last line setting `key` (npm, like ini, lets a later line win). */
function findKey(lines: string[], key: string): number {
  for (let i = lines.length - 1; i >= 0; i--) if (lineKey(lines[i]!) === key) return i;
  return -1;
}

/**
 * npm user config: `//host/path/:_authToken=TOKEN` for the registry (the `npm-registry` option, else
 * the target URL), in `$NPM_CONFIG_USERCONFIG` or `~/.npmrc`. Only that one line is ours; every
 * other line (other registries, `registry=`, comments) keeps its bytes. Lines are split on `\n`
 * only, so a CRLF file keeps its `\r`s.
 */
export const npmrcWriter: FormatWriter = {
  format: 'npmrc',
  locate(ctx) {
    const given = ctx.env.NPM_CONFIG_USERCONFIG || ctx.env.npm_config_userconfig;
    if (given) {
      // Exported absolute: later steps may run in another directory than this one.
      const abs = path.resolve(given);
      return { path: abs, exportVar: { name: 'NPM_CONFIG_USERCONFIG', value: abs } };
    }
    return { path: path.join(ctx.home, '.npmrc') };
  },
  check(target) {
    nerfDart(optionString(target.options, 'npmRegistry') ?? target.url);
  },
  upsert(existing, ctx) {
    const key = `${nerfDart(optionString(ctx.target.options, 'npmRegistry') ?? ctx.target.url)}:_authToken`;
    const line = `${key}=${requireBareWord(ctx.token, 'token', 'an .npmrc line')}`;
    const lines = (existing ?? '').split('\n');
    const at = existing ? findKey(lines, key) : -1;
    if (at < 0) return { content: appendLine(existing, line), key, previousEntry: null };
    const previous = lines[at]!;
    lines[at] = line + (previous.endsWith('\r') ? '\r' : '');
    return { content: lines.join('\n'), key, previousEntry: previous };
  },
  entryAt(content, key) {
    const lines = content.split('\n');
    const at = findKey(lines, key);
    return at < 0 ? null : lines[at]!;
  },
  remove(existing, key, previousEntry) {
    const lines = existing.split('\n');
    const at = findKey(lines, key);
    if (at >= 0) {
      if (previousEntry !== null) lines[at] = previousEntry;
      else lines.splice(at, 1);
    }
    const content = lines.join('\n');
    return { content, empty: content.trim() === '' };
  },
};
