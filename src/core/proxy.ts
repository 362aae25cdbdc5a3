import http from 'node:http';
import tls from 'node:tls';
import type { Socket } from 'node:net';
import { unbracket } from './text.js';

/**
 * The runner's proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), as curl and
 * @actions/http-client read them. Loaded only when one of them is set.
 */
export interface ProxyRoute {
  connect(
    target: URL,
    opts: { insecure: boolean; timeoutMs: number },
  ): Promise<{ requestUrl?: URL; options?: Record<string, unknown>; extraHeaders?: Record<string, string> }>;
}

export function proxyFor(target: URL, env: Record<string, string | undefined>): ProxyRoute | undefined {
  const raw =
    target.protocol === 'https:'
      ? env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy
      : env.HTTP_PROXY || env.http_proxy;
  if (!raw || bypassed(target, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  const proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  const auth = proxy.username
    ? 'Basic ' +
      Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString(
        'base64',
      )
    : undefined;
  return {
    async connect(url, opts) {
      if (url.protocol === 'http:') {
        // Plain HTTP goes to the proxy with the absolute URL as the path.
        return {
          requestUrl: new URL(proxy.origin),
          options: { path: url.href },
          extraHeaders: { host: url.host, ...(auth ? { 'proxy-authorization': auth } : {}) } as Record<
            string,
            string
          >,
        };
      }
      const socket = await tunnel(proxy, url, auth, opts.timeoutMs);
      const secured = tls.connect({
        socket,
        servername: unbracket(url.hostname),
        rejectUnauthorized: !opts.insecure,
      });
      return { options: { createConnection: () => secured, agent: false } };
    },
  };
}

function tunnel(proxy: URL, target: URL, auth: string | undefined, timeoutMs: number): Promise<Socket> {
  const port = target.port || '443';
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: `${target.hostname}:${port}`,
      headers: { host: `${target.hostname}:${port}`, ...(auth ? { 'proxy-authorization': auth } : {}) },
      timeout: timeoutMs,
    });
    req.on('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(
          Object.assign(new Error(`proxy refused CONNECT (${res.statusCode})`), { code: 'ECONNREFUSED' }),
        );
      }
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('proxy timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

/** NO_PROXY: comma-separated hosts, domain suffixes (".example.com" or "example.com"), host:port, or "*". */
export function bypassed(target: URL, noProxy: string): boolean {
  const host = unbracket(target.hostname).toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(',').map((s) => s.trim().toLowerCase())) {
    if (!raw) continue;
    if (raw === '*') return true;
    const [h, p] = raw.startsWith('[')
      ? [raw.slice(1, raw.indexOf(']')), raw.split(']:')[1]]
      : raw.split(':');
    if (p && p !== port) continue;
    const domain = (h ?? '').replace(/^\*?\./, '');
    if (host === domain || host.endsWith('.' + domain)) return true;
  }
  return false;
}
