/**
 * CI OIDC token sources, each tested by emulating that CI's documented environment, with the dev
 * target verifying the JWT (signature, issuer, lifetime, audience) in a real RFC 8693 exchange:
 * GitHub Actions, GitLab (`id_tokens`), CircleCI, Bitbucket, Buildkite (a fake `buildkite-agent`
 * on PATH), Azure Pipelines (the dev target's /_apis/oidc), and a variable or file named explicitly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { baseEnv, runCli } from './helpers/dist';

const AZURE_AUDIENCE = 'api://AzureADTokenExchange';

let target: DevTarget;
let azureTarget: DevTarget;
let dir: string;
let agentBin: string;

beforeAll(async () => {
  [target, azureTarget] = await Promise.all([
    startDevTarget([], { DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken }),
    startDevTarget(['--audience', AZURE_AUDIENCE], { DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken }),
  ]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ci-'));
  // A stand-in for Buildkite's agent: same argv contract, token from the dev target's CI issuer.
  agentBin = path.join(dir, 'bin');
  fs.mkdirSync(agentBin);
  fs.writeFileSync(
    path.join(agentBin, 'buildkite-agent'),
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
// Reading stdin must end at once (it is closed); were it left open this would block.
const stdinBytes = fs.readFileSync(0).length;
fs.appendFileSync(process.env.FAKE_AGENT_LOG, JSON.stringify({ args, stdinBytes }) + '\\n');
if (process.env.FAKE_AGENT_FAIL) { console.error('fatal: failed to request OIDC token: POST https://agent.buildkite.com/v3/jobs/x/oidc/tokens: 403 Forbidden'); process.exit(1); }
if (args[0] !== 'oidc' || args[1] !== 'request-token' || args[2] !== '--audience' || args.length !== 4) { console.error('usage'); process.exit(2); }
fetch(process.env.FAKE_AGENT_ISSUER + '/_control/id-token?audience=' + encodeURIComponent(args[3]))
  .then((r) => r.json()).then((j) => process.stdout.write(j.value + '\\n'));
`,
    { mode: 0o755 },
  );
});
afterAll(async () => {
  await Promise.all([target?.close(), azureTarget?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all([target.resetControl(), azureTarget.resetControl()]);
});

let n = 0;
/** `login --method oidc` against a target, in a clean environment plus the CI's variables. */
async function oidcLogin(t: DevTarget, ciEnv: NodeJS.ProcessEnv, extra: string[] = []) {
  const store = path.join(dir, `store-${++n}`, 'credentials.json');
  const r = await runCli(['login', '--url', t.url, '--method', 'oidc', '--json', ...extra], {
    env: baseEnv({ HOME: dir, DEPLOY_LOGIN_CONFIG: store, ...ciEnv }),
  });
  if (fs.existsSync(store)) {
    for (const e of Object.values(JSON.parse(fs.readFileSync(store, 'utf8')).targets) as Array<{
      token: string;
    }>)
      addCanary(e.token);
  }
  return { ...r, json: r.stdout ? JSON.parse(r.stdout) : undefined, store };
}

/** A CI JWT signed by the dev target's issuer, registered as a canary. */
async function ciJwt(t: DevTarget, audience: string, claims: Record<string, unknown> = {}) {
  const jwt = await t.idToken(audience, claims);
  addCanary(jwt);
  return jwt;
}

const exchanges = async (t: DevTarget) =>
  (await t.log()).filter((r) => r.path === '/oauth/token' && r.grant?.endsWith('token-exchange'));

