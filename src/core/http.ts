import type { IncomingHttpHeaders } from 'node:http';
import { DeployLoginError, invalidInput, unavailable } from './errors.js';
import { allowsPlainHttp, isLoopbackHost, printable } from './target.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Accept an invalid TLS certificate (the target's `insecure`). */
  insecure?: boolean;
  /** How to name the endpoint in messages, e.g. "the token endpoint". */
  what: string;
  /** At most this many attempts (default: the retry policy's). Polling loops pass 1: they retry on their own schedule. */
  attempts?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  url: string;
}

/** One attempt, no retries: the seam tests and other runtimes can replace. */
export type Transport = (
  req: HttpRequest,
  limits: { timeoutMs: number; maxBodyBytes: number },
) => Promise<HttpResponse>;

export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  maxAttempts: number;
  /**
   * The attempt limit while the server paces us (429, or 503, with a Retry-After that fits the
   * budget). That answer is not a failure but a "come back at T": under a storm of logins
   * against one rate-limited target, giving up after maxAttempts paced answers turns a slow
   * success into exit 5 while the time budget still has room (see docs/multi-target.md).
   */
  maxPacedAttempts: number;
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface HttpOptions {
  transport?: Transport;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  maxBodyBytes?: number;
  allowHttp?: boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Progress lines such as "attempt 2/5 after 503". */
  log?: (line: string) => void;
  /**
   * Shared by the clients of one multi-target step: a well-known metadata document (RFC 8615,
   * e.g. RFC 8414 discovery) is fetched once per step, however many targets share the server.
   */
  metadataCache?: Map<string, Promise<HttpResponse>>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxPacedAttempts: 10,
  budgetMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
};

/** Read retry knobs from the environment so operators (and fault tests) can bound them. */
export function httpOptionsFromEnv(env: Record<string, string | undefined>): HttpOptions {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw invalidInput(`${name} must be a non-negative number, not "${printable(v)}".`);
    return n;
  };
  const seconds = (name: string) => {
    const n = num(name);
    return n === undefined ? undefined : n * 1000;
  };
  const retry: Partial<RetryPolicy> = {};
  const attempts = num('DEPLOY_LOGIN_MAX_ATTEMPTS');
  if (attempts !== undefined) retry.maxAttempts = Math.max(1, Math.floor(attempts));
  const budget = seconds('DEPLOY_LOGIN_RETRY_BUDGET_SECONDS');
  if (budget !== undefined) retry.budgetMs = budget;
  const base = num('DEPLOY_LOGIN_RETRY_BASE_MS');
  if (base !== undefined) retry.baseDelayMs = base;
  return {
    retry,
    timeoutMs: seconds('DEPLOY_LOGIN_TIMEOUT_SECONDS'),
    allowHttp: allowsPlainHttp(env),
  };
}

/** The statuses worth asking again (the contract's list): timeout, rate limit, and every 5xx. */
const retryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || (status >= 500 && status <= 599);

