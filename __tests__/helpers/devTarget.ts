/**
 * Jest helper for dev/target.mjs. The target runs as a child process (never imported): it is plain ESM
 * while tests are compiled to CommonJS, and a separate process is what the CLI under test talks to anyway.
 *
 * Control calls go through node:http/https rather than global fetch because with --tls the target's CA is
 * only trusted per request (fetch has no per-call CA option without undici's Agent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';

/** Path of the dev target script, for tests that want to spawn it themselves. */
export const DEV_TARGET_SCRIPT = path.resolve(__dirname, '..', '..', 'dev', 'target.mjs');

const READY_TIMEOUT_MS = 10_000;

export type FaultKind =
  | 'status'
  | 'reset'
  | 'hang'
  | 'trickle'
  | 'truncated'
  | 'invalid-json'
  | 'html'
  | 'no-token'
  | 'expired-token'
  | 'oversize'
  | 'redirect'
  | 'hangup'
  | 'timed-token';

export interface Fault {
  kind: FaultKind;
  /** Exact pathname to match; omitted = any non-control path. */
  path?: string;
  /** Optional HTTP method to match. */
  method?: string;
  /** How many matching requests this fault takes (default 1; -1 = forever). */
  times?: number;
  /** status/html/redirect: the status code (defaults 503/502/307). */
  status?: number;
  /** status/html: extra response headers. */
  headers?: Record<string, string>;
  /** status/trickle: response body; a string is sent raw, anything else as JSON. */
  body?: unknown;
  /** status: raw Retry-After value (seconds or an HTTP-date). */
  retryAfter?: string;
  /** trickle: milliseconds between bytes (default 500). */
  intervalMs?: number;
  /** oversize: body size in bytes (default 5 MiB). */
  sizeBytes?: number;
  /** redirect: Location (default: the same path on localhost, another origin reaching the same target). */
  location?: string;
  /** timed-token: seconds from now for the token's exp (default +3600), nbf and iat (left out unless set). */
  expOffset?: number;
  nbfOffset?: number;
  iatOffset?: number;
  /** timed-token: adds expires_in to an OAuth body. */
  expiresIn?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  time: string;
  /** Whether an Authorization header was present (its value is never logged). */
  authorization: boolean;
  status?: number;
  fault?: FaultKind;
  /** grant_type, for /oauth/token requests. */
  grant?: string;
}

export type DeviceAction = 'approve' | 'deny' | 'expire' | 'slow_down';

/** The ready line the target prints on stdout. */
export interface DevTargetInfo {
  url: string;
  issuer: string;
  idTokenRequestUrl: string;
  idTokenRequestToken: string;
  audience: string;
  users: Record<string, string>;
  clients: Record<string, string>;
  pid: number;
  caFile?: string;
}

export interface DevTargetConfig {
  tokenTtl?: number;
  deviceInterval?: number;
  deviceExpiresIn?: number;
}

export interface DevTarget extends DevTargetInfo {
  /** SIGTERM by PID, then wait for the process to exit. Safe to call twice. */
  close(): Promise<void>;
  /** Queue faults (appended after any already queued). */
  faults(list: Fault[]): Promise<void>;
  /** Clear queued faults, the request log and the rate-limit bucket; release hung requests. */
  resetControl(): Promise<void>;
  /** Requests seen so far (control routes excluded). */
  log(): Promise<LoggedRequest[]>;
  /** A CI id token signed by the target's issuer key; extraClaims override claims, null deletes one. */
  idToken(audience?: string, extraClaims?: Record<string, unknown>): Promise<string>;
  /** Act on a pending device authorization, by user code (or device code). */
  device(userCode: string, action: DeviceAction): Promise<void>;
  /** Revoke every token issued so far (refresh tokens too unless keepRefreshTokens). */
  revokeAll(options?: { keepRefreshTokens?: boolean }): Promise<void>;
  /** Change runtime knobs (token TTL, device interval/expiry). */
  config(values: DevTargetConfig): Promise<Required<DevTargetConfig>>;
  /** Environment a GitHub Actions-like OIDC client expects. */
  githubEnv(): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The child process, for tests that inspect it. */
  readonly child: ChildProcess;
}

