/**
 * protocol npm-registry + format npmrc, proven with the real `npm publish` against a real registry
 * (verdaccio): a password login (npm's legacy PUT /-/user), npm trusted publishing (the OIDC
 * exchange, answered by the verdaccio plugin in dev/verdaccio-plugins with a CI JWT from the
 * in-process CI issuer), and a token login. Each writes `//host/:_authToken=` into a ~/.npmrc that
 * already holds other settings; logout puts the file back byte for byte.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CANARY } from './helpers/canary';
import { makeTempDir, removeDir, runTool, toolEnv, which } from './peers/common';
import * as ciIssuer from './peers/ciIssuer';
import { printOutcomes, product, writeFile, type Product } from './peers/product';
import { classifyToolFailure } from './peers/toolMessages';
import * as verdaccioPeer from './peers/verdaccio';

function gate(name: string, reason: string | null): jest.Describe {
  if (reason) {
    console.log(`SKIP ${name}: ${reason}`);
    return describe.skip;
  }
  return describe;
}

gate('npm-registry (verdaccio + npm)', verdaccioPeer.available())(
  'npm-registry + npmrc: real npm publish',
  () => {
    let v: verdaccioPeer.VerdaccioHandle;
    let ci: ciIssuer.CiIssuerHandle;
    let home: string;
    let p: Product;
    const npm = () => which('npm') ?? 'npm';
    const USER = 'alice';
    // Someone's own npm settings, which every login must leave exactly as they were.
    const OWN_NPMRC = [
      '# my npm settings',
      'fund=false',
      '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
      '@acme:registry=https://npm.pkg.github.com/',
      '',
    ].join('\n');
    const npmrc = () => path.join(home, '.npmrc');
    const publish = (pkg: string, target: string, expected: Parameters<Product['run']>[3]) =>
      p.run('npm', target, [npm(), 'publish', '--registry', v.url], expected, { cwd: pkg });

    beforeAll(async () => {
      ci = await ciIssuer.start();
      v = await verdaccioPeer.start({
        trustedPublishing: {
          jwksUrl: ci.jwksUrl,
          issuer: ci.issuer,
          publishers: { 'tp-app': 'octo-org/octo-repo' },
        },
      });
      await v.createUser(USER, CANARY.password);
      home = makeTempDir('npm-dl');
      p = product(home);
    }, 60_000);
    afterAll(async () => {
      printOutcomes('npm-registry / npmrc outcomes (deploy-login run -- npm publish):');
      await v?.stop();
      await ci?.stop();
      if (home) removeDir(home);
    });

    test('password login merges into ~/.npmrc; npm publish succeeds; republish is deploy-failed; logout restores the file byte for byte', async () => {
      writeFile(npmrc(), OWN_NPMRC, 0o644);
      const url = v.url.replace(/\/$/, '');
      const r = await p.login(
        [
          '--target',
          'npm',
          '--url',
          url,
          '--protocol',
          'npm-registry',
          '--username',
          USER,
          '--password-stdin',
        ],
        {
          stdin: CANARY.password,
        },
      );
      expect(r.stderr).toContain(`wrote npmrc: ${npmrc()}`);
      const token = p.stored('npm')!.token;
      expect(fs.readFileSync(npmrc(), 'utf8')).toBe(`${OWN_NPMRC}//${v.host}/:_authToken=${token}\n`);
      expect(fs.statSync(npmrc()).mode & 0o777).toBe(0o600);

      const pkg = v.makePackage('dl-npm-app', '1.0.0');
      const ok = await publish(pkg, 'npm', 'success');
      expect(ok.stdout + ok.stderr).toContain('+ dl-npm-app@1.0.0');
      await publish(pkg, 'npm', 'deploy-failed'); // the version exists: not an authentication problem

      const out = await p.cli(['logout', '--target', 'npm']);
      expect(out.code).toBe(0);
      expect(fs.readFileSync(npmrc(), 'utf8')).toBe(OWN_NPMRC);
      // No credential any more: deploy-login says so before running npm, and npm itself agrees.
      const pkg2 = v.makePackage('dl-npm-app', '1.0.1');
      await publish(pkg2, 'npm', 'needs-login');
      const direct = await runTool(npm(), ['publish', '--registry', v.url], {
        cwd: pkg2,
        env: toolEnv(home),
      });
      expect(classifyToolFailure('npm', direct.code ?? -1, direct.stderr)).toBe('needs-login');
    });

    test('a wrong password is refused at login (exit 3); a wrong token is needs-login at publish', async () => {
      const url = v.url.replace(/\/$/, '');
      const bad = await p.cli(
        [
          'login',
          '--target',
          'npm-bad',
          '--url',
          url,
          '--protocol',
          'npm-registry',
          '--username',
          USER,
          '--password-stdin',
        ],
        {
          stdin: 'not-the-password',
        },
      );
      expect(bad.code).toBe(3);
      expect(bad.stderr).toMatch(/rejected the credentials with HTTP 401/);

      // A mistyped username: verdaccio's open sign-up creates the account; deploy-login says so and
      // stores nothing, rather than logging in (and publishing) as a brand-new user.
      const typo = await p.cli(
        [
          'login',
          '--target',
          'npm-typo',
          '--url',
          url,
          '--protocol',
          'npm-registry',
          '--username',
          'alise',
          '--password-stdin',
        ],
        { stdin: CANARY.password },
      );
      expect(typo.code).toBe(3);
      expect(typo.stderr).toMatch(
        /had no user "alise" and created one instead of logging in: check the username/,
      );
      expect((await p.cli(['status', '--target', 'npm-typo'])).code).toBe(3);

      await p.login(
        [
          '--target',
          'npm-tok',
          '--url',
          url,
          '--protocol',
          'npm-registry',
          '--method',
          'token',
          '--token-stdin',
        ],
        {
          stdin: 'npm_not-a-valid-token-0000',
        },
      );
      await publish(v.makePackage('dl-npm-tok', '1.0.0'), 'npm-tok', 'needs-login');
      expect((await p.cli(['logout', '--target', 'npm-tok'])).code).toBe(0);
      expect(fs.readFileSync(npmrc(), 'utf8')).toBe(OWN_NPMRC);
    });

    test('npm trusted publishing: the CI JWT (aud npm:<host>) becomes a publish token for --package; npm publish succeeds', async () => {
      const url = v.url.replace(/\/$/, '');
      const ciEnv = {
        ACTIONS_ID_TOKEN_REQUEST_URL: ci.idTokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: ci.requestToken,
      };
      const userconfig = path.join(home, 'ci', 'npmrc');
      const env = { ...ciEnv, NPM_CONFIG_USERCONFIG: userconfig };
      await p.login(
        [
          '--target',
          'tp',
          '--url',
          url,
          '--protocol',
          'npm-registry',
          '--method',
          'oidc',
          '--package',
          'tp-app',
          '--json',
        ],
        { env },
      );
      expect(fs.readFileSync(userconfig, 'utf8')).toMatch(
        new RegExp(`^//${v.host.replace(/\./g, '\\.')}/:_authToken=eyJ`),
      );
      // `env` hands the file's variable on to later steps
      const exported = await p.cli(['env', '--target', 'tp'], {
        env: { NPM_CONFIG_USERCONFIG: undefined },
        allowCanaries: true,
      });
      expect(exported.stdout).toContain(`export NPM_CONFIG_USERCONFIG='${userconfig}'`);

      // deploy-login run passes NPM_CONFIG_USERCONFIG even when this shell lacks it
      const ok = await publish(v.makePackage('tp-app', '1.0.0'), 'tp', 'success');
      expect(ok.stdout + ok.stderr).toContain('+ tp-app@1.0.0');

      // A package without a trusted publisher: the registry's 404 is a configuration problem (exit 2).
      const none = await p.cli(
        [
          'login',
          '--target',
          'tp2',
          '--url',
          url,
          '--protocol',
          'npm-registry',
          '--method',
          'oidc',
          '--package',
          'other-app',
        ],
        { env },
      );
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(
        /has no trusted publisher for "other-app" \(OIDC token exchange error - package not found\)/,
      );
      // Without --package nothing is sent.
      const missing = await p.cli(
        ['login', '--target', 'tp3', '--url', url, '--protocol', 'npm-registry', '--method', 'oidc'],
        { env },
      );
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--package/);
      expect((await p.cli(['logout', '--target', 'tp'])).code).toBe(0);
      expect(fs.existsSync(userconfig)).toBe(false);
    });
  },
);
