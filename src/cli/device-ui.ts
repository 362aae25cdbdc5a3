/**
 * What a person at a terminal sees during a device login: the code, the URL, "press Enter to open
 * the browser", and one status line that is redrawn in place while we poll.
 */
import { spawn } from 'node:child_process';
import type { DeviceAuthorization } from '../core/protocols/types.js';
import { paint, type Output } from './io.js';

const CLEAR_LINE = '\r\u001b[2K';
const CURSOR_UP = '\u001b[1A';

/** `mm:ss`, or `h:mm:ss` for very long-lived codes. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * The program that opens a URL: $BROWSER when set (a command, no arguments), else the platform's
 * opener. Windows' `start` is a cmd.exe built-in that would need a shell, which would read `&` in
 * the URL as a command separator; url.dll's handler opens the default browser without one.
 */
export function browserCommand(
  url: string,
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
): { command: string; args: string[] } {
  const custom = env.BROWSER?.trim();
  if (custom) return { command: custom, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'rundll32.exe', args: ['url.dll,FileProtocolHandler', url] };
  return { command: 'xdg-open', args: [url] };
}

/**
 * Start the browser without a shell and without waiting for it. Calls `onFailure` with a reason
 * if the opener cannot start or exits non-zero; a browser that stays open is never waited for.
 */
export function openBrowser(
  url: string,
  env: Record<string, string | undefined>,
  onFailure: (reason: string) => void,
  platform: NodeJS.Platform = process.platform,
): void {
  // The URL came from the server: only ever hand an http(s) URL to the opener, never an option.
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    onFailure('the verification URL is not a URL');
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    onFailure(`the verification URL is not http(s)`);
    return;
  }
  const { command, args } = browserCommand(parsed.href, env, platform);
  let reported = false;
  const fail = (reason: string) => {
    if (reported) return;
    reported = true;
    onFailure(reason);
  };
  try {
    const child = spawn(command, args, {
      stdio: 'ignore',
      shell: false,
      detached: platform !== 'win32',
      windowsHide: true,
    });
    child.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ENOENT' ? `${command} was not found` : `${command} failed: ${err.message}`),
    );
    child.once('exit', (code, signal) => {
      if (code !== 0) fail(`${command} ${signal ? `was killed by ${signal}` : `exited ${code}`}`);
    });
    // Deno's child has no handle to unref when the spawn failed; the 'error' event says why.
    try {
      child.unref();
    } catch {
      // nothing to release
    }
  } catch (err) {
    fail(`${command} could not be started: ${(err as Error).message}`);
  }
}

/** Call `onLine` each time Enter is pressed; returns the function that stops listening. */
export function onEnter(onLine: () => void): () => void {
  const stdin = process.stdin;
  const handler = (chunk: Buffer | string) => {
    if (/[\r\n]/.test(chunk.toString())) onLine();
  };
  stdin.on('data', handler);
  stdin.resume();
  return () => {
    stdin.off('data', handler);
    stdin.pause();
    // A paused TTY can still hold the event loop open on some runtimes.
    (stdin as unknown as { unref?: () => void }).unref?.();
  };
}

export class DevicePrompt {
  private statusText = '';
  private stopListening?: () => void;
  private opened = false;
  private readonly tty: boolean;

  constructor(
    private readonly io: Output,
    private readonly auth: DeviceAuthorization,
    private readonly env: Record<string, string | undefined>,
    tty = !!process.stderr.isTTY,
  ) {
    this.tty = tty;
  }

  /** Print the code and the URL, and start listening for Enter. Never blocks. */
  show(targetName: string): void {
    const { io, auth } = this;
    io.err(
      `\nTo log in to "${targetName}", open ${paint(io, 'bold', auth.verificationUri)}\n` +
        `and enter the one-time code: ${paint(io, 'bold', auth.userCode)}\n\n` +
        `Press Enter to open the browser (the URL above works too if it does not open).\n`,
    );
    this.stopListening = onEnter(() => this.enter());
    this.status(`Waiting for approval; the code expires in ${clock(auth.expiresIn * 1000)}.`);
  }

  private enter(): void {
    // The terminal echoed the Enter, leaving a stale copy of the status line above the cursor: take it back.
    if (this.tty) this.io.err(CURSOR_UP + CLEAR_LINE);
    if (this.opened) {
      if (this.tty) this.io.err(paint(this.io, 'dim', this.statusText));
      return;
    }
    this.opened = true;
    this.line(`Opening ${this.auth.verificationUrl} in the browser...`);
    openBrowser(this.auth.verificationUrl, this.env, (reason) =>
      this.line(
        paint(this.io, 'yellow', `Could not open a browser (${reason}): open the URL above yourself.`),
      ),
    );
  }

  waiting(polls: number, msLeft: number): void {
    this.status(
      `Waiting for approval (polled ${polls} time${polls === 1 ? '' : 's'}; the code expires in ${clock(msLeft)}).`,
    );
  }

  slowDown(intervalSeconds: number): void {
    this.line(`The server asked us to poll more slowly: every ${intervalSeconds} s from now on.`);
  }

  transient(message: string, retryInMs: number): void {
    this.line(
      paint(
        this.io,
        'yellow',
        `Polling failed for now (${message.replace(/; try again later\.?$/, '')}); still waiting, next try in ${Math.round(retryInMs / 1000)} s.`,
      ),
    );
  }

  /** Take the status line off the screen and stop listening for Enter. */
  close(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    if (this.tty && this.statusText) this.io.err(CLEAR_LINE);
    this.statusText = '';
  }

  /** The status line: redrawn in place on a terminal, printed once per change elsewhere. */
  private status(text: string): void {
    if (this.tty) this.io.err(CLEAR_LINE + paint(this.io, 'dim', text));
    else if (!this.statusText) this.io.err(text + '\n');
    this.statusText = text;
  }

  /** A message of its own above the status line, which is then redrawn. */
  private line(text: string): void {
    if (this.tty) {
      this.io.err(CLEAR_LINE + text + '\n');
      if (this.statusText) this.io.err(paint(this.io, 'dim', this.statusText));
    } else {
      this.io.err(text + '\n');
    }
  }
}
