/**
 * The environment variables `spin login` reads, honoured as fallbacks for `protocol: fermyon` so a
 * job already set up for Spin works unchanged. Our own inputs (flags, Action inputs,
 * DEPLOY_LOGIN_*) always win; Spin's variables only fill what is still empty.
 */
import { invalidInput } from './errors.js';
import type { Env } from './store.js';
import { validateUrl, type Credentials, type InputLabel, type TargetInput } from './target.js';

/** Where `spin cloud login` goes when no URL is given. */
export const FERMYON_CLOUD_URL = 'https://cloud.fermyon.com';

export interface SpinFallbacks {
  input: TargetInput;
  creds: Credentials;
  /** For resolveTarget: the URL to use when neither an input nor a variable gives one. */
  defaultUrl?: string;
}

const pick = (env: Env, ...names: string[]): string | undefined => {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
};

/**
 * Fill a fermyon target from HIPPO_URL, HIPPO_USERNAME, HIPPO_PASSWORD, SPIN_AUTH_TOKEN, CLOUD_URL
 * (and BINDLE_URL for Hippo logins, which Spin 1.x writes into its config as `bindle_url`).
 * Other protocols pass through untouched.
 */
export function withSpinEnvironment(
  input: TargetInput,
  creds: Credentials,
  env: Env,
  label: InputLabel,
  allowHttp = false,
): SpinFallbacks {
  if ((input.protocol ?? '').trim() !== 'fermyon') return { input, creds };
  const username = input.username?.trim() || pick(env, 'HIPPO_USERNAME');
  const filled: Credentials = {
    ...creds,
    // Secrets from the environment: never trimmed, a space may be part of a password.
    password: creds.password || env.HIPPO_PASSWORD || undefined,
    token: creds.token || env.SPIN_AUTH_TOKEN || undefined,
  };
  const method = (input.method ?? '').trim() || 'auto';
  if (method === 'auto' && !filled.token && !username) {
    throw invalidInput(
      `protocol "fermyon" needs a way to log in: give ${label('token')} or SPIN_AUTH_TOKEN (a personal access token), ${label('username')} and ${label('password')} or HIPPO_USERNAME and HIPPO_PASSWORD (Hippo), or ${label('method')} device.`,
    );
  }
  const hippo = method === 'password' || (method === 'auto' && !filled.token && !!username);
  // Spin 1.x read HIPPO_URL for Hippo logins; the cloud plugin reads CLOUD_URL.
  // A URL from Spin's variables is checked here, so a bad one is reported under the variable's name.
  const urlVar = input.url?.trim()
    ? undefined
    : (hippo ? ['HIPPO_URL', 'CLOUD_URL'] : ['CLOUD_URL', 'HIPPO_URL']).find((n) => pick(env, n));
  const url = input.url?.trim() || (urlVar && validateUrl(pick(env, urlVar)!, urlVar, { allowHttp }));
  const options = { ...(input.options ?? {}) };
  const bindle = pick(env, 'BINDLE_URL');
  if (hippo && bindle && options.bindleUrl === undefined) {
    options.bindleUrl = validateUrl(bindle, 'BINDLE_URL', { allowHttp });
  }
  return {
    input: {
      ...input,
      ...(url ? { url } : {}),
      ...(username ? { username } : {}),
      ...(Object.keys(options).length ? { options } : {}),
    },
    creds: filled,
    defaultUrl: FERMYON_CLOUD_URL,
  };
}
