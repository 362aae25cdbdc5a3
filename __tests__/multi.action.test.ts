/**
 * The `targets` input of the bundled Action, run the way the runner runs it: several targets in
 * one step, in parallel, each in its own log group; validation before anything is sent; the
 * `results` output and the most-severe exit code; `run` once per target; GitHub Deployments
 * recorded against a local stand-in of the REST API; and the post step undoing only this step.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { addCanary, CANARY, findCanaries } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { makeRunnerDirs, ROOT, runActionStep, type ActionResult, type RunnerFiles } from './helpers/dist';

const DEPLOY = path.join(ROOT, 'dev', 'deploy.mjs');
const GH_TOKEN = 'CANARY-gh-5c7e9a1b3d';
addCanary(GH_TOKEN);

interface Result {
  target: string;
  outcome: string;
  'exit-code': number;
  'expires-at': string;
  url: string;
  error?: string;
  'command-exit-code'?: number | null;
}

const resultsOf = (r: ActionResult): Result[] => JSON.parse(r.outputs.results ?? '[]') as Result[];
const errorsOf = (r: ActionResult) => [...r.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => m[1]!);

/** The log groups, in order, each with the lines inside it. Throws if groups nest or interleave. */
function groupsOf(stdout: string): Array<{ title: string; lines: string[] }> {
  const groups: Array<{ title: string; lines: string[] }> = [];
  let open: { title: string; lines: string[] } | undefined;
  for (const line of stdout.split('\n')) {
    const start = /^::group::(.*)$/.exec(line);
    if (start) {
      if (open) throw new Error(`group "${start[1]}" opened inside "${open.title}"`);
      open = { title: start[1]!, lines: [] };
    } else if (line === '::endgroup::') {
      if (!open) throw new Error('endgroup without a group');
      groups.push(open);
      open = undefined;
    } else if (open) open.lines.push(line);
  }
  if (open) throw new Error(`group "${open.title}" never closed`);
  return groups;
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('Action: several targets in one step (`targets`)', () => {
  let target: DevTarget;
  const dirs: RunnerFiles[] = [];
  const runner = () => {
    const d = makeRunnerDirs();
    dirs.push(d);
    return d;
  };
  const storeOf = (f: RunnerFiles) => path.join(f.runnerTemp, 'deploy-login', 'credentials.json');
  const spinFile = (f: RunnerFiles, name: string) => path.join(f.home, '.config', 'fermyon', `${name}.json`);

  beforeAll(async () => {
    target = await startDevTarget([], {
      DEV_TARGET_PASSWORD: CANARY.password,
      DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken,
    });
  });
  afterAll(async () => {
    await target?.close();
    for (const d of dirs) fs.rmSync(d.dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await target.resetControl();
  });

  it('logs in to password, OIDC and token targets in parallel: a group each, results, variables, then the post step undoes all', async () => {
    const files = runner();
    const targets = `
- target: staging
  url: ${target.url}
  username: ci-deployer
  password: ${CANARY.password}
- target: prod-eu
  url: ${target.url}
  method: oidc
- target: prod-us
  url: ${target.url}
  method: oidc
- target: pat
  url: ${target.url}
  token: ${CANARY.token}
  format: env
`;
    const main = await runActionStep('main', files, { targets, format: 'spin' }, { env: target.githubEnv() });
    expect({ code: main.code, errors: errorsOf(main), stderr: main.stderr }).toEqual({
      code: 0,
      errors: [],
      stderr: '',
    });
    expect(main.outputs).toMatchObject({
      outcome: 'success',
      'exit-code': '0',
      target: 'staging',
      'credentials-file': storeOf(files),
    });

    const results = resultsOf(main);
    expect(results.map((r) => [r.target, r.outcome, r['exit-code']])).toEqual([
      ['staging', 'success', 0],
      ['prod-eu', 'success', 0],
      ['prod-us', 'success', 0],
      ['pat', 'success', 0],
    ]);
    for (const r of results.slice(0, 3)) expect(r['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(results[3]!['expires-at']).toBe('');

    // One collapsible group per target, whole (never interleaved), titled with its outcome.
    const groups = groupsOf(main.stdout);
    expect(groups.map((g) => g.title).sort()).toEqual([
      'pat: success',
      'prod-eu: success',
      'prod-us: success',
      'staging: success',
    ]);
    for (const g of groups) expect(g.lines.join('\n')).toContain(`Logged in to "${g.title.split(':')[0]}"`);

    // Secrets masked before anything printed; every issued token masked too, and nowhere in the log.
    const store = JSON.parse(fs.readFileSync(storeOf(files), 'utf8')) as {
      current: string;
      targets: Record<string, { token: string }>;
    };
    expect(Object.keys(store.targets).sort()).toEqual(['pat', 'prod-eu', 'prod-us', 'staging']);
    expect(store.current).toBe('staging');
    for (const t of Object.values(store.targets)) {
      addCanary(t.token);
      expect(main.masked).toContain(t.token);
    }
    expect(main.masked).toEqual(expect.arrayContaining([CANARY.password, CANARY.token]));
    const raw = main.stdout.replace(/^::add-mask::.*$/gm, '') + main.stderr;
    expect(findCanaries(raw + main.summary)).toEqual([]);

    // Both OIDC targets share one audience: one request to the CI's token service, not two.
    const log = await target.log();
    expect(log.filter((r) => r.path === '/_apis/idtoken')).toHaveLength(1);

    // Per-target files and variables; the unsuffixed ones belong to the current target only.
    for (const name of ['staging', 'prod-eu', 'prod-us']) {
      expect(JSON.parse(fs.readFileSync(spinFile(files, name), 'utf8')).token).toBe(
        store.targets[name]!.token,
      );
    }
    expect(fs.existsSync(spinFile(files, 'pat'))).toBe(false);
    expect(main.exported.DEPLOY_LOGIN_PAT_TOKEN).toBe(CANARY.token);
    expect(main.exported.DEPLOY_LOGIN_TARGET).toBeUndefined();
    // Spin's environment variable names the current target's file, once: a plain `spin deploy`
    // step must not read whichever target happened to be exported last.
    expect(main.exported.FERMYON_DEPLOYMENT_ENVIRONMENT).toBe('staging');
    expect(fs.readFileSync(files.env, 'utf8').match(/FERMYON_DEPLOYMENT_ENVIRONMENT/g)).toHaveLength(1);
    expect(main.outputs.token).toBe(store.targets.staging!.token);
    expect(main.summary).toContain('prod-eu');
    expect(main.paths).toHaveLength(1);

    // The post step: every target logged out, every file this step wrote gone.
    const post = await runActionStep('post', files, { targets }, { state: main.state });
    expect(post.code).toBe(0);
    expect(fs.existsSync(storeOf(files))).toBe(false);
    expect(fs.existsSync(`${storeOf(files)}.seal`)).toBe(false);
    for (const name of ['staging', 'prod-eu', 'prod-us'])
      expect(fs.existsSync(spinFile(files, name))).toBe(false);
    // ...and the directories main created for them (HOME started empty).
    expect(fs.readdirSync(files.home)).toEqual([]);
  });

  it('`run: deploy-login ...` with `targets` finds the CLI on PATH for each target', async () => {
    const files = runner();
    const targets = ['a', 'b']
      .map((n) => `- target: ${n}\n  url: ${target.url}\n  token: tok-${n}-0123456789\n`)
      .join('');
    const main = await runActionStep('main', files, { targets, run: 'deploy-login status' });
    expect({ code: main.code, errors: errorsOf(main) }).toEqual({ code: 0, errors: [] });
    expect(JSON.parse(main.outputs.results!)).toMatchObject([
      { target: 'a', outcome: 'success', 'command-exit-code': 0 },
      { target: 'b', outcome: 'success', 'command-exit-code': 0 },
    ]);
    expect(main.paths).toHaveLength(1);
  });

  it('validates every item before anything is sent: exit 2 naming the item and key', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        `- target: a\n  url: ${target.url}\n  token: ${CANARY.token}\n- target: b\n  method: oidc\n`,
        /`targets`\[1\]\.url is required/,
      ],
      [
        `- target: a\n  url: ${target.url}\n  token: x1234\n- target: a\n  url: ${target.url}\n  token: y1234\n`,
        /`targets`\[1\]\.target "a" is already used by `targets`\[0\]/,
      ],
      [
        `- target: a\n  url: ${target.url}\n  insecure: yes\n  token: x1234\n`,
        /`targets`\[0\]\.insecure must be "true" or "false"/,
      ],
      [
        `- target: a\n  url: ${target.url}\n  registry: ghcr.io\n`,
        /`targets`\[0\] has an unknown key "registry"/,
      ],
      [
        `- target: a\n  url: ${target.url}\n  format: [spin, zip]\n  token: x1234\n`,
        /`targets`\[0\]\.format "zip" is not one of/,
      ],
      // The YAML error points at the line, never quotes it (it holds a secret).
      [
        `- target: a\n  password: ${CANARY.password}: oops: no\n`,
        /`targets` is not valid YAML at line 2, column \d+/,
      ],
      ['target: a\nurl: https://x.example.com\n', /`targets` must be a YAML list/],
    ];
    for (const [targets, message] of cases) {
      const main = await runActionStep('main', runner(), { targets });
      expect({ targets, code: main.code, outcome: main.outputs.outcome }).toEqual({
        targets,
        code: 2,
        outcome: 'invalid-input',
      });
      expect(errorsOf(main).join('\n')).toMatch(message);
      expect(main.stdout + main.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(await target.log()).toEqual([]);
    const both = await runActionStep('main', runner(), {
      targets: `- url: ${target.url}\n`,
      url: target.url,
    });
    expect(both.code).toBe(2);
    expect(errorsOf(both).join()).toMatch(/`url` and `targets` cannot be used together/);
  });

  it('exits with the most severe outcome (needs-login 3 over unavailable 5); a failed target leaves nothing behind', async () => {
    const files = runner();
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const targets = `
- target: good
  url: ${target.url}
  token: ${CANARY.token}
- target: refused
  url: ${target.url}
  username: ci-deployer
  password: wrong-password-1
- target: down
  url: ${dead}
  username: ci-deployer
  password: ${CANARY.password}
`;
    const env = { DEPLOY_LOGIN_MAX_ATTEMPTS: '2', DEPLOY_LOGIN_RETRY_BASE_MS: '10' };
    const main = await runActionStep('main', files, { targets, format: 'spin' }, { env });
    expect(main.code).toBe(3);
    expect(main.outputs).toMatchObject({ outcome: 'needs-login', 'exit-code': '3', target: 'good' });
    expect(resultsOf(main).map((r) => [r.target, r.outcome, r['exit-code']])).toEqual([
      ['good', 'success', 0],
      ['refused', 'needs-login', 3],
      ['down', 'unavailable', 5],
    ]);
    expect(resultsOf(main)[2]!.error).toMatch(/kept failing .* after 2 attempts/);
    expect(errorsOf(main).join('\n')).toMatch(/refused: .*rejected the credentials/);
    expect(
      groupsOf(main.stdout)
        .map((g) => g.title)
        .sort(),
    ).toEqual(['down: unavailable (exit 5)', 'good: success', 'refused: needs-login (exit 3)']);
    const store = JSON.parse(fs.readFileSync(storeOf(files), 'utf8')) as { targets: Record<string, unknown> };
    expect(Object.keys(store.targets)).toEqual(['good']);
    expect(fs.existsSync(spinFile(files, 'refused'))).toBe(false);
    expect(fs.existsSync(spinFile(files, 'down'))).toBe(false);
    const post = await runActionStep('post', files, { targets }, { state: main.state, env });
    expect(post.code).toBe(0);
    expect(fs.existsSync(spinFile(files, 'good'))).toBe(false);
  });

  it('`run` deploys once per logged-in target, in list order, each classified; GitHub Deployments recorded for each', async () => {
    const files = runner();
    const requests: Array<{ method: string; url: string; auth: string; body: Record<string, unknown> }> = [];
    let nextId = 100;
    const api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({
          method: req.method!,
          url: req.url!,
          auth: String(req.headers.authorization),
          body: JSON.parse(body || '{}'),
        });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: /\/statuses$/.test(req.url!) ? 1 : nextId++ }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    try {
      const script = path.join(files.dir, 'deploy-one.mjs');
      // Deploys through the dev target's API; "b" fails for a reason other than authentication.
      fs.writeFileSync(
        script,
        `if (process.env.DEPLOY_LOGIN_TARGET === 'b') { console.error('b: disk full'); process.exit(7); }
         await import(${JSON.stringify(DEPLOY)});`,
      );
      const targets = ['a', 'b', 'c']
        .map(
          (n) =>
            `- target: ${n}\n  url: ${target.url}\n  username: ci-deployer\n  password: ${CANARY.password}\n`,
        )
        .join('');
      const { port } = api.address() as net.AddressInfo;
      const main = await runActionStep(
        'main',
        files,
        {
          targets,
          run: `"${process.execPath}" "${script}"`,
          'github-deployment': 'true',
          'github-token': GH_TOKEN,
        },
        {
          env: {
            GITHUB_API_URL: `http://127.0.0.1:${port}`,
            GITHUB_REPOSITORY: 'octo/app',
            GITHUB_SHA: 'abc123',
            GITHUB_SERVER_URL: 'https://github.example',
            GITHUB_RUN_ID: '42',
          },
        },
      );
      expect(main.code).toBe(4);
      expect(main.outputs.outcome).toBe('deploy-failed');
      expect(
        resultsOf(main).map((r) => [r.target, r.outcome, r['exit-code'], r['command-exit-code']]),
      ).toEqual([
        ['a', 'success', 0, 0],
        ['b', 'deploy-failed', 4, 7],
        ['c', 'success', 0, 0],
      ]);
      const deploys = groupsOf(main.stdout).filter((g) => g.title.startsWith('deploy to '));
      expect(deploys.map((g) => g.title.split(':')[0])).toEqual([
        'deploy to a',
        'deploy to b',
        'deploy to c',
      ]);
      expect((await target.log()).filter((r) => r.path === '/api/deploy' && r.status === 200)).toHaveLength(
        2,
      );
      expect(main.masked).toContain(GH_TOKEN);

      // Two calls per target: the deployment (environment = target, ref = the commit), then its status.
      const created = requests.filter((r) => r.url === '/repos/octo/app/deployments');
      expect(created.map((r) => [r.body.environment, r.body.ref])).toEqual([
        ['a', 'abc123'],
        ['b', 'abc123'],
        ['c', 'abc123'],
      ]);
      const statuses = requests.filter((r) => /^\/repos\/octo\/app\/deployments\/\d+\/statuses$/.test(r.url));
      expect(statuses.map((r) => [r.body.state, r.body.description, r.body.environment_url])).toEqual([
        ['success', 'deployed (deploy-login)', target.url],
        ['failure', 'deploy failed', target.url],
        ['success', 'deployed (deploy-login)', target.url],
      ]);
      expect(statuses[0]!.body.log_url).toBe('https://github.example/octo/app/actions/runs/42');
      for (const r of requests) expect(r.auth).toBe(`token ${GH_TOKEN}`);
    } finally {
      await new Promise<void>((r) => api.close(() => r()));
    }
  });

  it('records "needs login" for a target whose login was refused, without running its deploy', async () => {
    const requests: Array<{ url: string; body: Record<string, unknown> }> = [];
    const api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({ url: req.url!, body: JSON.parse(body || '{}') });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 7 }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    try {
      const { port } = api.address() as net.AddressInfo;
      const targets = `- target: x\n  url: ${target.url}\n  username: ci-deployer\n  password: nope-nope\n`;
      const main = await runActionStep(
        'main',
        runner(),
        {
          targets,
          run: `"${process.execPath}" "${DEPLOY}"`,
          'github-deployment': 'true',
          'github-token': GH_TOKEN,
        },
        {
          env: {
            GITHUB_API_URL: `http://127.0.0.1:${port}`,
            GITHUB_REPOSITORY: 'octo/app',
            GITHUB_SHA: 'abc123',
          },
        },
      );
      expect(main.code).toBe(3);
      expect((await target.log()).some((r) => r.path === '/api/deploy')).toBe(false);
      const status = requests.find((r) => r.url.endsWith('/statuses'));
      expect(status?.body).toMatchObject({
        state: 'failure',
        description: expect.stringMatching(/^needs login/),
      });
    } finally {
      await new Promise<void>((r) => api.close(() => r()));
    }
  });
});
