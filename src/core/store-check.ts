import path from 'node:path';
import { FORMATS, METHODS, PROTOCOLS, printable } from './target.js';
import { hasHttpScheme, isTargetName } from './text.js';

/**
 * The shape check of a credential store's targets, field by field. A store is often edited by
 * hand (or by a merge gone wrong); whatever got through here is read by status, token, run and
 * logout without further checks, so a field of the wrong type must stop here, with the target and
 * the field named, rather than later as a TypeError (an "internal error", exit 1).
 *
 * Returns the reason the store cannot be used, or undefined. Missing optional lists are filled in.
 * Fields this version does not know are left alone (a newer version may have written them).
 *
 * `only` names the entries a command will use: `status`, `token`, `env` and `run` read one target,
 * `login` and `logout` of one target rewrite one. Only those are checked; the others are neither
 * read nor changed (an update writes them back as they were), and on a store of 1,000 targets
 * checking them all was a large part of every command's time. Commands that list or act on every
 * target (`targets`, `logout --all`) check them all.
 */
export function storedTargetsProblem(
  targets: Record<string, unknown>,
  only?: readonly string[],
): string | undefined {
  if (only) {
    for (const name of only) {
      const problem = Object.hasOwn(targets, name) ? entryProblem(name, targets[name]) : undefined;
      if (problem) return problem;
    }
    return undefined;
  }
  for (const name in targets) {
    const problem = entryProblem(name, targets[name]);
    if (problem) return problem;
  }
  return undefined;
}

function entryProblem(name: string, raw: unknown): string | undefined {
  const t = `target "${printable(name)}"`;
  if (!isTargetName(name)) return `${t} is not a valid target name`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return `${t} is not an object`;
  const e = raw as Record<string, unknown>;
  // A Basic-auth registry's password lives only in its tool file: the store keeps an empty token.
  if (typeof e.token !== 'string' || (e.token === '' && e.tokenInToolFileOnly !== true))
    return `${t} has no token`;
  if (e.tokenInToolFileOnly !== undefined && typeof e.tokenInToolFileOnly !== 'boolean')
    return `${t} has a "tokenInToolFileOnly" that is not true or false`;
  if (!isHttpUrl(e.url)) return `${t} has no valid "url"`;
  // The contract's store shape names url, token, expiresAt, refreshToken and insecure only: an
  // entry written by hand to that shape is a stored token for an oauth2 target (what
  // `login --method token` stores). Only a missing field is filled in; a wrong one is refused.
  if (e.protocol === undefined) e.protocol = 'oauth2';
  if (e.method === undefined) e.method = 'token';
  if (!(PROTOCOLS as readonly unknown[]).includes(e.protocol)) return `${t} has no valid "protocol"`;
  if (e.method === 'auto' || !(METHODS as readonly unknown[]).includes(e.method))
    return `${t} has no valid "method"`;
  if (e.insecure === undefined) e.insecure = false;
  if (typeof e.insecure !== 'boolean') return `${t}: "insecure" is not true or false`;
  for (const key of ['refreshToken', 'username', 'audience', 'clientId', 'scope', 'loggedInAt']) {
    if (e[key] !== undefined && typeof e[key] !== 'string') return `${t}: "${key}" is not a string`;
  }
  if (e.expiresAt !== undefined && (typeof e.expiresAt !== 'string' || Number.isNaN(Date.parse(e.expiresAt))))
    return `${t}: "expiresAt" is not a date`;
  if (e.tokenEndpoint !== undefined && !isHttpUrl(e.tokenEndpoint))
    return `${t}: "tokenEndpoint" is not a URL`;
  if (e.options !== undefined && (!e.options || typeof e.options !== 'object' || Array.isArray(e.options)))
    return `${t}: "options" is not an object`;
  if (e.formats === undefined) e.formats = [];
  if (!Array.isArray(e.formats) || !e.formats.every((f) => (FORMATS as readonly unknown[]).includes(f)))
    return `${t}: "formats" is not a list of formats`;
  if (e.files === undefined) e.files = [];
  if (!Array.isArray(e.files) || !e.files.every(isJournal)) return `${t} has a malformed "files" entry`;
  return undefined;
}

/** URL.canParse, not new URL: no object per target, a third of the cost on a store of 1,000 targets. */
function isHttpUrl(v: unknown): boolean {
  return typeof v === 'string' && hasHttpScheme(v, true) && URL.canParse(v);
}

const stringOrNull = (v: unknown) => v === null || typeof v === 'string';

/** One FileJournal: logout acts on its path, so it must be whole and absolute. */
function isJournal(j: unknown): boolean {
  if (!j || typeof j !== 'object' || Array.isArray(j)) return false;
  const f = j as Record<string, unknown>;
  const exportVar = f.exportVar as Record<string, unknown> | undefined;
  return (
    (FORMATS as readonly unknown[]).includes(f.format) &&
    typeof f.path === 'string' &&
    path.isAbsolute(f.path) &&
    typeof f.key === 'string' &&
    typeof f.writtenHash === 'string' &&
    stringOrNull(f.previousEntry) &&
    stringOrNull(f.original) &&
    (f.shared === undefined || typeof f.shared === 'boolean') &&
    (f.entryHash === undefined || typeof f.entryHash === 'string') &&
    (f.mode === undefined ||
      (Number.isInteger(f.mode) && (f.mode as number) >= 0 && (f.mode as number) <= 0o777)) &&
    (f.dirs === undefined ||
      (Array.isArray(f.dirs) && f.dirs.every((d) => typeof d === 'string' && path.isAbsolute(d)))) &&
    (exportVar === undefined ||
      (!!exportVar && typeof exportVar.name === 'string' && typeof exportVar.value === 'string'))
  );
}
