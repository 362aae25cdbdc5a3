import { invalidInput } from '../core/errors.js';
import { actionLabel, parseBoolean, type Credentials, type TargetInput } from '../core/target.js';

/** The runner passes inputs as INPUT_<NAME> variables (spaces to _, upper-cased; dashes kept). */
export type GetInput = (name: string) => string;

export interface ActionInputs {
  target: TargetInput;
  creds: Credentials;
  targetsYaml: string;
  run: string;
  cleanup: boolean;
  githubDeployment: boolean;
  timeout: string;
}

export const SECRET_INPUTS = ['password', 'token', 'client-secret'] as const;

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
    },
    creds,
    targetsYaml: get('targets'),
    run: get('run'),
    cleanup: parseBoolean(get('cleanup'), actionLabel('cleanup' as never), true),
    githubDeployment: parseBoolean(get('github-deployment'), '`github-deployment`', false),
    timeout: get('run-timeout'),
  };
}

export function parseTimeout(value: string): number {
  if (!value) return 0;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw invalidInput(`\`run-timeout\` must be a number of seconds, not "${value.slice(0, 40)}".`);
  return n * 1000;
}