export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class HttpClient {
  private readonly transport: Transport;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly allowHttp: boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly metadataCache?: Map<string, Promise<HttpResponse>>;
  /** Attempts made by this client, for results and tests. */
  attempts = 0;

  constructor(opts: HttpOptions = {}) {
    this.transport = opts.transport ?? nodeTransport;
    const given = stripUndefined(opts.retry ?? {});
    this.retry = { ...DEFAULT_RETRY, ...given };
    // An explicit attempt limit (DEPLOY_LOGIN_MAX_ATTEMPTS=1) bounds paced retries too, unless they are given.
    if (given.maxAttempts !== undefined && given.maxPacedAttempts === undefined) {
      this.retry.maxPacedAttempts = given.maxAttempts;
    }
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
    this.allowHttp = opts.allowHttp ?? false;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => undefined);
    this.metadataCache = opts.metadataCache;
  }

  /**
   * Send with classified retries: network errors, 408, 429 and 5xx are retried with exponential
   * backoff and full jitter (honouring Retry-After) within an attempt and time budget; any other
   * status is returned for the protocol to interpret. Redirects are followed only within one origin.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const cache = this.metadataCache;
    if (cache && req.method === 'GET' && !req.headers?.authorization && req.url.includes('/.well-known/')) {
      const key = `${req.insecure ? 'insecure ' : ''}${req.url}`;
      let shared = cache.get(key);
      if (!shared) {
        shared = this.send(req);
        cache.set(key, shared);
        // Failures are shared by those waiting at the time, never kept for later ones.
        shared.catch(() => cache.delete(key));
      }
      return shared;
    }
    return this.send(req);
  }

  private async send(req: HttpRequest): Promise<HttpResponse> {
    this.guardPlainHttp(req);
    const started = this.now();
    const maxAttempts = Math.max(1, Math.min(this.retry.maxAttempts, req.attempts ?? Infinity));
    const maxPaced = Math.max(maxAttempts, Math.min(this.retry.maxPacedAttempts, req.attempts ?? Infinity));
    let lastProblem = '';
    let paced = false;
    for (let attempt = 1; ; attempt++) {
      this.attempts++;
      let wait: number | undefined;
      try {
        const res = await this.followRedirects(req);
        if (!retryableStatus(res.status)) return res;
        lastProblem = `HTTP ${res.status}`;
        const retryAfter = parseRetryAfter(res.headers['retry-after'], this.now());
        paced = retryAfter !== undefined && (res.status === 429 || res.status === 503);
        // Jitter on top of Retry-After, over at least as long again: clients told "1 s" together
        // come back spread over the next second, not in one wave that is turned away again.
        wait = (retryAfter ?? 0) + this.backoff(attempt, retryAfter);
        if (retryAfter !== undefined && this.now() - started + retryAfter > this.retry.budgetMs) {
          throw unavailable(
            `${req.what} ${origin(req.url)} answered ${res.status} and asked to retry after ${Math.ceil(retryAfter / 1000)} s, beyond the retry budget; try again later.`,
          );
        }
      } catch (err) {
        if (err instanceof DeployLoginError) throw err;
        if (!(err instanceof TransportError)) throw err;
        if (!err.retryable) throw this.fatalTransport(req, err);
        lastProblem = err.message;
        paced = false;
        wait = this.backoff(attempt);
      }
      const elapsed = this.now() - started;
      const limit = paced ? maxPaced : maxAttempts;
      if (attempt >= limit || elapsed + wait > this.retry.budgetMs) {
        throw unavailable(
          `${req.what} ${origin(req.url)} kept failing (${lastProblem}) after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${(elapsed / 1000).toFixed(1)} s; try again later.`,
        );
      }
      this.log(
        `${req.what}: attempt ${attempt}/${limit} failed (${lastProblem}); retrying in ${(wait / 1000).toFixed(1)} s`,
      );
      await this.sleep(wait);
    }
  }

  private backoff(attempt: number, retryAfter = 0): number {
    const cap = Math.min(
      this.retry.maxDelayMs,
      Math.max(retryAfter, this.retry.baseDelayMs * 2 ** (attempt - 1)),
    );
    return Math.round(this.random() * cap);
  }

  private guardPlainHttp(req: HttpRequest): void {
    const u = new URL(req.url);
    if (u.protocol === 'http:' && !this.allowHttp && !isLoopbackHost(u.hostname)) {
      throw invalidInput(
        `${req.what} ${u.origin} is plain http:// on a non-loopback host; credentials are only sent over https:// (or set DEPLOY_LOGIN_ALLOW_HTTP=true).`,
      );
    }
  }

  private async followRedirects(req: HttpRequest): Promise<HttpResponse> {
    let current = req;
    for (let hop = 0; hop <= 5; hop++) {
      const res = await this.transport(current, {
        timeoutMs: this.timeoutMs,
        maxBodyBytes: this.maxBodyBytes,
      });
      if (![301, 302, 303, 307, 308].includes(res.status)) return res;
      const location = res.headers['location'];
      if (!location) return res;
      const next = new URL(location, current.url);
      if (next.origin !== new URL(current.url).origin) {
        throw invalidInput(
          `${req.what} ${origin(current.url)} redirected to another origin (${next.origin}); deploy-login never forwards credentials across origins: point the URL at ${next.origin} directly if you trust it.`,
        );
      }
      const keepBody = res.status === 307 || res.status === 308;
      current = keepBody
        ? { ...current, url: next.href }
        : { ...current, url: next.href, method: 'GET', body: undefined };
      this.guardPlainHttp(current);
    }
    throw unavailable(`${req.what} ${origin(req.url)} redirected too many times.`);
  }

  private fatalTransport(req: HttpRequest, err: TransportError): DeployLoginError {
    if (err.code === 'TLS') {
      return invalidInput(
        `${req.what} ${origin(req.url)} presented a TLS certificate that is not trusted (${err.message}): add its CA to NODE_EXTRA_CA_CERTS, or set insecure to true for this target if you accept the risk.`,
      );
    }
    return unavailable(`${req.what} ${origin(req.url)} failed: ${err.message}.`, err);
  }
}

function origin(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return url;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

function describeNetworkError(err: NodeJS.ErrnoException): TransportError {
  const code = err.code ?? 'ERR';
  if (TLS_CODES.has(code)) return new TransportError(code, 'TLS', false);
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ETIMEDOUT: 'timed out',
    EPIPE: 'connection closed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  return new TransportError(`${words[code] ?? 'network error'} (${code})`, code, true);
}

function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return !!(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

function flattenHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** node:http(s), which Node and Deno both provide; proxy support is loaded only when a proxy is set. */
export const nodeTransport: Transport = async (req, limits) => {
  const url = new URL(req.url);
  const isHttps = url.protocol === 'https:';
  const mod = isHttps ? await import('node:https') : await import('node:http');
  const proxy = hasProxyEnv(process.env)
    ? (await import('./proxy.js')).proxyFor(url, process.env)
    : undefined;
  const headers: Record<string, string> = {
    'user-agent': 'deploy-login',
    accept: 'application/json',
    ...req.headers,
  };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  const tunnel = proxy
    ? await proxy.connect(url, { insecure: !!req.insecure, timeoutMs: limits.timeoutMs })
    : undefined;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (e: TransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(e);
    };
    const options = {
      method: req.method,
      headers: { ...headers, ...(tunnel?.extraHeaders ?? {}) },
      rejectUnauthorized: !req.insecure,
      ...(tunnel?.options ?? {}),
    };
    const request = mod.request(tunnel?.requestUrl ?? url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limits.maxBodyBytes) {
          fail(new TransportError(`response larger than ${limits.maxBodyBytes} bytes`, 'EBODYSIZE', false));
          return;
        }
        chunks.push(c);
      });
      res.on('error', (e) => fail(describeNetworkError(e as NodeJS.ErrnoException)));
      res.on('aborted', () => fail(new TransportError('connection reset mid-response', 'ECONNRESET', true)));
      res.on('end', () => {
        if (settled) return;
        if (!res.complete) return fail(new TransportError('response truncated', 'ETRUNCATED', true));
        settled = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res.headers),
          text: Buffer.concat(chunks).toString('utf8'),
          url: req.url,
        });
      });
    });
    const timer = setTimeout(
      () =>
        fail(new TransportError(`no complete answer within ${limits.timeoutMs / 1000} s`, 'ETIMEDOUT', true)),
      limits.timeoutMs,
    );
    request.on('error', (e) => fail(describeNetworkError(e as NodeJS.ErrnoException)));
    // One write: write() then end() leaves the headers and an empty chunk queued apart, which go
    // out through the socket's writev path, a first use that costs a login's first request.
    request.end(req.body);
  });
};
