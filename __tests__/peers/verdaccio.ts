/**
 * Peer: verdaccio 6.8.0 (a real npm registry) with htpasswd auth, open sign-up, JWT tokens,
 * a `restricted-*` package pattern publishable only by `alice`, no uplinks, web UI off.
 * Client: the real `npm` reading `//127.0.0.1:PORT/:_authToken=...` from NPM_CONFIG_USERCONFIG.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT,
  freePort,
  makeTempDir,
  nodeBinary,
  removeDir,
  startServer,
  waitFor,
  which,
} from './common';

const VERDACCIO_BIN = path.join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');

export interface VerdaccioHandle {
  /** `http://127.0.0.1:PORT/` (with the trailing slash npm wants for --registry) */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  port: number;
  pid: number;
  /** the per-run temp dir (config, storage, htpasswd, log, fixtures) */
  dir: string;
  logFile: string;
  /** Sign up a new user (PUT /-/user/org.couchdb.user:NAME); resolves to the JWT token. Throws unless 201. */
  createUser(name: string, password: string): Promise<string>;
  /** Log an existing user in (the same PUT with Basic auth); resolves to a fresh token. Throws unless 201. */
  login(name: string, password: string): Promise<string>;
  /** The raw PUT /-/user call, for tests of failure statuses (409 existing user, 401 wrong password). */
  putUser(
    name: string,
    password: string,
    basic?: boolean,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Write a tiny publishable package dir `{name}@{version}` (no scripts) and return its path. */
  makePackage(name: string, version?: string): string;
  /** The npmrc line for a token: `//127.0.0.1:PORT/:_authToken=TOKEN` */
  npmrcLine(token: string): string;
  stop(): Promise<void>;
}

export interface VerdaccioOptions {
  /**
   * npm trusted publishing: load dev/verdaccio-plugins/verdaccio-oidc-exchange, which answers
   * `POST /-/npm/v1/oidc/token/exchange/package/:name` for CI JWTs verified against `jwksUrl`
   * (and `issuer`); `publishers` maps a package name to the `repository` claim allowed to publish it.
   */
  trustedPublishing?: { jwksUrl: string; issuer?: string; publishers: Record<string, string> };
}

/** null when verdaccio + a Node >= 20 + npm exist, else what to install. */
export function available(): string | null {
  if (!fs.existsSync(VERDACCIO_BIN)) return 'install verdaccio@6.8.0 (npm ci)';
  if (!which('npm')) return 'install npm';
  return null;
}

function config(dir: string, port: number, opts: VerdaccioOptions): string {
  const tp = opts.trustedPublishing;
  const plugins = tp
    ? `plugins: ${path.join(REPO_ROOT, 'dev', 'verdaccio-plugins')}
middlewares:
  oidc-exchange:
    jwks: ${JSON.stringify(tp.jwksUrl)}
    issuer: ${JSON.stringify(tp.issuer ?? '')}
    publishers: ${JSON.stringify(tp.publishers)}
`
    : '';
  return `${plugins}storage: ${dir}/storage
auth:
  htpasswd:
    file: ${dir}/htpasswd
    max_users: 1000
security:
  api:
    legacy: true
    jwt:
      sign:
        expiresIn: 1h
uplinks: {}
packages:
  'restricted-*':
    access: $all
    publish: alice
  '@*/*':
    access: $authenticated
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
server:
  keepAliveTimeout: 60
listen: 127.0.0.1:${port}
log: { type: stdout, format: pretty, level: warn }
web:
  enable: false
`;
}

export async function start(opts: VerdaccioOptions = {}): Promise<VerdaccioHandle> {
  const dir = makeTempDir('verdaccio');
  try {
    const port = await freePort();
    fs.mkdirSync(path.join(dir, 'storage'));
    fs.writeFileSync(path.join(dir, 'config.yaml'), config(dir, port, opts));
    const logFile = path.join(dir, 'verdaccio.log');
    const proc = startServer(nodeBinary(), [VERDACCIO_BIN, '--config', path.join(dir, 'config.yaml')], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: 'production' },
      logFile,
    });
    const host = `127.0.0.1:${port}`;
    const base = `http://${host}`;
    try {
      await waitFor(
        'verdaccio',
        async () => {
          const r = await fetch(`${base}/-/ping`, { signal: AbortSignal.timeout(2000) });
          await r.arrayBuffer();
          return r.status === 200;
        },
        { timeoutMs: 20000, logFile, proc },
      );
    } catch (e) {
      await proc.stop('SIGKILL');
      throw e;
    }

    const putUser = async (name: string, password: string, basic = false) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (basic) headers.authorization = `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
      const r = await fetch(`${base}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ name, password }),
      });
      const text = await r.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {}
      return { status: r.status, body };
    };
    const tokenOf = async (name: string, password: string, basic: boolean) => {
      const { status, body } = await putUser(name, password, basic);
      if (status !== 201 || typeof body.token !== 'string')
        throw new Error(`verdaccio PUT user ${name}: ${status} ${JSON.stringify(body)}`);
      return body.token;
    };
    let pkgN = 0;
    return {
      url: `${base}/`,
      host,
      port,
      pid: proc.pid,
      dir,
      logFile,
      putUser,
      createUser: (name, password) => tokenOf(name, password, false),
      login: (name, password) => tokenOf(name, password, true),
      makePackage(name, version = '1.0.0') {
        const pdir = path.join(dir, 'fixtures', `${String(++pkgN)}-${name.replace(/[@/]/g, '_')}`);
        fs.mkdirSync(pdir, { recursive: true });
        fs.writeFileSync(
          path.join(pdir, 'package.json'),
          JSON.stringify(
            { name, version, description: 'deploy-login peer fixture', license: 'MIT', main: 'index.js' },
            null,
            2,
          ),
        );
        fs.writeFileSync(path.join(pdir, 'index.js'), 'module.exports = 42;\n');
        fs.writeFileSync(path.join(pdir, 'README.md'), `# ${name}\n`);
        return pdir;
      },
      npmrcLine: (token) => `//${host}/:_authToken=${token}`,
      async stop() {
        await proc.stop('SIGTERM', 5000);
        removeDir(dir);
      },
    };
  } catch (e) {
    removeDir(dir);
    throw e;
  }
}
