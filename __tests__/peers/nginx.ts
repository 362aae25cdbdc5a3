/**
 * Peer: Debian nginx + fcgiwrap, one nginx with two server blocks.
 *
 *  HTTP  (httpUrl)   Basic auth (htpasswd) for netrc clients:
 *    /dav/...            WebDAV PUT (curl --netrc-file F -T file URL)          -> 201/204
 *    /dav/readonly/...   authenticated but forbidden                           -> 403
 *    /git/site.git       git smart-HTTP push (git-http-backend) to a bare repo; `main` is accepted,
 *                        a pre-receive hook declines `protected` (a "deploy failed" push)
 *  HTTPS (k8sUrl)    a Kubernetes-API-shaped JSON tree for kubectl (self-signed CA; kubeconfig
 *                    `certificate-authority-data` = caData). The bearer is checked with nginx
 *                    `auth_request` against `authUpstream` (default: a tiny validator that accepts
 *                    the tokens in a control file, see setTokens()).
 *    /version, /api, /apis, /api/v1, /api/v1/namespaces, /api/v1/namespaces/default   -> 200 JSON
 *    /api/v1/namespaces/kube-system   -> 403 Status (Forbidden)
 *    anything else                    -> 404 Status (NotFound)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  REPO_ROOT,
  freePort,
  httpStatus,
  makeTempDir,
  nodeBinary,
  removeDir,
  requireBinaries,
  sleep,
  startServer,
  waitFor,
  which,
  type ServerProcess,
} from './common';

export const NGINX_USER = 'deployer';
export const NGINX_PASSWORD = 'dav-pass-456';

export interface NginxOptions {
  /** Basic-auth users for /dav and /git (default {deployer: 'dav-pass-456'}). */
  users?: Record<string, string>;
  /** Bearer tokens the default validator accepts (default: one random token, see handle.tokens). */
  tokens?: string[];
  /**
   * Validate kubectl's bearer with this http:// URL instead (nginx proxies the Authorization header
   * to it; 2xx = allowed, 401/403 = denied), e.g. oidc-provider's userinfo `${oidc.url}/me`.
   * The default validator is then not started and setTokens() throws.
   */
  authUpstream?: string;
}

export interface NginxHandle {
  /** `http://127.0.0.1:PORT` (WebDAV + git) */
  httpUrl: string;
  /** `127.0.0.1:PORT`: the netrc `machine` is `127.0.0.1` */
  httpHost: string;
  /** `${httpUrl}/dav/` : PUT anything below it */
  davUrl: string;
  /** `${httpUrl}/dav/readonly/` : authenticated PUT gets 403 */
  davForbiddenUrl: string;
  /** directory served as /dav/ (check uploaded files here) */
  davRoot: string;
  /** `${httpUrl}/git/site.git` */
  gitUrl: string;
  /** the bare repository behind gitUrl (initial branch main, http.receivepack on) */
  bareRepo: string;
  /** a branch name whose push the server's pre-receive hook declines */
  gitProtectedBranch: string;
  username: string;
  password: string;
  /** `https://127.0.0.1:PORT` (kubeconfig `server`) */
  k8sUrl: string;
  k8sHost: string;
  /** the self-signed CA that issued the server certificate */
  caFile: string;
  caPem: string;
  /** base64(caPem): kubeconfig `certificate-authority-data` */
  caData: string;
  /** the bearer validator URL nginx asks */
  authUpstream: string;
  /** tokens the default validator currently accepts (empty with a custom authUpstream) */
  tokens: string[];
  /** Replace the accepted tokens (the validator re-reads its control file per request). */
  setTokens(tokens: string[]): void;
  pid: number;
  pids: { nginx: number; fcgiwrap: number; validator?: number };
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

export function available(): string | null {
  return requireBinaries({
    nginx: 'nginx',
    fcgiwrap: 'fcgiwrap',
    htpasswd: 'apache2-utils',
    git: 'git',
    openssl: 'openssl',
    curl: 'curl',
    kubectl: 'kubectl (Debian kubernetes-client)',
  });
}

const K8S_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-peer',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const namespace = (name: string) => ({
  kind: 'Namespace',
  apiVersion: 'v1',
  metadata: {
    name,
    uid: `00000000-0000-0000-0000-${name.padEnd(12, '0').slice(0, 12)}`,
    resourceVersion: '1',
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

function writeK8sTree(root: string, serverAddress: string): void {
  const files: Record<string, unknown> = {
    'version.json': K8S_VERSION,
    'api.json': {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    },
    'apis.json': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
    'api/v1.json': {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        {
          name: 'namespaces',
          singularName: 'namespace',
          namespaced: false,
          kind: 'Namespace',
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          shortNames: ['ns'],
        },
      ],
    },
    'api/v1/namespaces.json': {
      kind: 'NamespaceList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '1' },
      items: [namespace('default')],
    },
    'api/v1/namespaces/default.json': namespace('default'),
    '_status/403.json': status(
      403,
      'Forbidden',
      'forbidden: the deploy identity may not access this resource',
    ),
    '_status/404.json': status(404, 'NotFound', 'the server could not find the requested resource'),
  };
  for (const [rel, body] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, JSON.stringify(body));
  }
}

