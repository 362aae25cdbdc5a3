/**
 * Smoke test of the real-peer harness: every peer is started once, and the REAL client tool, reading a
 * HAND-WRITTEN credential file in a temp HOME, proves the three outcomes the product must tell apart:
 * deploy succeeds / "needs login" / "deploy failed". The stderr regexes live in peers/toolMessages.ts.
 * Peers whose binaries are missing are skipped with `SKIP <peer>: install X` (CI installs them all:
 * scripts/install-peers.sh).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeDir, runTool, toolEnv, which, type RunResult } from './peers/common';
import * as ciIssuer from './peers/ciIssuer';
import * as nginxPeer from './peers/nginx';
import * as oidcPeer from './peers/oidcProvider';
import * as registryPeer from './peers/registry';
import * as verdaccioPeer from './peers/verdaccio';
import { TOOL_MESSAGES, classifyToolFailure } from './peers/toolMessages';

function gate(name: string, reason: string | null): jest.Describe {
  if (reason) {
    console.log(`SKIP ${name}: ${reason}`);
    return describe.skip;
  }
  return describe;
}

const write = (file: string, text: string, mode = 0o600) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  return file;
};

/** Assert a failed run and its classification; prints the output on mismatch. */
function expectFailure(
  tool: string,
  r: RunResult,
  code: number,
  kind: 'needs-login' | 'deploy-failed',
  re?: RegExp,
) {
  const ctx = `${tool} exit=${String(r.code)}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`;
  expect({ code: r.code, ctx }).toEqual({ code, ctx });
  if (re) expect(r.stderr).toMatch(re);
  expect({ kind: classifyToolFailure(tool, r.code ?? -1, r.stderr), ctx }).toEqual({ kind, ctx });
}

function expectSuccess(tool: string, r: RunResult) {
  const ctx = `${tool} exit=${String(r.code)}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`;
  expect({ code: r.code, ctx }).toEqual({ code: 0, ctx });
}

// ---------------------------------------------------------------------------------------------
gate('verdaccio', verdaccioPeer.available())('verdaccio + real npm', () => {
  let v: verdaccioPeer.VerdaccioHandle;
  let home: string;
  let aliceToken: string;
  let bobToken: string;
  const npm = () => which('npm') ?? 'npm';
  const publish = (pkgDir: string, userconfig: string) =>
    runTool(npm(), ['publish', '--registry', v.url], {
      cwd: pkgDir,
      env: toolEnv(home, { NPM_CONFIG_USERCONFIG: userconfig }),
      timeoutMs: 30000,
    });

  beforeAll(async () => {
    v = await verdaccioPeer.start();
    home = makeTempDir('npm-client');
    aliceToken = await v.createUser('alice', 's3cret-pw');
    bobToken = await v.createUser('bob', 'bob-pw-789');
  });
  afterAll(async () => {
    await v?.stop();
    if (home) removeDir(home);
  });

  test('user API: sign-up 201, login with Basic 201, existing user without Basic 409, wrong password 401', async () => {
    expect(aliceToken).toMatch(/^eyJ/);
    expect(await v.login('alice', 's3cret-pw')).toMatch(/^eyJ/);
    expect((await v.putUser('alice', 's3cret-pw', false)).status).toBe(409);
    expect((await v.putUser('alice', 'wrong', true)).status).toBe(401);
  });

  test('good token publishes; republish is "deploy failed"; no/garbage token is "needs login"', async () => {
    const pkg = v.makePackage('peer-tiny-pkg', '1.0.0');
    const authed = write(path.join(home, 'authed.npmrc'), `${v.npmrcLine(aliceToken)}\n`);
    const ok = await publish(pkg, authed);
    expectSuccess('npm', ok);
    expect(ok.stdout + ok.stderr).toContain('+ peer-tiny-pkg@1.0.0');

    const again = await publish(pkg, authed);
    expectFailure(
      'npm',
      again,
      1,
      'deploy-failed',
      /You cannot publish over the previously published versions/,
    );

    const pkg2 = v.makePackage('peer-tiny-pkg', '1.0.1');
    const empty = write(path.join(home, 'empty.npmrc'), '');
    expectFailure('npm', await publish(pkg2, empty), 1, 'needs-login', /npm error code ENEEDAUTH/);

    const garbage = write(path.join(home, 'garbage.npmrc'), `${v.npmrcLine('garbage-token')}\n`);
    expectFailure('npm', await publish(pkg2, garbage), 1, 'needs-login', /npm error code E401/);
  });

  test('authenticated but not allowed (bob -> restricted-*) is "deploy failed" (E403)', async () => {
    const pkg = v.makePackage('restricted-app', '1.0.0');
    const bob = write(path.join(home, 'bob.npmrc'), `${v.npmrcLine(bobToken)}\n`);
    expectFailure('npm', await publish(pkg, bob), 1, 'deploy-failed', /npm error code E403/);
  });
});

