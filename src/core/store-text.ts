/**
 * The store's text: JSON with the top-level fields on the first line and one target per line.
 *
 *   {"version":1,"current":"prod","targets":{
 *   "prod":{"url":"https://...",...},
 *   "staging":{"url":"https://...",...}
 *   }}
 *
 * Any JSON reader takes it as it is and a person can read and diff it. In this layout a raw newline
 * occurs only between lines (JSON.stringify escapes it inside strings), so a line that starts with
 * `"name":` is the target `name` and nothing nested, and no name occurs twice. A text known to be
 * in it (a sealed store, store-seal.ts) can therefore be read and changed a line at a time: on a
 * store of 1,000 targets, parsing or serialising every entry was most of a command's time. A
 * store in any other layout (edited by hand, written by an older version) is read as any JSON
 * and written back whole in this one.
 */

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

/** A text as pieces, written one after another (a splice reuses the old text's bytes, uncopied). */
export type TextParts = Array<string | Uint8Array>;

const NEWLINE = 0x0a;
const COMMA = 0x2c;

/** Where the target `name` fills a line of a text in our layout: [start, end) with its `\n`. */
function memberLine(text: Buffer, name: string): { start: number; end: number; comma: boolean } | undefined {
  const prefix = Buffer.from(`\n${JSON.stringify(name)}:`);
  // Buffer.indexOf runs a plain memchr scan for needles of up to six bytes and a table-driven
  // search beyond, which on JSON (every other byte a quote or a colon) is ten times slower.
  const probe = prefix.subarray(0, 6);
  for (let at = text.indexOf(probe); at >= 0; at = text.indexOf(probe, at + 1)) {
    if (text.compare(prefix, 0, prefix.length, at, at + prefix.length) !== 0) continue;
    const end = text.indexOf(NEWLINE, at + 1) + 1;
    return end > 0 ? { start: at + 1, end, comma: text[end - 2] === COMMA } : undefined;
  }
  return undefined;
}

/** The top-level fields of a text in our layout, targets left empty. Throws if it is not. */
export function readHead(text: Buffer): Record<string, unknown> {
  const end = text.indexOf(NEWLINE);
  if (end < 0 || text.toString('latin1', text.length - 4) !== '\n}}\n')
    throw new SyntaxError('not in the store layout');
  return JSON.parse(`${text.toString('utf8', 0, end)}}}`) as Record<string, unknown>;
}

/** The target `name` of a text in our layout: undefined when absent, throws if the line is not JSON. */
export function readMember(text: Buffer, name: string): unknown {
  const line = memberLine(text, name);
  if (!line) return undefined;
  const from = line.start + Buffer.byteLength(JSON.stringify(name)) + 1;
  return JSON.parse(text.toString('utf8', from, line.end - (line.comma ? 2 : 1)));
}

/**
 * The text after an update that changed only the targets in `names` (and perhaps the top-level
 * fields), made by editing their lines in `text`, which must be in our layout: a changed target
 * replaces its line, a removed one drops it, new ones go after the last line, the first line is
 * made again, and the commas between members are put right at the end. The result is in our
 * layout too. The unchanged lines are slices of `text`: nothing the size of the store is copied.
 */
export function spliceStoreText(text: Buffer, data: Layout, names: readonly string[]): TextParts {
  const edits: Array<{ start: number; end: number; line: string }> = [];
  const added: string[] = [];
  for (const name of new Set(names)) {
    const entry = data.targets[name];
    const line = memberLine(text, name);
    if (line) {
      const next = entry === undefined ? '' : `${member(name, entry)}${line.comma ? ',\n' : '\n'}`;
      edits.push({ start: line.start, end: line.end, line: next });
    } else if (entry !== undefined) added.push(member(name, entry));
  }
  edits.sort((a, b) => a.start - b.start);
  const region: TextParts = [];
  let at = text.indexOf(NEWLINE) + 1;
  for (const e of edits) {
    region.push(text.subarray(at, e.start), e.line);
    at = e.end;
  }
  region.push(text.subarray(at, text.length - 3));
  // Every member line but the last ends in ",\n". Only the end can be wrong: a dropped last line
  // leaves a comma before it, and new members need one after it.
  let last = region.length - 1;
  while (last >= 0 && region[last]!.length === 0) last--;
  const tail = last < 0 ? '' : region[last]!;
  const comma =
    last >= 0 && (typeof tail === 'string' ? tail.endsWith(',\n') : tail[tail.length - 2] === COMMA);
  const trim = (n: number) => {
    region[last] = typeof tail === 'string' ? tail.slice(0, -n) : tail.subarray(0, tail.length - n);
  };
  if (added.length) {
    if (last >= 0 && !comma) {
      trim(1);
      region.push(',\n');
    }
    region.push(`${added.join(',\n')}\n`);
  } else if (comma) {
    trim(2);
    region.push('\n');
  }
  return [`${headLine(data)}\n`, ...region, '}}\n'];
}
