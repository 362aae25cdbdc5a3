import type { FormatWriter } from '../toolfiles.js';
/**
 * npm's "nerf dart" for a registry URL: `//host[:port]/path/`, the prefix npm matches
 * per-registry credentials by (npm/cli `lib/utils/nerf-dart`, with the registry URL ending in `/`).
 */
export declare function nerfDart(registry: string): string;
/**
 * npm user config: `//host/path/:_authToken=TOKEN` for the registry (the `npm-registry` option, else
 * the target URL), in `$NPM_CONFIG_USERCONFIG` or `~/.npmrc`. Only that one line is ours; every
 * other line (other registries, `registry=`, comments) keeps its bytes. Lines are split on `\n`
 * only, so a CRLF file keeps its `\r`s.
 */
export declare const npmrcWriter: FormatWriter;
