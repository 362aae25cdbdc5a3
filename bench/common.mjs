/** What both benchmarks need: a median and how far to trust it, one timed process, and the local dev target. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const median = (xs) => quantile(xs, 0.5);

/** The q-quantile (0..1) of xs, interpolated between the two nearest ranks. */
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return lo + 1 < s.length ? s[lo] + (s[lo + 1] - s[lo]) * (at - lo) : s[lo];
};

/**
 * A 95% confidence interval for the median of xs, from order statistics alone (the sign test's
 * interval, binomial by its normal approximation): no assumption about how the values spread, and
 * no resampling, so the same runs always give the same interval. Ranks j and k (1-based) are
 * floor((n - 1.96 sqrt n) / 2) and ceil(1 + (n + 1.96 sqrt n) / 2).
 */
export function medianInterval(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const j = Math.max(1, Math.floor((n - 1.96 * Math.sqrt(n)) / 2));
  const k = Math.min(n, Math.ceil(1 + (n + 1.96 * Math.sqrt(n)) / 2));
  return [s[j - 1], s[k - 1]];
}

/** Wall time of one process, from spawn to exit, in ms, with nothing added to it; throws if it fails. */
export function timeOnce(c) {
  return new Promise((resolve, reject) => {
    c.before?.();
    const t0 = process.hrtime.bigint();
    const child = spawn(c.cmd, c.args, { env: c.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== (c.expect ?? 0)) reject(new Error(`${c.name} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve(ms);
    });
  });
}

/** dev/target.mjs on 127.0.0.1 with `args`; resolves to what it prints, plus stop(). */
export async function startDevTarget(node, args, password) {
  const child = spawn(node, [path.join(ROOT, 'dev', 'target.mjs'), ...args, '--exit-on-stdin-close'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, DEV_TARGET_PASSWORD: password },
  });
  const info = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve(JSON.parse(buf.slice(0, buf.indexOf('\n'))));
    });
    child.once('exit', (code) => reject(new Error(`dev target exited (${code})`)));
    setTimeout(() => reject(new Error('dev target not ready in 10 s')), 10_000).unref();
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    ...info,
    async stop() {
      if (child.exitCode === null) process.kill(info.pid, 'SIGTERM');
      await exited;
    },
  };
}
