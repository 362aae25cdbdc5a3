/**
 * Bad input, property-based (issue 6.3): fast-check generates Action inputs, CLI arguments and
 * environments, `targets` lists, stored files edited by hand or corrupted, and server responses.
 * Whatever comes in: never exit 1 (an "internal error"), always one sentence, naming the input
 * where the input is the problem, never a stack trace, never a secret.
 *
 * Most cases run in-process against the core functions and the CLI's main() (fast); a few hundred
 * go through real dist processes (the CLI and the Action's main step). The totals are printed.
 * Each run uses a new seed (printed, and in any failure); DEPLOY_LOGIN_PROPERTY_SEED=<seed> replays one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import { splitCommand } from '../src/action/argv';
import { readInputs } from '../src/action/inputs';
import { LOGIN_OPTIONS, RUN_OPTIONS, STATUS_OPTIONS, COMMON, type Options } from '../src/cli/args';
import { cliLabel } from '../src/cli/commands';
import { main } from '../src/cli/main';
import { DeployLoginError } from '../src/core/errors';
import { WRITERS } from '../src/core/formats';
import { HttpClient, httpOptionsFromEnv, type HttpResponse } from '../src/core/http';
import { decodeJwtClaims, expiryOf, isExpired } from '../src/core/jwt';
import { parseTargetList } from '../src/core/many';
import { githubIdToken } from '../src/core/oidc';
import { protocolFor } from '../src/core/protocols';
import type { Protocol, ProtocolDeps } from '../src/core/protocols/types';
import { SecretRegistry } from '../src/core/redact';
import { describe as describeTarget, specOf } from '../src/core/session';
import { parseStore, pickTargetName, type StoreData } from '../src/core/store';
import {
  actionLabel,
  FORMATS,
  METHODS,
  PROTOCOLS,
  resolveTarget,
  type InputLabel,
  type TargetInput,
} from '../src/core/target';
import type { FormatContext } from '../src/core/toolfiles';
import { CANARY, findCanaries } from './helpers/canary';
import { baseEnv, NODE24, runActionStep, runCli, makeRunnerDirs, type ProcResult } from './helpers/dist';
import { closedPort } from './helpers/pool';

/** Generated cases, in-process and through processes, for the summary line. */
const counts = { inProcess: 0, processes: 0 };
const SEED = process.env.DEPLOY_LOGIN_PROPERTY_SEED
  ? Number(process.env.DEPLOY_LOGIN_PROPERTY_SEED)
  : Date.now() % 2 ** 31;
const opts = (numRuns: number) => ({ numRuns, seed: SEED, endOnFailure: true });

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-props-'));
let PORT = 1;