// ---------------------------------------------------------------------------------------------
gate('registry', registryPeer.available())('docker-registry + real skopeo', () => {
  let reg: registryPeer.RegistryHandle;
  let ro: registryPeer.RegistryHandle;
  let home: string;
  let image: string;
  const skopeo = () => which('skopeo') ?? 'skopeo';
  /** push with DOCKER_CONFIG=dockerConfigDir (the product exports DOCKER_CONFIG), or HOME/.docker when undefined */
  const push = (host: string, dockerConfigDir: string | undefined, tag = 'v1') =>
    runTool(
      skopeo(),
      ['copy', '--dest-tls-verify=false', `oci:${image}:latest`, `docker://${host}/demo/app:${tag}`],
      { env: toolEnv(home, { DOCKER_CONFIG: dockerConfigDir }), timeoutMs: 30000 },
    );
  const dockerConfig = (name: string, auths: Record<string, unknown>) => {
    const d = path.join(home, name);
    write(path.join(d, 'config.json'), JSON.stringify({ auths }));
    return d;
  };

  beforeAll(async () => {
    reg = await registryPeer.start();
    ro = await registryPeer.start({ readOnly: true });
    home = makeTempDir('skopeo-client');
    image = reg.makeOciLayout(path.join(home, 'img'));
  });
  afterAll(async () => {
    await reg?.stop();
    await ro?.stop();
    if (home) removeDir(home);
  });

  test('good config.json pushes (DOCKER_CONFIG, and $HOME/.docker)', async () => {
    const good = dockerConfig('good', { [reg.host]: { auth: reg.basicAuth } });
    expectSuccess('skopeo', await push(reg.host, good, 'v1'));
    write(
      path.join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { [reg.host]: { auth: reg.basicAuth } } }),
    );
    expectSuccess('skopeo', await push(reg.host, undefined, 'v2'));
    fs.rmSync(path.join(home, '.docker'), { recursive: true });
  });

  test('no credential / wrong password is "needs login"', async () => {
    const none = dockerConfig('none', {});
    expectFailure(
      'skopeo',
      await push(reg.host, none),
      1,
      'needs-login',
      /unauthorized: authentication required/,
    );
    const wrong = dockerConfig('wrong', {
      [reg.host]: { auth: Buffer.from(`${reg.username}:nope`).toString('base64') },
    });
    expectFailure(
      'skopeo',
      await push(reg.host, wrong),
      1,
      'needs-login',
      /unauthorized: authentication required/,
    );
  });

  test('a registry refusing writes (read-only, 405) is "deploy failed"', async () => {
    const good = dockerConfig('good-ro', { [ro.host]: { auth: ro.basicAuth } });
    expectFailure(
      'skopeo',
      await push(ro.host, good),
      1,
      'deploy-failed',
      /StatusCode: 405, Method not allowed/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
gate('registry-token', registryPeer.available())(
  'docker-registry with token auth (Bearer realm) + real skopeo',
  () => {
    let reg: registryPeer.RegistryHandle;
    let ci: ciIssuer.CiIssuerHandle;
    let home: string;
    let image: string;
    const push = (auth: string | null, repo = 'demo/app') => {
      const d = path.join(home, `cfg-${Math.random().toString(36).slice(2)}`);
      write(path.join(d, 'config.json'), JSON.stringify({ auths: auth ? { [reg.host]: { auth } } : {} }));
      return runTool(
        which('skopeo') ?? 'skopeo',
        ['copy', '--dest-tls-verify=false', `oci:${image}:latest`, `docker://${reg.host}/${repo}:v1`],
        { env: toolEnv(home, { DOCKER_CONFIG: d }), timeoutMs: 30000 },
      );
    };
    const b64 = (s: string) => Buffer.from(s).toString('base64');

    beforeAll(async () => {
      ci = await ciIssuer.start();
      reg = await registryPeer.start({ auth: 'token', oidcJwksUrl: ci.jwksUrl });
      home = makeTempDir('skopeo-token');
      image = reg.makeOciLayout(path.join(home, 'img'));
    });
    afterAll(async () => {
      await reg?.stop();
      await ci?.stop();
      if (home) removeDir(home);
    });

    test('user:password and oidc:<CI JWT> push; wrong password / none are "needs login"', async () => {
      expectSuccess('skopeo', await push(reg.basicAuth));
      expectSuccess('skopeo', await push(b64(`oidc:${ci.mint(reg.service ?? '')}`), 'demo/oidc-app'));
      expectFailure(
        'skopeo',
        await push(b64(`${reg.username}:wrong`)),
        1,
        'needs-login',
        /invalid username\/password/,
      );
      expectFailure(
        'skopeo',
        await push(null),
        1,
        'needs-login',
        /denied: requested access to the resource is denied/,
      );
    });

    test('logged in but pushing outside the allowed prefix: the SAME "denied" text (ambiguous)', async () => {
      const r = await push(reg.basicAuth, 'other/app');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/denied: requested access to the resource is denied/);
    });
  },
);

// ---------------------------------------------------------------------------------------------
gate('nginx', nginxPeer.available())('nginx: WebDAV (curl), git push, kubectl', () => {
  let ng: nginxPeer.NginxHandle;
  let home: string;
  const curl = () => which('curl') ?? 'curl';
  const git = () => which('git') ?? 'git';
  const kubectl = () => which('kubectl') ?? 'kubectl';
  const netrc = (name: string, password: string) =>
    write(path.join(home, name), `machine 127.0.0.1 login ${ng.username} password ${password}\n`);
  const put = (netrcFile: string, url: string) =>
    runTool(curl(), ['-sS', '-f', '--netrc-file', netrcFile, '-T', path.join(home, 'index.html'), url], {
      env: toolEnv(home),
    });

  beforeAll(async () => {
    ng = await nginxPeer.start();
    home = makeTempDir('nginx-client');
    write(path.join(home, 'index.html'), '<h1>deployed</h1>\n', 0o644);
  });
  afterAll(async () => {
    await ng?.stop();
    if (home) removeDir(home);
  });

  test('curl --netrc-file: PUT 201 with good creds; 401 "needs login"; forbidden path 403 "deploy failed"', async () => {
    const good = netrc('good.netrc', ng.password);
    expectSuccess('curl', await put(good, `${ng.davUrl}site/index.html`));
    expect(fs.readFileSync(path.join(ng.davRoot, 'site', 'index.html'), 'utf8')).toBe('<h1>deployed</h1>\n');

    const empty = write(path.join(home, 'empty.netrc'), '');
    expectFailure(
      'curl',
      await put(empty, `${ng.davUrl}site/x.html`),
      22,
      'needs-login',
      /returned error: 401/,
    );
    const wrong = netrc('wrong.netrc', 'not-the-password');
    expectFailure(
      'curl',
      await put(wrong, `${ng.davUrl}site/x.html`),
      22,
      'needs-login',
      /returned error: 401/,
    );
    expectFailure(
      'curl',
      await put(good, `${ng.davForbiddenUrl}x.html`),
      22,
      'deploy-failed',
      /returned error: 403/,
    );
  });

  test('git push over smart HTTP with ~/.netrc; no/wrong creds exit 128; non-fast-forward / hook-declined exit 1', async () => {
    const gitHome = path.join(home, 'githome');
    const work = path.join(gitHome, 'work');
    fs.mkdirSync(work, { recursive: true });
    const env = (h: string) =>
      toolEnv(h, {
        GIT_AUTHOR_NAME: 'CI',
        GIT_AUTHOR_EMAIL: 'ci@example.test',
        GIT_COMMITTER_NAME: 'CI',
        GIT_COMMITTER_EMAIL: 'ci@example.test',
      });
    const g = (args: string[], h = gitHome) => runTool(git(), args, { cwd: work, env: env(h) });
    expectSuccess('git', await g(['init', '-q', '-b', 'main']));
    fs.writeFileSync(path.join(work, 'app.txt'), 'v1\n');
    expectSuccess('git', await g(['add', 'app.txt']));
    expectSuccess('git', await g(['commit', '-q', '-m', 'v1']));

    // no ~/.netrc at all
    expectFailure(
      'git',
      await g(['push', ng.gitUrl, 'main']),
      128,
      'needs-login',
      /could not read Username for '[^']*': terminal prompts disabled/,
    );
    // wrong password in ~/.netrc
    write(path.join(gitHome, '.netrc'), `machine 127.0.0.1 login ${ng.username} password wrong-password\n`);
    expectFailure(
      'git',
      await g(['push', ng.gitUrl, 'main']),
      128,
      'needs-login',
      /terminal prompts disabled/,
    );
    // good
    write(path.join(gitHome, '.netrc'), `machine 127.0.0.1 login ${ng.username} password ${ng.password}\n`);
    expectSuccess('git', await g(['push', ng.gitUrl, 'main']));
    // the server got it
    const head = await runTool(git(), ['--git-dir', ng.bareRepo, 'log', '--format=%s', 'main'], {
      env: env(gitHome),
    });
    expect(head.stdout.trim()).toBe('v1');

    // non-fast-forward: rewrite the pushed commit and push again
    fs.writeFileSync(path.join(work, 'app.txt'), 'v1-rewritten\n');
    expectSuccess('git', await g(['commit', '-q', '-a', '--amend', '-m', 'v1 rewritten']));
    expectFailure(
      'git',
      await g(['push', ng.gitUrl, 'main']),
      1,
      'deploy-failed',
      /! \[rejected\][^\n]*\(non-fast-forward\)/,
    );
    // the server's pre-receive hook declines a protected branch
    expectFailure(
      'git',
      await g(['push', ng.gitUrl, `main:${ng.gitProtectedBranch}`]),
      1,
      'deploy-failed',
      /! \[remote rejected\][^\n]*pre-receive hook declined/,
    );
  });

  describe('kubectl with a hand-written kubeconfig (TLS, certificate-authority-data, bearer token)', () => {
    const kubeconfig = (name: string, user: Record<string, string>) =>
      write(
        path.join(home, 'kube', name),
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- name: peer',
          '  cluster:',
          `    server: ${ng.k8sUrl}`,
          `    certificate-authority-data: ${ng.caData}`,
          'contexts:',
          '- name: peer',
          '  context: { cluster: peer, user: ci }',
          'current-context: peer',
          'users:',
          '- name: ci',
          Object.keys(user).length ? '  user:' : '  user: {}',
          ...Object.entries(user).map(([k, v]) => `    ${k}: ${v}`),
          '',
        ].join('\n'),
      );
    const kc = (file: string, args: string[]) =>
      runTool(kubectl(), ['--request-timeout=10s', ...args], {
        env: toolEnv(path.join(home, 'kubehome'), { KUBECONFIG: file }),
      });

    test('good token: 200 for /version, the namespace, and `get namespace` through discovery', async () => {
      const good = kubeconfig('good', { token: ng.tokens[0] ?? '' });
      const raw = await kc(good, ['get', '--raw', '/api/v1/namespaces/default']);
      expectSuccess('kubectl', raw);
      expect(JSON.parse(raw.stdout)).toMatchObject({ kind: 'Namespace', metadata: { name: 'default' } });
      const ver = await kc(good, ['version', '-o', 'json']);
      expectSuccess('kubectl', ver);
      expect(JSON.parse(ver.stdout).serverVersion.gitVersion).toBe('v1.32.0-peer');
      const ns = await kc(good, ['get', 'namespace', 'default', '-o', 'name']);
      expectSuccess('kubectl', ns);
      expect(ns.stdout.trim()).toBe('namespace/default');
    });

    test('wrong token / no credentials / revoked token are "needs login"', async () => {
      const wrong = kubeconfig('wrong', { token: 'not-a-valid-token' });
      expectFailure(
        'kubectl',
        await kc(wrong, ['get', '--raw', '/api/v1/namespaces/default']),
        1,
        'needs-login',
        /error: You must be logged in to the server/,
      );
      const none = kubeconfig('none', {});
      const noCreds = await kc(none, ['get', '--raw', '/api/v1/namespaces/default']);
      expectFailure('kubectl', noCreds, 1, 'needs-login', /^error: EOF$/m);
      expect(noCreds.stdout).toMatch(/Please enter Username:/);

      const good = kubeconfig('revoked', { token: ng.tokens[0] ?? '' });
      const saved = [...ng.tokens];
      ng.setTokens([]);
      try {
        expectFailure(
          'kubectl',
          await kc(good, ['get', '--raw', '/version']),
          1,
          'needs-login',
          /error: You must be logged in to the server/,
        );
      } finally {
        ng.setTokens(saved);
      }
      expectSuccess('kubectl', await kc(good, ['get', '--raw', '/version']));
    });

    test('403 Forbidden / 404 NotFound are "deploy failed"', async () => {
      const good = kubeconfig('good2', { token: ng.tokens[0] ?? '' });
      expectFailure(
        'kubectl',
        await kc(good, ['get', 'namespace', 'kube-system']),
        1,
        'deploy-failed',
        /Error from server \(Forbidden\)/,
      );
      expectFailure(
        'kubectl',
        await kc(good, ['get', 'namespace', 'missing']),
        1,
        'deploy-failed',
        /Error from server \(NotFound\)/,
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
gate('oidc-provider', oidcPeer.available())(
  'oidc-provider: device flow, private_key_jwt, token exchange',
  () => {
    let op: oidcPeer.OidcProviderHandle;
    let ci: ciIssuer.CiIssuerHandle;

    beforeAll(async () => {
      ci = await ciIssuer.start();
      op = await oidcPeer.start({ subjectJwksUrl: ci.jwksUrl, subjectIssuer: ci.issuer });
    });
    afterAll(async () => {
      await op?.stop();
      await ci?.stop();
    });

    const claims = (jwt: string) =>
      JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

    test('discovery lists the grants', async () => {
      const d = (await (await fetch(op.discoveryUrl)).json()) as Record<string, unknown>;
      expect(d.issuer).toBe(op.issuer);
      expect(d.token_endpoint).toBe(op.tokenEndpoint);
      expect(d.device_authorization_endpoint).toBe(op.deviceAuthorizationEndpoint);
      expect(d.grant_types_supported).toEqual(
        expect.arrayContaining([
          oidcPeer.GRANT_TYPES.deviceCode,
          'client_credentials',
          oidcPeer.GRANT_TYPES.tokenExchange,
        ]),
      );
    });

    test('device flow: pending until the scripted user approves, then a JWT for the resource; code reuse is invalid_grant', async () => {
      const da = await op.startDevice();
      expect(da.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
      const pending = await op.pollDevice(da.device_code);
      expect(pending).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
      await op.approveDevice(da.user_code);
      const done = await op.pollDevice(da.device_code);
      expect(done.status).toBe(200);
      expect(claims(String(done.body.access_token))).toMatchObject({ aud: op.resource, iss: op.issuer });
      expect(done.body.refresh_token).toEqual(expect.any(String));
      const reuse = await op.pollDevice(da.device_code);
      expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    test('client_credentials + private_key_jwt: 200; tampered assertion 401 invalid_client', async () => {
      const base = { grant_type: 'client_credentials', scope: 'deploy', client_id: op.clients.ciDeployer };
      const at = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
      const ok = await op.token({
        ...base,
        client_assertion_type: at,
        client_assertion: op.signClientAssertion(),
      });
      expect(ok.status).toBe(200);
      expect(claims(String(ok.body.access_token))).toMatchObject({
        sub: 'ci-deployer',
        aud: op.resource,
        scope: 'deploy',
      });
      const bad = await op.token({
        ...base,
        client_assertion_type: at,
        client_assertion: op.signClientAssertion({ tamper: true }),
      });
      expect(bad).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    });

    test('RFC 8693 token exchange of a CI OIDC JWT: 200; forged 400 invalid_grant; wrong client secret 401', async () => {
      const te = (subject: string, client: Record<string, string>) =>
        op.token({
          grant_type: oidcPeer.GRANT_TYPES.tokenExchange,
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          subject_token: subject,
          ...client,
        });
      const good = ci.mint(op.resource);
      const ok = await te(good, { client_id: op.clients.exchangerPublic });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
      });
      expect(claims(String(ok.body.access_token))).toMatchObject({ aud: op.resource });
      const ok2 = await te(good, { client_id: op.clients.exchanger, client_secret: op.exchangerSecret });
      expect(ok2.status).toBe(200);

      expect(await te(ci.mintForged(op.resource), { client_id: op.clients.exchangerPublic })).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      expect(
        await te(ci.mint('https://someone-else.example'), { client_id: op.clients.exchangerPublic }),
      ).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      expect(await te(good, { client_id: op.clients.exchanger, client_secret: 'wrong' })).toMatchObject({
        status: 401,
        body: { error: 'invalid_client' },
      });
    });

    // kubectl -> nginx auth_request -> oidc-provider /me (the device-flow token of kube-cli)
    gate('nginx+oidc', nginxPeer.available())('nginx validating bearers with oidc-provider /me', () => {
      let ng: nginxPeer.NginxHandle;
      let home: string;
      beforeAll(async () => {
        ng = await nginxPeer.start({ authUpstream: `${op.url}/me` });
        home = makeTempDir('kube-oidc');
      });
      afterAll(async () => {
        await ng?.stop();
        if (home) removeDir(home);
      });

      test('a kube-cli device-flow token works with kubectl; a wrong one is "needs login"', async () => {
        const da = await op.startDevice(op.clients.kube, 'openid');
        await op.approveDevice(da.user_code);
        const r = await op.pollDevice(da.device_code, op.clients.kube);
        expect(r.status).toBe(200);
        const cfg = (token: string) =>
          write(
            path.join(home, `kubeconfig-${token.length}`),
            `apiVersion: v1
kind: Config
clusters:
- name: peer
  cluster:
    server: ${ng.k8sUrl}
    certificate-authority-data: ${ng.caData}
contexts:
- name: peer
  context: { cluster: peer, user: ci }
current-context: peer
users:
- name: ci
  user:
    token: ${token}
`,
          );
        const kubectl = which('kubectl') ?? 'kubectl';
        const run = (file: string) =>
          runTool(kubectl, ['--request-timeout=10s', 'get', '--raw', '/api/v1/namespaces/default'], {
            env: toolEnv(home, { KUBECONFIG: file }),
          });
        expectSuccess('kubectl', await run(cfg(String(r.body.access_token))));
        expectFailure(
          'kubectl',
          await run(cfg('x')),
          1,
          'needs-login',
          /You must be logged in to the server/,
        );
      });
    });
  },
);

test('toolMessages covers every tool the smoke test drives', () => {
  for (const t of ['npm', 'skopeo', 'kubectl', 'git', 'curl'])
    expect(TOOL_MESSAGES[t]?.needsLogin.length).toBeGreaterThan(0);
});
