import type { FormatContext, FormatWriter } from '../toolfiles.js';
/** Variables for the target, both plain (for single-target use) and with the target's name in them. */
export declare function envVariables(ctx: FormatContext): Record<string, string>;
/** Single-quote for POSIX shells and dotenv readers alike. */
export declare function shellQuote(value: string): string;
/** A dotenv file per target beside the store: `<store dir>/<target>.env`. */
export declare const envWriter: FormatWriter;
