import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { invalidInput, needsLogin, unavailable } from './errors.js';
import type { HttpClient } from './http.js';
import { decodeJwtClaims } from './jwt.js';
import type { OidcOptions, OidcSourceName } from './oidc.js';
import { DEFAULT_ID_TOKEN_ENV, NO_OIDC_SOURCE, serviceUrl } from './oidc.js';
import { ensureOk } from './protocols/responses.js';
import type { IdTokenFetcher } from './protocols/types.js';
import { envValue, type Env } from './store.js';

/** Azure Pipelines' OIDC API version; `api-version` is required (400 without it). */
export const AZURE_OIDC_API_VERSION = '7.1';

/** Where the Azure service connection id comes from when --azure-service-connection is not given. */
export const AZURE_CONNECTION_VARS = [
  'DEPLOY_LOGIN_AZURE_SERVICE_CONNECTION_ID',
  'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID',
] as const;

const CI_NAMES: Record<OidcSourceName, string> = {
  github: 'GitHub Actions',
  gitlab: 'GitLab CI',
  circleci: 'CircleCI',
  bitbucket: 'Bitbucket Pipelines',
  buildkite: 'Buildkite',
  azure: 'Azure Pipelines',
  env: 'the id-token variable',
  file: 'the id-token file',
};

/**
 * CIs other than GitHub. GitLab, CircleCI and Bitbucket inject a ready token whose audience was
 * fixed by the pipeline's config (or by the CI itself), and Azure's is always
 * api://AzureADTokenExchange: those are checked against the audience we were asked for, with a
 * warning (not a failure: the target decides). Buildkite is asked for the audience, like GitHub.
 */
export function otherCiFetcher(
  source: OidcSourceName,
  env: Env,
  http: HttpClient,
  opts: OidcOptions,
): IdTokenFetcher {
  const fromVar =
    (name: string, hint: string): IdTokenFetcher =>
    async () => {
      const v = envValue(env, name)?.trim();
      if (!v) throw invalidInput(`The OIDC token variable ${name} is empty or unset: ${hint}.`);
      return v;
    };
  const checked = (fetch: IdTokenFetcher): IdTokenFetcher => {
    return async (audience) => {
      const token = await fetch(audience);
      warnOnAudience(token, audience, CI_NAMES[source], opts.warn);
      return token;
    };
  };
  const idTokenVar = opts.idTokenEnv || DEFAULT_ID_TOKEN_ENV;
  switch (source) {
    case 'gitlab':
      return checked(
        fromVar(idTokenVar, `declare \`id_tokens: { ${idTokenVar}: { aud: AUDIENCE } }\` in the GitLab job`),
      );
    case 'env':
      return checked(
        fromVar(idTokenVar, 'set it to the CI JWT, or name another variable with --id-token-env'),
      );
    case 'circleci':
      return checked(
        fromVar(
          env.CIRCLE_OIDC_TOKEN_V2 ? 'CIRCLE_OIDC_TOKEN_V2' : 'CIRCLE_OIDC_TOKEN',
          'run the CircleCI job with a context, or enable project OIDC',
        ),
      );
    case 'bitbucket':
      return checked(fromVar('BITBUCKET_STEP_OIDC_TOKEN', 'add `oidc: true` to the Bitbucket step'));
    case 'file':
      return checked(async () => {
        if (!opts.idTokenFile) throw invalidInput('--id-token-file is required with --oidc-source file.');
        const text = await fs.readFile(opts.idTokenFile, 'utf8').catch(() => {
          throw invalidInput(`--id-token-file ${opts.idTokenFile} cannot be read: check the path.`);
        });
        if (!text.trim()) throw invalidInput(`--id-token-file ${opts.idTokenFile} is empty.`);
        return text.trim();
      });
    case 'buildkite':
      return buildkiteIdToken(env);
    case 'azure':
      return checked(azureIdToken(env, http, opts));
    default:
      return async () => {
        throw invalidInput(`OIDC source "${source}" is not supported here. ${NO_OIDC_SOURCE}`);
      };
  }
}

/** The token's `aud` (a string or a list) against the audience we wanted; a mismatch is a warning. */
export function warnOnAudience(
  token: string,
  wanted: string,
  ci: string,
  warn: ((line: string) => void) | undefined,
): void {
  if (!warn) return;
  const aud = decodeJwtClaims(token)?.aud;
  const list = Array.isArray(aud)
    ? aud.filter((a) => typeof a === 'string')
    : typeof aud === 'string'
      ? [aud]
      : [];
  if (list.length === 0 || list.includes(wanted)) return;
  warn(
    `The OIDC token from ${ci} is for audience ${list.map((a) => `"${a}"`).join(', ')}, not the requested "${wanted}"; ` +
      `the target may refuse it: set the audience in the CI's configuration, or pass --audience to match the token.`,
  );
}

