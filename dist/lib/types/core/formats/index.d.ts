import type { Format } from '../target.js';
import type { FormatWriter } from '../toolfiles.js';
/**
 * Writers by format. Formats not yet listed here are refused at validation time. The writers are
 * small; kubeconfig's YAML parser is loaded lazily by its `load()`.
 */
export declare const WRITERS: Partial<Record<Format, FormatWriter>>;
export declare function writerFor(format: Format): FormatWriter | undefined;