function makeTls(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const openssl = which('openssl') ?? 'openssl';
  const o = (args: string[]) =>
    execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  o([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '30',
    '-subj',
    '/CN=deploy-login-peer-ca',
  ]);
  o(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  o([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '30',
    '-extfile',
    'ext.cnf',
  ]);
  return {
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
  };
}

function initBareRepo(repo: string, protectedBranch: string): void {
  const git = which('git') ?? 'git';
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: path.dirname(repo) };
  execFileSync(git, ['init', '-q', '--bare', '--initial-branch=main', repo], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  execFileSync(git, ['-C', repo, 'config', 'http.receivepack', 'true'], { env });
  const hook = path.join(repo, 'hooks', 'pre-receive');
  fs.writeFileSync(
    hook,
    [
      '#!/bin/sh',
      '# a "deploy failed" that is not about authentication: the platform refuses this branch',
      'while read old new ref; do',
      `  if [ "$ref" = "refs/heads/${protectedBranch}" ]; then`,
      `    echo "deploy rejected: ${protectedBranch} is protected" >&2`,
      '    exit 1',
      '  fi',
      'done',
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}

function nginxConf(p: {
  dir: string;
  httpPort: number;
  httpsPort: number;
  authUpstream: string;
  tls: { certFile: string; keyFile: string };
  asRoot: boolean;
}): string {
  const d = p.dir;
  return `${p.asRoot ? 'user root root;\n' : ''}worker_processes 1;
daemon off;
pid ${d}/nginx.pid;
error_log ${d}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log ${d}/logs/access.log;
  client_body_temp_path ${d}/tmp/body; proxy_temp_path ${d}/tmp/proxy;
  fastcgi_temp_path ${d}/tmp/fcgi; uwsgi_temp_path ${d}/tmp/uwsgi; scgi_temp_path ${d}/tmp/scgi;
  client_max_body_size 50m;
  default_type application/octet-stream;

  server {
    listen 127.0.0.1:${p.httpPort};
    # authenticated, but this path is not writable: 403 (a "deploy failed", not a "needs login")
    location ^~ /dav/readonly/ {
      auth_basic "deploy"; auth_basic_user_file ${d}/htpasswd;
      root ${d}/www; try_files /__never__ =403;
    }
    location /dav/ {
      auth_basic "deploy"; auth_basic_user_file ${d}/htpasswd;
      root ${d}/www; dav_methods PUT DELETE MKCOL; create_full_put_path on; dav_access user:rw group:r all:r;
    }
    location ~ ^/git(/.*) {
      auth_basic "git"; auth_basic_user_file ${d}/htpasswd;
      fastcgi_pass unix:${d}/fcgiwrap.sock;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
      fastcgi_param GIT_PROJECT_ROOT ${d}/git;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param GIT_CONFIG_NOSYSTEM 1;
      fastcgi_param HOME ${d}/git;
      fastcgi_param REMOTE_USER $remote_user;
      fastcgi_param PATH_INFO $1;
    }
  }

  server {
    listen 127.0.0.1:${p.httpsPort} ssl;
    ssl_certificate ${p.tls.certFile}; ssl_certificate_key ${p.tls.keyFile};
    root ${d}/k8s;
    default_type application/json;
    error_page 403 /_status/403.json;
    error_page 404 /_status/404.json;
    # nginx \`return\` would run before auth_request (rewrite phase), so answers come from files via try_files.
    location / {
      auth_request /_validate_bearer;
      try_files $uri.json =404;
    }
    location ^~ /api/v1/namespaces/kube-system {
      auth_request /_validate_bearer;
      try_files /__never__ =403;
    }
    location ^~ /_status/ { internal; }
    location = /_validate_bearer {
      internal;
      proxy_pass ${p.authUpstream};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Authorization $http_authorization;
    }
  }
}
`;
}

function randomToken(): string {
  return `peer-k8s-${randomBytes(18).toString('base64url')}`;
}

export async function start(opts: NginxOptions = {}): Promise<NginxHandle> {
  const dir = makeTempDir('nginx');
  const started: ServerProcess[] = [];
  const stopAll = async () => {
    for (const p of [...started].reverse()) await p.stop('SIGTERM', 3000);
  };
  try {
    for (const sub of ['logs', 'tmp', 'www/dav/readonly', 'git', 'k8s', 'tls'])
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
    const users = opts.users ?? { [NGINX_USER]: NGINX_PASSWORD };
    const htpasswd = path.join(dir, 'htpasswd');
    fs.writeFileSync(htpasswd, '');
    for (const [u, pw] of Object.entries(users)) {
      execFileSync(which('htpasswd') ?? 'htpasswd', ['-B', '-i', htpasswd, u], {
        input: pw,
        stdio: ['pipe', 'ignore', 'pipe'],
      });
    }
    const tls = makeTls(path.join(dir, 'tls'));
    const gitProtectedBranch = 'protected';
    const bareRepo = path.join(dir, 'git', 'site.git');
    initBareRepo(bareRepo, gitProtectedBranch);
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    writeK8sTree(path.join(dir, 'k8s'), `127.0.0.1:${httpsPort}`);

    // bearer validator
    let authUpstream = opts.authUpstream;
    let tokens: string[] = [];
    const tokensFile = path.join(dir, 'tokens.txt');
    let validator: ServerProcess | undefined;
    if (!authUpstream) {
      tokens = opts.tokens ?? [randomToken()];
      fs.writeFileSync(tokensFile, tokens.join('\n') + '\n');
      const vport = await freePort();
      const vlog = path.join(dir, 'logs', 'validator.log');
      validator = startServer(nodeBinary(), [path.join(REPO_ROOT, 'dev', 'bearer-validator.mjs')], {
        cwd: dir,
        env: { ...process.env, PORT: String(vport), TOKENS_FILE: tokensFile },
        logFile: vlog,
      });
      started.push(validator);
      authUpstream = `http://127.0.0.1:${vport}/`;
      await waitFor('bearer-validator', async () => (await httpStatus(authUpstream as string)) === 401, {
        logFile: vlog,
        proc: validator,
      });
    }

    // fcgiwrap for git-http-backend
    const sock = path.join(dir, 'fcgiwrap.sock');
    const fcgi = startServer(which('fcgiwrap') ?? 'fcgiwrap', ['-s', `unix:${sock}`], {
      cwd: dir,
      logFile: path.join(dir, 'logs', 'fcgiwrap.log'),
    });
    started.push(fcgi);
    await waitFor('fcgiwrap socket', async () => fs.existsSync(sock), { proc: fcgi, logFile: fcgi.logFile });
    fs.chmodSync(sock, 0o666);

    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const confFile = path.join(dir, 'nginx.conf');
    fs.writeFileSync(confFile, nginxConf({ dir, httpPort, httpsPort, authUpstream, tls, asRoot }));
    const logFile = path.join(dir, 'logs', 'error.log');
    const nginxBin = which('nginx') ?? 'nginx';
    const nginx = startServer(nginxBin, ['-e', logFile, '-p', `${dir}/`, '-c', confFile], {
      cwd: dir,
      logFile: path.join(dir, 'logs', 'nginx.out'),
    });
    started.push(nginx);
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    await waitFor('nginx', async () => (await httpStatus(`${httpUrl}/dav/`)) === 401, {
      proc: nginx,
      logFile,
    });
    // the TLS server is up once the HTTP one is (one master); give the worker a moment on slow machines
    await sleep(10);

    const caPem = fs.readFileSync(tls.caFile, 'utf8');
    const handle: NginxHandle = {
      httpUrl,
      httpHost: `127.0.0.1:${httpPort}`,
      davUrl: `${httpUrl}/dav/`,
      davForbiddenUrl: `${httpUrl}/dav/readonly/`,
      davRoot: path.join(dir, 'www', 'dav'),
      gitUrl: `${httpUrl}/git/site.git`,
      bareRepo,
      gitProtectedBranch,
      username: Object.keys(users)[0] ?? '',
      password: Object.values(users)[0] ?? '',
      k8sUrl: `https://127.0.0.1:${httpsPort}`,
      k8sHost: `127.0.0.1:${httpsPort}`,
      caFile: tls.caFile,
      caPem,
      caData: Buffer.from(caPem).toString('base64'),
      authUpstream,
      tokens,
      setTokens(next: string[]) {
        if (!validator)
          throw new Error('setTokens: this nginx peer validates bearers with a custom authUpstream');
        handle.tokens = [...next];
        const tmp = `${tokensFile}.tmp`;
        fs.writeFileSync(tmp, next.join('\n') + '\n');
        fs.renameSync(tmp, tokensFile);
      },
      pid: nginx.pid,
      pids: { nginx: nginx.pid, fcgiwrap: fcgi.pid, ...(validator ? { validator: validator.pid } : {}) },
      dir,
      logFile,
      async stop() {
        await stopAll();
        removeDir(dir);
      },
    };
    return handle;
  } catch (e) {
    await stopAll();
    removeDir(dir);
    throw e;
  }
}
