/**
 * The device flow (RFC 8628 for oauth2, Fermyon's variant for fermyon) against the real dev target:
 * - the polling loop itself, with an injected sleep and clock so interval arithmetic (slow_down adds
 *   5 s, transient back-off, the code's lifetime) is exact and fast, while every poll is real HTTP;
 * - the CLI's non-interactive steps, --get-device-code and --check-device-code, as a process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpClient, nodeTransport, type HttpRequest } from '../src/core/http';
import { DeviceLoginError, pollForGrant } from '../src/core/protocols/device';
import { protocolFor } from '../src/core/protocols/index';
import { SPIN_CLIENT_ID } from '../src/core/protocols/fermyon';
import type { DeviceFlow, ProtocolDeps } from '../src/core/protocols/types';
import { SecretRegistry } from '../src/core/redact';
import { actionLabel, resolveTarget, type TargetSpec } from '../src/core/target';
import { addCanary } from './helpers/canary';
import { baseEnv, modeOf, runCli } from './helpers/dist';
import { startDevTarget, type DevTarget } from './helpers/devTarget';

type Proto = 'oauth2' | 'fermyon';
const TOKEN_PATH: Record<Proto, string> = { oauth2: '/oauth/token', fermyon: '/api/auth-tokens' };

let target: DevTarget;
beforeAll(async () => {
  target = await startDevTarget();
});
afterAll(async () => {
  await target?.close();
});
beforeEach(async () => {
  await target.resetControl();
  await target.config({ deviceInterval: 1, deviceExpiresIn: 900 });
});

function specFor(protocol: Proto, extra: { clientId?: string } = {}): TargetSpec {
  return resolveTarget(
    {
      url: target.url,
      protocol,
      method: 'device',
      clientId: protocol === 'oauth2' ? 'deploy-cli' : extra.clientId,
    },
    {},
    { label: actionLabel },
  );
}

function deps(http = new HttpClient()): ProtocolDeps {
  return {
    http,
    idToken: async () => '',
    secrets: new SecretRegistry(),
    env: {},
    now: Date.now,
    log: () => undefined,
  };
}

async function flowFor(protocol: Proto, d = deps()): Promise<{ spec: TargetSpec; flow: DeviceFlow }> {
  const spec = specFor(protocol);
  const p = await protocolFor(spec);
  return { spec, flow: await p.device!(spec, {}, d) };
}

/**
 * An injected sleep: records each wait, lets a few real milliseconds pass, and runs the test's
 * script for that step (approve, deny, ... through the control route) before the next poll.
 */
function scriptedSleep(script: Record<number, () => Promise<void>>, clock?: { t: number }) {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    if (clock) clock.t += ms;
    await new Promise((r) => setTimeout(r, 5));
    await script[waits.length]?.();
  };
  return { waits, sleep };
}

