/**
 * The tool-file journal: what a login writes into a deploy tool's file is undone exactly, byte for
 * byte when nobody touched the file since, and entry by entry when someone else changed it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spinWriter } from '../../src/core/formats/spin';
import { envWriter } from '../../src/core/formats/env';
import {
  rollbackToolFile,
  undoToolFile,
  writeToolFile,
  type FormatContext,
  type FormatWriter,
} from '../../src/core/toolfiles';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

/**
 * A fixture format that merges entries the way docker's `auths` or an .npmrc does: one `key=value`
 * line per target. It exists to drive the journal's merge-undo path, which is what is under test.
 */
const linesWriter: FormatWriter = {
  format: 'netrc',
  locate: (ctx) => ({ path: path.join(ctx.home, 'entries.conf') }),
  upsert(existing, ctx) {
    const lines = (existing ?? '').split('\n').filter(Boolean);
    const key = ctx.target.name;
    const at = lines.findIndex((l) => l.startsWith(`${key}=`));
    const previousEntry = at >= 0 ? lines[at]! : null;
    if (at >= 0) lines[at] = `${key}=${ctx.token}`;
    else lines.push(`${key}=${ctx.token}`);
    return { content: lines.join('\n') + '\n', key, previousEntry };
  },
  remove(existing, key, previousEntry) {
    if (!/^[a-z]+=/m.test(existing)) throw new Error('not our format');
    let lines = existing.split('\n').filter(Boolean);
    lines =
      previousEntry === null
        ? lines.filter((l) => !l.startsWith(`${key}=`))
        : lines.map((l) => (l.startsWith(`${key}=`) ? previousEntry : l));
    return { content: lines.length ? lines.join('\n') + '\n' : '', empty: lines.length === 0 };
  },
};

