import type { SecretRegistry } from '../core/redact.js';

/** Every byte we print goes through the secret registry first. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

export function createOutput(secrets: SecretRegistry, env: Record<string, string | undefined>): Output {
  const color = !!process.stderr.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
  return {
    out: (t) => void process.stdout.write(secrets.redact(t)),
    err: (t) => void process.stderr.write(secrets.redact(t)),
    color,
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
