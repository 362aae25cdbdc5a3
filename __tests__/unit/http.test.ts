/**
 * The HTTP client against the real dev target and its faults: only sleep and the clock are faked
 * (so backoff is observable and fast); every request is real and the target's log is the witness.
 */
import * as net from 'node:net';
import { DeployLoginError } from '../../src/core/errors';
import { HttpClient, httpOptionsFromEnv, parseRetryAfter, type HttpOptions } from '../../src/core/http';
import { startDevTarget, type DevTarget } from '../helpers/devTarget';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

/** A clock that only moves when the client sleeps, and remembers each sleep. */
function fakeTime() {
  let t = T0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

async function rejectionOf(p: Promise<unknown>): Promise<DeployLoginError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeployLoginError);
  return err as DeployLoginError;
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('HttpClient against the dev target', () => {
  let target: DevTarget;
  let time: ReturnType<typeof fakeTime>;
  const client = (opts: HttpOptions = {}) =>
    new HttpClient({
      now: time.now,
      sleep: time.sleep,
      random: () => 0,
      retry: { maxAttempts: 5, budgetMs: 60_000, baseDelayMs: 100 },
      ...opts,
    });
  const get = (c: HttpClient, path = '/healthz', headers: Record<string, string> = {}) =>
    c.request({ method: 'GET', url: `${target.url}${path}`, what: 'the test endpoint', headers });
  const hits = async (path: string) => (await target.log()).filter((r) => r.path === path);

  beforeAll(async () => {
    target = await startDevTarget();
  });
  afterAll(async () => {
    await target?.close();
  });
  beforeEach(async () => {
    time = fakeTime();
    await target.resetControl();
  });

  it('retries a 503 and returns the success that follows', async () => {
    await target.faults([{ kind: 'status', status: 503, path: '/healthz', times: 2 }]);
    const c = client({ random: () => 1 });
    const res = await get(c);
    expect(res.status).toBe(200);
    expect(c.attempts).toBe(3);
    expect((await hits('/healthz')).map((r) => r.status)).toEqual([503, 503, 200]);
    // Exponential backoff: base, then twice base (random = 1 takes the top of the jitter range).
    expect(time.sleeps).toEqual([100, 200]);
  });

  it('retries 408, 500, 502, 504 and a connection reset mid-body', async () => {
    await target.faults([
      { kind: 'status', status: 408, path: '/healthz' },
      { kind: 'status', status: 500, path: '/healthz' },
      { kind: 'html', status: 502, path: '/healthz' },
      { kind: 'status', status: 504, path: '/healthz' },
      { kind: 'reset', path: '/healthz' },
    ]);
    const c = client({ retry: { maxAttempts: 6, baseDelayMs: 1 } });
    expect((await get(c)).status).toBe(200);
    expect(c.attempts).toBe(6);
  });

  it('keeps the jitter within the exponential cap', async () => {
    await target.faults([{ kind: 'status', status: 503, path: '/healthz', times: 4 }]);
    const c = client({ random: Math.random, retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 3000 } });
    expect((await get(c)).status).toBe(200);
    const caps = [1000, 2000, 3000, 3000];
    time.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(caps[i]!);
    });
  });

  it('honours Retry-After in seconds on a 429', async () => {
    await target.faults([{ kind: 'status', status: 429, retryAfter: '2', path: '/healthz' }]);
    const res = await get(client());
    expect(res.status).toBe(200);
    expect(time.sleeps).toEqual([2000]);
    expect((await hits('/healthz')).map((r) => r.status)).toEqual([429, 200]);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    await target.faults([
      { kind: 'status', status: 429, retryAfter: new Date(T0 + 3000).toUTCString(), path: '/healthz' },
    ]);
    expect((await get(client())).status).toBe(200);
    expect(time.sleeps).toEqual([3000]);
  });

  it('gives up at once when Retry-After asks for longer than the budget', async () => {
    await target.faults([{ kind: 'status', status: 429, retryAfter: '120', path: '/healthz', times: -1 }]);
    const err = await rejectionOf(get(client({ retry: { budgetMs: 10_000 } })));
    expect(err.outcome).toBe('unavailable');
    expect(err.exitCode).toBe(5);
    expect(err.message).toMatch(/answered 429 and asked to retry after 120 s, beyond the retry budget/);
    expect(await hits('/healthz')).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it.each([400, 401, 403, 404])('never retries a %i: the protocol gets the answer', async (status) => {
    await target.faults([{ kind: 'status', status, path: '/healthz', times: -1 }]);
    const c = client();
    const res = await get(c);
    expect(res.status).toBe(status);
    expect(c.attempts).toBe(1);
    expect(await hits('/healthz')).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  // The contract's list is "408, 429 and 5xx": every 5xx, not only the common four (a CDN's 520-524,
  // a proxy's 501 or 505, a storage layer's 507 are as transient from where a CI job stands).
  it.each([408, 429, 500, 501, 502, 503, 504, 505, 507, 520, 522, 599])(
    'retries a %i, then reports the endpoint unavailable',
    async (status) => {
      await target.faults([{ kind: 'status', status, path: '/healthz', times: -1 }]);
      const err = await rejectionOf(get(client({ retry: { maxAttempts: 2 } })));
      expect(err.outcome).toBe('unavailable');
      expect(await hits('/healthz')).toHaveLength(2);
    },
  );

  it('is unavailable after the attempt budget, naming the endpoint and the last problem', async () => {
    await target.faults([{ kind: 'status', status: 503, path: '/healthz', times: -1 }]);
    const err = await rejectionOf(get(client({ retry: { maxAttempts: 3 } })));
    expect(err.outcome).toBe('unavailable');
    expect(err.message).toMatch(
      new RegExp(
        `^the test endpoint ${target.url}/healthz kept failing \\(HTTP 503\\) after 3 attempts in [\\d.]+ s; try again later\\.$`,
      ),
    );
    expect(await hits('/healthz')).toHaveLength(3);
  });

  it('is unavailable when the next wait would overrun the time budget', async () => {
    await target.faults([{ kind: 'status', status: 503, path: '/healthz', times: -1 }]);
    // Waits of 1, 2, 4, 8 s (random = 1): the fourth would pass the 10 s budget.
    const err = await rejectionOf(
      get(client({ random: () => 1, retry: { maxAttempts: 50, budgetMs: 10_000, baseDelayMs: 1000 } })),
    );
    expect(err.outcome).toBe('unavailable');
    expect(time.sleeps).toEqual([1000, 2000, 4000]);
    expect(await hits('/healthz')).toHaveLength(4);
  });

  it('retries a refused connection, then reports the target unavailable', async () => {
    const port = await closedPort();
    const c = client({ retry: { maxAttempts: 2 } });
    const err = await rejectionOf(
      c.request({ method: 'GET', url: `http://127.0.0.1:${port}/x`, what: 'the target' }),
    );
    expect(err.outcome).toBe('unavailable');
    expect(err.message).toMatch(/kept failing \(connection refused \(ECONNREFUSED\)\) after 2 attempts/);
    expect(c.attempts).toBe(2);
  });

  it('times out a hung request and retries it', async () => {
    await target.faults([{ kind: 'hang', path: '/healthz' }]);
    const c = client({ timeoutMs: 300 });
    expect((await get(c)).status).toBe(200);
    expect(c.attempts).toBe(2);
  });

  it('refuses a response body over the cap without retrying', async () => {
    await target.faults([{ kind: 'oversize', path: '/healthz', sizeBytes: 64 * 1024, times: -1 }]);
    const err = await rejectionOf(get(client({ maxBodyBytes: 1024 })));
    expect(err.outcome).toBe('unavailable');
    expect(err.message).toMatch(/response larger than 1024 bytes/);
    expect(await hits('/healthz')).toHaveLength(1);
  });

  it('follows a same-origin redirect, keeping the Authorization within the origin', async () => {
    await target.faults([
      { kind: 'redirect', status: 307, path: '/api/old', location: `${target.url}/healthz` },
    ]);
    const res = await get(client(), '/api/old', { authorization: 'Bearer same-origin' });
    expect(res.status).toBe(200);
    const log = await target.log();
    expect(log.map((r) => [r.path, r.authorization])).toEqual([
      ['/api/old', true],
      ['/healthz', true],
    ]);
  });

  it('refuses a cross-origin redirect and sends no Authorization across', async () => {
    // The default redirect goes to http://localhost:PORT: another origin that reaches the same target.
    await target.faults([{ kind: 'redirect', path: '/api/whoami' }]);
    const err = await rejectionOf(get(client(), '/api/whoami', { authorization: 'Bearer must-not-travel' }));
    expect(err.outcome).toBe('invalid-input');
    expect(err.message).toMatch(
      /redirected to another origin \(http:\/\/localhost:\d+\); deploy-login never forwards credentials across origins/,
    );
    expect(err.message).not.toContain('must-not-travel');
    const log = await target.log();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ path: '/api/whoami', fault: 'redirect', authorization: true });
  });

  it('refuses plain http to a non-loopback host before sending anything', async () => {
    const err = await rejectionOf(
      client().request({
        method: 'POST',
        url: 'http://deploy.example.com/token',
        what: 'the token endpoint',
        body: 'x',
      }),
    );
    expect(err.outcome).toBe('invalid-input');
    expect(err.message).toMatch(/plain http:\/\/ on a non-loopback host/);
  });
});

