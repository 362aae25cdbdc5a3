/**
 * Crash safety (issue 6.2): processes that write the store and tool files through the built
 * library are killed with SIGKILL at random moments, two at a time on the same files, at least 200
 * times. After every kill, every file is a whole old or new version that parses (tokens are
 * self-checking, so a torn or mixed write cannot pass), modes stay 0600/0700, and the next process
 * is not blocked by what the dead one left (its lock). After the last round, one more ordinary
 * write leaves no temp, lock or draft files behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LITTER_MIN_AGE_MS } from '../src/core/fsutil';
import { parseStore } from '../src/core/store';
import { sealOf } from '../src/core/store-seal';
import { readHead, readMember } from '../src/core/store-text';
import { DIST } from './helpers/dist';

const LIB = path.join(DIST, 'lib', 'index.js');
const DRIVER = path.join(__dirname, 'helpers', 'crash-driver.mjs');
const LANES = 4;
const ROUNDS_PER_LANE = 26; // x 2 drivers per round x 4 lanes = 208 kills
const MAX_DELAY_MS = 60;

const tokenFor = (n: number) =>
  `tok-${n}-${createHash('sha256').update(String(n)).digest('hex').slice(0, 12)}`;
const TOKEN = /tok-(\d+)-([0-9a-f]{12})/g;
/** The user's own Spin login, there before any of ours: logout must put it back whole. */
const USERS_OWN =
  JSON.stringify(
    { url: 'https://cloud.fermyon.com/', danger_accept_invalid_certs: false, token: 'users-own-token' },
    null,
    2,
  ) + '\n';

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p + '/', ...walk(p)] : [p];
  });
}

const isLitter = (p: string) => /(\.tmp$|\.lock$|\.lock\.|\.stale\.)/.test(path.basename(p));

/** Every token in the text is one the driver wrote whole. */
function checkTokens(p: string, text: string, problems: string[]) {
  for (const m of text.matchAll(TOKEN)) {
    if (tokenFor(Number(m[1])) !== m[0]) problems.push(`${p}: torn token ${m[0]}`);
  }
}

/**
 * A seal (src/core/store-seal.ts) is empty (killed as it was written) or one line of numbers; when
 * it matches the store as it is now, reading the store line by line must give what parsing it
 * whole gives, for every target: the seal must never vouch for a store it did not see written.
 */
let sealedStoresRead = 0;
function checkSeal(p: string, seal: string, problems: string[]) {
  if (seal !== '' && !/^(\d{20} ){4}\d{20}\n$/.test(seal)) problems.push(`${p}: not a seal`);
  const store = p.slice(0, -'.seal'.length);
  if (!fs.existsSync(store)) return;
  const st = fs.statSync(store, { bigint: true });
  if (seal !== sealOf(st)) return;
  sealedStoresRead++;
  const bytes = fs.readFileSync(store);
  const whole = JSON.parse(bytes.toString()) as { targets: Record<string, unknown> };
  if (readHead(bytes).version !== 1) problems.push(`${p}: sealed store without its first line`);
  for (const [name, entry] of Object.entries(whole.targets))
    if (JSON.stringify(readMember(bytes, name)) !== JSON.stringify(entry))
      problems.push(`${p}: sealed store reads ${name} otherwise line by line`);
}

/** Every file is a whole version that parses; litter (a dead writer's temp file or lock) is reported apart. */
function verify(dir: string): { problems: string[]; litter: string[] } {
  const problems: string[] = [];
  const litter: string[] = [];
  for (const p of walk(dir)) {
    const mode = fs.statSync(p).mode & 0o777;
    if (p.endsWith('/')) {
      if (mode !== 0o700 && !p.endsWith('/home/')) problems.push(`${p} has mode ${mode.toString(8)}`);
      continue;
    }
    if (isLitter(p)) {
      litter.push(p);
      continue;
    }
    if (mode !== 0o600) problems.push(`${p} has mode ${mode.toString(8)}`);
    const text = fs.readFileSync(p, 'utf8');
    try {
      if (p.endsWith('credentials.json')) {
        const data = parseStore(text, p);
        for (const [name, t] of Object.entries(data.targets)) {
          if (tokenFor(Number(/^tok-(\d+)-/.exec(t.token)?.[1])) !== t.token)
            problems.push(`${p}: ${name} has torn token`);
        }
      } else if (p.endsWith('credentials.json.seal')) {
        checkSeal(p, text, problems);
      } else if (p.endsWith('.deploy-login')) {
        // A tool file's ledger of owners (src/core/owners.ts), written beside it under its lock.
        const ledger = JSON.parse(text) as { version?: unknown; keys?: unknown };
        if (ledger.version !== 1 || typeof ledger.keys !== 'object') problems.push(`${p}: not a ledger`);
      } else if (p.endsWith('.json')) {
        const spin = JSON.parse(text) as { token?: unknown; url?: unknown };
        if (typeof spin.token !== 'string' || typeof spin.url !== 'string')
          problems.push(`${p}: not a Spin connection`);
        else if (
          spin.token !== 'users-own-token' &&
          tokenFor(Number(/^tok-(\d+)-/.exec(spin.token)?.[1])) !== spin.token
        )
          problems.push(`${p}: torn token`);
      } else if (p.endsWith('.env')) {
        for (const line of text.split('\n').filter(Boolean)) {
          if (!/^[A-Z0-9_]+='[^']*'$/.test(line)) problems.push(`${p}: bad line ${line.slice(0, 40)}`);
        }
        if (text && !text.endsWith('\n')) problems.push(`${p}: cut short`);
      } else {
        problems.push(`${p}: unexpected file`);
      }
    } catch (err) {
      problems.push(`${p}: ${(err as Error).message}`);
    }
    checkTokens(p, text, problems);
  }
  return { problems, litter };
}

