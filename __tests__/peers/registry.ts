/**
 * Peer: Debian `docker-registry` (distribution 2.8) with htpasswd (bcrypt) Basic auth.
 * Client: the real `skopeo` reading a Docker config.json (`--authfile F`, `DOCKER_CONFIG`, or `$HOME/.docker`).
 * No Docker engine is needed: `makeOciLayout()` builds a one-layer OCI image layout to push with
 * `skopeo copy --dest-tls-verify=false oci:DIR:latest docker://HOST/demo/app:v1`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  REPO_ROOT,
  freePort,
  httpStatus,
  makeTempDir,
  nodeBinary,
  removeDir,
  requireBinaries,
  startServer,
  waitFor,
  which,
  type ServerProcess,
} from './common';

export const REGISTRY_USER = 'ciuser';
export const REGISTRY_PASSWORD = 'ci-pass-123';

export interface RegistryOptions {
  /** Basic-auth users (default {ciuser: 'ci-pass-123'}); stored bcrypt in htpasswd. */
  users?: Record<string, string>;
  /**
   * Put the registry in read-only maintenance mode: authentication still works (401 without
   * credentials) but every push fails with `unsupported` (405) — a "deploy failed" that is not auth.
   */
  readOnly?: boolean;
  /**
   * 'htpasswd' (default): Basic auth. 'token': Docker token auth (Bearer realm, like GHCR/Docker Hub)
   * served by dev/docker-token-realm.mjs; users may push only under `pushPrefix`, pull elsewhere.
   */
  auth?: 'htpasswd' | 'token';
  /** token auth: repositories a user may push to (default `demo/`) */
  pushPrefix?: string;
  /** token auth: accept username `oidc` + a CI OIDC JWT (aud `peer-registry`) verified against this JWKS */
  oidcJwksUrl?: string;
}

export interface RegistryHandle {
  /** `127.0.0.1:PORT` (the key in config.json `auths`, and the skopeo/docker reference host) */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  pid: number;
  dir: string;
  logFile: string;
  username: string;
  password: string;
  /** base64("user:password"): the `auths[host].auth` value */
  basicAuth: string;
  /** token auth only: `http://127.0.0.1:PORT/token` (the realm) */
  realmUrl?: string;
  /** token auth only: the `service` (and the `aud` a CI OIDC JWT needs for the `oidc` user) */
  service?: string;
  pids: { registry: number; realm?: number };
  /** Build a minimal one-layer OCI image layout (default under dir/oci-N); returns its path: `oci:PATH:latest`. */
  makeOciLayout(dest?: string): string;
  stop(): Promise<void>;
}

