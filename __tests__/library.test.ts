/**
 * The library API (dist/lib) as scripts use it: a Node ESM script and a Deno script that import
 * dist/lib/index.js and log in, check status (asking the target), read the token, run a deploy and
 * log out against the dev target; and a TypeScript consumer type-checked through package.json
 * `exports` (the declaration files the build emits).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { DENO, DIST, NODE20, NODE24, ROOT, baseEnv, runProcess } from './helpers/dist';

let target: DevTarget;
let dir: string;

beforeAll(async () => {
  target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-lib-'));
});
afterAll(async () => {
  await target?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One script for both runtimes: only `node:` built-ins and the built library. */
function script(lib: string): string {
  return `
import { login, status, token, run, refresh, logout, DeployLoginError, EXIT_CODES } from ${JSON.stringify(lib)};
const env = { ...process.env };
const options = { env };
const out = [];
const r = await login(
  { url: env.TARGET_URL, target: 'lib', username: 'ci-deployer', json: { recipe: 'jwt-service', body: { domain: 'acme' } } },
  { password: env.LIB_PASSWORD },
  options,
);
out.push(['login', r.target, r.method, typeof r.expiresAt, r.token.length > 20]);
const s = await status('lib', { ...options, verify: true });
out.push(['status', s.state, s.verified, s.secondsLeft > 3000]);
const t = await token('lib', options);
out.push(['token', t === r.token]);
const f = await refresh('lib', options);
out.push(['refresh', f.state, (await token('lib', options)) !== t]);
let deployed = '';
const res = await run(['sh', '-c', 'curl -sS -f -X POST -H "Authorization: Bearer $DEPLOY_LOGIN_TOKEN" "$DEPLOY_LOGIN_URL/api/deploy"'], {
  ...options, target: 'lib', stdout: (x) => (deployed += x), stderr: (x) => (deployed += x),
});
out.push(['run', res.exitCode, res.outcome, deployed.includes('"ok":true')]);
const refused = await run(['sh', '-c', 'echo "HTTP/1.1 401 Unauthorized" >&2; exit 1'], { ...options, target: 'lib', stderr: () => {} });
out.push(['run-refused', refused.exitCode, refused.outcome]);
try {
  // What a JavaScript caller might pass: strings, not RegExps.
  await run(['sh', '-c', 'echo hi'], { ...options, target: 'lib', stdout: () => {}, needsLoginPatterns: ['denied'] });
  out.push(['run-string-patterns', 'no error']);
} catch (e) {
  out.push(['run-string-patterns', e instanceof DeployLoginError, e.outcome, e.message]);
}
out.push(['logout', (await logout({ target: 'lib' }, options)).removed]);
try {
  await token('lib', options);
  out.push(['token-after-logout', 'no error']);
} catch (e) {
  out.push(['token-after-logout', e instanceof DeployLoginError, e.outcome, e.exitCode, EXIT_CODES['needs-login']]);
}
console.log(JSON.stringify(out));
`;
}

const EXPECTED = [
  ['login', 'lib', 'password', 'string', true],
  ['status', 'valid', true, true],
  ['token', true],
  ['refresh', 'valid', true],
  ['run', 0, 'success', true],
  ['run-refused', 3, 'needs-login'],
  [
    'run-string-patterns',
    true,
    'invalid-input',
    'needsLoginPatterns must be a list of regular expressions (RegExp).',
  ],
  ['logout', ['lib']],
  ['token-after-logout', true, 'needs-login', 3, 3],
];

function envFor(name: string): NodeJS.ProcessEnv {
  return baseEnv({
    HOME: dir,
    DEPLOY_LOGIN_CONFIG: path.join(dir, name, 'credentials.json'),
    TARGET_URL: target.url,
    LIB_PASSWORD: CANARY.password,
    DENO_DIR: path.join(dir, 'deno'),
  });
}

it.each([
  ['Node 20', NODE20],
  ['Node 24', NODE24],
])('works from a Node ESM script (%s)', async (name, node) => {
  const file = path.join(dir, `node-${name.replace(/\s/g, '')}.mjs`);
  fs.writeFileSync(file, script(path.join(DIST, 'lib', 'index.js')));
  const r = await runProcess(node, [file], { env: envFor(name) });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
});