describe('tool files', () => {
  let home: string;
  const ctx = (name = 'default', token = 'tok-new', extra: Partial<FormatContext> = {}): FormatContext => ({
    target: { name, url: 'https://cloud.example.com', insecure: false, protocol: 'fermyon', options: {} },
    token,
    expiresAt: '2030-01-01T00:00:00.000Z',
    env: {},
    home,
    platform: 'linux',
    storeDir: path.join(home, 'store'),
    ...extra,
  });
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tool-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  describe('spin', () => {
    const spinFile = () => path.join(home, '.config', 'fermyon', 'config.json');

    it('writes the Spin connection 0600 at <config_dir>/fermyon/config.json, and <target>.json for others', async () => {
      const { journal } = await writeToolFile(spinWriter, ctx());
      expect(journal.path).toBe(spinFile());
      expect(mode(spinFile())).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(spinFile(), 'utf8'))).toEqual({
        url: 'https://cloud.example.com/',
        danger_accept_invalid_certs: false,
        token: 'tok-new',
        expiration: '2030-01-01T00:00:00.000Z',
      });
      // Key order as Spin serialises LoginConnection.
      expect(Object.keys(JSON.parse(fs.readFileSync(spinFile(), 'utf8')))).toEqual([
        'url',
        'danger_accept_invalid_certs',
        'token',
        'expiration',
      ]);
      const staging = await writeToolFile(spinWriter, ctx('staging'));
      expect(staging.journal.path).toBe(path.join(home, '.config', 'fermyon', 'staging.json'));
    });

    it('honours an absolute XDG_CONFIG_HOME', async () => {
      const xdg = path.join(home, 'xdg');
      const { journal } = await writeToolFile(
        spinWriter,
        ctx('default', 't', { env: { XDG_CONFIG_HOME: xdg } }),
      );
      expect(journal.path).toBe(path.join(xdg, 'fermyon', 'config.json'));
    });

    it('restores a pre-existing file byte for byte', async () => {
      const original = '{ "url":"https://old.example.com/",\t"token":"old"  }\r\n\n// odd bytes \u00e9';
      fs.mkdirSync(path.dirname(spinFile()), { recursive: true });
      fs.writeFileSync(spinFile(), original, { mode: 0o644 });
      const { journal } = await writeToolFile(spinWriter, ctx());
      expect(journal.original).toBe(Buffer.from(original).toString('base64'));
      expect(fs.readFileSync(spinFile(), 'utf8')).toContain('tok-new');
      await undoToolFile(spinWriter, journal);
      expect(fs.readFileSync(spinFile(), 'utf8')).toBe(original);
    });

    it('removes a file it created', async () => {
      const { journal } = await writeToolFile(spinWriter, ctx());
      expect(journal.original).toBeNull();
      await undoToolFile(spinWriter, journal);
      expect(fs.existsSync(spinFile())).toBe(false);
    });

    it('keeps the first original across re-logins, so logout restores what was there before any of them', async () => {
      fs.mkdirSync(path.dirname(spinFile()), { recursive: true });
      fs.writeFileSync(spinFile(), 'BEFORE');
      const first = await writeToolFile(spinWriter, ctx('default', 'tok-1'));
      const second = await writeToolFile(spinWriter, ctx('default', 'tok-2'), first.journal);
      expect(second.journal.original).toBe(first.journal.original);
      await undoToolFile(spinWriter, second.journal);
      expect(fs.readFileSync(spinFile(), 'utf8')).toBe('BEFORE');
    });

    it('rolls back one write, unless the file changed since', async () => {
      fs.mkdirSync(path.dirname(spinFile()), { recursive: true });
      fs.writeFileSync(spinFile(), 'BEFORE');
      const w = await writeToolFile(spinWriter, ctx());
      await rollbackToolFile(spinFile(), w.before, w.journal.writtenHash);
      expect(fs.readFileSync(spinFile(), 'utf8')).toBe('BEFORE');
      const w2 = await writeToolFile(spinWriter, ctx());
      fs.writeFileSync(spinFile(), 'SOMEONE ELSE');
      await rollbackToolFile(spinFile(), w2.before, w2.journal.writtenHash);
      expect(fs.readFileSync(spinFile(), 'utf8')).toBe('SOMEONE ELSE');
    });

    it('never writes through a symlinked tool file', async () => {
      const victim = path.join(home, 'victim');
      fs.writeFileSync(victim, 'keep');
      fs.mkdirSync(path.dirname(spinFile()), { recursive: true });
      fs.symlinkSync(victim, spinFile());
      await expect(writeToolFile(spinWriter, ctx())).rejects.toThrow(/is a symlink/);
      expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
    });
  });

  describe('merge-undo', () => {
    const file = () => path.join(home, 'entries.conf');

    it('takes out only its own entry when someone else changed the file since', async () => {
      fs.writeFileSync(file(), 'other=1\n');
      const { journal } = await writeToolFile(linesWriter, ctx('mine', 'tok-mine'));
      expect(fs.readFileSync(file(), 'utf8')).toBe('other=1\nmine=tok-mine\n');
      fs.appendFileSync(file(), 'later=2\n');
      await undoToolFile(linesWriter, journal);
      expect(fs.readFileSync(file(), 'utf8')).toBe('other=1\nlater=2\n');
    });

    it('puts back the entry it replaced', async () => {
      fs.writeFileSync(file(), 'mine=old-token\nother=1\n');
      const { journal } = await writeToolFile(linesWriter, ctx('mine', 'tok-new'));
      expect(journal.previousEntry).toBe('mine=old-token');
      fs.appendFileSync(file(), 'later=2\n');
      await undoToolFile(linesWriter, journal);
      expect(fs.readFileSync(file(), 'utf8')).toBe('mine=old-token\nother=1\nlater=2\n');
    });

    it('restores the exact original bytes when nobody touched the file', async () => {
      const original = 'other=1\n\n\n';
      fs.writeFileSync(file(), original);
      const { journal } = await writeToolFile(linesWriter, ctx('mine'));
      // The same digest node:crypto gives: journals written before the hash moved to @noble/hashes stay valid.
      const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
      expect(journal.writtenHash).toBe(sha256(fs.readFileSync(file(), 'utf8')));
      await undoToolFile(linesWriter, journal);
      expect(fs.readFileSync(file(), 'utf8')).toBe(original);
    });

    it('leaves a file alone that someone rewrote into something it cannot parse', async () => {
      const { journal } = await writeToolFile(linesWriter, ctx('mine'));
      fs.writeFileSync(file(), '### rewritten by hand ###\n');
      await undoToolFile(linesWriter, journal);
      expect(fs.readFileSync(file(), 'utf8')).toBe('### rewritten by hand ###\n');
    });

    it('does nothing when the file is already gone', async () => {
      const { journal } = await writeToolFile(linesWriter, ctx('mine'));
      fs.rmSync(file());
      await undoToolFile(linesWriter, journal);
      expect(fs.existsSync(file())).toBe(false);
    });
  });

  it('env: a dotenv file beside the store, quoted for dotenv readers and shells, with per-target variables', async () => {
    const { journal } = await writeToolFile(envWriter, ctx('eu-west', "it's"));
    expect(journal.path).toBe(path.join(home, 'store', 'eu-west.env'));
    expect(mode(journal.path)).toBe(0o600);
    expect(mode(path.dirname(journal.path))).toBe(0o700);
    const text = fs.readFileSync(journal.path, 'utf8');
    // dotenv has no escape inside single quotes: a value with ' goes in double quotes.
    expect(text).toContain(`DEPLOY_LOGIN_TOKEN="it's"\n`);
    expect(text).toContain(`DEPLOY_LOGIN_EU_WEST_TOKEN="it's"\n`);
    expect(text).toContain(`DEPLOY_LOGIN_EXPIRES_AT='2030-01-01T00:00:00.000Z'`);
    await undoToolFile(envWriter, journal);
    expect(fs.existsSync(journal.path)).toBe(false);
  });
});