beforeAll(async () => {
  PORT = await closedPort();
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  console.log(
    `property tests: ${counts.inProcess + counts.processes} generated cases ` +
      `(${counts.inProcess} in-process, ${counts.processes} through dist processes), seed ${SEED}`,
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* What every failure must look like                                                                */
/* ------------------------------------------------------------------------------------------------ */

const SECRETS = Object.values(CANARY);

/** A user-facing failure: a classified error (never "error"), one line, bounded, no stack, no secret. */
function checkFailure(err: unknown, where: string): DeployLoginError {
  if (!(err instanceof DeployLoginError)) {
    throw new Error(
      `${where}: unclassified ${(err as Error)?.name}: ${(err as Error)?.message}\n${(err as Error)?.stack}`,
    );
  }
  if (err.outcome === 'error') throw new Error(`${where}: outcome "error": ${err.message}`);
  checkSentence(err.message, where);
  return err;
}

function checkSentence(message: string, where: string): void {
  if (!message.trim()) throw new Error(`${where}: empty message`);
  if (/[\n\r]/.test(message)) throw new Error(`${where}: message spans lines: ${JSON.stringify(message)}`);
  if (message.length > 1500) throw new Error(`${where}: message of ${message.length} chars`);
  if (/\bat .+\.(?:ts|js):\d+/.test(message)) throw new Error(`${where}: stack in message: ${message}`);
  const leaked = SECRETS.filter((s) => message.includes(s));
  if (leaked.length) throw new Error(`${where}: secret in message: ${message}`);
}

/* ------------------------------------------------------------------------------------------------ */
/* Arbitraries                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\t',
    '\n',
    '-',
    '--',
    '0',
    '-1',
    'NaN',
    'true',
    'null',
    '{}',
    '[]',
    '%',
    "'",
    '"',
    '\\',
    '\u0000',
    '${{ secrets.X }}',
    'toString',
    '__proto__',
    'constructor',
  ),
);
const oneOrJunk = (values: readonly string[]) =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: junk });

/** URLs that can never reach the network: loopback ports nothing listens on, or refused before sending. */
const urlArb = fc.oneof(
  fc.constantFrom(
    'http://127.0.0.1:PORT',
    'https://127.0.0.1:PORT/',
    'http://localhost:PORT/base/path/',
    'http://[::1]:PORT',
    'http://deploy.example.com', // plain http to a non-loopback host: refused before anything is sent
    'ftp://127.0.0.1/',
    'https://user:pass@127.0.0.1:PORT/',
    'not a url',
    '//127.0.0.1',
    'javascript:alert(1)',
    'http://127.0.0.1:99999',
    'https://127.0.0.1:PORT/?q=1#frag',
  ),
  junk,
);
/** Any generated string that would make a real network request is pointed at the closed port instead. */
function tame(s: string): string {
  const withPort = s.replace(/PORT/g, String(PORT));
  try {
    const u = new URL(withPort.trim());
    const h = u.hostname.replace(/^\[|\]$/g, '');
    const loopback = h === 'localhost' || h === '::1' || /^127\./.test(h);
    // Plain http to another host is refused before sending, unless a generated
    // DEPLOY_LOGIN_ALLOW_HTTP=true allows it: then it would go out. Never let it.
    if ((u.protocol === 'https:' || u.protocol === 'http:') && !loopback)
      return `${u.protocol}//127.0.0.1:${PORT}/`;
  } catch {}
  return withPort;
}
const nameArb = fc.oneof(
  fc.constantFrom(
    'default',
    'staging',
    'prod-1',
    'a.b_c',
    '../etc',
    'a/b',
    '.hidden',
    'x'.repeat(80),
    'CON',
    'ünïcode',
    // Names that are also Object.prototype's keys: a lookup must not find its functions.
    'toString',
    'constructor',
    '__proto__',
    'hasOwnProperty',
  ),
  junk,
);

const formatArb = fc.oneof(
  fc.array(oneOrJunk(FORMATS), { maxLength: 3 }).map((a) => a.join(',')),
  fc.array(fc.constantFrom(...FORMATS), { maxLength: 3 }).map((a) => a.join(' ')),
);
const targetInputArb: fc.Arbitrary<TargetInput> = fc
  .record(
    {
      target: nameArb,
      url: urlArb,
      method: oneOrJunk(METHODS),
      username: fc.oneof(fc.constant('ci-deployer'), junk),
      audience: fc.oneof(urlArb, junk),
      protocol: oneOrJunk(PROTOCOLS),
      tokenEndpoint: urlArb,
      format: formatArb,
      insecure: fc.oneof(fc.boolean(), oneOrJunk(['true', 'false', 'yes', 'TRUE', '1'])),
      clientId: junk,
      scope: junk,
    },
    { requiredKeys: [] },
  )
  .map((i) =>
    Object.fromEntries(Object.entries(i).map(([k, v]) => [k, typeof v === 'string' ? tame(v) : v])),
  );

const credsArb = fc.record(
  {
    password: fc.constant(CANARY.password),
    token: fc.constant(CANARY.token),
    clientSecret: fc.constant(CANARY.clientSecret),
  },
  { requiredKeys: [] },
);

/* ------------------------------------------------------------------------------------------------ */
/* 1. Target inputs (Action inputs and CLI flags alike): resolveTarget                               */
/* ------------------------------------------------------------------------------------------------ */

const LABELS: Array<[string, InputLabel]> = [
  ['action', actionLabel],
  ['cli', cliLabel],
];
const LABEL_KEYS = [
  'target',
  'url',
  'method',
  'username',
  'audience',
  'protocol',
  'tokenEndpoint',
  'format',
  'insecure',
  'clientId',
  'scope',
  'password',
  'token',
  'client-secret',
] as const;

test('resolveTarget: any input gives a valid spec, or one sentence naming the input (exit 2)', () => {
  for (const [kind, label] of LABELS) {
    fc.assert(
      fc.property(fc.tuple(targetInputArb, credsArb, fc.boolean()), ([input, creds, allowHttp]) => {
        counts.inProcess++;
        let spec;
        try {
          spec = resolveTarget(input, creds, { label, allowHttp });
        } catch (err) {
          const e = checkFailure(err, `resolveTarget(${kind})`);
          expect(e.outcome).toBe('invalid-input');
          const named = LABEL_KEYS.some((k) => e.message.includes(label(k as never)));
          if (!named) throw new Error(`resolveTarget(${kind}): message names no input: ${e.message}`);
          return;
        }
        expect(spec.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
        expect(spec.name).not.toContain('..');
        const u = new URL(spec.url);
        expect(['http:', 'https:']).toContain(u.protocol);
        expect(u.username + u.password).toBe('');
        if (u.protocol === 'http:' && !allowHttp) expect(u.hostname).toMatch(/^(localhost|127\.|\[::1\])/);
        expect(PROTOCOLS).toContain(spec.protocol);
        expect(METHODS).toContain(spec.method);
        expect(typeof spec.insecure).toBe('boolean');
      }),
      opts(1500),
    );
  }
});

/* ------------------------------------------------------------------------------------------------ */
/* 2. Stored files edited by hand or corrupted: parseStore, and what reads the result               */
/* ------------------------------------------------------------------------------------------------ */

const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
const storedTargetArb = fc.record(
  {
    url: fc.oneof({ weight: 4, arbitrary: fc.constant('https://deploy.example.com') }, anyValue, urlArb),
    protocol: fc.oneof(fc.constantFrom(...PROTOCOLS), anyValue),
    method: fc.oneof(fc.constantFrom('oidc', 'password', 'token', 'device'), anyValue),
    insecure: fc.oneof(fc.boolean(), anyValue),
    token: fc.oneof({ weight: 4, arbitrary: fc.constant(CANARY.token) }, anyValue),
    expiresAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      anyValue,
      fc.integer(),
    ),
    refreshToken: fc.oneof(fc.constant(CANARY.password), anyValue),
    username: anyValue,
    audience: anyValue,
    tokenEndpoint: fc.oneof(urlArb, anyValue),
    formats: fc.oneof(fc.array(fc.constantFrom(...FORMATS)), anyValue),
    options: anyValue,
    loggedInAt: anyValue,
    files: fc.oneof(
      fc.array(
        fc.record(
          {
            format: fc.oneof(fc.constantFrom(...FORMATS), anyValue),
            path: fc.oneof(fc.constant('/nonexistent/dl/x.json'), anyValue),
            key: anyValue,
            previousEntry: anyValue,
            original: anyValue,
            writtenHash: anyValue,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      anyValue,
    ),
  },
  { requiredKeys: [] },
);
const storeArb = fc.record(
  {
    version: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, anyValue),
    current: fc.oneof(nameArb, anyValue),
    targets: fc.oneof(
      { weight: 5, arbitrary: fc.dictionary(nameArb, storedTargetArb, { maxKeys: 3 }) },
      anyValue,
    ),
  },
  { requiredKeys: [] },
);
/** A store as text, sometimes cut short or with a byte flipped (a disk, an editor, a bad merge). */
const storeTextArb = fc
  .tuple(
    storeArb,
    fc.nat(),
    fc.constantFrom('whole', 'whole', 'truncate', 'flip', 'prefix'),
    fc.string({ maxLength: 3 }),
  )
  .map(([store, n, how, s]) => {
    const text = JSON.stringify(store, null, 2) ?? '';
    const at = text.length ? n % text.length : 0;
    if (how === 'truncate') return text.slice(0, at);
    if (how === 'flip') return text.slice(0, at) + s + text.slice(at + 1);
    if (how === 'prefix') return s + text;
    return text;
  });

test('parseStore: any text is a usable store, or one sentence naming the file (exit 2)', () => {
  const file = '/home/ci/.config/deploy-login/credentials.json';
  fc.assert(
    fc.property(storeTextArb, (text) => {
      counts.inProcess++;
      let data;
      try {
        data = parseStore(text, file);
      } catch (err) {
        const e = checkFailure(err, 'parseStore');
        expect(e.outcome).toBe('invalid-input');
        if (!e.message.includes(file))
          throw new Error(`parseStore: message does not name the file: ${e.message}`);
        return;
      }
      // Whatever parseStore lets through, what reads the store must cope with.
      for (const [name, entry] of Object.entries(data.targets)) {
        try {
          JSON.stringify(describeTarget(name, entry, data, Date.now()));
          specOf(name, entry);
        } catch (err) {
          checkFailure(err, `reading stored target ${JSON.stringify(name)}`);
        }
      }
    }),
    opts(2500),
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* 3. Server responses: every protocol's answer handling                                            */
/* ------------------------------------------------------------------------------------------------ */

const jwtWith = (claims: unknown) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const tokenValueArb = fc.oneof(
  fc.constant(CANARY.token),
  fc
    .record(
      { exp: fc.oneof(fc.integer(), fc.double(), fc.constant(1e20), anyValue), nbf: anyValue, iat: anyValue },
      { requiredKeys: [] },
    )
    .map(jwtWith),
  anyValue,
);
const bodyArb = fc.oneof(
  fc.record(
    {
      access_token: tokenValueArb,
      token: tokenValueArb,
      value: tokenValueArb,
      expires_in: fc.oneof(
        fc.integer(),
        fc.double(),
        fc.constantFrom(1e300, -1, 0, '3600', 'soon'),
        anyValue,
      ),
      expiration: fc.oneof(
        fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        anyValue,
      ),
      expires: anyValue,
      refresh_token: fc.oneof(fc.constant(CANARY.password), anyValue),
      refreshToken: fc.oneof(fc.constant(CANARY.password), anyValue),
      error: fc.oneof(
        fc.constantFrom(
          'invalid_grant',
          'authorization_pending',
          'slow_down',
          'access_denied',
          'expired_token',
          'invalid_client',
        ),
        junk,
        anyValue,
      ),
      error_description: fc.oneof(junk, anyValue),
      interval: anyValue,
      auth: fc.record({ client_token: tokenValueArb, lease_duration: anyValue }, { requiredKeys: [] }),
      errors: anyValue,
      title: anyValue,
    },
    { requiredKeys: [] },
  ),
  anyValue,
);
const responseArb: fc.Arbitrary<HttpResponse> = fc
  .tuple(
    fc.constantFrom(
      200,
      200,
      200,
      201,
      204,
      301,
      302,
      307,
      400,
      400,
      401,
      403,
      404,
      405,
      408,
      409,
      410,
      415,
      418,
      422,
      429,
      500,
      502,
      503,
      504,
      599,
      0,
    ),
    bodyArb,
    fc.constantFrom('json', 'json', 'truncated', 'html', 'junk', 'empty'),
    fc.record(
      {
        'retry-after': fc.oneof(fc.constantFrom('0', '1', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999'), junk),
        location: fc.oneof(
          fc.constantFrom('/elsewhere', 'https://evil.example.com/steal', 'http://127.0.0.1:1/x'),
          junk,
        ),
        'content-type': fc.constantFrom('application/json', 'text/html', 'text/plain'),
      },
      { requiredKeys: [] },
    ),
    fc.string({ maxLength: 30 }),
  )
  .map(([status, body, shape, headers, text]) => {
    const json = JSON.stringify(body) ?? 'undefined';
    const payload =
      shape === 'json'
        ? json
        : shape === 'truncated'
          ? json.slice(0, Math.max(1, json.length - 3))
          : shape === 'html'
            ? `<html><body>${text}</body></html>`
            : shape === 'junk'
              ? text
              : '';
    return {
      status,
      headers: headers as Record<string, string>,
      text: payload,
      url: 'https://127.0.0.1:1/token',
    };
  });

interface Leg {
  name: string;
  run(p: Protocol, deps: ProtocolDeps): Promise<unknown>;
  protocol: string;
  method: string;
  extra?: TargetInput;
}
const LEGS: Leg[] = [
  {
    name: 'oauth2 password',
    protocol: 'oauth2',
    method: 'password',
    run: (p, d) => p.obtain(legSpec('oauth2', 'password'), { password: CANARY.password }, d),
  },
  {
    name: 'oauth2 oidc',
    protocol: 'oauth2',
    method: 'oidc',
    run: (p, d) => p.obtain(legSpec('oauth2', 'oidc'), {}, d),
  },
  {
    name: 'oauth2 refresh',
    protocol: 'oauth2',
    method: 'password',
    run: (p, d) =>
      p.refresh!(
        { spec: legSpec('oauth2', 'password'), token: CANARY.token, refreshToken: CANARY.password },
        {},
        d,
      ),
  },
  {
    name: 'oauth2 device start',
    protocol: 'oauth2',
    method: 'device',
    run: async (p, d) => (await p.device!(legSpec('oauth2', 'device'), {}, d)).start(),
  },
  {
    name: 'oauth2 device poll',
    protocol: 'oauth2',
    method: 'device',
    run: async (p, d) =>
      (await p.device!(legSpec('oauth2', 'device'), {}, d)).poll('dc', { singleAttempt: true }),
  },
  {
    name: 'fermyon password',
    protocol: 'fermyon',
    method: 'password',
    run: (p, d) => p.obtain(legSpec('fermyon', 'password'), { password: CANARY.password }, d),
  },
  {
    name: 'fermyon refresh',
    protocol: 'fermyon',
    method: 'password',
    run: (p, d) =>
      p.refresh!(
        { spec: legSpec('fermyon', 'password'), token: CANARY.token, refreshToken: CANARY.password },
        {},
        d,
      ),
  },
  {
    name: 'fermyon device poll',
    protocol: 'fermyon',
    method: 'device',
    run: async (p, d) =>
      (await p.device!(legSpec('fermyon', 'device'), {}, d)).poll('dc', { singleAttempt: true }),
  },
];
function legSpec(protocol: string, method: string) {
  return resolveTarget(
    {
      url: 'https://127.0.0.1:1',
      protocol,
      method,
      username: 'ci-deployer',
      tokenEndpoint: 'https://127.0.0.1:1/token',
      clientId: 'deploy-cli',
    },
    { password: CANARY.password },
    { label: actionLabel },
  );
}

test('server responses: any answer is a grant, or one classified sentence, never a quoted secret', async () => {
  const legs: Array<[Leg, Protocol]> = [];
  for (const leg of LEGS) {
    try {
      const p = await protocolFor({ protocol: leg.protocol as never, method: leg.method as never });
      if (leg.name.includes('refresh') && !p.refresh) continue;
      if (leg.name.includes('device') && !p.device) continue;
      legs.push([leg, p]);
    } catch {
      // Not in this build.
    }
  }
  legs.push([
    {
      name: "GitHub's OIDC token service",
      protocol: '',
      method: '',
      run: async (_p, d) =>
        githubIdToken(
          {
            ACTIONS_ID_TOKEN_REQUEST_URL: 'https://127.0.0.1:1/_apis/idtoken?api-version=2.0',
            ACTIONS_ID_TOKEN_REQUEST_TOKEN: CANARY.requestToken,
          },
          d.http,
        )('aud'),
    },
    undefined as never,
  ]);
  await fc.assert(
    fc.asyncProperty(fc.tuple(fc.nat(legs.length - 1), responseArb), async ([i, res]) => {
      counts.inProcess++;
      const [leg, protocol] = legs[i]!;
      const secrets = new SecretRegistry();
      const http = new HttpClient({
        transport: async () => res,
        retry: { maxAttempts: 2, budgetMs: 1000, baseDelayMs: 0 },
        sleep: async () => undefined,
        allowHttp: true,
      });
      const deps: ProtocolDeps = {
        http,
        idToken: async () => jwtWith({ exp: Math.floor(Date.now() / 1000) + 300 }),
        secrets,
        env: {},
        now: Date.now,
        log: () => undefined,
        sleep: async () => undefined,
      };
      try {
        await leg.run(protocol, deps);
      } catch (err) {
        const e = checkFailure(err, `${leg.name} given HTTP ${res.status} ${res.text.slice(0, 60)}`);
        // JSON.parse's own errors quote the input: the token in a truncated body must not surface.
        if (e.message.includes(CANARY.token))
          throw new Error(`${leg.name}: token from the body in ${e.message}`);
      }
    }),
    opts(2500),
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* 4. argv splitting (the Action's `run` input)                                                      */
/* ------------------------------------------------------------------------------------------------ */

test('splitCommand: quoted words come back as they were; any line splits or names `run`', () => {
  const quote = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;
  fc.assert(
    fc.property(
      fc.array(fc.string({ minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 6 }),
      (words) => {
        counts.inProcess++;
        expect(splitCommand(words.map(quote).join(' '))).toEqual(words);
      },
    ),
    opts(700),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (line) => {
      counts.inProcess++;
      try {
        const words = splitCommand(line);
        for (const w of words) expect(typeof w).toBe('string');
      } catch (err) {
        const e = checkFailure(err, 'splitCommand');
        expect(e.message).toContain('`run`');
      }
    }),
    opts(700),
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* 5. Action inputs, as the runner hands them over (INPUT_* strings)                                */
/* ------------------------------------------------------------------------------------------------ */

const ACTION_INPUTS = [
  'url',
  'target',
  'method',
  'username',
  'password',
  'token',
  'audience',
  'protocol',
  'token-endpoint',
  'format',
  'insecure',
  'targets',
  'run',
  'cleanup',
  'github-deployment',
  'client-id',
  'client-secret',
  'scope',
  'run-timeout',
];
const actionInputsArb = fc
  .dictionary(
    fc.constantFrom(...ACTION_INPUTS),
    fc.oneof(urlArb, junk, fc.constantFrom('true', 'false', 'oidc', 'password', 'spin,env')),
    { maxKeys: 8 },
  )
  .map((inputs) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(inputs))
      out[k] = k === 'password' ? CANARY.password : k === 'token' ? CANARY.token : tame(v);
    return out;
  });

test('Action inputs: read and resolved, or one sentence naming the input', () => {
  fc.assert(
    fc.property(actionInputsArb, (inputs) => {
      counts.inProcess++;
      try {
        const read = readInputs((n) => inputs[n] ?? '');
        if (!read.targetsYaml) resolveTarget(read.target, read.creds, { label: actionLabel });
        if (read.run) splitCommand(read.run);
      } catch (err) {
        const e = checkFailure(err, 'Action inputs');
        if (!/`[a-z-]+`/.test(e.message)) throw new Error(`Action inputs: no input named in ${e.message}`);
      }
    }),
    opts(1000),
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* 6. The `targets` list (YAML)                                                                      */
/* ------------------------------------------------------------------------------------------------ */

const ITEM_KEYS = [
  'target',
  'url',
  'method',
  'username',
  'audience',
  'protocol',
  'token-endpoint',
  'format',
  'insecure',
  'client-id',
  'scope',
  'password',
  'token',
  'password-env',
  'token-env',
  'json-recipe',
  'kube-server',
  'docker-server',
  'package',
  'nonsense',
];
const itemArb = fc.dictionary(
  fc.constantFrom(...ITEM_KEYS),
  fc.oneof({ weight: 4, arbitrary: fc.oneof(urlArb, nameArb, junk) }, fc.jsonValue({ maxDepth: 2 })),
  { maxKeys: 6 },
);
const targetsYamlArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof({ weight: 6, arbitrary: itemArb }, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 })
      .map((items) => yamlStringify(items.map(withSecrets))),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '- ',
      '[',
      '{a: 1}',
      '- url: [1, 2',
      '- &a {url: *a}',
      'a: !!binary x',
      '---\n---',
      '- password: CANARY-pw-7f3a9c1e5b\n  url: [',
    ),
  },
);
function withSecrets(item: unknown): unknown {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    out[k] =
      k === 'password' ? CANARY.password : k === 'token' ? CANARY.token : typeof v === 'string' ? tame(v) : v;
  }
  return out;
}

test('targets list: items, or one sentence naming `targets[i].key`, never a secret', async () => {
  await fc.assert(
    fc.asyncProperty(targetsYamlArb, async (text) => {
      counts.inProcess++;
      try {
        await parseTargetList(text, {
          label: '`targets`',
          inlineSecrets: true,
          env: { DEPLOY_LOGIN_TEST_PW: CANARY.password },
          allowHttp: false,
          secrets: new SecretRegistry(),
        });
      } catch (err) {
        const e = checkFailure(err, `targets ${JSON.stringify(text).slice(0, 120)}`);
        expect(e.outcome).toBe('invalid-input');
        if (!e.message.includes('`targets`'))
          throw new Error(`targets: message does not name the input: ${e.message}`);
      }
    }),
    opts(1500),
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* 7. Deploy tools' files edited by hand: every writer merging into whatever is there               */
/* ------------------------------------------------------------------------------------------------ */

const toolTextArb = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => yamlStringify(v)),
  fc.constantFrom(
    '{"auths": {"127.0.0.1": {"auth": "Q0FOQVJZ"}}',
    '{"auths": []}',
    '{"auths": {"x": null}, "credsStore": 1}',
    'apiVersion: v1\nclusters: 5\n',
    'apiVersion: v1\nusers:\n- name: a\n  user: [',
    'machine a login b password CANARY-tok-9b1d3f5a7c\nmachine',
    '//registry/:_authToken=CANARY-tok-9b1d3f5a7c\n[section\nkey',
    '{"url": 1, "token": {"a": 1}}',
    '\uFEFF{}',
  ),
);

test('tool files edited by hand: each writer merges in, or says what is wrong in one sentence', async () => {
  const writers = Object.values(WRITERS).filter(Boolean);
  for (const w of writers) await w!.load?.();
  const ctx: FormatContext = {
    target: {
      name: 'staging',
      url: 'https://127.0.0.1:1/api',
      insecure: false,
      protocol: 'oauth2',
      options: {},
    },
    token: 'tok-ABCDEFGHIJKLMNOP',
    username: 'ci-deployer',
    env: {},
    home: root,
    platform: 'linux',
    storeDir: root,
  };
  fc.assert(
    fc.property(fc.tuple(fc.nat(writers.length - 1), toolTextArb), ([i, text]) => {
      counts.inProcess++;
      const w = writers[i]!;
      try {
        const r = w.upsert(text, ctx);
        expect(typeof r.content).toBe('string');
        w.remove(r.content, r.key, r.previousEntry);
      } catch (err) {
        checkFailure(err, `${w.format} writer`);
      }
    }),
    opts(1500),
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* 8. Small parsers: JWT claims, expiry, the retry knobs                                            */
/* ------------------------------------------------------------------------------------------------ */

test('JWT claims and expiry: any token text gives a claim set or nothing, any expiry a date or nothing', () => {
  fc.assert(
    fc.property(
      fc.tuple(
        fc.oneof(
          fc.string(),
          tokenValueArb.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
        ),
        fc.oneof(fc.integer(), fc.double(), anyValue),
      ),
      ([token, expiresIn]) => {
        counts.inProcess++;
        decodeJwtClaims(token);
        const at = expiryOf(token, expiresIn, Date.now());
        if (at !== undefined) {
          expect(Number.isNaN(at.getTime())).toBe(false);
          isExpired(at.toISOString(), Date.now());
        }
      },
    ),
    opts(1000),
  );
});

test('retry knobs from the environment: numbers, or one sentence naming the variable', () => {
  const names = [
    'DEPLOY_LOGIN_MAX_ATTEMPTS',
    'DEPLOY_LOGIN_RETRY_BUDGET_SECONDS',
    'DEPLOY_LOGIN_RETRY_BASE_MS',
    'DEPLOY_LOGIN_TIMEOUT_SECONDS',
    'DEPLOY_LOGIN_ALLOW_HTTP',
  ];
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.constantFrom(...names),
        fc.oneof(junk, fc.double().map(String), fc.integer().map(String)),
      ),
      (env) => {
        counts.inProcess++;
        try {
          httpOptionsFromEnv(env);
        } catch (err) {
          const e = checkFailure(err, 'retry knobs');
          if (!names.some((n) => e.message.includes(n)))
            throw new Error(`retry knobs: no variable named in ${e.message}`);
        }
      },
    ),
    opts(500),
  );
});

/* ------------------------------------------------------------------------------------------------ */
/* 9. The CLI's main() in-process: any argv and environment                                          */
/* ------------------------------------------------------------------------------------------------ */

const COMMANDS: Record<string, Options> = {
  login: LOGIN_OPTIONS,
  status: STATUS_OPTIONS,
  run: RUN_OPTIONS,
  logout: { ...COMMON, all: { type: 'boolean' } },
  token: COMMON,
  env: COMMON,
  targets: { help: COMMON.help!, json: COMMON.json! },
  refresh: COMMON,
  use: { help: COMMON.help! },
};
/** Flags whose value is a path the product reads: always one of ours, never a device or a FIFO. */
const PATH_FLAGS = new Set(['id-token-file', 'targets-file', 'kube-ca-file', 'client-assertion-key']);
/** Reading stdin in-process would wait on jest's own stdin: these run only in the process tests. */
const STDIN_FLAGS = new Set(['password-stdin', 'token-stdin']);
/** Interactive or long-running by design: the device flow without --get/--check, and `run` of a real command. */
const pathValues = () => [
  path.join(root, 'nonexistent', 'file'),
  path.join(root, 'junk.txt'),
  root,
  path.join(root, 'targets.yml'),
  path.join(root, 'bad.yml'),
];

function flagArb(options: Options, inProcess: boolean): fc.Arbitrary<string[]> {
  const names = Object.keys(options).filter((n) => n !== 'help' && !(inProcess && STDIN_FLAGS.has(n)));
  if (names.length === 0) return junk.map((j) => [j]);
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.constantFrom(...names), valueArb)
        .map(([n, v]) => flagWithValue(n, options[n]!, v)),
    },
    { weight: 1, arbitrary: junk.map((j) => [j]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string[]>(['--'], ['-x'], ['--no-such-flag'], ['--url'], ['--target=']),
    },
  );
}
const valueArb = fc.oneof(
  urlArb,
  nameArb,
  junk,
  fc.constantFrom(
    'oidc',
    'password',
    'token',
    'device',
    'spin',
    'env,docker',
    '5',
    '0',
    '-3',
    '1e9',
    'json',
    'fermyon',
    'vault',
  ),
);
function flagWithValue(name: string, opt: Options[string], raw: string): string[] {
  if (opt.type === 'boolean') return raw === '=' ? [`--${name}=true`] : [`--${name}`];
  const v = PATH_FLAGS.has(name)
    ? pathValues()[raw.length % pathValues().length]!
    : name === 'method' && raw === 'device'
      ? 'device'
      : tame(raw);
  return raw.length % 2 ? [`--${name}`, v] : [`--${name}=${v}`];
}

const argvArb = (inProcess: boolean) =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.constantFrom(...Object.keys(COMMANDS)).chain((cmd) =>
        fc
          .tuple(
            fc.constant(cmd),
            fc.array(flagArb(COMMANDS[cmd]!, inProcess), { maxLength: 5 }),
            fc.array(nameArb, { maxLength: 1 }),
          )
          .map(([c, flags, pos]) => {
            const argv = [c, ...flags.flat(), ...(c === 'use' ? pos : [])];
            // run: never a real command; the device flow: only its non-interactive steps, which answer at once.
            if (c === 'run') argv.push('--', '__deploy_login_no_such_command__');
            if (
              c === 'login' &&
              argv.some((a) => /device/.test(a)) &&
              !argv.some((a) => a.startsWith('--get-device-code') || a.startsWith('--check-device-code'))
            )
              argv.push('--get-device-code');
            return argv;
          }),
      ),
    },
    { weight: 1, arbitrary: fc.array(junk, { maxLength: 3 }) },
  );

const envArb = (storeFile: string) =>
  fc.record(
    {
      DEPLOY_LOGIN_URL: urlArb.map(tame),
      DEPLOY_LOGIN_TARGET: nameArb,
      DEPLOY_LOGIN_USERNAME: junk,
      DEPLOY_LOGIN_PASSWORD: fc.constant(CANARY.password),
      DEPLOY_LOGIN_TOKEN: fc.constant(CANARY.token),
      DEPLOY_LOGIN_CLIENT_SECRET: fc.constant(CANARY.clientSecret),
      DEPLOY_LOGIN_MAX_ATTEMPTS: fc.oneof(fc.constant('1'), junk),
      DEPLOY_LOGIN_TIMEOUT_SECONDS: fc.oneof(fc.constant('1'), junk),
      DEPLOY_LOGIN_ALLOW_HTTP: oneOrJunk(['true', 'false']),
      DEPLOY_LOGIN_ID_TOKEN: fc.oneof(fc.constant(jwtWith({ exp: 1 })), junk),
      DEPLOY_LOGIN_CONFIG: fc.constantFrom(
        storeFile,
        storeFile,
        storeFile,
        path.join(root, 'a-directory'),
        path.join(root, 'junk.txt', 'credentials.json'),
        path.join(root, 'corrupt', 'credentials.json'),
      ),
      DEPLOY_LOGIN_CONCURRENCY: junk,
    },
    { requiredKeys: ['DEPLOY_LOGIN_CONFIG'] },
  );

function seedPaths() {
  fs.mkdirSync(path.join(root, 'a-directory', 'keep'), { recursive: true });
  fs.writeFileSync(path.join(root, 'junk.txt'), 'not a token, not yaml: [\n');
  fs.writeFileSync(
    path.join(root, 'targets.yml'),
    `- url: http://127.0.0.1:${PORT}\n  method: token\n  token-env: DEPLOY_LOGIN_TOKEN\n- url: nope\n`,
  );
  fs.writeFileSync(path.join(root, 'bad.yml'), '- [\n');
  fs.mkdirSync(path.join(root, 'corrupt'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'corrupt', 'credentials.json'),
    `{"version":1,"targets":{"x":{"token":"${CANARY.token}"`,
  );
}

/** Every line main() printed; the exit code. */
async function mainInProcess(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  const e = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  try {
    // A real process can hold no NUL in its argv or environment (execve refuses): nor do these.
    const clean = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, noNul(String(v))]));
    const code = await main(
      argv.map(noNul),
      {
        HOME: path.join(root, 'home'),
        XDG_CONFIG_HOME: path.join(root, 'xdg'),
        NO_COLOR: '1',
        ...clean,
      },
      { out: (t) => (out += t), err: (t) => (err += t) },
    );
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** What a failed command may print: one "deploy-login <command>: sentence" line (warnings before it). */
function checkCliOutput(argv: string[], r: { code: number | null; out: string; err: string }, where: string) {
  const show = `${where} ${JSON.stringify(argv).slice(0, 300)} -> ${r.code}\n${r.err.slice(-600)}`;
  if (r.code === 1 || r.code === null || r.code > 5 || r.code < 0) throw new Error(`exit ${r.code}: ${show}`);
  if (!argv[0] && r.code === 2 && r.out.includes('Usage:')) return; // no command at all: the usage text
  if (/^\s+at .+[(:]\d+/m.test(r.err) || /internal error/i.test(r.err))
    throw new Error(`stack or internal error: ${show}`);
  const printsToken = ['token', 'env'].includes(argv[0]!);
  const leaked = findCanaries((printsToken ? '' : r.out) + r.err);
  if (leaked.length) throw new Error(`secret printed: ${show}`);
  if (r.code !== 0 && r.code !== 3) {
    const last = r.err.trim().split('\n').pop() ?? '';
    if (!/^deploy-login( [\w-]+)?: \S/.test(last)) throw new Error(`not one error sentence: ${show}`);
    checkSentence(last, where);
  }
}

test('the CLI in-process: any argv and environment ends 0, 2, 3, 4 or 5 with one sentence', async () => {
  seedPaths();
  const storeFile = path.join(root, 'store', 'credentials.json');
  await fc.assert(
    fc.asyncProperty(fc.tuple(argvArb(true), envArb(storeFile)), async ([argv, env]) => {
      counts.inProcess++;
      const r = await mainInProcess(argv, env as Record<string, string>);
      checkCliOutput(argv, r, 'main()');
    }),
    opts(2000),
  );
}, 60_000);

test('stores edited by hand, read by status, targets and logout in-process: never exit 1', async () => {
  const dir = path.join(root, 'edited');
  fs.mkdirSync(dir, { recursive: true });
  let i = 0;
  await fc.assert(
    fc.asyncProperty(storeTextArb, async (text) => {
      counts.inProcess++;
      const file = path.join(dir, `s${i++}`, 'credentials.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { mode: 0o600 });
      for (const argv of [['status', '--json'], ['targets'], ['token'], ['logout', '--all']]) {
        const r = await mainInProcess(argv, { DEPLOY_LOGIN_CONFIG: file });
        checkCliOutput(argv, r, 'edited store');
        if (r.code === 2 && argv[0] !== 'logout' && !r.err.includes(file))
          throw new Error(`the message does not name ${file}: ${r.err}`);
      }
    }),
    opts(400),
  );
}, 60_000);

/* ------------------------------------------------------------------------------------------------ */
/* 10. Through the built dist: the CLI and the Action's main step as real processes                 */
/* ------------------------------------------------------------------------------------------------ */

const noNul = (s: string) => s.replace(/\u0000/g, '?');

async function pool<T>(items: T[], n: number, work: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

test('the built CLI: random argv, environment and stdin, as real processes', async () => {
  seedPaths();
  const storeFile = path.join(root, 'dist-store', 'credentials.json');
  // A NUL cannot be passed to a process at all (execve refuses it): those become '?'.
  const cases = fc
    .sample(
      fc.tuple(
        argvArb(false),
        envArb(storeFile),
        fc.option(fc.constantFrom(CANARY.password, '', '\n', 'x'.repeat(5000))),
      ),
      { numRuns: 160, seed: SEED },
    )
    .map(
      ([argv, env, stdin]) =>
        [
          argv.map(noNul),
          Object.fromEntries(Object.entries(env).map(([k, v]) => [k, noNul(String(v))])),
          stdin,
        ] as const,
    );
  const failures: string[] = [];
  await pool(cases, 4, async ([argv, env, stdin]) => {
    counts.processes++;
    let r: ProcResult;
    try {
      r = await runCli(argv, {
        env: baseEnv({
          HOME: path.join(root, 'home'),
          XDG_CONFIG_HOME: path.join(root, 'xdg'),
          ...(env as Record<string, string>),
        }),
        stdin: stdin ?? undefined,
        timeoutMs: 20_000,
        allowCanaries: true,
      });
    } catch (err) {
      failures.push((err as Error).message);
      return;
    }
    try {
      checkCliOutput(argv, { code: r.code, out: r.stdout, err: r.stderr }, 'dist CLI');
    } catch (err) {
      failures.push((err as Error).message);
    }
  });
  expect(failures).toEqual([]);
}, 120_000);

test('the built CLI on corrupted stores: targets names the file (exit 2); status and login judge what they use', async () => {
  const cases = fc.sample(
    storeTextArb.filter((t) => {
      try {
        parseStore(t, 'x');
        return false;
      } catch {
        return true;
      }
    }),
    { numRuns: 24, seed: SEED },
  );
  const failures: string[] = [];
  let i = 0;
  const breaks = (text: string, only?: (d: StoreData) => string) => {
    try {
      parseStore(text, 'x', only);
      return false;
    } catch {
      return true;
    }
  };
  await pool(cases, 4, async (text) => {
    counts.processes += 3;
    const file = path.join(root, 'corrupted', `c${i++}`, 'credentials.json');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, text, { mode: 0o600 });
    const written = fs.readFileSync(file, 'utf8');
    const env = baseEnv({
      HOME: path.join(root, 'home'),
      DEPLOY_LOGIN_CONFIG: file,
      DEPLOY_LOGIN_TOKEN: CANARY.token,
    });
    const shown = JSON.stringify(text).slice(0, 80);
    // `targets` checks every entry; `status` and `login` only the target they use (store-check.ts):
    // a broken entry elsewhere is neither read nor changed.
    const listed = await runCli(['targets'], { env });
    if (listed.code !== 2 || !listed.stderr.includes(file))
      failures.push(`targets on ${shown}: exit ${listed.code}: ${listed.stderr}`);
    const statusBroken = breaks(written, (d) => pickTargetName(undefined, {}, d));
    const status = await runCli(['status'], { env });
    if (
      statusBroken ? status.code !== 2 || !status.stderr.includes(file) : ![0, 3].includes(status.code ?? -1)
    )
      failures.push(`status on ${shown}: exit ${status.code}: ${status.stderr}`);
    const loginBroken = breaks(written, () => 'default');
    const login = await runCli(['login', '--method', 'token', '--url', `http://127.0.0.1:${PORT}`], { env });
    const backups = fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.corrupt-'));
    if (loginBroken) {
      if (login.code !== 0 || !login.stderr.includes(file) || !/warning/.test(login.stderr))
        failures.push(`login over ${shown}: exit ${login.code}: ${login.stderr}`);
      if (
        backups.length !== 1 ||
        !fs.readFileSync(path.join(path.dirname(file), backups[0]!)).equals(Buffer.from(text))
      )
        failures.push(`the unreadable store was not kept aside whole: ${backups.join(', ')}`);
    } else {
      if (login.code !== 0 || /warning/.test(login.stderr) || backups.length)
        failures.push(`login beside a broken entry over ${shown}: exit ${login.code}: ${login.stderr}`);
      // Every other entry (broken or not) is kept as it was: as written to disk (UTF-8 has no lone
      // surrogates, so the file is not always the generated string).
      const before = (JSON.parse(written) as { targets: Record<string, unknown> }).targets;
      const after = (JSON.parse(fs.readFileSync(file, 'utf8')) as { targets: Record<string, unknown> })
        .targets;
      for (const name of Object.keys(before).filter((n) => n !== 'default')) {
        if (JSON.stringify(after[name]) !== JSON.stringify(before[name]))
          failures.push(`login over ${shown} changed target ${JSON.stringify(name)}`);
      }
    }
  });
  expect(failures).toEqual([]);
}, 60_000);

test('the built Action main step: random inputs end with an outcome, an exit code and one error line', async () => {
  const cases = fc
    .sample(actionInputsArb, { numRuns: 36, seed: SEED })
    .map((inputs) => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, noNul(v)])));
  const failures: string[] = [];
  await pool(cases, 4, async (inputs) => {
    counts.processes++;
    const files = makeRunnerDirs();
    try {
      const r = await runActionStep('main', files, inputs, {
        node: NODE24,
        timeoutMs: 20_000,
        env: { DEPLOY_LOGIN_MAX_ATTEMPTS: '1', DEPLOY_LOGIN_TIMEOUT_SECONDS: '1' },
      });
      const code = r.code ?? -1;
      const where = `${JSON.stringify(inputs).slice(0, 300)} -> ${code}\n${r.stdout.slice(-500)}${r.stderr.slice(-300)}`;
      if (code === 1 || code < 0 || code > 5) failures.push(`exit ${code}: ${where}`);
      if (r.outputs['exit-code'] !== String(code))
        failures.push(`exit-code output ${r.outputs['exit-code']}: ${where}`);
      if (!r.outputs.outcome) failures.push(`no outcome output: ${where}`);
      if (/^\s+at .+[(:]\d+/m.test(r.stdout + r.stderr) || /internal error/i.test(r.stdout + r.stderr))
        failures.push(`stack or internal error: ${where}`);
      const errors = [...r.stdout.matchAll(/^::error::(.*)$/gm)].map((m) => m[1]!);
      if (code !== 0 && code !== 4 && errors.length < 1) failures.push(`no error line: ${where}`);
    } finally {
      fs.rmSync(files.dir, { recursive: true, force: true });
    }
  });
  expect(failures).toEqual([]);
}, 120_000);

test('the built CLI: DEPLOY_LOGIN_CONFIG naming a directory is reported (exit 2), never moved aside', async () => {
  const dir = path.join(root, 'not-a-store');
  fs.mkdirSync(path.join(dir, 'precious'), { recursive: true });
  const env = baseEnv({
    HOME: path.join(root, 'home'),
    DEPLOY_LOGIN_CONFIG: dir,
    DEPLOY_LOGIN_TOKEN: CANARY.token,
  });
  for (const argv of [
    ['login', '--method', 'token', '--url', `http://127.0.0.1:${PORT}`],
    ['status'],
    ['logout', '--all'],
  ]) {
    counts.processes++;
    const r = await runCli(argv, { env });
    expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
    // login finds it before sending anything (a path it would write), status and logout on reading.
    expect(r.stderr).toContain(
      `${dir} cannot be ${argv[0] === 'login' ? 'written' : 'read'} (it is a directory)`,
    );
  }
  expect(fs.existsSync(path.join(dir, 'precious'))).toBe(true);
  expect(fs.readdirSync(root).filter((n) => n.startsWith('not-a-store.corrupt'))).toEqual([]);
});

test('at least 10,000 generated cases', () => {
  expect(counts.inProcess + counts.processes).toBeGreaterThanOrEqual(10_000);
});