export interface StartOptions {
  /** Default 10 s. */
  readyTimeoutMs?: number;
  /** Another script to run instead of dev/target.mjs (used to test this helper). */
  script?: string;
}

/** Starts dev/target.mjs and resolves once its ready line arrives. */
export async function startDevTarget(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: StartOptions = {},
): Promise<DevTarget> {
  const script = options.script ?? DEV_TARGET_SCRIPT;
  // --exit-on-stdin-close: if jest dies without calling close(), the closed pipe takes the target down too.
  const child = spawn(process.execPath, [script, ...args, '--exit-on-stdin-close'], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await waitForReady(child, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  return makeTarget(info, child, exited);
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<DevTargetInfo> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (message: string) => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`dev target ${message}${stderr ? `; stderr:\n${stderr.slice(-2000)}` : ''}`));
    };
    const onStdout = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      try {
        const info = JSON.parse(stdout.slice(0, newline)) as DevTargetInfo;
        cleanup();
        resolve(info);
      } catch {
        fail(`printed a ready line that is not JSON: ${stdout.slice(0, 200)}`);
      }
    };
    const onStderr = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    const onError = (err: Error) => fail(`could not be started: ${err.message}`);
    const timer = setTimeout(() => fail(`printed no ready line within ${timeoutMs} ms`), timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining stderr so a chatty --verbose target never blocks on a full pipe.
    }
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function makeTarget(info: DevTargetInfo, child: ChildProcess, exited: Promise<void>): DevTarget {
  const ca = info.caFile ? fs.readFileSync(info.caFile) : undefined;
  const control = async <T>(method: string, pathname: string, body?: unknown): Promise<T> => {
    const { status, text } = await request(new URL(pathname, info.url), method, body, ca);
    if (status < 200 || status >= 300)
      throw new Error(`dev target ${method} ${pathname} -> ${status}: ${text}`);
    return JSON.parse(text) as T;
  };
  // Let jest exit even if a test forgets close(); the stdin pipe then ends the child.
  child.unref();
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  (child.stdout as unknown as { unref?: () => void })?.unref?.();
  (child.stderr as unknown as { unref?: () => void })?.unref?.();

  return {
    ...info,
    child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid as number, 'SIGTERM');
      await exited;
    },
    async faults(list) {
      await control('POST', '/_control/faults', { faults: list });
    },
    async resetControl() {
      await control('POST', '/_control/reset');
    },
    async log() {
      return (await control<{ requests: LoggedRequest[] }>('GET', '/_control/log')).requests;
    },
    async idToken(audience, extraClaims) {
      const body = { audience: audience ?? info.audience, claims: extraClaims ?? {} };
      return (await control<{ value: string }>('POST', '/_control/id-token', body)).value;
    },
    async device(userCode, action) {
      await control('POST', '/_control/device', { userCode, action });
    },
    async revokeAll(options = {}) {
      await control('POST', '/_control/revoke-all', { refreshTokens: !options.keepRefreshTokens });
    },
    async config(values) {
      return control<Required<DevTargetConfig>>('POST', '/_control/config', values);
    },
    githubEnv() {
      return {
        ACTIONS_ID_TOKEN_REQUEST_URL: info.idTokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: info.idTokenRequestToken,
      };
    },
  };
}

/** One small JSON request with an optional CA; `agent: false` so no pooled socket outlives a test. */
function request(
  url: URL,
  method: string,
  body: unknown,
  ca: Buffer | undefined,
): Promise<{ status: number; text: string }> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string | number> = { accept: 'application/json' };
  if (data) Object.assign(headers, { 'content-type': 'application/json', 'content-length': data.length });
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method, headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () =>
      req.destroy(new Error(`dev target control request timed out: ${method} ${url}`)),
    );
    req.on('error', reject);
    req.end(data);
  });
}
