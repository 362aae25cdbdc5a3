/**
 * The interactive device login, driven in a REAL pseudo-terminal: the built CLI runs with a TTY on
 * stdin, stdout and stderr; the test reads the rendered screen, presses Enter, and approves or
 * denies the code through the dev target's control route, as a person in a browser would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addCanary } from './helpers/canary';
import { CLI, DENO, baseEnv, modeOf } from './helpers/dist';
import { startDevTarget, type DevTarget } from './helpers/devTarget';
import { startInPty, type PtySession } from './helpers/pty';

describe('device login in a pseudo-terminal', () => {
  let target: DevTarget;
  let home: string;
  const sessions: PtySession[] = [];

  beforeAll(async () => {
    target = await startDevTarget();
  });
  afterAll(async () => {
    for (const s of sessions) s.kill();
    await target?.close();
  });
  beforeEach(async () => {
    await target.resetControl();
    await target.config({ deviceInterval: 1, deviceExpiresIn: 900 });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-pty-'));
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.kill();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const env = (extra: NodeJS.ProcessEnv = {}) =>
    baseEnv({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'cfg'), TERM: 'xterm', ...extra });
  const storeFile = () => path.join(home, 'cfg', 'deploy-login', 'credentials.json');
  const store = () => JSON.parse(fs.readFileSync(storeFile(), 'utf8'));
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, runtime: 'node' | 'deno' = 'node') => {
    const argv =
      runtime === 'deno' ? [DENO, 'run', '-A', '--quiet', CLI, ...args] : [process.execPath, CLI, ...args];
    const s = startInPty(argv, env(extra));
    sessions.push(s);
    return s;
  };
  const rows = (s: PtySession, re: RegExp) => s.screen().filter((r) => re.test(r));
  /**
   * A $BROWSER that records the URL it was given in `opened`: written whole, then renamed, so the
   * test never reads the file between its creation and the write.
   */
  const fakeBrowser = () => {
    const opened = path.join(home, 'opened.txt');
    const browser = path.join(home, 'browser.sh');
    const script = `#!/bin/sh\nprintf '%s' "$1" > '${opened}.part' && mv '${opened}.part' '${opened}'\n`;
    fs.writeFileSync(browser, script, { mode: 0o755 });
    return { opened, browser };
  };

  test('fermyon: code and URL shown, Enter opens the browser, a 503 is reported and polling goes on, approval logs in', async () => {
    const { opened, browser } = fakeBrowser();
    const s = cli(
      ['login', '--protocol', 'fermyon', '--url', target.url, '--method', 'device', '--format', 'spin'],
      { BROWSER: browser },
    );
    const [, url] = await s.waitFor(/open (http\S+)/);
    const [, userCode] = await s.waitFor(/one-time code: ([A-Z]{4}-[A-Z]{4})/);
    expect(url).toBe(`${target.url}/device?user_code=${userCode}`);
    await s.waitFor(/Press Enter to open the browser/);
    await s.waitFor(/Waiting for approval \(polled 1 time;/);

    // Enter: the browser is started with the verification URL, and polling does not stop for it.
    s.type('\n');
    await s.waitFor(/Opening http\S+ in the browser/);
    for (let i = 0; i < 50 && !fs.existsSync(opened); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.readFileSync(opened, 'utf8')).toBe(url);

    // A transient server error while polling: shown, and the wait goes on.
    await target.faults([{ path: '/api/auth-tokens', kind: 'status', status: 503, times: 1 }]);
    await s.waitFor(/Polling failed for now \(.*HTTP 503.*\); still waiting, next try in 2 s\./);
    const pollsBefore = (await target.log()).filter((r) => r.path === '/api/auth-tokens').length;
    await s.waitFor(new RegExp(`polled ${pollsBefore} times`), 10_000);

    await target.device(userCode!, 'approve');
    await s.waitFor(/Logged in to "default" \(http:\/\/127\.0\.0\.1:\d+\) with device/);
    const exit = await s.exited;
    expect(exit.code).toBe(0);

    // The status line was redrawn in place: several versions were written, one is left on screen at most.
    const drawn = new Set(s.raw().match(/polled \d+ times?/g));
    expect(drawn.size).toBeGreaterThanOrEqual(2);
    expect(rows(s, /Waiting for approval/).length).toBeLessThanOrEqual(1);

    const entry = store().targets.default;
    addCanary(entry.token);
    addCanary(entry.refreshToken);
    expect(entry).toMatchObject({ protocol: 'fermyon', method: 'device', url: target.url });
    expect(entry.refreshToken).toEqual(expect.any(String));
    expect(s.raw()).not.toContain(entry.token);
    const spinFile = path.join(home, 'cfg', 'fermyon', 'config.json');
    expect(JSON.parse(fs.readFileSync(spinFile, 'utf8'))).toEqual({
      url: `${target.url}/`,
      danger_accept_invalid_certs: false,
      token: entry.token,
      refresh_token: entry.refreshToken,
      expiration: entry.expiresAt,
    });
    expect(modeOf(spinFile)).toBe(0o600);
    expect(modeOf(storeFile())).toBe(0o600);
  });

  test('oauth2: the server interval is honoured between polls, and a denial ends the login with exit 3', async () => {
    await target.config({ deviceInterval: 2 });
    const s = cli(
      ['login', '--url', target.url, '--method', 'device', '--client-id', 'deploy-cli', '--target', 'oa'],
      { BROWSER: path.join(home, 'no-such-browser') },
    );
    const [, userCode] = await s.waitFor(/one-time code: ([A-Z]{4}-[A-Z]{4})/);
    // RFC 8628: the bare verification_uri is shown for typing the code; Enter opens the _complete one.
    await s.waitFor(new RegExp(`open ${target.url.replace(/\./g, '\\.')}/device\\s`));
    s.type('\n');
    await s.waitFor(
      /Could not open a browser \(.*no-such-browser was not found\): open the URL above yourself\./,
    );
    await s.waitFor(/polled 2 times/, 10_000);
    await target.device(userCode!, 'deny');
    await s.waitFor(/was denied/, 10_000);
    expect((await s.exited).code).toBe(3);
    expect(fs.existsSync(storeFile())).toBe(false);

    const polls = (await target.log()).filter((r) => r.path === '/oauth/token');
    const gaps = polls.slice(1).map((p, i) => Date.parse(p.time) - Date.parse(polls[i]!.time));
    expect(polls.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1900);
  });

  (fs.existsSync(DENO) ? test : test.skip)(
    'on Deno too: code shown, Enter opens the browser, approval logs in',
    async () => {
      const { opened, browser } = fakeBrowser();
      const s = cli(
        ['login', '--protocol', 'fermyon', '--url', target.url, '--method', 'device'],
        { BROWSER: browser },
        'deno',
      );
      const [, userCode] = await s.waitFor(/one-time code: ([A-Z]{4}-[A-Z]{4})/, 20_000);
      await s.waitFor(/Waiting for approval \(polled 1 time;/);
      s.type('\n');
      for (let i = 0; i < 100 && !fs.existsSync(opened); i++) await new Promise((r) => setTimeout(r, 50));
      expect(fs.readFileSync(opened, 'utf8')).toBe(`${target.url}/device?user_code=${userCode}`);
      await target.device(userCode!, 'approve');
      await s.waitFor(/Logged in to "default"/);
      expect((await s.exited).code).toBe(0);
      addCanary(store().targets.default.token);
      expect(s.raw()).not.toContain(store().targets.default.token);
    },
  );

  test('a code that expires while waiting ends the login with exit 3, bounded by expires_in', async () => {
    await target.config({ deviceExpiresIn: 2 });
    const started = Date.now();
    const s = cli(['login', '--protocol', 'fermyon', '--url', target.url, '--method', 'device']);
    await s.waitFor(/one-time code/);
    await s.waitFor(/expired before it was approved/, 10_000);
    expect((await s.exited).code).toBe(3);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  test('CI=true: --method device fails at once with exit 2 even on a terminal, and sends nothing', async () => {
    const s = cli(['login', '--protocol', 'fermyon', '--url', target.url, '--method', 'device'], {
      CI: 'true',
    });
    await s.waitFor(
      /--method device needs a person at an interactive terminal, and CI is set: .*--get-device-code/,
    );
    expect((await s.exited).code).toBe(2);
    expect(await target.log()).toEqual([]);
  });
});
