/**
 * Clock skew (issue 6.5). The rules, documented in docs/SECURITY.md ("Clocks"):
 *
 * 1. A new token's expiry is `expires_in` (counted on this machine's clock) when the server gives
 *    one, else its own expiry field or JWT `exp` (the issuer's clock).
 * 2. A new token (login, refresh, a CI OIDC token) that expired more than CLOCK_SKEW_SECONDS (60)
 *    ago is refused: exit 5, nothing written. Within the 60 s it is accepted, with a warning.
 * 3. A new token whose `nbf`/`iat` lies more than 60 s ahead is accepted (the issuer judges its
 *    tokens by its own clock) with a warning that the clocks disagree.
 * 4. `status`, `token`, `env`, `run` judge a stored token by this machine's clock with no
 *    tolerance: expired the moment `expiresAt` is reached (they err towards "log in again").
 *
 * In-process at the exact boundaries, then through the built CLI with ±2-3 s margins.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeployLoginError } from '../src/core/errors';
import { clockWarnings, CLOCK_SKEW_SECONDS, expiryOf, isExpired } from '../src/core/jwt';
import { grantOf } from '../src/core/protocols/responses';
import { describe as describeTarget } from '../src/core/session';
import type { StoredTarget } from '../src/core/store';
import { addCanary, CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { baseEnv, runCli } from './helpers/dist';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const SKEW_MS = CLOCK_SKEW_SECONDS * 1000;
const jwt = (claims: Record<string, number>) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.x`;
const iso = (ms: number) => new Date(ms).toISOString();

describe('the rules at their exact boundaries (in-process)', () => {
  test('the tolerance is 60 s', () => {
    expect(CLOCK_SKEW_SECONDS).toBe(60);
  });

  test('rule 2: a new token expired exactly 60 s ago is refused (exit 5); 1 ms less is accepted', () => {
    expect(isExpired(iso(NOW - SKEW_MS), NOW)).toBe(true);
    expect(isExpired(iso(NOW - SKEW_MS + 1), NOW)).toBe(false);
    const refuse = () => grantOf(jwt({ exp: (NOW - SKEW_MS) / 1000 }), 'the token endpoint', NOW);
    expect(refuse).toThrow(DeployLoginError);
    expect(refuse).toThrow(/already expired/);
    try {
      refuse();
    } catch (err) {
      expect((err as DeployLoginError).exitCode).toBe(5);
    }
    expect(grantOf(jwt({ exp: (NOW - SKEW_MS + 1000) / 1000 }), 'the token endpoint', NOW).expiresAt).toBe(
      iso(NOW - SKEW_MS + 1000),
    );
  });

  test('rule 1: expires_in counts on our clock and wins over the JWT exp', () => {
    expect(expiryOf(jwt({ exp: (NOW - 3_600_000) / 1000 }), 300, NOW)?.toISOString()).toBe(
      iso(NOW + 300_000),
    );
    expect(grantOf(jwt({ exp: (NOW - 3_600_000) / 1000 }), 'x', NOW, { expiresIn: '300' }).expiresAt).toBe(
      iso(NOW + 300_000),
    );
    expect(expiryOf(jwt({ exp: NOW / 1000 + 10 }), undefined, NOW)?.toISOString()).toBe(iso(NOW + 10_000));
  });

  test('rule 2: within the tolerance, a warning that status will say "needs login"', () => {
    expect(clockWarnings('opaque', iso(NOW), NOW)).toEqual([
      expect.stringMatching(/already passed .*within the 60 s/),
    ]);
    expect(clockWarnings('opaque', iso(NOW + 1), NOW)).toEqual([]);
  });

  test('rule 3: nbf/iat more than 60 s ahead are accepted with a warning; 60 s is within the tolerance', () => {
    expect(
      clockWarnings(
        jwt({ nbf: NOW / 1000 + 60, iat: NOW / 1000 + 60, exp: NOW / 1000 + 3600 }),
        iso(NOW + 3_600_000),
        NOW,
      ),
    ).toEqual([]);
    expect(
      clockWarnings(jwt({ nbf: NOW / 1000 + 61, exp: NOW / 1000 + 3600 }), iso(NOW + 3_600_000), NOW),
    ).toEqual([expect.stringMatching(/issued 61 s in the future/)]);
    expect(clockWarnings(jwt({ iat: NOW / 1000 + 120 }), undefined, NOW)).toEqual([
      expect.stringMatching(/120 s in the future/),
    ]);
    // A token that is not a JWT has no claims to judge.
    expect(clockWarnings('hvs.opaque', undefined, NOW)).toEqual([]);
  });

  test('rule 4: status has no tolerance: expired at expiresAt exactly, valid 1 ms before', () => {
    const entry = (expiresAt: string) =>
      ({
        url: 'https://x.example',
        protocol: 'oauth2',
        method: 'token',
        insecure: false,
        token: 't',
        expiresAt,
        formats: [],
        files: [],
        loggedInAt: iso(NOW),
      }) as StoredTarget;
    const data = { version: 1 as const, targets: {} };
    expect(describeTarget('a', entry(iso(NOW)), data, NOW).state).toBe('expired');
    expect(describeTarget('a', entry(iso(NOW + 1)), data, NOW).state).toBe('valid');
    expect(describeTarget('a', entry(iso(NOW + 90_000)), data, NOW).secondsLeft).toBe(90);
  });
});

describe('through the built CLI, against a target that issues tokens with chosen times', () => {
  let target: DevTarget;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-clock-'));
  let n = 0;
  beforeAll(async () => {
    target = await startDevTarget([], {
      DEV_TARGET_PASSWORD: CANARY.password,
      DEV_TARGET_REQUEST_TOKEN: CANARY.requestToken,
    });
  });
  afterEach(async () => {
    await target.resetControl();
  });
  afterAll(async () => {
    await target?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function env() {
    const dir = path.join(root, `c${n++}`);
    return {
      dir,
      env: baseEnv({
        HOME: dir,
        DEPLOY_LOGIN_CONFIG: path.join(dir, 'credentials.json'),
        DEPLOY_LOGIN_PASSWORD: CANARY.password,
        ...target.githubEnv(),
      }),
    };
  }
  const passwordLogin = (e: NodeJS.ProcessEnv) =>
    runCli(['login', '--method', 'password', '--username', 'ci-deployer', '--url', target.url], { env: e });
  const stored = (dir: string) => {
    const file = path.join(dir, 'credentials.json');
    if (!fs.existsSync(file)) return undefined;
    const t = JSON.parse(fs.readFileSync(file, 'utf8')).targets.default as {
      token: string;
      expiresAt?: string;
    };
    addCanary(t.token);
    return t;
  };

  test('exp 63 s ago: refused, exit 5, nothing stored', async () => {
    const c = env();
    await target.faults([{ path: '/oauth/token', kind: 'timed-token', expOffset: -63 }]);
    const r = await passwordLogin(c.env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/already expired/);
    expect(stored(c.dir)).toBeUndefined();
  });

  test('exp 57 s ago: accepted with a clock warning; status then says needs login (exit 3)', async () => {
    const c = env();
    await target.faults([{ path: '/oauth/token', kind: 'timed-token', expOffset: -57 }]);
    const r = await passwordLogin(c.env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*already passed/);
    expect(stored(c.dir)?.expiresAt).toBeDefined();
    expect((await runCli(['status'], { env: c.env })).code).toBe(3);
  });

  test('exp in 5 s: status is 0 now, with the seconds left; 3 once it has passed', async () => {
    const c = env();
    await target.faults([{ path: '/oauth/token', kind: 'timed-token', expOffset: 5 }]);
    expect((await passwordLogin(c.env)).code).toBe(0);
    const s = await runCli(['status', '--json'], { env: c.env });
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).secondsLeft).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(s.stdout).secondsLeft).toBeLessThanOrEqual(5);
    // No tolerance on our side: a few seconds after expiresAt it needs login.
    const left = Date.parse(stored(c.dir)!.expiresAt!) - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, left) + 200));
    expect((await runCli(['status'], { env: c.env })).code).toBe(3);
  }, 20_000);

  test('expires_in wins over a JWT exp in the past (the server says how long, on our clock)', async () => {
    const c = env();
    await target.faults([{ path: '/oauth/token', kind: 'timed-token', expOffset: -3600, expiresIn: 600 }]);
    expect((await passwordLogin(c.env)).code).toBe(0);
    const left = Date.parse(stored(c.dir)!.expiresAt!) - Date.now();
    expect(left).toBeGreaterThan(590_000);
    expect((await runCli(['status'], { env: c.env })).code).toBe(0);
  });

  test('nbf 30 s ahead: no warning; 120 s ahead: accepted with a warning that the clocks disagree', async () => {
    const near = env();
    await target.faults([{ path: '/oauth/token', kind: 'timed-token', nbfOffset: 30, iatOffset: 30 }]);
    const a = await passwordLogin(near.env);
    expect(a.code).toBe(0);
    expect(a.stderr).not.toMatch(/warning/);
    const far = env();
    await target.faults([{ path: '/oauth/token', kind: 'timed-token', nbfOffset: 120, iatOffset: 120 }]);
    const b = await passwordLogin(far.env);
    expect(b.code).toBe(0);
    expect(b.stderr).toMatch(/warning: .*in the future/);
  });

  test("GitHub's OIDC token: 63 s past its exp is refused before it is sent anywhere (exit 5); 57 s passes on", async () => {
    const c = env();
    await target.faults([{ path: '/_apis/idtoken', kind: 'timed-token', expOffset: -63, iatOffset: -363 }]);
    const r = await runCli(['login', '--method', 'oidc', '--url', target.url], { env: c.env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/already expired/);
    expect((await target.log()).filter((e) => e.path === '/oauth/token')).toEqual([]);
    await target.resetControl();
    // Within the tolerance it goes on to the exchange, whose own 60 s leeway accepts it too.
    await target.faults([{ path: '/_apis/idtoken', kind: 'timed-token', expOffset: -57, iatOffset: -357 }]);
    const ok = await runCli(['login', '--method', 'oidc', '--url', target.url], { env: env().env });
    expect(ok.code).toBe(0);
  });
});
