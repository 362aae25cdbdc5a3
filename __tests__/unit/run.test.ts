/** runDeploy runs real child processes (node scripts) and classifies how they end. */
import { SecretRegistry } from '../../src/core/redact';
import { DeployLoginError } from '../../src/core/errors';
import {
  NEEDS_LOGIN_PATTERNS,
  NON_INTERACTIVE_ENV,
  compilePatterns,
  runDeploy,
  type RunOptions,
} from '../../src/core/run';

const NODE = process.execPath;

async function run(script: string, opts: Partial<RunOptions> = {}) {
  let out = '';
  let err = '';
  const result = await runDeploy({
    command: [NODE, '-e', script],
    env: { PATH: process.env.PATH },
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    ...opts,
  });
  return { ...result, out, err };
}

describe('runDeploy', () => {
  it('succeeds with exit 0 and streams the output', async () => {
    const r = await run(`console.log('deployed'); console.error('note')`);
    expect(r).toMatchObject({
      outcome: 'success',
      exitCode: 0,
      commandExitCode: 0,
      signal: null,
      timedOut: false,
    });
    expect(r.out).toBe('deployed\n');
    expect(r.err).toBe('note\n');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('calls a failure with a needs-login message (on stderr) needs-login, exit 3', async () => {
    const r = await run(`console.error('Error: HTTP/1.1 401 Unauthorized'); process.exit(1)`);
    expect(r).toMatchObject({ outcome: 'needs-login', exitCode: 3, commandExitCode: 1 });
    expect(r.reason).toMatch(/^output matched \//);
  });

  it.each([
    'npm error code E401',
    'unauthorized: authentication required',
    'error: You must be logged in to the server (Unauthorized)',
    "fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
    'curl: (22) The requested URL returned error: 401',
    'Error: Run `spin login` to log in',
  ])('knows the tool message %j', async (line) => {
    const r = await run(`process.stdout.write(${JSON.stringify(line + '\n')}); process.exit(1)`);
    expect(r.exitCode).toBe(3);
  });

  it('calls any other failure deploy-failed, exit 4, keeping the command exit code', async () => {
    const r = await run(`console.error('Error: HTTP 500 deploy exploded'); process.exit(17)`);
    expect(r).toMatchObject({ outcome: 'deploy-failed', exitCode: 4, commandExitCode: 17 });
    expect(r.reason).toBeUndefined();
  });

  it('ignores a needs-login message when the command succeeds', async () => {
    expect((await run(`console.log('401 Unauthorized, retried with a fresh token: ok')`)).exitCode).toBe(0);
  });

  it('classifies by the user pattern and the user exit codes', async () => {
    const byPattern = await run(`console.log('ticket expired for deployer'); process.exit(1)`, {
      needsLoginPatterns: compilePatterns(['ticket expired']),
    });
    expect(byPattern).toMatchObject({ exitCode: 3, reason: 'output matched /ticket expired/' });
    const byCode = await run(`process.exit(77)`, { needsLoginExitCodes: [77] });
    expect(byCode).toMatchObject({ exitCode: 3, reason: 'exit code 77' });
    expect((await run(`process.exit(78)`, { needsLoginExitCodes: [77] })).exitCode).toBe(4);
  });

  it('finds a message split across chunks', async () => {
    const r = await run(
      `process.stdout.write('401 Unauth'); setTimeout(() => { process.stdout.write('orized\\n'); process.exit(2) }, 80)`,
    );
    expect(r.exitCode).toBe(3);
  });

  it('runs the command with stdin closed and prompts disabled', async () => {
    const r = await run(
      `let n = 0; process.stdin.on('data', (c) => (n += c.length)); process.stdin.on('end', () => { console.log('eof after ' + n + ' bytes', process.env.GIT_TERMINAL_PROMPT); });`,
    );
    expect(r.exitCode).toBe(0);
    expect(r.out).toBe('eof after 0 bytes 0\n');
    expect(NON_INTERACTIVE_ENV.GIT_TERMINAL_PROMPT).toBe('0');
  });

  it('passes the child its variables and no shell: metacharacters stay literal', async () => {
    let out = '';
    const r = await runDeploy({
      command: [NODE, '-e', 'console.log(process.argv[1], process.env.DEPLOY_LOGIN_TOKEN)', '$HOME;echo hi'],
      env: { PATH: process.env.PATH },
      childEnv: { DEPLOY_LOGIN_TOKEN: 'tok-child' },
      stdout: (t) => (out += t),
      stderr: () => undefined,
    });
    expect(r.exitCode).toBe(0);
    expect(out).toBe('$HOME;echo hi tok-child\n');
  });

  it('redacts the output it streams, even a secret split across chunks', async () => {
    let out = '';
    await runDeploy({
      command: [
        NODE,
        '-e',
        `process.stdout.write('tok: SEC'); setTimeout(() => console.log('RET-123 done'), 30)`,
      ],
      env: { PATH: process.env.PATH },
      stdout: (t) => (out += t),
      stderr: () => undefined,
      redact: (t) => t.split('SECRET-123').join('***'),
    });
    expect(out).toBe('tok: *** done\n');
  });

  it('masks a secret written in two pieces with a pause longer than the early flush of a prompt', async () => {
    const secrets = new SecretRegistry();
    secrets.add('SECRET-123');
    let out = '';
    const pieces: string[] = [];
    await runDeploy({
      command: [
        NODE,
        '-e',
        `process.stdout.write('tok: SEC'); setTimeout(() => console.log('RET-123 done'), 300)`,
      ],
      env: { PATH: process.env.PATH },
      stdout: (t) => {
        out += t;
        pieces.push(t);
      },
      stderr: () => undefined,
      redact: (t) => secrets.redact(t),
      pendingSecret: (t) => secrets.pendingPrefix(t),
    });
    expect(out).toBe('tok: *** done\n');
    // The part that cannot be a secret was still shown early, on its own.
    expect(pieces[0]).toBe('tok: ');
  });

  it('stops a command that overruns its timeout: deploy failed, timed out', async () => {
    const r = await run(`setTimeout(() => {}, 60000)`, { timeoutMs: 200 });
    expect(r).toMatchObject({ outcome: 'deploy-failed', exitCode: 4, timedOut: true, signal: 'SIGTERM' });
    expect(r.durationMs).toBeLessThan(5000);
  });

  it('calls a missing command invalid input (exit 2), naming it', async () => {
    const err = await runDeploy({
      command: ['deploy-tool-that-does-not-exist', 'x'],
      env: { PATH: process.env.PATH },
      stdout: () => undefined,
      stderr: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployLoginError);
    expect((err as DeployLoginError).exitCode).toBe(2);
    expect((err as Error).message).toBe(
      'run: the command "deploy-tool-that-does-not-exist" was not found on PATH.',
    );
  });

  it('refuses an empty command and a bad pattern as invalid input', async () => {
    await expect(
      runDeploy({ command: [], env: {}, stdout: () => undefined, stderr: () => undefined }),
    ).rejects.toMatchObject({ exitCode: 2 });
    expect(() => compilePatterns(['(unclosed'])).toThrow(
      '--needs-login-pattern "(unclosed" is not a valid regular expression.',
    );
  });

  it('has no needs-login pattern that matches a plain deploy failure', () => {
    const failures = [
      'Error: deploy exploded (HTTP 500)',
      'ENOSPC: no space left on device',
      'npm error code E404',
      'exit status 1',
    ];
    for (const line of failures) expect(NEEDS_LOGIN_PATTERNS.filter((p) => p.test(line))).toEqual([]);
  });
});
