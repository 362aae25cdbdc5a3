/**
 * The CLI's entry (scripts/cli-entry.cjs → dist/cli/index.js) compiles its bundle with a V8 code
 * cache kept in a private per-user directory under TMPDIR. What must hold: the cache is written
 * only after a successful run (the first two of each command), 0600 in a 0700 directory; a directory that others could write (or
 * a symlink) is never used; a damaged cache is replaced, never trusted; no secret ends up in it;
 * and the CLI works the same with or without it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CANARY } from './helpers/canary';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { baseEnv, CLI, modeOf, NODE20, NODE24, runCli, runProcess } from './helpers/dist';

const uid = process.getuid!();

describe('the CLI code cache', () => {
  let tmp: string;
  let home: string;
  const cacheDir = () => path.join(tmp, `deploy-login-code-cache-${uid}`);
  /** `<bundle hash>-<length>-<version>-<arch>-<command>-<flag names hash>` → command. */
  const commandOf = (f: string) => f.split('-').at(-2);
  const cacheFiles = () => (fs.existsSync(cacheDir()) ? fs.readdirSync(cacheDir()).sort() : []);
  const env = (extra: NodeJS.ProcessEnv = {}) => baseEnv({ HOME: home, TMPDIR: tmp, ...extra });

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-codecache-'));
    home = path.join(tmp, 'home');
    fs.mkdirSync(home);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each([
    ['Node 24', NODE24],
    ['Node 20', NODE20],
  ])(
    '%s: a successful run writes one cache per command (0600 in 0700), the next run reuses it',
    async (_, node) => {
      expect((await runCli(['targets'], { env: env(), node })).code).toBe(0);
      const [first, ...more] = cacheFiles();
      expect(more).toEqual([]);
      expect(first).toMatch(
        new RegExp(`^[0-9a-f]{16}-\\d+-v\\d+\\.\\d+\\.\\d+-${process.arch}-targets-[0-9a-f]{8}$`),
      );
      expect(modeOf(cacheDir())).toBe(0o700);
      const file = path.join(cacheDir(), first!);
      expect(modeOf(file)).toBe(0o600);
      const firstRun = fs.readFileSync(file);
      expect(firstRun.length).toBeGreaterThan(1000);
      expect(firstRun[0]).toBe(1);

      // The second run writes the cache once more (generation 2), with what it compiled on top.
      expect((await runCli(['targets'], { env: env(), node })).code).toBe(0);
      const bytes = fs.readFileSync(file);
      expect(bytes[0]).toBe(2);
      expect(modeOf(file)).toBe(0o600);

      // From then on accepted and not rewritten (same bytes, same inode).
      const ino = fs.statSync(file).ino;
      const again = await runCli(['targets'], { env: env(), node });
      expect(again.code).toBe(0);
      expect(fs.statSync(file).ino).toBe(ino);
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);

      // Another command gets its own cache; anything that is not a command shares "other".
      expect((await runCli(['--version'], { env: env(), node })).code).toBe(0);
      expect(cacheFiles().map((f) => commandOf(f))).toEqual(['other', 'targets']);
    },
  );

  test('one cache per command and set of flag names: a --help or --json run never shares the plain run cache', async () => {
    const hashes = () => cacheFiles().map((f) => f.split('-').slice(-2).join('-'));
    expect((await runCli(['targets', '--help'], { env: env() })).code).toBe(0);
    expect((await runCli(['targets'], { env: env() })).code).toBe(0);
    expect((await runCli(['targets', '--json'], { env: env() })).code).toBe(0);
    const three = hashes();
    expect(three).toHaveLength(3);
    expect(three.every((h) => /^targets-[0-9a-f]{8}$/.test(h))).toBe(true);
    // The same flags again, in any order and form, find their caches.
    expect((await runCli(['targets', '--json', '-h'], { env: env() })).code).toBe(0);
    expect((await runCli(['targets', '--json=', '--json'], { env: env() })).code).toBe(2);
    expect((await runCli(['targets', '--json'], { env: env() })).code).toBe(0);
    expect(hashes()).toHaveLength(4);
  });

  test('a failed run writes no cache (it may have taken a short path)', async () => {
    const r = await runCli(['token'], { env: env() });
    expect(r.code).toBe(3);
    expect(cacheFiles()).toEqual([]);
  });

  test('a damaged cache is rejected and replaced; the command still works', async () => {
    expect((await runCli(['targets'], { env: env() })).code).toBe(0);
    const file = path.join(cacheDir(), cacheFiles()[0]!);
    const garbage = Buffer.alloc(fs.statSync(file).size, 0x5a);
    fs.writeFileSync(file, garbage);
    const r = await runCli(['targets'], { env: env() });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 0,
      stderr: 'No stored targets: run "deploy-login login".\n',
    });
    expect(fs.readFileSync(file).equals(garbage)).toBe(false);
    expect(modeOf(file)).toBe(0o600);
  });

  test('a cache directory others can write is not used, nor is a symlink', async () => {
    fs.mkdirSync(cacheDir(), { mode: 0o777 });
    fs.chmodSync(cacheDir(), 0o777);
    const r = await runCli(['targets'], { env: env() });
    expect(r.code).toBe(0);
    expect(cacheFiles()).toEqual([]);
    expect(modeOf(cacheDir())).toBe(0o777);

    fs.rmdirSync(cacheDir());
    const elsewhere = path.join(tmp, 'elsewhere');
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    fs.symlinkSync(elsewhere, cacheDir());
    expect((await runCli(['targets'], { env: env() })).code).toBe(0);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  // V8 runs whatever bytecode a cache holds: the file is judged itself, through the descriptor it
  // is read from, not only its directory (which another user may swap where TMPDIR allows it).
  test.each([
    ['readable by others', (f: string) => fs.chmodSync(f, 0o644)],
    ['with a second hard link', (f: string) => fs.linkSync(f, `${f}.other-link`)],
  ])('a cache file %s is not used: it is replaced by a new one of our own', async (_, spoil) => {
    for (let i = 0; i < 2; i++) expect((await runCli(['targets'], { env: env() })).code).toBe(0);
    const [name] = cacheFiles();
    const file = path.join(cacheDir(), name!);
    expect(fs.readFileSync(file)[0]).toBe(2);
    spoil(file);
    const ino = fs.statSync(file).ino;
    expect((await runCli(['targets'], { env: env() })).code).toBe(0);
    expect(fs.statSync(file).ino).not.toBe(ino);
    expect(fs.readFileSync(file)[0]).toBe(1);
    expect(modeOf(file)).toBe(0o600);
  });

  test('a TMPDIR that does not exist is not created (only the cache directory inside one is)', async () => {
    const missing = path.join(tmp, 'no-such', 'tmp');
    expect((await runCli(['targets'], { env: env({ TMPDIR: missing }) })).code).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'no-such'))).toBe(false);
  });

  test('an unusable TMPDIR only costs the cache', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    const r = await runCli(['targets'], { env: env({ TMPDIR: file }) });
    expect(r.code).toBe(0);
    const rel = await runCli(['targets'], { env: env({ TMPDIR: 'relative/dir' }) });
    expect(rel.code).toBe(0);
    expect(fs.existsSync('relative')).toBe(false);
  });

  test.each([
    ['with its code cache', () => env()],
    ['without one (no usable TMPDIR)', () => env({ TMPDIR: 'relative/dir' })],
  ])('the bundle lives as one string in the large-object space, %s', async (_, envOf) => {
    // The build writes the bundle already wrapped and >= 128 KiB (cliBundle in scripts/build.mjs),
    // so V8 keeps its source out of the young generation; wrapping it again at run time, or a
    // bundle under the limit, would show here as two copies or none. No collection runs
    // (a 16 MiB semi-space), so what the run allocated is all still there at exit.
    const probe = path.join(tmp, 'probe.cjs');
    const out = path.join(tmp, 'large-objects');
    fs.writeFileSync(
      probe,
      `process.on('exit', () => { const s = require('node:v8').getHeapSpaceStatistics(); ` +
        `require('node:fs').writeFileSync(${JSON.stringify(out)}, ` +
        `String(s.find((x) => x.space_name === 'new_large_object_space').space_used_size)); });`,
    );
    // Three runs: without a cache, writing it, and with it.
    for (let run = 0; run < 3; run++) {
      const r = await runProcess(NODE24, ['--min-semi-space-size=16', '-r', probe, CLI, '--version'], {
        env: envOf(),
      });
      expect(r.code).toBe(0);
      const bytes = Number(fs.readFileSync(out, 'utf8'));
      expect(bytes).toBeGreaterThanOrEqual(128 * 1024);
      expect(bytes).toBeLessThan(2 * 128 * 1024);
    }
    expect(fs.statSync(path.join(path.dirname(CLI), 'deploy-login.js')).size).toBeGreaterThan(128 * 1024);
  });

  test('caches of other builds are pruned once a week old; this build keeps its own', async () => {
    fs.mkdirSync(cacheDir(), { mode: 0o700 });
    const stale = path.join(cacheDir(), '0000000000000000-123-v24.0.0-x64-login');
    const fresh = path.join(cacheDir(), '1111111111111111-123-v24.0.0-x64-login');
    fs.writeFileSync(stale, 'x', { mode: 0o600 });
    fs.writeFileSync(fresh, 'x', { mode: 0o600 });
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(stale, eightDaysAgo, eightDaysAgo);
    expect((await runCli(['targets'], { env: env() })).code).toBe(0);
    const names = cacheFiles();
    expect(names).not.toContain(path.basename(stale));
    expect(names).toContain(path.basename(fresh));
    expect(names.filter((n) => commandOf(n) === 'targets')).toHaveLength(1);
  });

  describe('with secrets', () => {
    let target: DevTarget;
    beforeAll(async () => {
      target = await startDevTarget([], { DEV_TARGET_PASSWORD: CANARY.password });
    });
    afterAll(async () => {
      await target?.close();
    });

    test('no secret of a login ends up in its cache', async () => {
      // Twice: the second run writes the lasting cache, after a run that found a store.
      for (let i = 0; i < 2; i++) {
        const r = await runCli(
          ['login', '--url', target.url, '--username', 'ci-deployer', '--password-stdin'],
          {
            env: env(),
            stdin: CANARY.password + '\n',
          },
        );
        expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
      }
      const store = JSON.parse(
        fs.readFileSync(path.join(home, '.config', 'deploy-login', 'credentials.json'), 'utf8'),
      ) as { targets: { default: { token: string } } };
      const token = store.targets.default.token;
      const [file] = cacheFiles();
      expect(file).toMatch(/-login-[0-9a-f]{8}$/);
      const bytes = fs.readFileSync(path.join(cacheDir(), file!));
      expect(bytes[0]).toBe(2);
      for (const secret of [CANARY.password, token]) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
      }
    });
  });
});
