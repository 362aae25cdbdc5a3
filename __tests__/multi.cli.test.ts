/**
 * `deploy-login login --targets-file FILE`: several targets from one YAML list, in parallel, with
 * secrets only from environment variables the file names; the exit code is the most severe
 * outcome; "current" is the first target of the list that logged in (like kubectl's first
 * context), `use` moves it, and status/token/env default to it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { baseEnv, runCli } from './helpers/dist';

describe('CLI: login --targets-file', () => {
  let target: DevTarget;
  let dir: string;
  let n = 0;
  const fresh = () => {
    const home = path.join(dir, `h${n++}`);
    fs.mkdirSync(home);
    return baseEnv({
      HOME: home,
      DEPLOY_LOGIN_CONFIG: path.join(home, 'store', 'credentials.json'),
      PW: CANARY.password,
      TOK: CANARY.token,
    });
  };
  const file = (text: string) => {
    const f = path.join(dir, `targets-${n++}.yml`);
    fs.writeFileSync(f, text);
    return f;
  };

  beforeAll(async () => {
    target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-many-cli-'));
  });
  afterAll(async () => {
    await target?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await target.resetControl();
  });

  it('logs in to every target; current is the first of the list, not the first to finish; use/status/env follow it', async () => {
    const env = fresh();
    // "slow" needs two round trips, "quick" none: quick finishes first, yet slow becomes current.
    const list = file(`- target: slow
  url: ${target.url}
  username: ci-deployer
  password-env: PW
- target: quick
  url: ${target.url}
  method: token
  token-env: TOK
`);
    const r = await runCli(['login', '--targets-file', list, '--format', 'spin', '--json'], { env });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 0,
      stderr: expect.stringMatching(/Logged in to 2 of 2 targets\.\n$/),
    });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ outcome: 'success', exitCode: 0 });
    expect(out.results.map((x: { target: string; outcome: string }) => [x.target, x.outcome])).toEqual([
      ['slow', 'success'],
      ['quick', 'success'],
    ]);
    // Each target's lines come out together, tagged.
    expect(r.stderr).toMatch(/^\[slow\] logged in to /m);
    expect(r.stderr).toMatch(/^\[quick\] logged in to /m);

    const status = async (...args: string[]) =>
      JSON.parse((await runCli(['status', '--json', ...args], { env })).stdout);
    expect(await status()).toMatchObject({ target: 'slow', current: true, state: 'valid' });
    expect((await runCli(['use', 'quick'], { env })).code).toBe(0);
    expect(await status()).toMatchObject({ target: 'quick', current: true });
    const token = await runCli(['token'], { env, allowCanaries: true });
    expect(token.stdout.trim()).toBe(CANARY.token);
    const exported = await runCli(['env'], { env, allowCanaries: true });
    expect(exported.stdout).toContain("export DEPLOY_LOGIN_TARGET='quick'");
    expect((await runCli(['use', 'nope'], { env })).code).toBe(2);

    const stored = JSON.parse(fs.readFileSync(env.DEPLOY_LOGIN_CONFIG!, 'utf8'));
    addCanary(stored.targets.slow.token);
    expect(fs.existsSync(path.join(env.HOME!, '.config', 'fermyon', 'slow.json'))).toBe(true);
    expect(fs.existsSync(path.join(env.HOME!, '.config', 'fermyon', 'quick.json'))).toBe(true);
  });

  it('refuses secrets written in the file and unset variables, before anything is sent (exit 2)', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        `- target: a\n  url: ${target.url}\n  username: ci-deployer\n  password: ${CANARY.password}\n`,
        /\[0\]\.password: secrets are not read from a targets file .* use password-env: VARIABLE/,
      ],
      [
        `- target: a\n  url: ${target.url}\n  method: token\n  token-env: NOT_SET_ANYWHERE\n`,
        /\[0\]\.token-env names NOT_SET_ANYWHERE, which is not set or empty/,
      ],
      [
        `- target: a\n  url: ${target.url}\n  method: token\n  token-env: TOK\n- target: b\n  url: ftp://x\n  method: token\n  token-env: TOK\n`,
        /\[1\]\.url must start with https:\/\//,
      ],
      [`[]`, /is an empty list/],
    ];
    for (const [text, message] of cases) {
      const r = await runCli(['login', '--targets-file', file(text)], { env: fresh() });
      expect({ text, code: r.code }).toEqual({ text, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    const both = await runCli(
      ['login', '--targets-file', file(`- url: ${target.url}\n`), '--url', target.url],
      { env: fresh() },
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--url cannot be used with --targets-file/);
    const missing = await runCli(['login', '--targets-file', path.join(dir, 'absent.yml')], { env: fresh() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
    expect(await target.log()).toEqual([]);
  });

  it('reads the list from stdin with "-", names items after their host, and exits with the most severe outcome', async () => {
    const env = fresh();
    const text = `- url: ${target.url}\n  method: token\n  token-env: TOK\n- target: refused\n  url: ${target.url}\n  username: ci-deployer\n  password-env: WRONG\n`;
    const r = await runCli(['login', '--targets-file', '-', '--json'], {
      env: { ...env, WRONG: 'not-the-password' },
      stdin: text,
    });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    const host = new URL(target.url).host.replace(':', '-');
    expect(out.results.map((x: { target: string; exitCode: number }) => [x.target, x.exitCode])).toEqual([
      [host, 0],
      ['refused', 3],
    ]);
    expect(out).toMatchObject({ outcome: 'needs-login', exitCode: 3 });
    expect(r.stderr).toMatch(
      /Logged in to 1 of 2 targets; exit 3 \(needs-login, the most severe outcome\)\./,
    );
    expect(Object.keys(JSON.parse(fs.readFileSync(env.DEPLOY_LOGIN_CONFIG!, 'utf8')).targets)).toEqual([
      host,
    ]);
  });

  it('bounds the parallel logins by --concurrency', async () => {
    const env = fresh();
    const items = Array.from(
      { length: 6 },
      (_, i) => `- target: t${i}\n  url: ${target.url}\n  username: ci-deployer\n  password-env: PW\n`,
    ).join('');
    const bad = await runCli(['login', '--targets-file', file(items), '--concurrency', '0'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--concurrency must be a whole number from 1 to 256/);
    await target.faults([{ kind: 'status', path: '/oauth/token', status: 503, times: 1 }]);
    const r = await runCli(['login', '--targets-file', file(items), '--concurrency', '1', '--json'], {
      env: { ...env, DEPLOY_LOGIN_RETRY_BASE_MS: '10' },
    });
    expect(r.code).toBe(0);
    // One at a time, in list order: the first target meets the 503 (and fetches the discovery
    // document, which the others then share), each of the others needs one request.
    const tokenCalls = (await target.log()).filter((x) => x.path === '/oauth/token' && x.status === 200);
    expect(tokenCalls).toHaveLength(6);
    expect(JSON.parse(r.stdout).results.map((x: { attempts: number }) => x.attempts)).toEqual([
      3, 1, 1, 1, 1, 1,
    ]);
    expect((await target.log()).filter((x) => x.path.startsWith('/.well-known/'))).toHaveLength(1);
  });
});
