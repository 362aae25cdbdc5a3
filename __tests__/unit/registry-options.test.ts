/**
 * The small pure parts behind the registry protocols and tool options: WWW-Authenticate
 * challenges, npm's escaped package names, option checking, and RFC 7523 client assertions
 * (signed with node:crypto, verified here with the public key).
 */
import { generateKeyPairSync, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeployLoginError } from '../../src/core/errors';
import { loadSigningKey, signClientAssertion } from '../../src/core/protocols/client-assertion';
import { parseChallenge } from '../../src/core/protocols/docker-registry';
import { escapedPackageName } from '../../src/core/protocols/npm-registry';
import { DEFAULT_FORMATS, resolveTarget, actionLabel } from '../../src/core/target';
import { readToolOptions } from '../../src/core/tool-options';

const cli = (name: string) => `--${name}`;

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DeployLoginError);
    expect((e as DeployLoginError).outcome).toBe('invalid-input');
    return (e as Error).message;
  }
  throw new Error('expected invalid-input');
}

describe('parseChallenge', () => {
  it('reads Bearer realm/service/scope, quoted or bare, and Basic', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:a/b:pull',
      },
    });
    expect(parseChallenge('Basic realm="peer-registry"')).toEqual({
      scheme: 'basic',
      params: { realm: 'peer-registry' },
    });
    expect(parseChallenge('Bearer realm=http://127.0.0.1:1/token, service=x')?.params).toEqual({
      realm: 'http://127.0.0.1:1/token',
      service: 'x',
    });
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});

describe('npm names and default formats', () => {
  it('escapes a scoped name like npm-package-arg', () => {
    expect(escapedPackageName('@acme/app')).toBe('@acme%2fapp');
    expect(escapedPackageName('app')).toBe('app');
  });

  it('npm-registry defaults to npmrc and docker-registry to docker; an explicit format wins', () => {
    expect(DEFAULT_FORMATS).toEqual({ 'npm-registry': ['npmrc'], 'docker-registry': ['docker'] });
    const spec = (protocol: string, format?: string) =>
      resolveTarget(
        { url: 'https://r.example.com', protocol, method: 'token', format },
        { token: 't' },
        { label: actionLabel },
      ).formats;
    expect(spec('npm-registry')).toEqual(['npmrc']);
    expect(spec('docker-registry')).toEqual(['docker']);
    expect(spec('docker-registry', 'env')).toEqual(['env']);
    expect(spec('oauth2')).toEqual([]);
  });
});

describe('readToolOptions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-opts-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('normalises what it stores', () => {
    const ca = path.join(dir, 'ca.crt');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n');
    const key = path.join(dir, 'k.pem');
    fs.writeFileSync(key, 'x');
    const values: Record<string, string> = {
      package: '@acme/app',
      'docker-server': 'https://GHCR.io/owner',
      'npm-registry': 'https://npm.pkg.github.com/acme/',
      'netrc-machine': 'Git.Example.com',
      'kube-server': 'https://10.0.0.1:6443',
      'kube-ca-file': ca,
      'kube-namespace': 'apps',
      'client-assertion-key': path.relative(process.cwd(), key),
    };
    expect(readToolOptions((n) => values[n], cli, {})).toEqual({
      package: '@acme/app',
      dockerServer: 'ghcr.io',
      npmRegistry: 'https://npm.pkg.github.com/acme',
      netrcMachine: 'git.example.com',
      kubeServer: 'https://10.0.0.1:6443',
      kubeCaData: fs.readFileSync(ca).toString('base64'),
      kubeNamespace: 'apps',
      clientAssertionKey: key,
    });
    expect(readToolOptions(() => undefined, cli, {})).toEqual({});
    expect(
      readToolOptions((n) => (n === 'kube-ca-data' ? fs.readFileSync(ca, 'utf8') : undefined), cli, {}),
    ).toEqual({
      // values are trimmed: the PEM's final newline goes, which kubectl does not mind
      kubeCaData: Buffer.from(fs.readFileSync(ca, 'utf8').trim()).toString('base64'),
    });
  });

  it('names the flag or input in one sentence', () => {
    const one = (name: string, value: string, label = cli) =>
      invalid(() => readToolOptions((n) => (n === name ? value : undefined), label, {}));
    expect(one('kube-server', 'http://10.0.0.1')).toMatch(/^--kube-server uses plain http:\/\//);
    expect(one('kube-ca-data', 'aGVsbG8=', (n) => `\`${n}\``)).toBe(
      '`kube-ca-data` is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block).',
    );
    expect(one('package', '@Scope/App')).toMatch(/^--package "@Scope\/App" is not an npm package name/);
    expect(one('client-assertion-key', path.join(dir, 'absent'))).toMatch(
      /^--client-assertion-key .*absent cannot be read \(ENOENT\)\.$/,
    );
    expect(one('docker-server', 'https://')).toMatch(/^--docker-server "https:\/\/" is not a registry host/);
  });
});

describe('client assertions (private_key_jwt)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-key-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const parts = (jwt: string) =>
    jwt.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString()) : p));

  it('signs ES256 with a JWK (kid kept) and RS256 with a PEM; the signature verifies; claims per RFC 7523', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwkFile = path.join(dir, 'ec.json');
    fs.writeFileSync(
      jwkFile,
      JSON.stringify({ ...ec.privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' }),
    );
    const k = loadSigningKey({ options: { clientAssertionKey: jwkFile } }, {})!;
    expect(k).toMatchObject({ alg: 'ES256', kid: 'k1' });
    const now = Date.parse('2026-01-01T00:00:00Z');
    const jwt = signClientAssertion('ci-deployer', 'https://as.example/token', k, now);
    const [header, claims] = parts(jwt);
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
    expect(claims).toMatchObject({
      iss: 'ci-deployer',
      sub: 'ci-deployer',
      aud: 'https://as.example/token',
      iat: now / 1000,
      exp: now / 1000 + 60,
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const [h, p, s] = jwt.split('.');
    expect(
      verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key: ec.publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(s!, 'base64url'),
      ),
    ).toBe(true);

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const rk = loadSigningKey({ options: {} }, { DEPLOY_LOGIN_CLIENT_ASSERTION_KEY: pem })!;
    expect(rk.alg).toBe('RS256');
    const rj = signClientAssertion('c', 'aud', rk, now).split('.');
    expect(
      verify('sha256', Buffer.from(`${rj[0]}.${rj[1]}`), rsa.publicKey, Buffer.from(rj[2]!, 'base64url')),
    ).toBe(true);
    expect(loadSigningKey({ options: {} }, {})).toBeUndefined();
  });

  it('refuses keys it cannot use, without quoting them', () => {
    const pub = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const m = invalid(() =>
      loadSigningKey({ options: {} }, { DEPLOY_LOGIN_CLIENT_ASSERTION_KEY: JSON.stringify(pub) }),
    );
    expect(m).toMatch(
      /^DEPLOY_LOGIN_CLIENT_ASSERTION_KEY is not a usable private key \(the JWK has no private part "d"\)/,
    );
    expect(
      invalid(() =>
        loadSigningKey({ options: {} }, { DEPLOY_LOGIN_CLIENT_ASSERTION_KEY: 'garbage-key-text' }),
      ),
    ).not.toContain('garbage');
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(invalid(() => loadSigningKey({ options: {} }, { DEPLOY_LOGIN_CLIENT_ASSERTION_KEY: ed }))).toMatch(
      /a ed25519 key/,
    );
  });
});
