import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { SecretRegistry } from '../core/redact.js';

/** Every byte we print goes through the secret registry first, but for `reveal`. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** To stdout unredacted: only for what the user asked to see (`token`, `env` for eval). */
  reveal(text: string): void;
  color: boolean;
}

let streamUsed = false;

/**
 * Whether any text went to process.stdout/stderr instead of straight to a descriptor: such a
 * stream may still hold bytes, so the process must not exit before Node drains it.
 */
export function streamWritesPending(): boolean {
  return streamUsed;
}

/**
 * Write straight to the file descriptor: a CLI prints a few lines and exits, and building
 * process.stdout/stderr (a tty, pipe or file stream) costs more start-up time than the writes.
 * A descriptor someone left non-blocking (EAGAIN) falls back to the stream.
 */
export function writer(
  fd: 1 | 2,
  write: (fd: number, buf: Buffer) => number = writeSync,
  fallback: () => { write(chunk: string | Buffer): unknown } = () =>
    fd === 1 ? process.stdout : process.stderr,
): (text: string) => void {
  let stream = false;
  return (text) => {
    let rest: string | Buffer = text;
    if (!stream) {
      let buf = Buffer.from(text);
      try {
        while (buf.length > 0) buf = buf.subarray(write(fd, buf));
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
        stream = true;
        // Only what the descriptor did not take: a line must not be printed twice.
        rest = buf;
      }
    }
    streamUsed = true;
    fallback().write(rest);
  };
}

/** A terminal is a character device; only then is the (costlier) tty check worth making. */
function isTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice() && isatty(fd);
  } catch {
    return false;
  }
}

/** Where printed text goes; by default the process's descriptors (tests and embedders pass their own). */
export interface Sinks {
  out(text: string): void;
  err(text: string): void;
}

export function createOutput(
  secrets: SecretRegistry,
  env: Record<string, string | undefined>,
  sinks: Sinks = { out: writer(1), err: writer(2) },
): Output {
  const { out, err } = sinks;
  return {
    out: (t) => out(secrets.redact(t)),
    err: (t) => err(secrets.redact(t)),
    reveal: out,
    color: !env.NO_COLOR && env.TERM !== 'dumb' && isTerminal(2),
  };
}

export function paint(o: Output, code: 'red' | 'green' | 'yellow' | 'dim' | 'bold', text: string): string {
  if (!o.color) return text;
  const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
  return `\u001b[${codes[code]}m${text}\u001b[0m`;
}

export function humanDuration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** Read all of stdin (for --password-stdin and friends), without the trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