describe('http settings', () => {
  it('reads the retry knobs from the environment', () => {
    expect(
      httpOptionsFromEnv({
        DEPLOY_LOGIN_MAX_ATTEMPTS: '2.7',
        DEPLOY_LOGIN_RETRY_BUDGET_SECONDS: '1.5',
        DEPLOY_LOGIN_RETRY_BASE_MS: '10',
        DEPLOY_LOGIN_TIMEOUT_SECONDS: '3',
        DEPLOY_LOGIN_ALLOW_HTTP: 'true',
      }),
    ).toEqual({
      retry: { maxAttempts: 2, budgetMs: 1500, baseDelayMs: 10 },
      timeoutMs: 3000,
      allowHttp: true,
    });
    expect(httpOptionsFromEnv({})).toEqual({ retry: {}, timeoutMs: undefined, allowHttp: false });
  });

  it('refuses a knob that is not a non-negative number, naming it', () => {
    expect(() => httpOptionsFromEnv({ DEPLOY_LOGIN_MAX_ATTEMPTS: 'many' })).toThrow(
      'DEPLOY_LOGIN_MAX_ATTEMPTS must be a non-negative number, not "many".',
    );
    expect(() => httpOptionsFromEnv({ DEPLOY_LOGIN_TIMEOUT_SECONDS: '-1' })).toThrow(
      /DEPLOY_LOGIN_TIMEOUT_SECONDS/,
    );
    // Booleans accept only true/false: "yes" must not quietly mean "no".
    expect(() => httpOptionsFromEnv({ DEPLOY_LOGIN_ALLOW_HTTP: 'yes' })).toThrow(
      'DEPLOY_LOGIN_ALLOW_HTTP must be "true" or "false", not "yes".',
    );
    expect(httpOptionsFromEnv({ DEPLOY_LOGIN_ALLOW_HTTP: 'false' }).allowHttp).toBe(false);
  });

  it('parses Retry-After seconds and dates, ignoring junk', () => {
    expect(parseRetryAfter('5', T0)).toBe(5000);
    expect(parseRetryAfter('0.5', T0)).toBe(500);
    expect(parseRetryAfter(new Date(T0 + 7000).toUTCString(), T0)).toBe(7000);
    expect(parseRetryAfter(new Date(T0 - 7000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfter('soon', T0)).toBeUndefined();
    expect(parseRetryAfter(undefined, T0)).toBeUndefined();
  });
});
