/**
 * The runner's proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as curl and
 * @actions/http-client read them. Loaded only when one of them is set.
 */
export interface ProxyRoute {
    connect(target: URL, opts: {
        insecure: boolean;
        timeoutMs: number;
    }): Promise<{
        requestUrl?: URL;
        options?: Record<string, unknown>;
        extraHeaders?: Record<string, string>;
    }>;
}
export declare function proxyFor(target: URL, env: Record<string, string | undefined>): ProxyRoute | undefined;
/** NO_PROXY: comma-separated hosts, domain suffixes (".example.com" or "example.com"), host:port, or "*". */
export declare function bypassed(target: URL, noProxy: string): boolean;