function startDriver(
  dir: string,
  first: number,
  once = false,
): { child: ChildProcess; ready: Promise<void>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [DRIVER, LIB, dir, String(first), ...(once ? ['--once'] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`driver exited ${code} before ready: ${err}`)));
  });
  ready.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      if (code && !signal && err) process.stderr.write(`driver: ${err}\n`);
      resolve(code);
    }),
  );
  return { child, ready, exit };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LaneReport {
  kills: number;
  litterAfterKill: number;
  problems: string[];
  slowestNext: number;
  slowWith: string[];
}

async function lane(dir: string, laneNo: number): Promise<LaneReport> {
  const report: LaneReport = { kills: 0, litterAfterKill: 0, problems: [], slowestNext: 0, slowWith: [] };
  fs.mkdirSync(path.join(dir, 'cfg', 'fermyon'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, 'cfg', 'fermyon', 'config.json'), USERS_OWN, { mode: 0o600 });
  let n = laneNo * 1_000_000;
  for (let round = 0; round < ROUNDS_PER_LANE; round++) {
    const drivers = [startDriver(dir, (n += 10_000)), startDriver(dir, (n += 10_000))];
    await Promise.all(
      drivers.map(async (d) => {
        await d.ready;
        await sleep(Math.random() * MAX_DELAY_MS);
        d.child.kill('SIGKILL');
        await d.exit;
        report.kills++;
      }),
    );
    const { problems, litter } = verify(dir);
    if (litter.length) report.litterAfterKill++;
    report.problems.push(...problems.map((p) => `round ${round}: ${p}`));
    // The next writer must not be held up by the dead ones' lock (a 20 s stale timeout would show).
    const started = Date.now();
    const next = startDriver(dir, (n += 10_000), true);
    const code = await next.exit;
    report.slowestNext = Math.max(report.slowestNext, Date.now() - started);
    if (Date.now() - started > 2000)
      report.slowWith.push(
        litter.map((p) => `${path.basename(p)}=${JSON.stringify(fs.existsSync(p) ? '' : 'gone')}`).join(' '),
      );
    if (code !== 0) report.problems.push(`round ${round}: the next writer exited ${code}`);
  }
  return report;
}

test('SIGKILL during store and tool-file writes never leaves a torn file', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-crash-'));
  try {
    const started = Date.now();
    const reports = await Promise.all(
      Array.from({ length: LANES }, (_, i) => lane(path.join(root, `lane${i}`), i + 1)),
    );
    const kills = reports.reduce((a, r) => a + r.kills, 0);
    const problems = reports.flatMap((r) => r.problems);
    // Ordinary logins to every target after the last kill (once the litter is older than the sweep's
    // age guard) break the dead writers' locks and sweep up their temp files.
    await sleep(LITTER_MIN_AGE_MS + 100);
    const leftovers: string[] = [];
    for (let i = 0; i < LANES; i++) {
      const dir = path.join(root, `lane${i}`);
      // n % 3 picks the target, n % 7 === 6 would log out: these three log in to each target once.
      for (const n of [9_999_990, 9_999_991, 9_999_992]) expect(await startDriver(dir, n, true).exit).toBe(0);
      const { problems: p, litter } = verify(dir);
      problems.push(...p);
      leftovers.push(...litter);
    }
    console.log(
      `crash test: ${kills} SIGKILLs in ${Date.now() - started} ms; rounds with a dead writer's temp/lock file right after the kill: ` +
        `${reports.reduce((a, r) => a + r.litterAfterKill, 0)}/${LANES * ROUNDS_PER_LANE}; ` +
        `slowest next write ${Math.max(...reports.map((r) => r.slowestNext))} ms; sealed stores read line by line: ${sealedStoresRead}; problems: ${problems.length}; leftovers: ${leftovers.length}`,
    );
    const slow = reports.flatMap((r) => r.slowWith);
    if (slow.length || problems.length) console.log([...slow, ...problems.slice(0, 5)].join('\n'));
    expect(kills).toBeGreaterThanOrEqual(200);
    expect(sealedStoresRead).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    expect(leftovers).toEqual([]);
    expect(Math.max(...reports.map((r) => r.slowestNext))).toBeLessThan(5000);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}, 180_000);
