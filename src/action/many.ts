import type { CoreContext } from '../core/context.js';
import { invalidInput, type Outcome } from '../core/errors.js';
import type { ActionInputs } from './inputs.js';
import type { PostState } from './main.js';

/** Several targets in one step (the `targets` input). */
export async function loginMany(
  _inputs: ActionInputs,
  _ctx: CoreContext,
  _state: PostState,
): Promise<{ outcome: Outcome }> {
  throw invalidInput('`targets` is not available in this version yet: use a matrix over `target` and `url`.');
}
