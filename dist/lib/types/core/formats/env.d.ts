import type { FormatContext, FormatWriter } from '../toolfiles.js';
/** Variables for the target, both plain (for single-target use) and with the target's name in them. */
export declare function envVariables(ctx: FormatContext): Record<string, string>;
/** Single-quote for POSIX shells (`export` lines); a dotenv file needs dotenvValue. */
export declare function shellQuote(value: string): string;
/**
 * A value that dotenv readers (Node's --env-file, the dotenv package, docker compose) and POSIX
 * shells (`set -a; . file`) all read back exactly. Dotenv has no escape for a quote inside single
 * quotes (the shell's `'\''` reads as a value cut short), so: single quotes; a value holding `'`
 * goes in double quotes when nothing in it means something there (`"` `\` `$` and backquote).
 * Anything else (and a line break) has no such spelling: undefined.
 */
export declare function dotenvValue(value: string): string | undefined;
/** A dotenv file per target beside the store: `<store dir>/<target>.env`. */
export declare const envWriter: FormatWriter;