/**
 * Buildkite: `buildkite-agent oidc request-token --audience AUD` prints the JWT. Spawned without
 * a shell, stdin closed, bounded in time; the agent finds its own job credentials in the env.
 */
export function buildkiteIdToken(env: Env, agent = 'buildkite-agent', timeoutMs = 30_000): IdTokenFetcher {
  return (audience) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        agent,
        ['oidc', 'request-token', '--audience', audience],
        { env: env as NodeJS.ProcessEnv, timeout: timeoutMs, maxBuffer: 256 * 1024, shell: false },
        (err, stdout, stderr) => {
          if (!err) {
            const token = String(stdout).trim();
            return token
              ? resolve(token)
              : reject(
                  unavailable('`buildkite-agent oidc request-token` printed no token; try again later.'),
                );
          }
          const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
          if (e.code === 'ENOENT') {
            return reject(
              invalidInput(
                'Buildkite was detected but `buildkite-agent` is not on PATH: run the step on a Buildkite agent, or pick another source with --oidc-source.',
              ),
            );
          }
          // The agent's own message, short and without anything token-shaped, says why.
          const why = String(stderr)
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
            .pop()
            ?.replace(/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]+/g, '***')
            .slice(0, 200);
          const detail = e.killed ? `no answer within ${timeoutMs / 1000} s` : (why ?? `exit ${e.code}`);
          if (/\b(401|403)\b|forbidden|unauthori[sz]ed|not (?:allowed|permitted)/i.test(detail)) {
            return reject(needsLogin(`Buildkite refused to issue an OIDC token (${detail}).`));
          }
          reject(unavailable(`\`buildkite-agent oidc request-token\` failed (${detail}); try again later.`));
        },
      );
      child.stdin?.end();
    });
}

/**
 * Azure Pipelines: POST ${SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=ID with the
 * job's System.AccessToken (mapped into the env as SYSTEM_ACCESSTOKEN) → {"oidcToken"}.
 */
export function azureIdToken(env: Env, http: HttpClient, opts: OidcOptions): IdTokenFetcher {
  return async () => {
    const base = env.SYSTEM_OIDCREQUESTURI;
    if (!base)
      throw invalidInput(
        `SYSTEM_OIDCREQUESTURI is not set: this does not look like Azure Pipelines. ${NO_OIDC_SOURCE}`,
      );
    const bearer = env.SYSTEM_ACCESSTOKEN;
    if (!bearer) {
      throw invalidInput(
        'Azure Pipelines does not give steps its access token unless asked: add `env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }` to the step.',
      );
    }
    const connection =
      opts.azureServiceConnection?.trim() || AZURE_CONNECTION_VARS.map((v) => env[v]?.trim()).find(Boolean);
    if (!connection) {
      throw invalidInput(
        `Azure Pipelines issues OIDC tokens per service connection: give its id with --azure-service-connection (or ${AZURE_CONNECTION_VARS[0]}).`,
      );
    }
    const url = serviceUrl(base, 'SYSTEM_OIDCREQUESTURI');
    url.searchParams.set('api-version', AZURE_OIDC_API_VERSION);
    url.searchParams.set('serviceConnectionId', connection);
    const res = await http.request({
      method: 'POST',
      url: url.href,
      what: "Azure Pipelines' OIDC token service",
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json',
        // Without it, an expired access token gets a login page (HTTP 203) instead of a 401.
        'x-tfs-fedauthredirect': 'Suppress',
      },
    });
    if (res.status === 401 || res.status === 403) {
      throw needsLogin(
        `Azure Pipelines' OIDC token service refused the job's access token (HTTP ${res.status}): check that SYSTEM_ACCESSTOKEN is mapped and the pipeline may use service connection ${connection}.`,
      );
    }
    const body = ensureOk(res, "Azure Pipelines' OIDC token service");
    if (typeof body.oidcToken !== 'string' || !body.oidcToken) {
      throw unavailable(
        "Azure Pipelines' OIDC token service answered without an oidcToken; try again later.",
      );
    }
    return body.oidcToken;
  };
}
