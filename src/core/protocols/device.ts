import { invalidInput } from '../errors.js';
import type { Credentials, TargetSpec } from '../target.js';
import type { Grant, ProtocolDeps } from './types.js';

export async function deviceLogin(
  spec: TargetSpec,
  _creds: Credentials,
  _deps: ProtocolDeps,
): Promise<Grant> {
  throw invalidInput(`method "device" for target "${spec.name}" needs an interactive terminal.`);
}
