import { promises as fs } from 'node:fs';
import { invalidInput } from './errors.js';
import type { HttpClient } from './http.js';
import type { OidcOptions, OidcSourceName } from './oidc.js';
import { NO_OIDC_SOURCE } from './oidc.js';
import type { IdTokenFetcher } from './protocols/types.js';
import type { Env } from './store.js';

/** CIs other than GitHub. Those that inject a ready token cannot vary its audience. */
export function otherCiFetcher(
  source: OidcSourceName,
  env: Env,
  _http: HttpClient,
  opts: OidcOptions,
): IdTokenFetcher {
  const fromVar =
    (name: string): IdTokenFetcher =>
    async () => {
      const v = env[name];
      if (!v) throw invalidInput(`The OIDC token variable ${name} is empty or unset. ${NO_OIDC_SOURCE}`);
      return v.trim();
    };
  switch (source) {
    case 'gitlab':
    case 'env':
      return fromVar(opts.idTokenEnv || 'DEPLOY_LOGIN_ID_TOKEN');
    case 'circleci':
      return fromVar(env.CIRCLE_OIDC_TOKEN_V2 ? 'CIRCLE_OIDC_TOKEN_V2' : 'CIRCLE_OIDC_TOKEN');
    case 'bitbucket':
      return fromVar('BITBUCKET_STEP_OIDC_TOKEN');
    case 'file':
      return async () => {
        if (!opts.idTokenFile) throw invalidInput('--id-token-file is required with --oidc-source file.');
        const text = await fs.readFile(opts.idTokenFile, 'utf8').catch(() => {
          throw invalidInput(`--id-token-file ${opts.idTokenFile} cannot be read.`);
        });
        return text.trim();
      };
    default:
      return async () => {
        throw invalidInput(`OIDC source "${source}" is not supported yet. ${NO_OIDC_SOURCE}`);
      };
  }
}
