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
/** The first line: every top-level field but the targets, then the targets object opened. */
export declare function headLine(data: Layout): string;
export declare function serializeStoreText(data: Layout): string;
/** A text as pieces, written one after another (a splice reuses the old text's bytes, uncopied). */
export type TextParts = Array<string | Uint8Array>;
/** The top-level fields of a text in our layout, targets left empty. Throws if it is not. */
export declare function readHead(text: Buffer): Record<string, unknown>;
/** The target `name` of a text in our layout: undefined when absent, throws if the line is not JSON. */
export declare function readMember(text: Buffer, name: string): unknown;
/**
 * The text after an update that changed only the targets in `names` (and perhaps the top-level
 * fields), made by editing their lines in `text`, which must be in our layout: a changed target
 * replaces its line, a removed one drops it, new ones go after the last line, the first line is
 * made again, and the commas between members are put right at the end. The result is in our
 * layout too. The unchanged lines are slices of `text`: nothing the size of the store is copied.
 */
export declare function spliceStoreText(text: Buffer, data: Layout, names: readonly string[]): TextParts;
export {};
