/**
 * Preloaded (`node -r bench/measure.cjs`) by bench/startup.mjs in its separate cost runs, never in
 * the timed runs: at exit, append this process's CPU time (user + system, µs) and peak RSS (kB)
 * to $BENCH_MEASURE_FILE. CPU time barely moves when other work shares the machine; wall time does.
 */
const fs = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  fs.appendFileSync(
    process.env.BENCH_MEASURE_FILE,
    `${usage.userCPUTime + usage.systemCPUTime} ${usage.maxRSS}\n`,
  );
});
