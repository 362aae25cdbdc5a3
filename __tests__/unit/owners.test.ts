/**
 * The ledger of owners beside a shared tool file (src/core/owners.ts), driven through
 * writeToolFile/undoToolFile with the real docker writer: runs with different stores stacking
 * entries under one key, an entry written over by something outside deploy-login, a re-login on
 * top of itself, and the entries of a run that will never log out.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dockerWriter } from '../../src/core/formats/docker';
import { ledgerPath } from '../../src/core/owners';
import { updateStore } from '../../src/core/store';
import { ownerOf, undoToolFile, writeToolFile, type FormatContext } from '../../src/core/toolfiles';

describe('owners of a shared tool file', () => {
  let home: string;
  const config = () => path.join(home, '.docker', 'config.json');
  const auth = (user: string, token: string) => ({
    auth: Buffer.from(`${user}:${token}`).toString('base64'),
  });
  const entry = () => JSON.parse(fs.readFileSync(config(), 'utf8')).auths['ghcr.io'];
  const ctx = (store: string, name: string, token: string): FormatContext => ({
    target: { name, url: 'https://ghcr.io', insecure: false, protocol: 'oauth2', options: {} },
    token,
    username: 'ci',
    env: {},
    home,
    platform: 'linux',
    storeDir: path.join(home, store),
  });
  const owner = (store: string, name: string) => ownerOf(path.join(home, store, 'credentials.json'), name);
  const login = (store: string, token: string, name = 'deploy') =>
    writeToolFile(dockerWriter, ctx(store, name, token), undefined, owner(store, name));

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-owners-'));
    fs.mkdirSync(path.join(home, '.docker'));
    fs.writeFileSync(
      config(),
      JSON.stringify({ auths: { 'ghcr.io': auth('me', 'mine') } }, null, '\t') + '\n',
    );
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it.each([
    ['a', 'b', 'c'],
    ['b', 'a', 'c'],
    ['c', 'b', 'a'],
    ['b', 'c', 'a'],
  ])(
    'three runs stacked on one key leave in the order %s, %s, %s: the rest keep theirs, the user gets theirs back',
    async (...order) => {
      const j: Record<string, Awaited<ReturnType<typeof login>>['journal']> = {};
      for (const run of ['a', 'b', 'c']) j[run] = (await login(`store-${run}`, `tok-${run}`)).journal;
      const alive = new Set(['a', 'b', 'c']);
      for (const run of order) {
        await undoToolFile(dockerWriter, j[run]!, owner(`store-${run}`, 'deploy'));
        alive.delete(run);
        // The entry in the file is the newest run still logged in; once all left, the user's own.
        const newest = ['c', 'b', 'a'].find((r) => alive.has(r));
        expect(entry()).toEqual(newest ? auth('ci', `tok-${newest}`) : auth('me', 'mine'));
      }
      expect(fs.existsSync(ledgerPath(config()))).toBe(false);
    },
  );

  it('reads a ledger under the previous name (.json), and replaces it by the new name', async () => {
    const a = await login('store-a', 'tok-a');
    const b = await login('store-b', 'tok-b');
    // As the previous version left it: the same ledger, named .config.json.deploy-login.json.
    expect(path.basename(ledgerPath(config()))).toBe('.config.json.deploy-login');
    const legacy = `${ledgerPath(config())}.json`;
    fs.renameSync(ledgerPath(config()), legacy);
    // a leaves first: without the ledger b would later put a's token back (b's journal says so).
    await undoToolFile(dockerWriter, a.journal, owner('store-a', 'deploy'));
    expect(entry()).toEqual(auth('ci', 'tok-b'));
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.existsSync(ledgerPath(config()))).toBe(true);
    await undoToolFile(dockerWriter, b.journal, owner('store-b', 'deploy'));
    expect(entry()).toEqual(auth('me', 'mine'));
    expect(fs.readdirSync(path.dirname(config()))).toEqual(['config.json']);
  });

  it('leaves an entry that something outside deploy-login wrote over ours (a manual docker login)', async () => {
    const { journal } = await login('store-a', 'tok-a');
    const text = JSON.parse(fs.readFileSync(config(), 'utf8'));
    text.auths['ghcr.io'] = auth('me', 'typed-by-hand');
    fs.writeFileSync(config(), JSON.stringify(text, null, '\t') + '\n');
    await undoToolFile(dockerWriter, journal, owner('store-a', 'deploy'));
    expect(entry()).toEqual(auth('me', 'typed-by-hand'));
    // Undoing twice (a retried logout) never puts anything back either.
    await undoToolFile(dockerWriter, journal, owner('store-a', 'deploy'));
    expect(entry()).toEqual(auth('me', 'typed-by-hand'));
  });

  it('a re-login on top of its own entry keeps what was there before the first one', async () => {
    const first = await login('store-a', 'tok-1');
    await login('store-b', 'tok-b');
    const again = await writeToolFile(
      dockerWriter,
      ctx('store-a', 'deploy', 'tok-2'),
      first.journal,
      owner('store-a', 'deploy'),
    );
    expect(entry()).toEqual(auth('ci', 'tok-2'));
    // a re-logged in over b: b's entry is what a leaves behind; b leaving restores the user's.
    await undoToolFile(dockerWriter, again.journal, owner('store-a', 'deploy'));
    expect(entry()).toEqual(auth('ci', 'tok-b'));
    const b = JSON.parse(fs.readFileSync(ledgerPath(config()), 'utf8'));
    expect(b.keys['ghcr.io']).toHaveLength(1);
  });

  it('takes out the entry of a run that will never log out (its store is gone), once it is old', async () => {
    await login('store-dead', 'tok-dead');
    // A fresh record is left alone: its login may still be writing its store.
    await login('store-live', 'tok-live', 'other');
    let ledger = JSON.parse(fs.readFileSync(ledgerPath(config()), 'utf8'));
    expect(ledger.keys['ghcr.io'].map((r: { owner: string }) => r.owner)).toEqual([
      owner('store-dead', 'deploy'),
      owner('store-live', 'other'),
    ]);
    // An hour later, the dead run's store still does not exist.
    ledger.keys['ghcr.io'][0].at = new Date(Date.now() - 3_600_000).toISOString();
    fs.writeFileSync(ledgerPath(config()), JSON.stringify(ledger));
    const live = await login('store-live', 'tok-live-2', 'other');
    ledger = JSON.parse(fs.readFileSync(ledgerPath(config()), 'utf8'));
    expect(ledger.keys['ghcr.io'].map((r: { owner: string }) => r.owner)).toEqual([
      owner('store-live', 'other'),
    ]);
    // The live run now sits directly on the user's entry: leaving puts that back, not the dead token.
    await undoToolFile(dockerWriter, live.journal, owner('store-live', 'other'));
    expect(entry()).toEqual(auth('me', 'mine'));
  });

  it('keeps an old entry whose store still lists it, or cannot be read, and takes out one its store dropped', async () => {
    const storeFile = (store: string) => path.join(home, store, 'credentials.json');
    const listing = (store: string, name: string, files: string[]) =>
      updateStore(storeFile(store), (d) => {
        d.targets[name] = {
          url: 'https://ghcr.io',
          protocol: 'oauth2',
          method: 'password',
          insecure: false,
          token: 't',
          formats: ['docker'],
          loggedInAt: new Date(0).toISOString(),
          files: files.map((p) => ({
            format: 'docker',
            path: p,
            key: 'ghcr.io',
            previousEntry: null,
            original: null,
            writtenHash: '',
          })),
        };
      });
    await login('store-kept', 'tok-kept');
    await listing('store-kept', 'deploy', [config()]);
    await login('store-dropped', 'tok-dropped');
    await listing('store-dropped', 'deploy', []);
    await listing('store-dropped', 'other', [config()]);
    await login('store-broken', 'tok-broken');
    fs.mkdirSync(path.dirname(storeFile('store-broken')));
    fs.writeFileSync(storeFile('store-broken'), '{not json');
    let ledger = JSON.parse(fs.readFileSync(ledgerPath(config()), 'utf8'));
    for (const r of ledger.keys['ghcr.io']) r.at = new Date(Date.now() - 3_600_000).toISOString();
    fs.writeFileSync(ledgerPath(config()), JSON.stringify(ledger));
    await login('store-live', 'tok-live');
    ledger = JSON.parse(fs.readFileSync(ledgerPath(config()), 'utf8'));
    expect(ledger.keys['ghcr.io'].map((r: { owner: string }) => r.owner)).toEqual([
      owner('store-kept', 'deploy'),
      owner('store-broken', 'deploy'),
      owner('store-live', 'deploy'),
    ]);
  });
});
