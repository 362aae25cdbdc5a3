/**
 * protocol oauth2 against a real OAuth 2.0 server (panva oidc-provider), with the token proven by
 * real tools through the files deploy-login writes:
 *  - client_credentials with private_key_jwt (method client-credentials + --client-assertion-key)
 *    -> format netrc -> `curl --netrc` (WebDAV PUT) and `git push` over smart HTTP (nginx, Basic:
 *    the server accepts the token as the password of user `oauth2`, as GitLab does);
 *  - RFC 8693 token exchange of a CI JWT (method oidc) -> format kubeconfig -> `kubectl` against
 *    nginx's Kubernetes-shaped TLS endpoint, whose bearer validator gets the token list we set;
 *  - the device flow, non-interactively (--get-device-code / --check-device-code) -> kubeconfig.
 * Each starts from a file that has other entries; logout restores it byte for byte.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addCanary } from './helpers/canary';
import { makeTempDir, removeDir, runTool, toolEnv, which } from './peers/common';
import * as ciIssuer from './peers/ciIssuer';
import * as nginxPeer from './peers/nginx';
import * as oidcPeer from './peers/oidcProvider';
import { printOutcomes, product, writeFile, type Outcome, type Product } from './peers/product';

function gate(name: string, reason: string | null): jest.Describe {
  if (reason) {
    console.log(`SKIP ${name}: ${reason}`);
    return describe.skip;
  }
  return describe;
}

const missing = oidcPeer.available() ?? nginxPeer.available();

gate('oauth2 (oidc-provider + nginx + curl/git/kubectl)', missing)(
  'oauth2 -> netrc (curl, git) and kubeconfig (kubectl)',
  () => {
    let op: oidcPeer.OidcProviderHandle;
    let ng: nginxPeer.NginxHandle;
    let ci: ciIssuer.CiIssuerHandle;
    let home: string;
    let p: Product;
    let keyFile: string;
    let htpasswd: string;
    let htpasswdOriginal: string;
    const netrc = () => path.join(home, '.netrc');
    const kubeconfig = () => path.join(home, '.kube', 'config');
    const ciEnv = () => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: ci.idTokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.requestToken,
    });
    /** The server accepts `token` as the Basic password of user `oauth2` (nginx re-reads the file per request). */
    const acceptBasic = (token: string | null) =>
      fs.writeFileSync(htpasswd, htpasswdOriginal + (token ? `oauth2:{PLAIN}${token}\n` : ''));

    const OWN_NETRC = [
      '# my hosts',
      'machine git.example.com',
      '  login me',
      '  password my-own-pat',
      '',
      'default login anonymous password guest@example.com',
      '',
    ].join('\n');
    const OWN_KUBECONFIG = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- cluster:',
      '    server: https://dev.example.com:6443',
      '  name: dev',
      'contexts:',
      '- context:',
      '    cluster: dev',
      '    user: dev',
      '  name: dev',
      'current-context: dev',
      'preferences: {}',
      'users:',
      '- name: dev',
      '  user:',
      '    token: my-own-dev-token',
      '',
    ].join('\n');

    beforeAll(async () => {
      ci = await ciIssuer.start();
      [op, ng] = await Promise.all([
        oidcPeer.start({ subjectJwksUrl: ci.jwksUrl, subjectIssuer: ci.issuer }),
        nginxPeer.start({ tokens: [] }),
      ]);
      home = makeTempDir('oauth-dl');
      p = product(home);
      keyFile = writeFile(path.join(home, 'keys', 'ci-deployer.jwk.json'), JSON.stringify(op.ciClientKey));
      htpasswd = path.join(ng.dir, 'htpasswd');
      htpasswdOriginal = fs.readFileSync(htpasswd, 'utf8');
      writeFile(path.join(home, 'site', 'index.html'), '<h1>deployed by deploy-login</h1>\n', 0o644);
    }, 60_000);
    afterAll(async () => {
      printOutcomes('oauth2 -> netrc / kubeconfig outcomes (deploy-login run -- curl | git | kubectl):');
      await Promise.all([op?.stop(), ng?.stop()]);
      await ci?.stop();
      if (home) removeDir(home);
    });

    describe('client_credentials + private_key_jwt -> netrc', () => {
      const loginArgs = (target: string, key: string) => [
        '--target',
        target,
        '--url',
        op.url,
        '--method',
        'client-credentials',
        '--client-id',
        op.clients.ciDeployer,
        '--client-assertion-key',
        key,
        '--scope',
        'deploy',
        '--format',
        'netrc',
      ];
      const curl = (target: string, url: string, expected: Outcome) =>
        p.run(
          'curl',
          target,
          [which('curl') ?? 'curl', '-sS', '-f', '--netrc', '-T', path.join(home, 'site', 'index.html'), url],
          expected,
        );

      test('a tampered key is refused (invalid_client: exit 3) and writes nothing', async () => {
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          format: 'pem',
          type: 'pkcs8',
        });
        const otherFile = writeFile(path.join(home, 'keys', 'other.pem'), String(other));
        const r = await p.cli(['login', ...loginArgs('dav-bad', otherFile)]);
        expect(r.code).toBe(3);
        expect(r.stderr).toMatch(/invalid_client/);
        expect(fs.existsSync(netrc())).toBe(false);
        const noKey = await p.cli(['login', ...loginArgs('dav-bad', path.join(home, 'keys', 'absent.pem'))]);
        expect(noKey.code).toBe(2);
        expect(noKey.stderr).toMatch(/--client-assertion-key .*absent\.pem cannot be read \(ENOENT\)/);
      });

      test('curl --netrc uploads with the token; 403 is deploy-failed; a revoked token is needs-login; logout restores ~/.netrc', async () => {
        writeFile(netrc(), OWN_NETRC);
        await p.login(loginArgs('dav', keyFile));
        const token = p.stored('dav')!.token;
        expect(fs.readFileSync(netrc(), 'utf8')).toBe(
          OWN_NETRC.replace(
            'default login',
            `machine 127.0.0.1 login oauth2 password ${token}\ndefault login`,
          ),
        );
        acceptBasic(token);
        await curl('dav', `${ng.davUrl}site/index.html`, 'success');
        expect(fs.readFileSync(path.join(ng.davRoot, 'site', 'index.html'), 'utf8')).toBe(
          '<h1>deployed by deploy-login</h1>\n',
        );
        await curl('dav', `${ng.davForbiddenUrl}index.html`, 'deploy-failed');
        acceptBasic(null); // the server no longer accepts it
        await curl('dav', `${ng.davUrl}site/again.html`, 'needs-login');
        expect((await p.cli(['logout', '--target', 'dav'])).code).toBe(0);
        expect(fs.readFileSync(netrc(), 'utf8')).toBe(OWN_NETRC);
        await curl('dav', `${ng.davUrl}site/again.html`, 'needs-login');
      });

      test('git push over HTTP reads the same ~/.netrc; a declined branch is deploy-failed; revoked is needs-login', async () => {
        writeFile(netrc(), OWN_NETRC);
        await p.login(loginArgs('git', keyFile));
        acceptBasic(p.stored('git')!.token);
        const work = path.join(home, 'work');
        fs.mkdirSync(work, { recursive: true });
        const gitEnv = {
          GIT_AUTHOR_NAME: 'CI',
          GIT_AUTHOR_EMAIL: 'ci@example.test',
          GIT_COMMITTER_NAME: 'CI',
          GIT_COMMITTER_EMAIL: 'ci@example.test',
        };
        const git = which('git') ?? 'git';
        for (const args of [
          ['init', '-q', '-b', 'main'],
          ['add', '.'],
          ['commit', '-q', '-m', 'v1'],
        ]) {
          if (args[0] === 'add') fs.writeFileSync(path.join(work, 'app.txt'), 'v1\n');
          const r = await runTool(git, args, { cwd: work, env: toolEnv(home, gitEnv) });
          expect(r.code).toBe(0);
        }
        const push = (ref: string, expected: Outcome) =>
          p.run('git', 'git', [git, 'push', ng.gitUrl, ref], expected, { cwd: work, env: gitEnv });
        await push('main', 'success');
        await push(`main:${ng.gitProtectedBranch}`, 'deploy-failed');
        acceptBasic(null);
        await push('main:other', 'needs-login');
        expect((await p.cli(['logout', '--target', 'git'])).code).toBe(0);
        expect(fs.readFileSync(netrc(), 'utf8')).toBe(OWN_NETRC);
      });
    });

    describe('kubeconfig + kubectl (TLS, the bearer checked by the server)', () => {
      const flags = () => ['--format', 'kubeconfig', '--kube-server', ng.k8sUrl, '--kube-ca-file', ng.caFile];
      const kubectl = (target: string, args: string[], expected: Outcome, env?: Record<string, string>) =>
        p.run(
          'kubectl',
          target,
          [which('kubectl') ?? 'kubectl', '--request-timeout=10s', ...args],
          expected,
          { env },
        );

      test('token exchange of the CI JWT -> a context named after the target; current-context kept; logout restores byte for byte', async () => {
        writeFile(kubeconfig(), OWN_KUBECONFIG);
        await p.login(
          [
            '--target',
            'kube',
            '--url',
            op.url,
            '--method',
            'oidc',
            '--client-id',
            op.clients.exchangerPublic,
            ...flags(),
          ],
          {
            env: ciEnv(),
          },
        );
        const token = p.stored('kube')!.token;
        const text = fs.readFileSync(kubeconfig(), 'utf8');
        expect(text).toContain('current-context: dev');
        expect(text).toContain(`    token: ${token}`);
        expect(
          text.startsWith(
            'apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://dev.example.com:6443\n  name: dev\n',
          ),
        ).toBe(true);

        ng.setTokens([token]);
        const ok = await kubectl(
          'kube',
          ['--context', 'kube', 'get', '--raw', '/api/v1/namespaces/default'],
          'success',
        );
        expect(ok.stdout + ok.stderr).toContain('"kind":"Namespace"');
        await kubectl('kube', ['--context', 'kube', 'get', 'namespace', 'kube-system'], 'deploy-failed');
        ng.setTokens([]); // revoked
        await kubectl(
          'kube',
          ['--context', 'kube', 'get', '--raw', '/api/v1/namespaces/default'],
          'needs-login',
        );

        expect((await p.cli(['logout', '--target', 'kube'])).code).toBe(0);
        expect(fs.readFileSync(kubeconfig(), 'utf8')).toBe(OWN_KUBECONFIG);
        await kubectl('kube', ['--context', 'kube', 'get', '--raw', '/version'], 'needs-login');
        // kubectl with the restored file has no such context: it is the user's file again
        const direct = await runTool(
          which('kubectl') ?? 'kubectl',
          ['--context', 'kube', 'get', '--raw', '/version'],
          { env: toolEnv(home) },
        );
        expect(direct.code).not.toBe(0);
        expect(direct.stderr).toMatch(/context "kube" does not exist/);
      });

      test('device flow (--get-device-code, approve, --check-device-code) into a fresh $KUBECONFIG: current-context set, kubectl works', async () => {
        const kc = path.join(home, 'ci-kube', 'config');
        const env = { KUBECONFIG: kc };
        const args = [
          '--target',
          'devkube',
          '--url',
          op.url,
          '--method',
          'device',
          '--client-id',
          op.clients.device,
          '--scope',
          'openid offline_access deploy',
          ...flags(),
        ];
        const start = await p.cli(['login', ...args, '--get-device-code'], { env });
        expect(start.code).toBe(0);
        const code = JSON.parse(start.stdout) as {
          deviceCode: string;
          userCode: string;
          verificationUrl: string;
        };
        expect(code.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
        addCanary(code.deviceCode);
        const waiting = await p.cli(['login', ...args, '--check-device-code', code.deviceCode], { env });
        expect(waiting.code).toBe(0);
        expect(JSON.parse(waiting.stdout)).toMatchObject({ status: 'waiting' });
        await op.approveDevice(code.userCode);
        const done = await p.cli(['login', ...args, '--check-device-code', code.deviceCode], { env });
        expect(done.code).toBe(0);
        expect(JSON.parse(done.stdout)).toMatchObject({ status: 'authorized' });
        const token = p.stored('devkube')!.token;
        addCanary(token);
        expect(fs.readFileSync(kc, 'utf8')).toMatch(/^current-context: devkube$/m);

        ng.setTokens([token]);
        // no --context, no KUBECONFIG in this shell: run hands KUBECONFIG on, current-context does the rest
        await kubectl('devkube', ['get', 'namespace', 'default', '-o', 'name'], 'success', {});
        await kubectl('devkube', ['get', 'namespace', 'missing'], 'deploy-failed');
        ng.setTokens([]);
        await kubectl('devkube', ['get', 'namespace', 'default'], 'needs-login');
        expect((await p.cli(['logout', '--target', 'devkube'])).code).toBe(0);
        expect(fs.existsSync(kc)).toBe(false);
      });
    });
  },
);
