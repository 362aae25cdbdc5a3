/**
 * The fault table: every way a target or a CI token service can misbehave, and what deploy-login
 * must do about it, for each way of logging in. Read by __tests__/faults.test.ts, which runs every
 * row against the built CLI and a dev target that misbehaves on demand.
 *
 * Retry knobs for the whole table (set through the environment, as an operator would):
 * 3 attempts, 20 ms backoff base, 1 s per-attempt timeout, 8 s retry budget.
 */
import type { Fault } from './devTarget';

export const KNOBS = {
  DEPLOY_LOGIN_MAX_ATTEMPTS: '3',
  DEPLOY_LOGIN_RETRY_BASE_MS: '20',
  DEPLOY_LOGIN_TIMEOUT_SECONDS: '1',
  DEPLOY_LOGIN_RETRY_BUDGET_SECONDS: '8',
};
const ATTEMPTS = 3;
const TIMEOUT_MS = 1000;

/**
 * The columns. `oidc` has two remote parties, so it has two columns: the CI's token service
 * (`/_apis/idtoken`, GitHub's request shape) misbehaving, and the target's token exchange misbehaving.
 * `device` is one non-interactive poll (`login --check-device-code`) of an approved code;
 * `refresh` is `deploy-login token` on a stored, expired token that has a refresh token.
 */
export const LEGS = ['oidc-ci', 'oidc-exchange', 'password', 'device', 'refresh'] as const;
export type Leg = (typeof LEGS)[number];
export const METHOD_OF: Record<Leg, string> = {
  'oidc-ci': 'oidc',
  'oidc-exchange': 'oidc',
  password: 'password',
  device: 'device',
  refresh: 'refresh',
};
export const FAULTED_PATH: Record<Leg, string> = {
  'oidc-ci': '/_apis/idtoken',
  'oidc-exchange': '/oauth/token',
  password: '/oauth/token',
  device: '/oauth/token',
  refresh: '/oauth/token',
};

export interface Expect {
  /** Exit code (the contract's table). */
  exit: number;
  /**
   * Requests the misbehaving service saw (its log), or, where it cannot see them (connection
   * refused, a TLS handshake it never completes), the tries the client made.
   */
  attempts: number;
  /** Wall-clock bounds for the CLI process, start to exit. */
  maxMs: number;
  minMs?: number;
}

export interface RowContext {
  leg: Leg;
  path: string;
  /** The dev target's origin, e.g. http://127.0.0.1:1234 */
  url: string;
  audience: string;
}

export interface FaultRow {
  kind: string;
  /** How the fault is made: queued on the dev target, a port nothing listens on, or a TLS target. */
  via: 'fault' | 'refused' | 'tls';
  faults?: (c: RowContext) => Fault[];
  /** TLS rows: pass --insecure (stored with the target for refresh). */
  insecure?: boolean;
  /** TLS rows: trust the dev CA through NODE_EXTRA_CA_CERTS, the documented fix. */
  trustCa?: boolean;
  expect: Expect;
  /** Where a column differs from the row, with the reason. */
  legs?: Partial<Record<Leg, Partial<Expect> & { why: string }>>;
  /** The request must not be repeated anywhere else (the cross-origin redirect). */
  noFollow?: boolean;
}

/** Bounds for cases that should end after a few quick round trips, even on a busy 2-core machine. */
const QUICK = 4000;
/** Cases that wait out the per-attempt timeout on every attempt. */
const TIMED_OUT = { minMs: ATTEMPTS * TIMEOUT_MS - 100, maxMs: ATTEMPTS * TIMEOUT_MS + QUICK };

const forever = (c: RowContext, f: Omit<Fault, 'path' | 'times'>): Fault[] => [
  { ...f, path: c.path, times: -1 } as Fault,
];
const once = (c: RowContext, f: Omit<Fault, 'path' | 'times'>): Fault[] => [
  { ...f, path: c.path, times: 1 } as Fault,
];

const gaveUp = { exit: 5, attempts: ATTEMPTS, maxMs: QUICK };
const notRetried = (exit: number) => ({ exit, attempts: 1, maxMs: QUICK });

