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
export type Transport = (req: HttpRequest, limits: {
    timeoutMs: number;
    maxBodyBytes: number;
}) => Promise<HttpResponse>;
export declare class TransportError extends Error {
    readonly code: string;
    readonly retryable: boolean;
    constructor(message: string, code: string, retryable: boolean);
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
export declare const DEFAULT_RETRY: RetryPolicy;
/** Read retry knobs from the environment so operators (and fault tests) can bound them. */
export declare function httpOptionsFromEnv(env: Record<string, string | undefined>): HttpOptions;
export declare function parseRetryAfter(value: string | undefined, now: number): number | undefined;
export declare class HttpClient {
    private readonly transport;
    private readonly retry;
    private readonly timeoutMs;
    private readonly maxBodyBytes;
    private readonly allowHttp;
    private readonly sleep;
    private readonly random;
    private readonly now;
    private readonly log;
    private readonly metadataCache?;
    /** Attempts made by this client, for results and tests. */
    attempts: number;
    constructor(opts?: HttpOptions);
    /**
     * Send with classified retries: network errors, 408, 429 and 5xx are retried with exponential
     * backoff and full jitter (honouring Retry-After) within an attempt and time budget; any other
     * status is returned for the protocol to interpret. Redirects are followed only within one origin.
     */
    request(req: HttpRequest): Promise<HttpResponse>;
    private send;
    private backoff;
    private guardPlainHttp;
    private followRedirects;
    private fatalTransport;
}
/** node:http(s), which Node and Deno both provide; proxy support is loaded only when a proxy is set. */
export declare const nodeTransport: Transport;