describe('GitHub Actions', () => {
  it('requests a token for the audience and exchanges it', async () => {
    const r = await oidcLogin(target, { ...target.githubEnv(), GITHUB_ACTIONS: 'true' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ outcome: 'success', method: 'oidc' });
    const log = await target.log();
    expect(log.find((e) => e.path === '/_apis/idtoken')).toMatchObject({ authorization: true, status: 200 });
    expect(await exchanges(target)).toHaveLength(1);
  });

  it('without `id-token: write` says what to add, and the fork/Dependabot caveat (exit 2)', async () => {
    const r = await oidcLogin(target, { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('permissions: id-token: write');
    expect(r.stderr).toMatch(/forks and Dependabot/);
  });

  it('a request URL that is not one is the environment to fix (exit 2), not a bug, and nothing is sent', async () => {
    await target.resetControl();
    const r = await oidcLogin(target, {
      ...target.githubEnv(),
      ACTIONS_ID_TOKEN_REQUEST_URL: 'not-a-url',
      GITHUB_ACTIONS: 'true',
    });
    expect({ code: r.code, json: r.json }).toEqual({
      code: 2,
      json: {
        outcome: 'invalid-input',
        exitCode: 2,
        error:
          "ACTIONS_ID_TOKEN_REQUEST_URL is not a URL: the CI sets it for its OIDC token service; fix or unset it in the job's environment.",
      },
    });
    expect(await target.log()).toEqual([]);
  });
});

describe('GitLab CI', () => {
  it('reads the id_tokens variable (default DEPLOY_LOGIN_ID_TOKEN)', async () => {
    const jwt = await ciJwt(target, target.audience, {
      sub: 'project_path:octo/app:ref_type:branch:ref:main',
    });
    const r = await oidcLogin(target, { GITLAB_CI: 'true', DEPLOY_LOGIN_ID_TOKEN: jwt });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await exchanges(target)).toHaveLength(1);
  });

  it('reads the variable named by --id-token-env', async () => {
    const jwt = await ciJwt(target, target.audience);
    const r = await oidcLogin(target, { GITLAB_CI: 'true', DEPLOY_ID: jwt }, ['--id-token-env', 'DEPLOY_ID']);
    expect(r.code).toBe(0);
  });

  it('warns when the token was issued for another audience, and the target refuses it (exit 3)', async () => {
    const jwt = await ciJwt(target, 'https://gitlab.example.com');
    const r = await oidcLogin(target, { GITLAB_CI: 'true', DEPLOY_LOGIN_ID_TOKEN: jwt });
    expect(r.stderr).toContain(
      `warning: The OIDC token from GitLab CI is for audience "https://gitlab.example.com", not the requested "${target.audience}"`,
    );
    expect(r.code).toBe(3);
  });

  it('with no id token says how to declare one (exit 2)', async () => {
    const r = await oidcLogin(target, { GITLAB_CI: 'true' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('This is GitLab CI, but $DEPLOY_LOGIN_ID_TOKEN is empty: declare `id_tokens:');
  });
});

describe('CircleCI', () => {
  it('reads CIRCLE_OIDC_TOKEN_V2', async () => {
    const jwt = await ciJwt(target, target.audience, {
      sub: 'org/o/project/p/user/u/vcs-origin/github.com/o/p/vcs-ref/refs/heads/main',
    });
    const r = await oidcLogin(target, {
      CIRCLECI: 'true',
      CIRCLE_OIDC_TOKEN: 'v1-not-used',
      CIRCLE_OIDC_TOKEN_V2: jwt,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('warns that its fixed audience (the org id) is not the one requested', async () => {
    const jwt = await ciJwt(target, '7d6f3a4e-0000-4000-8000-00000000c1c1');
    const r = await oidcLogin(target, { CIRCLECI: 'true', CIRCLE_OIDC_TOKEN_V2: jwt }, [
      '--audience',
      'https://deploy.example.com',
    ]);
    expect(r.stderr).toContain(
      'The OIDC token from CircleCI is for audience "7d6f3a4e-0000-4000-8000-00000000c1c1"',
    );
    expect(r.code).toBe(3);
  });
});

describe('Bitbucket Pipelines', () => {
  it('reads BITBUCKET_STEP_OIDC_TOKEN (a step with `oidc: true`)', async () => {
    const jwt = await ciJwt(target, target.audience);
    const r = await oidcLogin(target, { BITBUCKET_BUILD_NUMBER: '7', BITBUCKET_STEP_OIDC_TOKEN: jwt });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('without `oidc: true` names it (exit 2)', async () => {
    const r = await oidcLogin(target, { BITBUCKET_BUILD_NUMBER: '7' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('add `oidc: true` to the step');
  });
});

describe('Buildkite', () => {
  const agentEnv = (log: string, extra: NodeJS.ProcessEnv = {}) => ({
    BUILDKITE: 'true',
    BUILDKITE_AGENT_ACCESS_TOKEN: 'bk-agent-token',
    PATH: `${agentBin}:${process.env.PATH}`,
    FAKE_AGENT_LOG: log,
    FAKE_AGENT_ISSUER: target.url,
    ...extra,
  });

  it('runs `buildkite-agent oidc request-token --audience AUD` without a shell, stdin closed', async () => {
    const log = path.join(dir, 'agent-1.log');
    const r = await oidcLogin(target, agentEnv(log));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const calls = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(calls).toEqual([
      { args: ['oidc', 'request-token', '--audience', target.audience], stdinBytes: 0 },
    ]);
  });

  it('asks the agent for the --audience given (a shell-hostile one stays one argument)', async () => {
    const log = path.join(dir, 'agent-2.log');
    const audience = 'https://x.example/$(touch pwned); echo';
    const r = await oidcLogin(target, agentEnv(log), ['--audience', audience]);
    expect(JSON.parse(fs.readFileSync(log, 'utf8')).args).toEqual([
      'oidc',
      'request-token',
      '--audience',
      audience,
    ]);
    // The dev target wants its own origin as the audience, so this token is refused: needs login.
    expect(r.code).toBe(3);
    expect(fs.existsSync('pwned')).toBe(false);
  });

  it('reports an agent that refuses (403) as needs login, without the agent noise', async () => {
    const r = await oidcLogin(target, agentEnv(path.join(dir, 'agent-3.log'), { FAKE_AGENT_FAIL: '1' }));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'Buildkite refused to issue an OIDC token (fatal: failed to request OIDC token',
    );
  });

  it('says so when buildkite-agent is not on PATH (exit 2)', async () => {
    const r = await oidcLogin(target, { BUILDKITE: 'true', PATH: '/usr/bin:/bin' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('`buildkite-agent` is not on PATH');
  });
});

describe('Azure Pipelines', () => {
  const azureEnv = (extra: NodeJS.ProcessEnv = {}) => ({
    TF_BUILD: 'True',
    SYSTEM_OIDCREQUESTURI: `${azureTarget.url}/_apis/oidc`,
    SYSTEM_ACCESSTOKEN: CANARY.requestToken,
    ...extra,
  });

  it('POSTs to SYSTEM_OIDCREQUESTURI for the service connection (--azure-service-connection)', async () => {
    const r = await oidcLogin(azureTarget, azureEnv(), [
      '--azure-service-connection',
      'sc-1234',
      '--audience',
      AZURE_AUDIENCE,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const log = await azureTarget.log();
    expect(log.find((e) => e.path === '/_apis/oidc')).toMatchObject({
      method: 'POST',
      authorization: true,
      status: 200,
    });
  });

  it('a SYSTEM_OIDCREQUESTURI that is not a URL is exit 2 naming it', async () => {
    const r = await oidcLogin(azureTarget, azureEnv({ SYSTEM_OIDCREQUESTURI: 'bad url' }), [
      '--azure-service-connection',
      'sc-1234',
    ]);
    expect(r.code).toBe(2);
    expect(r.json.error).toBe(
      "SYSTEM_OIDCREQUESTURI is not a URL: the CI sets it for its OIDC token service; fix or unset it in the job's environment.",
    );
  });

  it('takes the connection id from DEPLOY_LOGIN_AZURE_SERVICE_CONNECTION_ID, and warns about its fixed audience', async () => {
    const r = await oidcLogin(azureTarget, azureEnv({ DEPLOY_LOGIN_AZURE_SERVICE_CONNECTION_ID: 'sc-5678' }));
    expect(r.stderr).toContain(`The OIDC token from Azure Pipelines is for audience "${AZURE_AUDIENCE}"`);
    // The dev target here accepts exactly Azure's audience, so the login itself works.
    expect(r.code).toBe(0);
  });

  it('needs SYSTEM_ACCESSTOKEN mapped into the step, and a connection id (exit 2, nothing sent)', async () => {
    const noToken = await oidcLogin(azureTarget, azureEnv({ SYSTEM_ACCESSTOKEN: undefined }), [
      '--azure-service-connection',
      'x',
    ]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('SYSTEM_ACCESSTOKEN: $(System.AccessToken)');
    const noConnection = await oidcLogin(azureTarget, azureEnv());
    expect(noConnection.code).toBe(2);
    expect(noConnection.stderr).toContain('--azure-service-connection');
    expect((await azureTarget.log()).filter((e) => e.path === '/_apis/oidc')).toEqual([]);
  });

  it('calls a refused access token needs login (exit 3)', async () => {
    const r = await oidcLogin(azureTarget, azureEnv({ SYSTEM_ACCESSTOKEN: 'expired-access-token' }), [
      '--azure-service-connection',
      'x',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      "Azure Pipelines' OIDC token service refused the job's access token (HTTP 401)",
    );
  });
});

describe('a token named explicitly, detection order and --oidc-source', () => {
  it('reads a variable named by --id-token-env outside GitLab, and a file named by --id-token-file', async () => {
    const jwt = await ciJwt(target, target.audience);
    expect((await oidcLogin(target, { MY_CI_JWT: jwt }, ['--id-token-env', 'MY_CI_JWT'])).code).toBe(0);
    const file = path.join(dir, 'jwt.txt');
    fs.writeFileSync(file, jwt + '\n');
    expect((await oidcLogin(target, {}, ['--id-token-file', file])).code).toBe(0);
  });

  it('prefers GitHub over CircleCI when both are present (the contract order)', async () => {
    const circle = await ciJwt(target, 'not-the-audience');
    const r = await oidcLogin(target, { ...target.githubEnv(), CIRCLE_OIDC_TOKEN_V2: circle });
    expect(r.code).toBe(0);
    expect((await target.log()).some((e) => e.path === '/_apis/idtoken')).toBe(true);
  });

  it('prefers the id_tokens variable (DEPLOY_LOGIN_ID_TOKEN) over CircleCI, GitLab or not (the contract order)', async () => {
    const mine = await ciJwt(target, target.audience);
    const circle = await ciJwt(target, 'not-the-audience');
    const r = await oidcLogin(target, { DEPLOY_LOGIN_ID_TOKEN: mine, CIRCLE_OIDC_TOKEN_V2: circle });
    expect(r.code).toBe(0);
  });

  it('--oidc-source picks the source over detection', async () => {
    const circle = await ciJwt(target, target.audience);
    const r = await oidcLogin(target, { ...target.githubEnv(), CIRCLE_OIDC_TOKEN_V2: circle }, [
      '--oidc-source',
      'circleci',
    ]);
    expect(r.code).toBe(0);
    expect((await target.log()).some((e) => e.path === '/_apis/idtoken')).toBe(false);
  });

  it('refuses an unknown --oidc-source before sending anything (exit 2)', async () => {
    const r = await oidcLogin(target, {}, ['--oidc-source', 'jenkins']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--oidc-source "jenkins" is not one of: github, gitlab, circleci, bitbucket, buildkite, azure, env, file.',
    );
    expect(await target.log()).toEqual([]);
  });

  it('with no CI at all names what each CI needs (exit 2)', async () => {
    const r = await oidcLogin(target, {});
    expect(r.code).toBe(2);
    for (const need of [
      'permissions: id-token: write',
      'Dependabot',
      'id_tokens',
      'CIRCLE_OIDC_TOKEN_V2',
      '`oidc: true`',
      'buildkite-agent oidc request-token',
      'SYSTEM_ACCESSTOKEN',
      '--id-token-env',
      '--id-token-file',
    ])
      expect(r.stderr).toContain(need);
  });
});
