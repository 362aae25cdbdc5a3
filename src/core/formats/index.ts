import type { Format } from '../target.js';
import type { FormatWriter } from '../toolfiles.js';
import { dockerWriter } from './docker.js';
import { envWriter } from './env.js';
import { kubeconfigWriter } from './kubeconfig.js';
import { netrcWriter } from './netrc.js';
import { npmrcWriter } from './npmrc.js';
import { spinWriter } from './spin.js';

/**
 * Writers by format. Formats not yet listed here are refused at validation time. The writers are
 * small; kubeconfig's YAML parser is loaded lazily by its `load()`.
 */
export const WRITERS: Partial<Record<Format, FormatWriter>> = {
  spin: spinWriter,
  env: envWriter,
  docker: dockerWriter,
  npmrc: npmrcWriter,
  netrc: netrcWriter,
  kubeconfig: kubeconfigWriter,
};

export function writerFor(format: Format): FormatWriter | undefined {
  return WRITERS[format];
}
