/** Target validation: every bad input is invalid-input (exit 2) with one sentence naming the input. */
import { DeployLoginError } from '../../src/core/errors';
import {
  actionLabel,
  isLoopbackHost,
  parseBoolean,
  parseFormats,
  printable,
  resolveMethod,
  resolveTarget,
  validateTargetName,
  validateUrl,
  type Credentials,
  type TargetInput,
} from '../../src/core/target';

/** The thrown DeployLoginError, asserting it is invalid-input and one sentence long. */
function invalid(fn: () => unknown): string {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DeployLoginError);
  expect((err as DeployLoginError).outcome).toBe('invalid-input');
  expect((err as DeployLoginError).exitCode).toBe(2);
  const message = (err as Error).message;
  expect(message).not.toMatch(/\n/);
  expect(message).toMatch(/[.]$/);
  return message;
}

const resolve = (input: TargetInput, creds: Credentials = {}, allowHttp = false) =>
  resolveTarget(input, creds, { label: actionLabel, allowHttp });

describe('validateUrl', () => {
  it('normalises a good URL: no trailing slash, query or fragment', () => {
    expect(validateUrl('https://deploy.example.com/', '`url`')).toBe('https://deploy.example.com');
    expect(validateUrl(' https://deploy.example.com/base/?x=1#y ', '`url`')).toBe(
      'https://deploy.example.com/base',
    );
  });

  it('refuses text that is not a URL, naming the input', () => {
    expect(invalid(() => validateUrl('deploy.example.com', '`url`'))).toMatch(
      /^`url` "deploy\.example\.com" is not a URL: give an absolute URL such as https:\/\//,
    );
    expect(invalid(() => validateUrl('not a url', '--url'))).toMatch(/^--url "not a url" is not a URL/);
  });

  it('refuses schemes other than http(s)', () => {
    expect(invalid(() => validateUrl('ftp://example.com', '`url`'))).toMatch(
      /^`url` must start with https:\/\/ \(got ftp:\)/,
    );
    expect(invalid(() => validateUrl('file:///etc/passwd', '`url`'))).toMatch(/must start with https:\/\//);
  });

  it('refuses a URL that carries credentials, without echoing them', () => {
    for (const raw of [
      'https://user:hunter2@example.com',
      'https://user@example.com',
      'http://:pw@127.0.0.1',
    ]) {
      const m = invalid(() => validateUrl(raw, '`url`'));
      expect(m).toMatch(/^`url` must not carry credentials/);
      expect(m).not.toContain('hunter2');
    }
  });

  it('allows plain http only to loopback hosts unless explicitly allowed', () => {
    for (const ok of ['http://localhost:8080', 'http://127.0.0.1:1', 'http://127.1.2.3', 'http://[::1]:9000'])
      expect(validateUrl(ok, '`url`')).toBe(ok.replace(/\/$/, ''));
    for (const bad of [
      'http://example.com',
      'http://10.0.0.1',
      'http://128.0.0.1',
      'http://localhost.example.com',
      // A name under .localhost is looked up like any other: nothing makes it resolve to loopback.
      'http://app.localhost',
      'http://[::2]',
    ])
      expect(invalid(() => validateUrl(bad, '`url`'))).toMatch(
        /plain http:\/\/ to a non-loopback host.*DEPLOY_LOGIN_ALLOW_HTTP=true/,
      );
    expect(validateUrl('http://example.com', '`url`', { allowHttp: true })).toBe('http://example.com');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['api.localhost', false],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['128.0.0.1', false],
    ['127.0.0.1.nip.io', false],
    ['localhost.evil.com', false],
    ['::ffff:7f00:1', false],
  ])('%s -> %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('parseBoolean', () => {
  it('accepts only true and false, with a fallback for empty', () => {
    expect(parseBoolean('true', '`insecure`', false)).toBe(true);
    expect(parseBoolean('false', '`insecure`', true)).toBe(false);
    expect(parseBoolean('', '`cleanup`', true)).toBe(true);
    expect(parseBoolean(undefined, '`cleanup`', false)).toBe(false);
    expect(parseBoolean(true, '`cleanup`', false)).toBe(true);
  });

  it.each(['True', 'TRUE', 'yes', 'no', '1', '0', 'on', ' true'])('refuses %j naming the input', (v) => {
    expect(invalid(() => parseBoolean(v, '`insecure`', false))).toBe(
      `\`insecure\` must be "true" or "false", not "${v}".`,
    );
  });
});

describe('validateTargetName', () => {
  it.each(['default', 'prod', 'eu-west-1', 'app.v2', 'A_b-C.d', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(validateTargetName(name, '`target`')).toBe(name);
  });

  it.each([
    '',
    '..',
    '../etc',
    'a/b',
    'a\\b',
    '.hidden',
    '-flag',
    'a..b',
    'x'.repeat(65),
    'sp ace',
    'nul\u0000',
    'é',
  ])('refuses %j so it cannot escape its directory', (name) => {
    const m = invalid(() => validateTargetName(name, '`target`'));
    expect(m).toMatch(/^`target` ".*" is not a valid target name: use 1-64 letters, digits/);
    expect(m).not.toContain('\u0000');
  });
});

describe('resolveTarget', () => {
  it('resolves defaults: name "default", oauth2, audience = origin, no formats, secure', () => {
    expect(resolve({ url: 'https://deploy.example.com/x/' })).toEqual({
      name: 'default',
      url: 'https://deploy.example.com/x',
      method: 'oidc',
      protocol: 'oauth2',
      username: undefined,
      audience: 'https://deploy.example.com',
      tokenEndpoint: undefined,
      formats: [],
      insecure: false,
      clientId: undefined,
      scope: undefined,
      options: {},
    });
  });

  it('picks the method for auto: token, else password when a username is set, else oidc', () => {
    expect(resolveMethod('auto', { token: 't0ken' }, 'u', '`method`')).toBe('token');
    expect(resolveMethod('', { password: 'pw' }, 'u', '`method`')).toBe('password');
    expect(resolveMethod(undefined, {}, undefined, '`method`')).toBe('oidc');
    expect(resolveMethod('device', { token: 'x' }, 'u', '`method`')).toBe('device');
  });

  it('names each bad input in one sentence', () => {
    const url = 'https://deploy.example.com';
    expect(invalid(() => resolve({}))).toMatch(/^`url` is required/);
    expect(invalid(() => resolve({ url: 'nope' }))).toMatch(/^`url` "nope" is not a URL/);
    expect(invalid(() => resolve({ url, method: 'magic' }))).toMatch(
      /^`method` "magic" is not one of: auto, oidc, password, token, device[a-z, -]*\.$/,
    );
    expect(invalid(() => resolve({ url, protocol: 'soap' }))).toMatch(
      /^`protocol` "soap" is not one of: oauth2, /,
    );
    expect(invalid(() => resolve({ url, format: 'spin,yaml' }))).toMatch(
      /^`format` "yaml" is not one of: spin, env/,
    );
    expect(invalid(() => resolve({ url, insecure: 'yes' }))).toMatch(/^`insecure` must be "true" or "false"/);
    expect(invalid(() => resolve({ url, target: '../../etc' }))).toMatch(
      /^`target` "..\/..\/etc" is not a valid target name/,
    );
    expect(invalid(() => resolve({ url, method: 'password' }, { password: 'pw' }))).toMatch(
      /^`username` is required/,
    );
    expect(invalid(() => resolve({ url, username: 'u' }, {}))).toBe(
      '`password` is required with method "password": pass it from a secret.',
    );
    expect(invalid(() => resolve({ url, method: 'token' }))).toMatch(
      /^`token` is required with method "token"/,
    );
    expect(invalid(() => resolve({ url, tokenEndpoint: 'http://auth.example.com/token' }))).toMatch(
      /^`token-endpoint` uses plain http:\/\//,
    );
  });

  it('parses formats from commas, spaces or newlines, dropping duplicates', () => {
    expect(parseFormats('spin, env\nspin', '`format`')).toEqual(['spin', 'env']);
    expect(parseFormats(['env', ' spin '], '`format`')).toEqual(['env', 'spin']);
    expect(parseFormats(undefined, '`format`')).toEqual([]);
  });

  it('keeps control characters and huge values out of messages', () => {
    expect(printable('a\u001b[31mb\nc')).toBe('a?[31mb?c');
    expect(printable('x'.repeat(200))).toHaveLength(80);
    const m = invalid(() =>
      resolve({ url: 'https://e.com', method: 'x\u001b]0;pwned\u0007' + 'y'.repeat(300) }),
    );
    expect([...m].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(m.length).toBeLessThan(200);
  });
});
