/**
 * Run jobs on a fixed set of lanes (e.g. one dev target each), at most one job per lane at a time.
 * Each lane owns its resources, so cases on different lanes never see each other's faults or logs.
 */
export async function runOnLanes<L, J, R>(
  lanes: L[],
  jobs: J[],
  work: (job: J, lane: L) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await work(jobs[i]!, lane);
      }
    }),
  );
  return results;
}

/** A free TCP port on 127.0.0.1 that nothing listens on (for "connection refused"). */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
