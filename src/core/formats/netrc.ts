import path from 'node:path';
import { invalidInput } from '../errors.js';
import type { FormatContext, FormatWriter } from '../toolfiles.js';
import { unbracket } from '../text.js';
import { appendLine, loginUser, optionString, requireBareWord } from './common.js';

interface Token {
  text: string;
  start: number;
  end: number;
}

/** One `machine NAME ...` or `default ...` entry: [start, end) covers its keyword and values, no more. */
export interface NetrcEntry {
  machine: string | null;
  start: number;
  end: number;
}

/**
 * Split a netrc file into tokens with their offsets, the way curl and Python read it: whitespace
 * separates tokens, a line whose first token starts with `#` is a comment, `"..."` quotes a
 * value, and a `macdef NAME` body runs up to the next empty line.
 */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let firstOnLine = true;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      firstOnLine = true;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#' && firstOnLine) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    let text = '';
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        text += src[i];
        i++;
      }
      i++;
    } else {
      while (i < src.length && !/\s/.test(src[i]!)) text += src[i++];
    }
    tokens.push({ text, start, end: Math.min(i, src.length) });
    firstOnLine = false;
    const prev = tokens[tokens.length - 2];
    if (prev?.text === 'macdef') {
      // The macro body is raw text up to an empty line: skip it whole.
      const blank = src.slice(i).search(/\n[ \t]*\n/);
      i = blank < 0 ? src.length : i + blank + 1;
      firstOnLine = true;
    }
  }
  return tokens;
}

const KEYWORDS_WITH_VALUE = new Set(['machine', 'login', 'password', 'account', 'macdef', 'port']);

/** The `machine`/`default` entries in order; a `macdef` ends the span of the entry before it. */
export function netrcEntries(src: string): NetrcEntry[] {
  const tokens = tokenize(src);
  const entries: NetrcEntry[] = [];
  let current: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === 'machine' || t.text === 'default') {
      const name = t.text === 'machine' ? (tokens[i + 1]?.text ?? '') : null;
      current = { machine: name, start: t.start, end: t.end };
      entries.push(current);
      if (name !== null) {
        current.end = tokens[i + 1]?.end ?? t.end;
        i++;
      }
      continue;
    }
    if (t.text === 'macdef') {
      current = undefined;
      i++;
      continue;
    }
    if (!current) continue;
    current.end = t.end;
    if (KEYWORDS_WITH_VALUE.has(t.text) && tokens[i + 1]) {
      current.end = tokens[i + 1]!.end;
      i++;
    }
  }
  return entries;
}

/** The netrc machine: the `netrc-machine` option, else the target URL's host name (netrc has no ports). */
export function netrcMachine(ctx: Pick<FormatContext, 'target'>): string {
  const given = optionString(ctx.target.options, 'netrcMachine');
  if (given) {
    if (/[\s"#]/.test(given)) throw invalidInput(`netrc-machine "${given.slice(0, 60)}" is not a host name.`);
    return given.toLowerCase();
  }
  return unbracket(new URL(ctx.target.url).hostname).toLowerCase();
}

/** Remove [start, end), and the whole line too when nothing else is on it. */
function cut(src: string, start: number, end: number): string {
  const lineStart = src.lastIndexOf('\n', start - 1) + 1;
  const nl = src.indexOf('\n', end);
  const lineEnd = nl < 0 ? src.length : nl + 1;
  if (src.slice(lineStart, start).trim() === '' && src.slice(end, lineEnd).trim() === '') {
    return src.slice(0, lineStart) + src.slice(lineEnd);
  }
  return src.slice(0, start) + src.slice(end);
}

/**
 * `~/.netrc` (`_netrc` on Windows; `$NETRC` when set, for Python and others: curl ignores it):
 * `machine HOST login USER password TOKEN`. Our entry replaces the first entry for HOST (the one
 * curl uses) in place, or goes before `default` (curl stops at `default`), or at the end. Other
 * machines, comments, macros and `default` keep their bytes.
 */
export const netrcWriter: FormatWriter = {
  format: 'netrc',
  locate(ctx) {
    if (ctx.env.NETRC) {
      // Exported absolute: later steps may run in another directory than this one.
      const abs = path.resolve(ctx.env.NETRC);
      return { path: abs, exportVar: { name: 'NETRC', value: abs } };
    }
    return { path: path.join(ctx.home, ctx.platform === 'win32' ? '_netrc' : '.netrc') };
  },
  check(target) {
    netrcMachine({ target });
    requireBareWord(loginUser(target, 'netrc'), 'username', 'a netrc file');
  },
  upsert(existing, ctx) {
    const machine = netrcMachine(ctx);
    const user = requireBareWord(loginUser(ctx, 'netrc'), 'username', 'a netrc file');
    const token = requireBareWord(ctx.token, 'token', 'a netrc file');
    const line = `machine ${machine} login ${user} password ${token}`;
    const src = existing ?? '';
    const entries = netrcEntries(src);
    const mine = entries.find((e) => e.machine === machine);
    if (mine) {
      return {
        content: src.slice(0, mine.start) + line + src.slice(mine.end),
        key: machine,
        previousEntry: src.slice(mine.start, mine.end),
      };
    }
    const fallback = entries.find((e) => e.machine === null);
    if (fallback) {
      const lineStart = src.lastIndexOf('\n', fallback.start - 1) + 1;
      const eol = src.includes('\r\n') ? '\r\n' : '\n';
      return {
        content: src.slice(0, lineStart) + line + eol + src.slice(lineStart),
        key: machine,
        previousEntry: null,
      };
    }
    return { content: appendLine(existing, line), key: machine, previousEntry: null };
  },
  entryAt(content, key) {
    const e = netrcEntries(content).find((x) => x.machine === key);
    return e ? content.slice(e.start, e.end) : null;
  },
  remove(existing, key, previousEntry) {
    const mine = netrcEntries(existing).find((e) => e.machine === key);
    if (!mine) return { content: existing, empty: existing.trim() === '' };
    const content =
      previousEntry !== null
        ? existing.slice(0, mine.start) + previousEntry + existing.slice(mine.end)
        : cut(existing, mine.start, mine.end);
    return { content, empty: content.trim() === '' };
  },
};
