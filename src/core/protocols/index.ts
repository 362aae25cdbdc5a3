import { invalidInput } from '../errors.js';
import type { ProtocolName, TargetSpec } from '../target.js';
import { oauth2 } from './oauth2.js';
import type { Protocol } from './types.js';

/** Protocols load on demand so a start-up pays only for the one it uses. */
const LOADERS: Partial<Record<ProtocolName, () => Promise<Protocol>>> = {
  oauth2: async () => oauth2,
  fermyon: async () => (await import('./fermyon.js')).fermyon,
  json: async () => (await import('./json.js')).json,
  'npm-registry': async () => (await import('./npm-registry.js')).npmRegistry,
  'docker-registry': async () => (await import('./docker-registry.js')).dockerRegistry,
};

export async function protocolFor(
  spec: Pick<TargetSpec, 'protocol' | 'method'>,
  label = 'protocol',
): Promise<Protocol> {
  const load = LOADERS[spec.protocol];
  if (!load)
    throw invalidInput(`${label} "${spec.protocol}" is not available in this version of deploy-login.`);
  const protocol = await load();
  if (!protocol.methods.includes(spec.method)) {
    throw invalidInput(
      `method "${spec.method}" is not supported by protocol "${spec.protocol}": use one of ${protocol.methods.join(', ')}.`,
    );
  }
  return protocol;
}
