import { type FormatContext, type FormatWriter } from '../toolfiles.js';
/**
 * Spin / Fermyon login config: one flat JSON connection per file,
 * `<config_dir>/fermyon/config.json` for "default" and `<target>.json` for the others,
 * with keys in the order Spin's `LoginConnection` serializes them.
 */
export declare const spinWriter: FormatWriter;
export declare function spinConnection(ctx: FormatContext): Record<string, unknown>;
