import type { Format } from '../target.js';
import type { FormatWriter } from '../toolfiles.js';
import { envWriter } from './env.js';
import { spinWriter } from './spin.js';

/** Writers by format. Formats not yet listed here are refused at validation time. */
export const WRITERS: Partial<Record<Format, FormatWriter>> = {
  spin: spinWriter,
  env: envWriter,
};

export function writerFor(format: Format): FormatWriter | undefined {
  return WRITERS[format];
}
