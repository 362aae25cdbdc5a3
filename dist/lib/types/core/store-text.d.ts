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
export declare function spliceBase(data: Layout, names: readonly string[]): SpliceBase;
interface Layout {
    version: unknown;
    targets: Record<string, unknown>;
    [field: string]: unknown;
}
/** The first line: every top-level field but the targets, then the targets object opened. */
export declare function headLine(data: Layout): string;
export declare function serializeStoreText(data: Layout): string;
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
export declare function spliceStoreText(text: string, base: SpliceBase, data: Layout, names: readonly string[]): string | undefined;
export {};
