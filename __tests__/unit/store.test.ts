/** The credential store and its file primitives, on the real file system in a temp dir. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeployLoginError } from '../../src/core/errors';
import { withFileLock, writeFileAtomic } from '../../src/core/fsutil';
import {
  emptyStore,
  parseStore,
  pickTargetName,
  readStore,
  storePath,
  updateStore,
  type StoredTarget,
} from '../../src/core/store';
import { readStoreText, sealPath, sealStore } from '../../src/core/store-seal';
import { serializeStoreText } from '../../src/core/store-text';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

function entry(token: string): StoredTarget {
  return {
    url: 'https://deploy.example.com',
    protocol: 'oauth2',
    method: 'password',
    insecure: false,
    token,
    formats: [],
    loggedInAt: new Date(0).toISOString(),
    files: [],
  };
}

async function rejectionOf(p: Promise<unknown>): Promise<DeployLoginError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeployLoginError);
  return err as DeployLoginError;
}

/** The pid of a process that has certainly exited (and was reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-store-'));
    file = path.join(dir, 'cfg', 'deploy-login', 'credentials.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('path', () => {
    it('uses DEPLOY_LOGIN_CONFIG, then RUNNER_TEMP in Actions, then XDG_CONFIG_HOME, then ~/.config', () => {
      expect(
        storePath({ DEPLOY_LOGIN_CONFIG: 'rel/c.json', GITHUB_ACTIONS: 'true', RUNNER_TEMP: '/rt' }, '/h'),
      ).toBe(path.resolve('rel/c.json'));
      expect(storePath({ GITHUB_ACTIONS: 'true', RUNNER_TEMP: '/rt', XDG_CONFIG_HOME: '/x' }, '/h')).toBe(
        '/rt/deploy-login/credentials.json',
      );
      expect(storePath({ RUNNER_TEMP: '/rt', XDG_CONFIG_HOME: '/x' }, '/h')).toBe(
        '/x/deploy-login/credentials.json',
      );
      // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
      expect(storePath({ XDG_CONFIG_HOME: 'x' }, '/h')).toBe('/h/.config/deploy-login/credentials.json');
    });

    it('picks the target: explicit, DEPLOY_LOGIN_TARGET, current, default', () => {
      const data = { ...emptyStore(), current: 'cur' };
      expect(pickTargetName('flag', { DEPLOY_LOGIN_TARGET: 'env' }, data)).toBe('flag');
      expect(pickTargetName(undefined, { DEPLOY_LOGIN_TARGET: 'env' }, data)).toBe('env');
      expect(pickTargetName(undefined, {}, data)).toBe('cur');
      expect(pickTargetName(undefined, {}, emptyStore())).toBe('default');
    });
  });

  it('writes the store 0600 in a 0700 directory, as complete JSON', async () => {
    await updateStore(file, (d) => {
      d.targets.prod = entry('tok-1');
      d.current = 'prod';
    });
    expect(mode(file)).toBe(0o600);
    expect(mode(sealPath(file))).toBe(0o600);
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      version: 1,
      current: 'prod',
      targets: { prod: { token: 'tok-1' } },
    });
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['credentials.json', 'credentials.json.seal']);
  });

  it('reads a missing store as empty', async () => {
    expect(await readStore(file)).toEqual(emptyStore());
  });

  it('replaces the file atomically: a new inode, no temp file left, old content whole on failure', async () => {
    const plain = path.join(dir, 'plain.txt');
    await writeFileAtomic(plain, 'first\n');
    const ino = fs.statSync(plain).ino;
    await writeFileAtomic(plain, 'second\n');
    expect(fs.statSync(plain).ino).not.toBe(ino);
    expect(fs.readFileSync(plain, 'utf8')).toBe('second\n');
    expect(mode(plain)).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['plain.txt']);
    // A mutation that throws leaves the old store as it was.
    await updateStore(file, (d) => void (d.targets.a = entry('tok-a')));
    const before = fs.readFileSync(file, 'utf8');
    await expect(
      updateStore(file, (d) => {
        d.targets.b = entry('tok-b');
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['credentials.json', 'credentials.json.seal']);
  });

  it('writes a text given in parts whole, past what one writev takes (IOV_MAX parts)', async () => {
    const parts = Array.from({ length: 3000 }, (_, i) =>
      i % 2 ? `line ${i}\n` : Buffer.from(`bytes ${i}\n`),
    );
    const plain = path.join(dir, 'parts.txt');
    await writeFileAtomic(plain, parts);
    expect(fs.readFileSync(plain, 'utf8')).toBe(parts.map(String).join(''));
  });

  it('loses no update when many writers race (the lock serialises them)', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        updateStore(file, async (d) => void (d.targets[`t${i}`] = entry(`tok-${i}`))),
      ),
    );
    expect(Object.keys((await readStore(file)).targets).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `t${i}`).sort(),
    );
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it.each([
    ['{not json', /it is not valid JSON/],
    ['[]', /it is not a JSON object/],
    ['{"version":2,"targets":{}}', /unknown version 2, expected 1/],
    ['{"version":1,"targets":[]}', /"targets" is not an object/],
    ['{"version":1,"targets":{"x":{"url":"u"}}}', /target "x"/],
  ])('calls a corrupt store invalid input, naming the file: %s', async (text, why) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const err = await rejectionOf(readStore(file));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`The credential store ${file} cannot be read (`);
    expect(err.message).toMatch(why);
    expect(err.message).toMatch(/fix it, delete it, or run "deploy-login login" to replace it\.$/);
    // Never silently discarded: a plain update refuses, and the file is untouched.
    await rejectionOf(updateStore(file, () => undefined));
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('never quotes the corrupt content in the message (it may hold a token)', () => {
    expect(() => parseStore('{"token":"SECRET-abc", oops', '/s.json')).toThrow(/^(?!.*SECRET-abc)/);
  });

  it('lets login replace a corrupt store only after a warning that names it, keeping a backup', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{broken');
    const warnings: string[] = [];
    await updateStore(file, (d) => void (d.targets.a = entry('tok-a')), {
      replaceCorrupt: (m) => warnings.push(m),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^The credential store ${file.replace(/[.]/g, '\\.')} cannot be read \\(it is not valid JSON\\); it was moved to .*corrupt-\\d+ and a new store started\\.$`,
      ),
    );
    const backup = fs.readdirSync(path.dirname(file)).find((f) => f.includes('.corrupt-'))!;
    expect(fs.readFileSync(path.join(path.dirname(file), backup), 'utf8')).toBe('{broken');
    expect((await readStore(file)).targets.a?.token).toBe('tok-a');
  });

  it('never writes through a symlink', async () => {
    const elsewhere = path.join(dir, 'elsewhere.json');
    fs.writeFileSync(elsewhere, 'precious\n');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.symlinkSync(elsewhere, file);
    const err = await rejectionOf(writeFileAtomic(file, 'token'));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      `${file} is a symlink; deploy-login never writes credentials through a symlink: remove it.`,
    );
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('precious\n');
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
  });

  it('refuses a file where a directory should be as invalid input', async () => {
    fs.writeFileSync(path.join(dir, 'cfg'), 'a file');
    const err = await rejectionOf(writeFileAtomic(file, 'x'));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      `${path.dirname(file)} cannot be created: part of its path is a file: move it away.`,
    );
  });

  describe('seal', () => {
    const targets = (n: number) => {
      const t: Record<string, StoredTarget> = Object.create(null) as Record<string, StoredTarget>;
      for (let i = 0; i < n; i++) t[`t${i}`] = entry(`tok-${i}`);
      return t;
    };
    /** A store in our layout whose target t3 is broken JSON, sealed as if we had written it. */
    async function sealedWithBrokenLine(): Promise<string> {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const text = serializeStoreText({ version: 1, current: 't0', targets: targets(6) });
      const broken = text.replace('"t3":{', '"t3":{oops');
      fs.writeFileSync(file, broken, { mode: 0o600 });
      await sealStore(file);
      return broken;
    }

    it('is written with every update, and vouches for the store until it changes', async () => {
      await updateStore(file, (d) => void Object.assign(d.targets, targets(3)));
      expect((await readStoreText(file))?.sealed).toBe(true);
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text); // same bytes, written again: a new ctime
      expect((await readStoreText(file))?.sealed).toBe(false);
      await updateStore(file, (d) => void (d.targets.t1 = entry('fresh')), {
        only: () => 't1',
        sparse: true,
      });
      expect((await readStoreText(file))?.sealed).toBe(true);
    });

    it('lets a one-target command read only that line and the current one', async () => {
      await sealedWithBrokenLine();
      const one = await readStore(file, () => 't5');
      expect(Object.keys(one.targets).sort()).toEqual(['t0', 't5']);
      expect(one.targets.t5?.token).toBe('tok-5');
      // Commands that read every entry still parse the whole store, and say it is broken.
      expect((await rejectionOf(readStore(file))).message).toMatch(/cannot be read \(it is not valid JSON\)/);
    });

    it('is not trusted once the store was changed in place, even keeping its size', async () => {
      await updateStore(file, (d) => void Object.assign(d.targets, targets(6)));
      const text = fs.readFileSync(file, 'utf8');
      // Past any coarse file-system clock tick, so only the seal's logic can tell the change.
      await new Promise((r) => setTimeout(r, 30));
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, '{oo', text.indexOf('"t3":{') + 6);
      fs.closeSync(fd);
      expect(fs.statSync(file).size).toBe(Buffer.byteLength(text));
      expect((await rejectionOf(readStore(file, () => 't5'))).message).toMatch(/not valid JSON/);
      expect(
        (await rejectionOf(updateStore(file, () => undefined, { only: () => 't5', sparse: true }))).exitCode,
      ).toBe(2);
    });

    it('is not trusted for another file put in the store place', async () => {
      const broken = await sealedWithBrokenLine();
      const other = `${file}.new`;
      fs.writeFileSync(other, broken, { mode: 0o600 });
      fs.renameSync(other, file);
      expect((await rejectionOf(readStore(file, () => 't5'))).message).toMatch(/not valid JSON/);
    });

    it('edits just the changed lines of a sealed store and keeps every other entry', async () => {
      const broken = await sealedWithBrokenLine();
      await updateStore(
        file,
        (d) => {
          expect(Object.keys(d.targets).sort()).toEqual(['t0', 't1']);
          d.targets.t1 = entry('fresh');
          d.targets.extra = entry('tok-extra');
          d.current = 'extra';
        },
        { only: () => ['t1', 'extra'], sparse: true },
      );
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines[0]).toBe('{"version":1,"current":"extra","targets":{');
      expect(lines.find((l) => l.startsWith('"t3":'))).toBe(
        broken.split('\n').find((l) => l.startsWith('"t3":')),
      );
      expect(lines.find((l) => l.startsWith('"t1":'))).toContain('"token":"fresh"');
      expect(lines.at(-3)).toMatch(/^"extra":\{.*"token":"tok-extra".*\}$/);
    });

    it('writes a store in another layout back whole in ours, sealed', async () => {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const data = { version: 1 as const, current: 't0', targets: targets(4) };
      fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
      await updateStore(file, (d) => void (d.targets.t2 = entry('fresh')), {
        only: () => 't2',
        sparse: true,
      });
      data.targets.t2 = entry('fresh');
      expect(fs.readFileSync(file, 'utf8')).toBe(serializeStoreText(data));
      expect((await readStoreText(file))?.sealed).toBe(true);
    });

    it('is rewritten in place at a fixed width, whatever the file held before', async () => {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(sealPath(file), 'x'.repeat(300));
      await updateStore(file, (d) => void (d.targets.a = entry('tok-a')));
      const ino = fs.statSync(sealPath(file)).ino;
      expect(fs.readFileSync(sealPath(file), 'utf8')).toMatch(/^(\d{20} ){4}\d{20}\n$/);
      expect((await readStoreText(file))?.sealed).toBe(true);
      await updateStore(file, (d) => void (d.targets.b = entry('tok-b')), { only: () => 'b', sparse: true });
      expect(fs.statSync(sealPath(file)).ino).toBe(ino);
      expect((await readStoreText(file))?.sealed).toBe(true);
    });

    it('leaves the store correct and unsealed when the seal cannot be written', async () => {
      fs.mkdirSync(sealPath(file), { recursive: true });
      await updateStore(file, (d) => void (d.targets.a = entry('tok-a')));
      expect((await readStoreText(file))?.sealed).toBe(false);
      expect((await readStore(file, () => 'a')).targets.a?.token).toBe('tok-a');
    });
  });

  describe('lock', () => {
    it('breaks a lock whose owner died (SIGKILL) at once', async () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.lock`, `${deadPid()}:abcdef`);
      const started = Date.now();
      await updateStore(file, (d) => void (d.targets.a = entry('tok-a')), {});
      expect(Date.now() - started).toBeLessThan(2000);
      expect(fs.existsSync(`${file}.lock`)).toBe(false);
      expect((await readStore(file)).targets.a).toBeDefined();
    });

    it('waits for a live owner, then says which lock file to delete', async () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Held by a live process (this one), fresh: not stale.
      fs.writeFileSync(`${file}.lock`, `${process.pid}:someone-else`);
      const err = await rejectionOf(
        withFileLock(file, async () => 'never', { timeoutMs: 150, staleMs: 60_000 }),
      );
      expect(err.exitCode).toBe(2);
      expect(err.message).toBe(
        `${file} is locked by another deploy-login process (lock file ${file}.lock); if none is running, delete the lock file.`,
      );
      expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(`${process.pid}:someone-else`);
    });

    it('breaks a lock older than the stale limit even if the pid is alive', async () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.lock`, `${process.pid}:old`);
      const old = new Date(Date.now() - 120_000);
      fs.utimesSync(`${file}.lock`, old, old);
      expect(await withFileLock(file, async () => 'got it', { timeoutMs: 2000, staleMs: 60_000 })).toBe(
        'got it',
      );
    });

    it('breaks an empty lock (its writer killed before naming itself) once it is a few seconds old', async () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.lock`, '');
      // Fresh, it may be a live writer's between creating and filling it: waited for.
      await expect(
        withFileLock(file, async () => 'never', { timeoutMs: 150, staleMs: 60_000 }),
      ).rejects.toThrow(/is locked by another deploy-login process/);
      const old = new Date(Date.now() - 5_000);
      fs.utimesSync(`${file}.lock`, old, old);
      // Well inside the stale limit, yet broken: an empty lock names no owner to wait for.
      expect(await withFileLock(file, async () => 'got it', { timeoutMs: 1000, staleMs: 60_000 })).toBe(
        'got it',
      );
    });

    it('releases the lock when the work throws', async () => {
      await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(fs.existsSync(`${file}.lock`)).toBe(false);
    });
  });
});