describe.each<Proto>(['oauth2', 'fermyon'])('%s device polling loop', (protocol) => {
  test('pending, then approved: waits the server interval between polls and returns the grant', async () => {
    const { spec, flow } = await flowFor(protocol);
    const auth = await flow.start();
    expect(auth).toMatchObject({
      interval: 1,
      expiresIn: 900,
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
    });
    const { waits, sleep } = scriptedSleep({ 3: () => target.device(auth.userCode, 'approve') });
    const waiting: number[] = [];
    const grant = await pollForGrant(spec, flow, auth, { sleep, onWaiting: (s) => waiting.push(s.polls) });
    expect(waits).toEqual([1000, 1000, 1000]);
    expect(waiting).toEqual([1, 2]);
    expect(grant.token.split('.')).toHaveLength(3);
    expect(grant.refreshToken).toEqual(expect.any(String));
    expect(Date.parse(grant.expiresAt!)).toBeGreaterThan(Date.now());
    expect((await target.log()).filter((r) => r.path === TOKEN_PATH[protocol])).toHaveLength(3);
  });

  test('denied: a needs-login error (exit 3) with reason "denied"', async () => {
    const { spec, flow } = await flowFor(protocol);
    const auth = await flow.start();
    const { sleep } = scriptedSleep({ 2: () => target.device(auth.userCode, 'deny') });
    const err = await pollForGrant(spec, flow, auth, { sleep }).catch((e) => e);
    expect(err).toBeInstanceOf(DeviceLoginError);
    expect(err).toMatchObject({ reason: 'denied', outcome: 'needs-login', exitCode: 3 });
  });

  test('expired on the server: a needs-login error with reason "expired"', async () => {
    const { spec, flow } = await flowFor(protocol);
    const auth = await flow.start();
    const { sleep } = scriptedSleep({ 1: () => target.device(auth.userCode, 'expire') });
    const err = await pollForGrant(spec, flow, auth, { sleep }).catch((e) => e);
    expect(err).toMatchObject({ reason: 'expired', exitCode: 3 });
  });

  test("the code's own lifetime bounds the wait when the server never says so", async () => {
    await target.config({ deviceExpiresIn: 3 });
    const { spec, flow } = await flowFor(protocol);
    const auth = await flow.start();
    const clock = { t: 1_000_000 };
    const { waits, sleep } = scriptedSleep({}, clock);
    const err = await pollForGrant(spec, flow, auth, { sleep, now: () => clock.t }).catch((e) => e);
    expect(err).toMatchObject({ reason: 'expired', exitCode: 3 });
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  test('transient failures (503, connection reset) are reported, back off, and do not stop polling', async () => {
    const { spec, flow } = await flowFor(protocol);
    const auth = await flow.start();
    await target.faults([
      { path: TOKEN_PATH[protocol], kind: 'status', status: 503, times: 1 },
      { path: TOKEN_PATH[protocol], kind: 'reset', times: 1 },
    ]);
    const { waits, sleep } = scriptedSleep({ 4: () => target.device(auth.userCode, 'approve') });
    const reported: Array<{ message: string; outcome: string; retryInMs: number }> = [];
    const grant = await pollForGrant(spec, flow, auth, {
      sleep,
      onTransient: (e, retryInMs) => reported.push({ message: e.message, outcome: e.outcome, retryInMs }),
    });
    expect(grant.token).toEqual(expect.any(String));
    expect(reported).toHaveLength(2);
    expect(reported[0]).toMatchObject({ outcome: 'unavailable', retryInMs: 2000 });
    expect(reported[0]!.message).toMatch(/HTTP 503/);
    expect(reported[1]).toMatchObject({ outcome: 'unavailable', retryInMs: 4000 });
    // Exponential back-off after each failure, back to the plain interval once the server answers.
    expect(waits).toEqual([1000, 2000, 4000, 1000]);
    const log = (await target.log()).filter((r) => r.path === TOKEN_PATH[protocol]);
    expect(log.map((r) => r.fault ?? r.status)).toEqual(['status', 'reset', 400, 200]);
  });
});

describe('oauth2 slow_down', () => {
  test('adds 5 s to the interval for that poll and every later one', async () => {
    const { spec, flow } = await flowFor('oauth2');
    const auth = await flow.start();
    const slowed: number[] = [];
    const { waits, sleep } = scriptedSleep({
      2: () => target.device(auth.userCode, 'slow_down'),
      4: () => target.device(auth.userCode, 'slow_down'),
      6: () => target.device(auth.userCode, 'approve'),
    });
    await pollForGrant(spec, flow, auth, { sleep, onSlowDown: (s) => slowed.push(s) });
    expect(waits).toEqual([1000, 1000, 6000, 6000, 11000, 11000]);
    expect(slowed).toEqual([6, 11]);
  });
});

describe('fermyon wire details', () => {
  /** A transport that records what was sent, then really sends it. */
  function recording() {
    const sent: HttpRequest[] = [];
    const http = new HttpClient({ transport: (req, limits) => (sent.push(req), nodeTransport(req, limits)) });
    return { sent, http };
  }

  test("Spin's client id by default, --client-id when given; Spin's JSON bodies", async () => {
    const { sent, http } = recording();
    const { spec, flow } = await flowFor('fermyon', deps(http));
    const auth = await flow.start();
    await flow.poll(auth.deviceCode);
    expect(JSON.parse(sent[0]!.body!)).toEqual({ clientId: SPIN_CLIENT_ID });
    expect(JSON.parse(sent[1]!.body!)).toEqual({
      provider: 'DeviceFlow',
      clientId: SPIN_CLIENT_ID,
      providerCode: auth.deviceCode,
    });
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual(['/api/device-codes', '/api/auth-tokens']);
    expect(spec.clientId).toBeUndefined();

    const other = recording();
    const custom = specFor('fermyon', { clientId: 'my-client' });
    const flow2 = await (await protocolFor(custom)).device!(custom, {}, deps(other.http));
    await flow2.start();
    expect(JSON.parse(other.sent[0]!.body!)).toEqual({ clientId: 'my-client' });
  });

  test('anything that is not a TokenInfo counts as "not yet" (a 401 problem, a 400 for an unknown code)', async () => {
    const { flow } = await flowFor('fermyon');
    const auth = await flow.start();
    await target.faults([{ path: '/api/auth-tokens', kind: 'status', status: 401, body: { title: 'nope' } }]);
    expect(await flow.poll(auth.deviceCode)).toEqual({ status: 'pending' });
    expect(await flow.poll('not-a-code')).toEqual({ status: 'pending' });
  });
});

describe('deploy-login login --get-device-code / --check-device-code', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-device-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
  const env = (extra: NodeJS.ProcessEnv = {}) =>
    baseEnv({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'cfg'), ...extra });
  const storeFile = () => path.join(home, 'cfg', 'deploy-login', 'credentials.json');
  const flags: Record<Proto, string[]> = {
    oauth2: ['--url', '', '--client-id', 'deploy-cli'],
    fermyon: ['--protocol', 'fermyon', '--url', ''],
  };
  const withUrl = (p: Proto, extra: string[] = []) => flags[p].map((f) => f || target.url).concat(extra);
  const getCode = async (p: Proto, extra: string[] = []) => {
    const r = await runCli(['login', '--method', 'device', '--get-device-code', ...withUrl(p, extra)], {
      env: env(),
    });
    expect(r.code).toBe(0);
    return { r, code: JSON.parse(r.stdout) as Record<string, unknown> };
  };
  const check = (p: Proto, deviceCode: string, extra: string[] = []) =>
    runCli(['login', '--method', 'device', '--check-device-code', deviceCode, ...withUrl(p, extra)], {
      env: env(),
    });
  const json = (s: string) => JSON.parse(s.trim().split('\n').pop()!);

  test.each<Proto>(['oauth2', 'fermyon'])(
    '%s: without a terminal, --method device fails at once with exit 2 and sends nothing',
    async (p) => {
      const r = await runCli(['login', '--method', 'device', ...withUrl(p)], { env: env() });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /--method device needs a person at an interactive terminal, and stdin is not a terminal: run "deploy-login login --method device --get-device-code" and then "--check-device-code CODE"/,
      );
      expect(r.ms).toBeLessThan(5000);
      expect(await target.log()).toEqual([]);
    },
  );

  test.each<Proto>(['oauth2', 'fermyon'])(
    '%s: --get-device-code prints exactly the five keys on one line and exits 0 without waiting',
    async (p) => {
      const { r, code } = await getCode(p);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      expect(Object.keys(code)).toEqual([
        'verificationUrl',
        'deviceCode',
        'userCode',
        'expiresIn',
        'interval',
      ]);
      expect(code).toMatchObject({
        verificationUrl: expect.stringMatching(
          new RegExp(`^${target.url}/device\\?user_code=[A-Z]{4}-[A-Z]{4}$`),
        ),
        deviceCode: expect.any(String),
        userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
        expiresIn: 900,
        interval: 1,
      });
      expect((await target.log()).map((l) => l.path)).not.toContain(TOKEN_PATH[p]);
    },
  );

  test.each<Proto>(['oauth2', 'fermyon'])(
    '%s: waiting, then approved: the credential is stored, the token never printed',
    async (p) => {
      const { code } = await getCode(p, ['--target', 'edge', '--format', 'spin']);
      const waiting = await check(p, String(code.deviceCode), ['--target', 'edge', '--format', 'spin']);
      expect(waiting.code).toBe(0);
      expect(waiting.stdout).toBe('{"status":"waiting"}\n');
      expect(fs.existsSync(storeFile())).toBe(false);

      await target.device(String(code.userCode), 'approve');
      const done = await check(p, String(code.deviceCode), ['--target', 'edge', '--format', 'spin']);
      expect(done.code).toBe(0);
      const out = json(done.stdout);
      const entry = JSON.parse(fs.readFileSync(storeFile(), 'utf8')).targets.edge;
      addCanary(entry.token);
      addCanary(entry.refreshToken);
      expect(done.stdout + done.stderr).not.toContain(entry.token);
      expect(done.stdout + done.stderr).not.toContain(entry.refreshToken);
      expect(out).toEqual({
        status: 'authorized',
        target: 'edge',
        url: target.url,
        method: 'device',
        expiresAt: entry.expiresAt,
        credentialsFile: storeFile(),
        files: [{ format: 'spin', path: path.join(home, 'cfg', 'fermyon', 'edge.json') }],
      });
      expect(entry).toMatchObject({ protocol: p, method: 'device', refreshToken: expect.any(String) });
      expect(modeOf(storeFile())).toBe(0o600);
      const spin = JSON.parse(fs.readFileSync(path.join(home, 'cfg', 'fermyon', 'edge.json'), 'utf8'));
      expect(spin).toMatchObject({ token: entry.token, refresh_token: entry.refreshToken });
    },
  );

  test.each<[Proto, 'deny' | 'expire', string]>([
    ['oauth2', 'deny', 'denied'],
    ['oauth2', 'expire', 'expired'],
    ['fermyon', 'deny', 'denied'],
    ['fermyon', 'expire', 'expired'],
  ])('%s: a code the user %s-s ends with exit 3 and {"status":"%s"}', async (p, action, status) => {
    const { code } = await getCode(p);
    await target.device(String(code.userCode), action);
    const r = await check(p, String(code.deviceCode));
    expect(r.code).toBe(3);
    expect(json(r.stdout)).toEqual({
      status,
      outcome: 'needs-login',
      exitCode: 3,
      error: expect.stringMatching(status),
    });
    expect(r.stderr).toMatch(new RegExp(`deploy-login login: .*${status}`));
    expect(fs.existsSync(storeFile())).toBe(false);
  });

  test('a device code that starts with "-" (base64url, one time in 64) is still the flag\'s value', async () => {
    const r = await check('fermyon', '-starts-with-a-dash');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('{"status":"waiting"}\n');
    expect(r.code).toBe(0);
  });

  test("oauth2: slow_down is the contract's exact waiting answer on stdout, with the advice on stderr", async () => {
    const { code } = await getCode('oauth2');
    await target.device(String(code.userCode), 'slow_down');
    const r = await check('oauth2', String(code.deviceCode));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"status":"waiting"}\n');
    expect(r.stderr).toMatch(/slow_down\): add 5 s to the interval between checks/);
  });

  test('a server that keeps failing: exit 5 and a JSON error, after the bounded retries', async () => {
    const { code } = await getCode('fermyon');
    await target.faults([{ path: '/api/auth-tokens', kind: 'status', status: 503, times: -1 }]);
    const r = await runCli(['login', '--check-device-code', String(code.deviceCode), ...withUrl('fermyon')], {
      env: env({ DEPLOY_LOGIN_MAX_ATTEMPTS: '2', DEPLOY_LOGIN_RETRY_BASE_MS: '10' }),
    });
    expect(r.code).toBe(5);
    expect(json(r.stdout)).toMatchObject({ status: 'error', outcome: 'unavailable', exitCode: 5 });
    expect((await target.log()).filter((l) => l.path === '/api/auth-tokens')).toHaveLength(2);
  });

  test.each([
    [['--get-device-code', '--check-device-code', 'x'], /either --get-device-code or --check-device-code/],
    [['--get-device-code', '--method', 'token'], /token/],
    [['--check-device-code', ''], /--check-device-code needs the "deviceCode" value/],
  ])('bad combinations exit 2 with a JSON error and send nothing: %j', async (args, message) => {
    const r = await runCli(['login', ...args, ...withUrl('fermyon')], {
      env: env({ DEPLOY_LOGIN_TOKEN: 'tok-for-the-token-method' }),
    });
    expect(r.code).toBe(2);
    expect(json(r.stdout)).toMatchObject({
      outcome: 'invalid-input',
      exitCode: 2,
      error: expect.stringMatching(message),
    });
    expect(await target.log()).toEqual([]);
  });

  test('oauth2 without --client-id: exit 2 before anything is sent', async () => {
    const r = await runCli(['login', '--get-device-code', '--url', target.url], { env: env() });
    expect(r.code).toBe(2);
    expect(json(r.stdout).error).toMatch(/needs a client id: give --client-id/);
    expect(await target.log()).toEqual([]);
  });
});