export const FAULT_ROWS: FaultRow[] = [
  { kind: 'connection refused', via: 'refused', expect: gaveUp },
  {
    kind: 'connection reset mid-response',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'reset' }),
    expect: gaveUp,
  },
  {
    kind: 'connection closed before any response',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'hangup' }),
    expect: gaveUp,
  },
  {
    kind: 'no response until the timeout',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'hang' }),
    expect: { exit: 5, attempts: ATTEMPTS, ...TIMED_OUT },
  },
  {
    kind: 'response trickled slowly (1 byte / 200 ms)',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'trickle', intervalMs: 200 }),
    expect: { exit: 5, attempts: ATTEMPTS, ...TIMED_OUT },
  },
  ...[500, 502, 503, 504].map((status): FaultRow => ({
    kind: `HTTP ${status}`,
    via: 'fault',
    faults: (c) => forever(c, { kind: 'status', status }),
    expect: gaveUp,
  })),
  {
    kind: 'HTTP 503 once, then fine',
    via: 'fault',
    faults: (c) => once(c, { kind: 'status', status: 503 }),
    expect: { exit: 0, attempts: 2, maxMs: QUICK },
  },
  {
    kind: 'HTTP 429 without Retry-After',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'status', status: 429 }),
    expect: gaveUp,
  },
  {
    kind: 'HTTP 429 with Retry-After: 1 (seconds), once',
    via: 'fault',
    faults: (c) => once(c, { kind: 'status', status: 429, retryAfter: '1' }),
    expect: { exit: 0, attempts: 2, minMs: 1000, maxMs: 1000 + QUICK },
  },
  {
    // HTTP-dates have whole seconds: "now + 2 s" rounds down to a wait of 1-2 s.
    kind: 'HTTP 429 with Retry-After: an HTTP-date, once',
    via: 'fault',
    faults: (c) =>
      once(c, { kind: 'status', status: 429, retryAfter: new Date(Date.now() + 2000).toUTCString() }),
    expect: { exit: 0, attempts: 2, minMs: 900, maxMs: 2000 + QUICK },
  },
  {
    // Asked to come back in an hour, beyond the 8 s budget: give up at once rather than sleep.
    kind: 'HTTP 429 with Retry-After beyond the retry budget',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'status', status: 429, retryAfter: '3600' }),
    expect: notRetried(5),
  },
  {
    kind: 'HTTP 408',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'status', status: 408 }),
    expect: gaveUp,
  },
  {
    kind: 'truncated body (Content-Length longer than the body)',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'truncated' }),
    expect: gaveUp,
  },
  {
    // A 200 that is not JSON is a broken server, not a retryable blip at the HTTP level, and not the
    // user's input: 5 (trying later may help), after one attempt.
    kind: 'invalid JSON with 200',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'invalid-json' }),
    expect: notRetried(5),
  },
  {
    kind: 'HTML error page (502)',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'html' }),
    expect: gaveUp,
  },
  {
    // A captive portal or a proxy's login page.
    kind: 'HTML page with 200',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'html', status: 200 }),
    expect: notRetried(5),
  },
  {
    kind: '200 without a token',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'no-token' }),
    expect: notRetried(5),
  },
  {
    // Expired by an hour, far beyond the 60 s clock-skew tolerance: the server (or a clock) is
    // broken; nothing is stored. For the CI token it is refused before it is sent anywhere.
    kind: 'token with a past exp',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'expired-token' }),
    expect: notRetried(5),
  },
  {
    kind: 'body over the 1 MiB size cap',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'oversize', sizeBytes: 2 * 1024 * 1024 }),
    expect: notRetried(5),
  },
  {
    kind: 'HTTP 401',
    via: 'fault',
    faults: (c) =>
      forever(c, {
        kind: 'status',
        status: 401,
        body: { error: 'invalid_client', error_description: 'who are you' },
      }),
    expect: notRetried(3),
  },
  {
    kind: 'HTTP 403',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'status', status: 403, body: { message: 'forbidden' } }),
    expect: notRetried(3),
  },
  {
    kind: 'HTTP 400 invalid_grant',
    via: 'fault',
    faults: (c) =>
      forever(c, {
        kind: 'status',
        status: 400,
        body: { error: 'invalid_grant', error_description: 'credentials refused' },
      }),
    expect: notRetried(3),
  },
  {
    kind: 'HTTP 404',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'status', status: 404, body: { error: 'not_found' } }),
    // A wrong URL or token endpoint: the configuration's fault.
    expect: notRetried(2),
    legs: {
      refresh: {
        exit: 3,
        why: 'a refresh refused with any 4xx ends in "log in again": the login rediscovers the endpoint',
      },
    },
  },
  {
    // The credentials (body, and the Authorization header: GitHub's request token, the client
    // secret) never go to the other origin; the user is told to point the URL there if they trust it.
    kind: 'redirect to another origin',
    via: 'fault',
    faults: (c) => forever(c, { kind: 'redirect', status: 307 }),
    expect: notRetried(2),
    noFollow: true,
  },
  {
    kind: 'redirect within the origin',
    via: 'fault',
    faults: (c) =>
      once(c, {
        kind: 'redirect',
        status: 307,
        location:
          c.path === '/_apis/idtoken'
            ? `${c.url}${c.path}?api-version=2.0&audience=${encodeURIComponent(c.audience)}`
            : `${c.url}${c.path}`,
      }),
    // Two requests: the redirect and the one it led to.
    expect: { exit: 0, attempts: 2, maxMs: QUICK },
  },
  {
    kind: 'certificate the system does not trust',
    via: 'tls',
    expect: notRetried(2),
  },
  {
    kind: 'certificate the system does not trust, with insecure',
    via: 'tls',
    insecure: true,
    expect: { exit: 0, attempts: 1, maxMs: QUICK },
    legs: {
      'oidc-ci': {
        exit: 2,
        attempts: 1,
        why: "`insecure` is the target's setting; the CI token service is not the target, so its certificate is always checked (trust a private CA with NODE_EXTRA_CA_CERTS)",
      },
    },
  },
  {
    kind: 'private CA trusted through NODE_EXTRA_CA_CERTS',
    via: 'tls',
    trustCa: true,
    expect: { exit: 0, attempts: 1, maxMs: QUICK },
  },
];

export function expectationFor(row: FaultRow, leg: Leg): Expect & { why?: string } {
  const o = row.legs?.[leg];
  return { ...row.expect, ...(o ?? {}) };
}
