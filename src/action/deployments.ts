import * as core from '@actions/core';
import type { Outcome } from '../core/errors.js';
import type { SecretRegistry } from '../core/redact.js';

export interface DeploymentRecord {
  target: string;
  url: string;
  outcome: Outcome;
}

/** What the deployment's status says, per outcome (GitHub shows the description next to the environment). */
const STATUS: Record<Outcome, { state: 'success' | 'failure' | 'error'; description: string }> = {
  success: { state: 'success', description: 'deployed (deploy-login)' },
  'needs-login': { state: 'failure', description: 'needs login: the target refused the credentials' },
  'deploy-failed': { state: 'failure', description: 'deploy failed' },
  unavailable: { state: 'error', description: 'target unavailable: try again later' },
  'invalid-input': { state: 'error', description: 'invalid input: nothing was deployed' },
  error: { state: 'error', description: 'internal error in deploy-login' },
};

/**
 * GitHub Deployments, loaded only when `github-deployment: true`: one deployment per target
 * (environment = the target's name, ref = the job's commit) and its final status, with the
 * target's URL as the environment URL. Needs `permissions: deployments: write` for the token
 * (`github-token`, default the job's GITHUB_TOKEN). Recording is a side note to the deploy: a
 * failure to record is a warning and never changes the step's exit code.
 */
export async function recordDeployments(
  records: DeploymentRecord[],
  secrets: SecretRegistry,
  token = process.env.GITHUB_TOKEN ?? '',
): Promise<void> {
  const env = process.env;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const ref = env.GITHUB_SHA || env.GITHUB_REF;
  if (!token || !owner || !repo || !ref) {
    core.warning(
      'github-deployment: no deployment recorded: it needs a token (`github-token`, default the job token, with `permissions: deployments: write`) and GITHUB_REPOSITORY and GITHUB_SHA, which every Actions job has.',
    );
    return;
  }
  secrets.add(token);
  core.setSecret(token);
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token, { baseUrl: env.GITHUB_API_URL || 'https://api.github.com' });
  const logUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  for (const r of records) {
    const status = STATUS[r.outcome];
    try {
      const created = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref,
        environment: r.target,
        description: `deploy-login: ${r.target}`,
        auto_merge: false,
        // The deploy already ran: do not wait for commit statuses to pass first.
        required_contexts: [],
      });
      const id = (created.data as { id?: number }).id;
      if (typeof id !== 'number')
        throw new Error(`GitHub did not create the deployment (HTTP ${created.status})`);
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: status.state,
        description: status.description,
        environment_url: r.url,
        ...(logUrl ? { log_url: logUrl } : {}),
      });
      core.info(`github-deployment: recorded ${r.target}: ${status.state} (${status.description}).`);
    } catch (err) {
      const code = (err as { status?: number }).status;
      const hint =
        code === 403 || code === 404 ? ' (does the job have `permissions: deployments: write`?)' : '';
      core.warning(
        secrets.redact(
          `github-deployment: could not record the deployment of ${r.target}: ${code ? `HTTP ${code}` : (err as Error).message}${hint}.`,
        ),
      );
    }
  }
}