it('works from a Deno script', async () => {
  const file = path.join(dir, 'deno-script.ts');
  fs.writeFileSync(file, script(path.join(DIST, 'lib', 'index.js')));
  const r = await runProcess(DENO, ['run', '-A', '--quiet', file], { env: envFor('deno') });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
});

it('masks the secrets it was given in what it throws and logs, when a server quotes them back', async () => {
  await target.faults([
    {
      path: '/oauth/token',
      kind: 'status',
      status: 400,
      times: -1,
      body: { error: 'invalid_grant', error_description: `wrong password ${CANARY.password}` },
    },
  ]);
  try {
    const file = path.join(dir, 'masked.mjs');
    fs.writeFileSync(
      file,
      `import { login, DeployLoginError } from ${JSON.stringify(path.join(DIST, 'lib', 'index.js'))};
const lines = [];
try {
  await login({ url: process.env.TARGET_URL, username: 'ci-deployer', method: 'password' }, { password: process.env.LIB_PASSWORD },
    { env: process.env, log: (l) => lines.push(l), warn: (l) => lines.push(l) });
  console.log(JSON.stringify({ thrown: false }));
} catch (e) {
  console.log(JSON.stringify({ thrown: e instanceof DeployLoginError, outcome: e.outcome, message: e.message, lines }));
}
`,
    );
    // allowCanaries: the assertions below look for the password themselves, naming where it leaked.
    const r = await runProcess(NODE24, [file], { env: envFor('masked'), allowCanaries: true });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      thrown: boolean;
      outcome: string;
      message: string;
      lines: string[];
    };
    expect(out).toMatchObject({ thrown: true, outcome: 'needs-login' });
    expect(out.message).toContain('wrong password ***');
    expect(out.message).not.toContain(CANARY.password);
    for (const line of out.lines) expect(line).not.toContain(CANARY.password);
  } finally {
    await target.resetControl();
  }
});

it('ships types that package.json `exports` points at, and a consumer type-checks against them', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const typesPath: string = pkg.exports['.'].types;
  expect(typesPath).toBe('./dist/lib/types/lib/index.d.ts');
  expect(pkg.exports['.'].default).toBe('./dist/lib/index.js');
  // An installed copy of the package: package.json plus the built dist (lib only) under node_modules.
  const consumer = path.join(dir, 'consumer');
  const installed = path.join(consumer, 'node_modules', 'deploy-login');
  fs.mkdirSync(path.join(installed, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(installed, 'package.json'), JSON.stringify(pkg));
  fs.symlinkSync(path.join(DIST, 'lib'), path.join(installed, 'dist', 'lib'));
  expect(fs.existsSync(path.join(installed, typesPath))).toBe(true);
  fs.writeFileSync(
    path.join(consumer, 'use.ts'),
    `import { login, status, token, run, logout, DeployLoginError, type LoginResult, type RunResult, type TargetStatus } from 'deploy-login';
const r: LoginResult = await login({ url: 'https://deploy.example.com', json: { recipe: 'vault' } }, {}, { allowHttp: false });
const s: TargetStatus = await status(r.target, { verify: true });
const secondsLeft: number | undefined = s.secondsLeft;
const verified: boolean | undefined = s.verified;
const t: string = await token();
const x: RunResult = await run(['spin', 'deploy'], { timeoutMs: 1000, needsLoginPatterns: [/denied/] });
const code: 0 | 3 | 4 = x.exitCode;
await logout({ all: true });
export { secondsLeft, verified, t, code, DeployLoginError };
// @ts-expect-error: the library refuses unknown option names at compile time
await login({ url: 'https://x.example', nope: true });
`,
  );
  fs.writeFileSync(
    path.join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      },
      files: ['use.ts'],
    }),
  );
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ type: 'module' }));
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await runProcess(process.execPath, [tsc, '-p', consumer], { cwd: consumer });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.code).toBe(0);
});
