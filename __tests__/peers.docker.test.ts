/**
 * protocol docker-registry + format docker, proven with the real `skopeo copy` against Debian's
 * docker-registry (distribution 2.8): htpasswd Basic auth, a read-only one (pushes fail with 405:
 * "deploy failed"), and Docker token auth (Bearer realm, dev/docker-token-realm.mjs) where the
 * login gets an identity token, with a password or with the `oidc` user and a CI JWT. The login
 * merges `auths[host]` into a ~/.docker/config.json that already has other registries, and logout
 * puts it back byte for byte.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CANARY } from './helpers/canary';
import { makeTempDir, removeDir, runTool, toolEnv, which } from './peers/common';
import * as ciIssuer from './peers/ciIssuer';
import { b64, printOutcomes, product, writeFile, type Outcome, type Product } from './peers/product';
import * as registryPeer from './peers/registry';
import { classifyToolFailure } from './peers/toolMessages';

function gate(name: string, reason: string | null): jest.Describe {
  if (reason) {
    console.log(`SKIP ${name}: ${reason}`);
    return describe.skip;
  }
  return describe;
}

const USERS = { ciuser: CANARY.password };

gate('docker-registry (docker-registry + skopeo)', registryPeer.available())(
  'docker-registry + docker: real skopeo copy',
  () => {
    let reg: registryPeer.RegistryHandle;
    let ro: registryPeer.RegistryHandle;
    let treg: registryPeer.RegistryHandle;
    let ci: ciIssuer.CiIssuerHandle;
    let home: string;
    let image: string;
    let p: Product;
    const config = () => path.join(home, '.docker', 'config.json');
    // Someone's own docker config (tabs, as docker writes it), which logins must leave as it was.
    const OWN_CONFIG =
      '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "bWU6bXktb3duLXBhdA=="\n\t\t}\n\t},\n\t"HttpHeaders": {\n\t\t"User-Agent": "Docker-Client/28.2.2 (linux)"\n\t}\n}';
    const push = (target: string, host: string, expected: Outcome, repo = 'demo/app', tag = 'v1') =>
      p.run(
        'skopeo',
        target,
        [
          which('skopeo') ?? 'skopeo',
          'copy',
          '--dest-tls-verify=false',
          `oci:${image}:latest`,
          `docker://${host}/${repo}:${tag}`,
        ],
        expected,
      );
    const loginArgs = (target: string, url: string, ...more: string[]) => [
      '--target',
      target,
      '--url',
      url,
      '--protocol',
      'docker-registry',
      ...more,
    ];

    beforeAll(async () => {
      ci = await ciIssuer.start();
      [reg, ro, treg] = await Promise.all([
        registryPeer.start({ users: USERS }),
        registryPeer.start({ users: USERS, readOnly: true }),
        registryPeer.start({ users: USERS, auth: 'token', oidcJwksUrl: ci.jwksUrl }),
      ]);
      home = makeTempDir('docker-dl');
      image = reg.makeOciLayout(path.join(home, 'img'));
      p = product(home);
    }, 60_000);
    afterAll(async () => {
      printOutcomes('docker-registry / docker outcomes (deploy-login run -- skopeo copy):');
      await Promise.all([reg?.stop(), ro?.stop(), treg?.stop()]);
      await ci?.stop();
      if (home) removeDir(home);
    });

    test('Basic-auth registry: login checks the password against /v2/, merges auths[host]; skopeo pushes; logout restores byte for byte', async () => {
      writeFile(config(), OWN_CONFIG, 0o644);
      const r = await p.login([...loginArgs('reg', reg.url, '--username', 'ciuser', '--password-stdin')], {
        stdin: CANARY.password,
      });
      expect(r.stderr).toContain(`wrote docker: ${config()}`);
      const cfg = JSON.parse(fs.readFileSync(config(), 'utf8'));
      expect(cfg.auths[reg.host]).toEqual({ auth: b64(`ciuser:${CANARY.password}`) });
      expect(cfg.auths['ghcr.io']).toEqual({ auth: 'bWU6bXktb3duLXBhdA==' });
      expect(fs.statSync(config()).mode & 0o777).toBe(0o600);
      // The password must sit in config.json (docker has no other way) but never in our store.
      expect(p.stored('reg')).toMatchObject({ token: '', tokenInToolFileOnly: true });
      const storeText = fs.readFileSync(path.join(home, 'deploy-login', 'credentials.json'), 'utf8');
      expect(storeText).not.toContain(CANARY.password);
      expect(storeText).not.toContain(b64(`ciuser:${CANARY.password}`));
      const token = await p.cli(['token', '--target', 'reg']);
      expect([token.code, token.stdout]).toEqual([2, '']);

      await push('reg', reg.host, 'success');
      expect((await p.cli(['logout', '--target', 'reg'])).code).toBe(0);
      expect(fs.readFileSync(config(), 'utf8')).toBe(OWN_CONFIG);
      await push('reg', reg.host, 'needs-login');
      // skopeo itself, with the restored file, is refused too
      const direct = await runTool(
        which('skopeo') ?? 'skopeo',
        ['copy', '--dest-tls-verify=false', `oci:${image}:latest`, `docker://${reg.host}/demo/app:v2`],
        {
          env: toolEnv(home),
        },
      );
      expect(classifyToolFailure('skopeo', direct.code ?? -1, direct.stderr)).toBe('needs-login');
    });

    test('a wrong password is refused at login (exit 3, nothing written); a revoked password is needs-login at push', async () => {
      const bad = await p.cli(
        ['login', ...loginArgs('reg-bad', reg.url, '--username', 'ciuser', '--password-stdin')],
        { stdin: 'wrong-password' },
      );
      expect(bad.code).toBe(3);
      expect(bad.stderr).toMatch(/refused the credential of "ciuser" \(HTTP 401\)/);
      expect(fs.readFileSync(config(), 'utf8')).toBe(OWN_CONFIG);

      await p.login([...loginArgs('reg2', reg.url, '--username', 'ciuser', '--password-stdin')], {
        stdin: CANARY.password,
      });
      await push('reg2', reg.host, 'success', 'demo/app', 'v3');
      // The registry re-reads its htpasswd: change the password and the stored one is revoked.
      const htpasswd = path.join(reg.dir, 'htpasswd');
      const before = fs.readFileSync(htpasswd);
      execFileSync(which('htpasswd') ?? 'htpasswd', ['-Bbc', htpasswd, 'ciuser', 'rotated-password'], {
        stdio: 'ignore',
      });
      try {
        await push('reg2', reg.host, 'needs-login', 'demo/app', 'v4');
      } finally {
        fs.writeFileSync(htpasswd, before);
      }
      expect((await p.cli(['logout', '--target', 'reg2'])).code).toBe(0);
      expect(fs.readFileSync(config(), 'utf8')).toBe(OWN_CONFIG);
    });

    test('a registry that refuses writes (read-only, 405) is deploy-failed, not needs-login', async () => {
      await p.login([...loginArgs('ro', ro.url, '--username', 'ciuser', '--password-stdin')], {
        stdin: CANARY.password,
      });
      await push('ro', ro.host, 'deploy-failed');
      expect((await p.cli(['logout', '--target', 'ro'])).code).toBe(0);
    });

    test('token-auth registry: the realm gives an identity token (no password on disk); skopeo pushes with it', async () => {
      const dockerConfig = path.join(home, 'ci-docker');
      const env = { DOCKER_CONFIG: dockerConfig };
      await p.login([...loginArgs('treg', treg.url, '--username', 'ciuser', '--password-stdin')], {
        stdin: CANARY.password,
        env,
      });
      const text = fs.readFileSync(path.join(dockerConfig, 'config.json'), 'utf8');
      const entry = JSON.parse(text).auths[treg.host];
      expect(entry.auth).toBe(b64('ciuser:'));
      expect(entry.identitytoken).toBe(p.stored('treg')!.token);
      expect(text).not.toContain(b64(`ciuser:${CANARY.password}`));
      // DOCKER_CONFIG is not the default place: `run` hands it to skopeo even when the shell lacks it.
      await push('treg', treg.host, 'success');

      const bad = await p.cli(
        ['login', ...loginArgs('treg-bad', treg.url, '--username', 'ciuser', '--password-stdin')],
        { stdin: 'nope', env },
      );
      expect(bad.code).toBe(3);
      expect((await p.cli(['logout', '--target', 'treg'])).code).toBe(0);
      expect(fs.existsSync(path.join(dockerConfig, 'config.json'))).toBe(false);
    });

    test('token-auth registry with method oidc: user `oidc` + the CI JWT (aud = the realm service) -> identity token; skopeo pushes', async () => {
      const env = {
        ACTIONS_ID_TOKEN_REQUEST_URL: ci.idTokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.requestToken,
      };
      await p.login([...loginArgs('treg-oidc', treg.url, '--method', 'oidc')], { env });
      const entry = JSON.parse(fs.readFileSync(config(), 'utf8')).auths[treg.host];
      expect(entry.auth).toBe(b64('oidc:'));
      expect(typeof entry.identitytoken).toBe('string');
      await push('treg-oidc', treg.host, 'success', 'demo/oidc-app');
      // Outside the repositories this identity may push to, the registry's answer is the same
      // "denied" an anonymous push gets: classified needs-login (see docs/protocol-docker-registry.md).
      await push('treg-oidc', treg.host, 'needs-login', 'other/app');
      expect((await p.cli(['logout', '--target', 'treg-oidc'])).code).toBe(0);
      expect(fs.readFileSync(config(), 'utf8')).toBe(OWN_CONFIG);
    });
  },
);