export function available(): string | null {
  return requireBinaries({
    'docker-registry': 'docker-registry',
    skopeo: 'skopeo',
    htpasswd: 'apache2-utils',
  });
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A one-file ustar archive (what `tar --owner=0 --group=0 --mtime=@0 -cf` gives for one small file). */
function tarOneFile(name: string, content: Buffer): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 8, 'ascii');
  h.write('0000000\0', 108, 8, 'ascii');
  h.write('0000000\0', 116, 8, 'ascii');
  h.write(content.length.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  h.write('00000000000\0', 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write('0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([h, content, pad, Buffer.alloc(1024, 0)]);
}

/** The mkoci.sh equivalent: a minimal OCI image layout with one gzip layer, tagged `latest`. */
export function makeOciLayout(dest: string, text = 'hello from peer image\n'): string {
  fs.rmSync(dest, { recursive: true, force: true });
  const blobs = path.join(dest, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer | string) => {
    const d = sha256(b);
    fs.writeFileSync(path.join(blobs, d), b);
    return { digest: `sha256:${d}`, size: Buffer.byteLength(b) };
  };
  const tar = tarOneFile('hello.txt', Buffer.from(text));
  const layer = put(gzipSync(tar));
  const config = put(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] },
    }),
  );
  const manifest = put(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    }),
  );
  fs.writeFileSync(path.join(dest, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(
    path.join(dest, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  return dest;
}

export async function start(opts: RegistryOptions = {}): Promise<RegistryHandle> {
  const dir = makeTempDir('registry');
  const started: ServerProcess[] = [];
  const stopAll = async () => {
    for (const p of [...started].reverse()) await p.stop('SIGTERM', 5000);
  };
  try {
    const users = opts.users ?? { [REGISTRY_USER]: REGISTRY_PASSWORD };
    const port = await freePort();
    const service = 'peer-registry';
    let authConf: string[];
    let realmUrl: string | undefined;
    if (opts.auth === 'token') {
      const openssl = which('openssl') ?? 'openssl';
      execFileSync(
        openssl,
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          'signer.key',
          '-out',
          'signer.crt',
          '-days',
          '30',
          '-subj',
          '/CN=peer-token-signer',
        ],
        { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const realmPort = await freePort();
      const realmLog = path.join(dir, 'realm.log');
      const realm = startServer(nodeBinary(), [path.join(REPO_ROOT, 'dev', 'docker-token-realm.mjs')], {
        cwd: dir,
        env: {
          ...process.env,
          PORT: String(realmPort),
          SIGNER_KEY: path.join(dir, 'signer.key'),
          SIGNER_CERT: path.join(dir, 'signer.crt'),
          SERVICE: service,
          ISSUER: 'peer-token-issuer',
          USERS: JSON.stringify(users),
          PUSH_PREFIX: opts.pushPrefix ?? 'demo/',
          OIDC_JWKS: opts.oidcJwksUrl ?? '',
        },
        logFile: realmLog,
      });
      started.push(realm);
      realmUrl = `http://127.0.0.1:${realmPort}/token`;
      await waitFor('docker token realm', async () => (await httpStatus(realmUrl as string)) === 200, {
        logFile: realmLog,
        proc: realm,
      });
      authConf = [
        'auth:',
        '  token:',
        `    realm: ${realmUrl}`,
        `    service: ${service}`,
        '    issuer: peer-token-issuer',
        `    rootcertbundle: ${dir}/signer.crt`,
      ];
    } else {
      const htpasswd = path.join(dir, 'htpasswd');
      fs.writeFileSync(htpasswd, '');
      const htpasswdBin = which('htpasswd') ?? 'htpasswd';
      for (const [u, p] of Object.entries(users)) {
        // -i: password from stdin (not argv); -B bcrypt (distribution only accepts bcrypt)
        execFileSync(htpasswdBin, ['-B', '-i', htpasswd, u], { input: p, stdio: ['pipe', 'ignore', 'pipe'] });
      }
      authConf = ['auth:', '  htpasswd:', '    realm: peer-registry', `    path: ${htpasswd}`];
    }
    const conf = [
      'version: 0.1',
      'log:',
      '  level: info',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${dir}/data`,
      '  delete:',
      '    enabled: true',
      ...(opts.readOnly ? ['  maintenance:', '    readonly:', '      enabled: true'] : []),
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  headers:',
      '    X-Content-Type-Options: [nosniff]',
      ...authConf,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'config.yml'), conf);
    const logFile = path.join(dir, 'registry.log');
    const proc = startServer(
      which('docker-registry') ?? 'docker-registry',
      ['serve', path.join(dir, 'config.yml')],
      {
        cwd: dir,
        logFile,
      },
    );
    started.push(proc);
    const host = `127.0.0.1:${port}`;
    await waitFor('docker-registry', async () => (await httpStatus(`http://${host}/v2/`)) === 401, {
      logFile,
      proc,
    });
    const [username, password] = Object.entries(users)[0] ?? ['', ''];
    let n = 0;
    return {
      host,
      url: `http://${host}`,
      port,
      pid: proc.pid,
      pids: { registry: proc.pid, ...(started.length > 1 && started[0] ? { realm: started[0].pid } : {}) },
      dir,
      logFile,
      username,
      password,
      basicAuth: Buffer.from(`${username}:${password}`).toString('base64'),
      ...(realmUrl ? { realmUrl, service } : {}),
      makeOciLayout: (dest) => makeOciLayout(dest ?? path.join(dir, `oci-${String(++n)}`)),
      async stop() {
        await stopAll();
        removeDir(dir);
      },
    };
  } catch (e) {
    await stopAll();
    removeDir(dir);
    throw e;
  }
}
