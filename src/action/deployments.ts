import type { Outcome } from '../core/errors.js';
import type { SecretRegistry } from '../core/redact.js';

export interface DeploymentRecord {
  target: string;
  url: string;
  outcome: Outcome;
}

/** GitHub Deployments, loaded only when `github-deployment: true`. */
export async function recordDeployments(
  _records: DeploymentRecord[],
  _secrets: SecretRegistry,
): Promise<void> {
  // Filled in with @actions/github in the multi-target work.
}
