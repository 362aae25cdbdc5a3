import { invalidInput } from '../core/errors.js';
import { actionLabel, parseBoolean, type Credentials, type TargetInput } from '../core/target.js';
import { readToolOptions } from '../core/tool-options.js';
import type { JsonLoginInput } from '../core/protocols/json-config.js';

/** The runner passes inputs as INPUT_<NAME> variables (spaces to _, upper-cased; dashes kept). */
export type GetInput = (name: string) => string;

export interface ActionInputs {
  target: TargetInput;
  creds: Credentials;
  targetsYaml: string;
  run: string;
  cleanup: boolean;
  githubDeployment: boolean;
  /** For github-deployment: the `github-token` input (default the job's token), else GITHUB_TOKEN. */
  githubToken: string;
  timeout: string;
  /** protocol json: the json-* inputs (docs/protocol-json.md), applied by prepareJsonTarget. */
  json: JsonLoginInput;
}

export const SECRET_INPUTS = ['password', 'token', 'client-secret', 'github-token'] as const;

export function readInputs(get: GetInput): ActionInputs {
  const creds: Credentials = {
    password: get('password') || undefined,
    token: get('token') || undefined,
    clientSecret: get('client-secret') || undefined,
  };
  return {
    target: {
      target: get('target'),
      url: get('url'),
      method: get('method'),
      username: get('username'),
      audience: get('audience'),
      protocol: get('protocol'),
      tokenEndpoint: get('token-endpoint'),
      format: get('format'),
      insecure: get('insecure'),
      clientId: get('client-id'),
      scope: get('scope'),
      // package, docker-server, npm-registry, netrc-machine, kube-*, client-assertion-key
      options: readToolOptions(
        (name) => get(name) || undefined,
        (name) => `\`${name}\``,
        process.env,
      ),
    },
    creds,
    targetsYaml: get('targets'),
    run: get('run'),
    cleanup: parseBoolean(get('cleanup'), actionLabel('cleanup' as never), true),
    githubDeployment: parseBoolean(get('github-deployment'), '`github-deployment`', false),
    githubToken: get('github-token') || process.env.GITHUB_TOKEN || '',
    timeout: get('run-timeout'),
    json: {
      recipe: get('json-recipe') || undefined,
      loginPath: get('json-login-path') || undefined,
      body: get('json-body') || undefined,
      tokenField: get('json-token-field') || undefined,
      expiryField: get('json-expiry-field') || undefined,
      expiryKind: get('json-expiry-kind') || undefined,
      refreshPath: get('json-refresh-path') || undefined,
      checkPath: get('json-check-path') || undefined,
    },
  };
}

export function parseTimeout(value: string): number {
  if (!value) return 0;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw invalidInput(`\`run-timeout\` must be a number of seconds, not "${value.slice(0, 40)}".`);
  return n * 1000;
}
