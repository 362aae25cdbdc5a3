/**
 * The store's text: JSON with the top-level fields on the first line and one target per line.
 *
 *   {"version":1,"current":"prod","targets":{
 *   "prod":{"url":"https://...",...},
 *   "staging":{"url":"https://...",...}
 *   }}
 *
 * Any JSON reader takes it as it is, a person can read and diff it, and it lets an update that
 * changed a few targets rewrite just their lines: on a store of 1,000 targets, serialising every
 * entry again was a large part of a login's time. A store in another layout (edited by hand,
 * written by an older version) is read as any JSON and written back in this one.
 */

/** What an update is spliced against, taken before it changed anything. */
export interface SpliceBase {
  /** The old head line, and the old top-level keys. */
  head: string;
  keys: readonly string[];
  /** Which of the names the update may change were targets already. */
  existed: ReadonlySet<string>;
}

export function spliceBase(data: Layout, names: readonly string[]): SpliceBase {
  return {
    head: headLine(data),
    keys: Object.keys(data),
    existed: new Set(names.filter((n) => Object.hasOwn(data.targets, n))),
  };
}

interface Layout {
  version: unknown;
  targets: Record<string, unknown>;
  [field: string]: unknown;
}

const member = (name: string, value: unknown) => `${JSON.stringify(name)}:${JSON.stringify(value)}`;

/** The first line: every top-level field but the targets, then the targets object opened. */
export function headLine(data: Layout): string {
  const fields: string[] = [];
  for (const [k, v] of Object.entries(data))
    if (k !== 'targets' && v !== undefined) fields.push(member(k, v));
  fields.push('"targets":{');
  return `{${fields.join(',')}`;
}

export function serializeStoreText(data: Layout): string {
  const lines: string[] = [];
  for (const [name, entry] of Object.entries(data.targets))
    if (entry !== undefined) lines.push(member(name, entry));
  return `${headLine(data)}\n${lines.length ? `${lines.join(',\n')}\n` : ''}}}\n`;
}

const count = (text: string, needle: string, upTo = 2): number => {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0 && n < upTo; at = text.indexOf(needle, at + 1)) n++;
  return n;
};

/** The line holds exactly one member, `name`, and nothing else. */
function isLoneMember(line: string, name: string): boolean {
  try {
    const v = JSON.parse(`{${line}}`) as Record<string, unknown>;
    const keys = Object.keys(v);
    return keys.length === 1 && keys[0] === name;
  } catch {
    return false;
  }
}

/**
 * Where `name`'s entry sits, if it is the only occurrence of `"name":` in the whole text (so it is
 * the top-level target JSON.parse kept, at any depth nothing else is called that) and it fills a
 * line alone (followed by the comma between members, or not when it is the last).
 */
function loneLine(text: string, name: string): { start: number; end: number; comma: boolean } | undefined {
  const prefix = `${JSON.stringify(name)}:`;
  const start = text.indexOf(prefix);
  if (start < 1 || text[start - 1] !== '\n' || text.indexOf(prefix, start + 1) >= 0) return undefined;
  const end = text.indexOf('\n', start);
  if (end < 0) return undefined;
  const comma = text[end - 1] === ',';
  return isLoneMember(text.slice(start, comma ? end - 1 : end), name) ? { start, end, comma } : undefined;
}

/** The name of the member that fills the last line alone, if it does. */
function lastLoneMember(text: string): string | undefined {
  const start = text.lastIndexOf('\n', text.length - 5) + 1;
  try {
    const keys = Object.keys(JSON.parse(`{${text.slice(start, text.length - 4)}}`) as object);
    return keys.length === 1 ? keys[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The new text after an update that changed only the targets in `names` (and perhaps the head),
 * made by editing the old text; undefined when that cannot be shown right, and the caller
 * serialises the whole store. `text` must be valid JSON (the caller parsed it).
 *
 * Why it is right: a changed target that existed occurs once in the whole text, on a line of its
 * own, so that line is the entry JSON.parse kept; replacing it, or dropping it with the comma
 * that separates it, leaves valid JSON with just that change. New targets go after the last line
 * when that line is, alone, a target that occurs once: then the brace after it closes the targets
 * and the next one the store. A changed first line needs the old top-level keys to occur once
 * each (a duplicate later in the text would override it).
 */
export function spliceStoreText(
  text: string,
  base: SpliceBase,
  data: Layout,
  names: readonly string[],
): string | undefined {
  if (!text.startsWith(`${base.head}\n`) || !text.endsWith('\n}}\n')) return undefined;
  let out = text;
  const added: string[] = [];
  for (const name of new Set(names)) {
    const entry = data.targets[name];
    if (!base.existed.has(name)) {
      if (entry !== undefined) added.push(member(name, entry));
      continue;
    }
    const line = loneLine(out, name);
    if (!line) return undefined;
    const { start, end, comma } = line;
    if (entry !== undefined)
      out = `${out.slice(0, start)}${member(name, entry)}${comma ? ',' : ''}${out.slice(end)}`;
    else if (!comma && out[start - 2] === ',') out = out.slice(0, start - 2) + out.slice(end);
    else out = out.slice(0, start) + out.slice(end + 1);
  }
  let closedAfterTargets = false;
  if (added.length) {
    if (out === `${base.head}\n}}\n`) {
      out = `${base.head}\n${added.join(',\n')}\n}}\n`;
    } else {
      const last = lastLoneMember(out);
      if (
        last === undefined ||
        data.targets[last] === undefined ||
        count(out, `${JSON.stringify(last)}:`) !== 1
      )
        return undefined;
      out = `${out.slice(0, -4)},\n${added.join(',\n')}\n}}\n`;
    }
    closedAfterTargets = true;
  }
  const head = headLine(data);
  if (head !== base.head) {
    if (!closedAfterTargets && base.keys.some((k) => count(text, `${JSON.stringify(k)}:`) !== 1))
      return undefined;
    out = head + out.slice(base.head.length);
  }
  return out;
}
