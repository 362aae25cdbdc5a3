import type { FormatContext, FormatWriter } from '../toolfiles.js';
/** One `machine NAME ...` or `default ...` entry: [start, end) covers its keyword and values, no more. */
export interface NetrcEntry {
    machine: string | null;
    start: number;
    end: number;
}
/** The `machine`/`default` entries in order; a `macdef` ends the span of the entry before it. */
export declare function netrcEntries(src: string): NetrcEntry[];
/** The netrc machine: the `netrc-machine` option, else the target URL's host name (netrc has no ports). */
export declare function netrcMachine(ctx: Pick<FormatContext, 'target'>): string;
/**
 * `~/.netrc` (`_netrc` on Windows; `$NETRC` when set, for Python and others: curl ignores it):
 * `machine HOST login USER password TOKEN`. Our entry replaces the first entry for HOST (the one
 * curl uses) in place, or goes before `default` (curl stops at `default`), or at the end. Other
 * machines, comments, macros and `default` keep their bytes.
 */
export declare const netrcWriter: FormatWriter;
