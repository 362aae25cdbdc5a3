import { streamWritesPending, writer } from '../../src/cli/io';

/** A descriptor that takes `takes[i]` bytes on the i-th write, then says EAGAIN (left non-blocking). */
function descriptor(takes: number[]) {
  const got: Buffer[] = [];
  let call = 0;
  const write = (_fd: number, buf: Buffer): number => {
    const n = takes[call++];
    if (n === undefined) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    got.push(Buffer.from(buf.subarray(0, n)));
    return n;
  };
  const streamed: string[] = [];
  const fallback = () => ({ write: (chunk: string | Buffer) => streamed.push(chunk.toString()) });
  return { write, fallback, printed: () => Buffer.concat(got).toString() + streamed.join('') };
}

describe('CLI output writer', () => {
  test('a write the descriptor takes in pieces arrives once, whole', () => {
    const d = descriptor([3, 4, 100]);
    writer(1, d.write, d.fallback)('Logged in to "prod".\n');
    expect(d.printed()).toBe('Logged in to "prod".\n');
    // Nothing waits in a stream, so the CLI may exit at once.
    expect(streamWritesPending()).toBe(false);
  });

  test('after EAGAIN mid-line only the rest goes to the stream, and later lines go there too', () => {
    const d = descriptor([5]);
    const out = writer(2, d.write, d.fallback);
    out('Logged in to "prod".\n');
    out('  wrote spin: /home/u/.config/fermyon/prod.json\n');
    expect(d.printed()).toBe('Logged in to "prod".\n  wrote spin: /home/u/.config/fermyon/prod.json\n');
    // The stream may still hold bytes: the CLI must let Node drain it before exiting.
    expect(streamWritesPending()).toBe(true);
  });

  test('other write errors (a closed pipe) drop the text rather than throw', () => {
    const out = writer(
      1,
      () => {
        throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
      },
      () => {
        throw new Error('the stream must not be used');
      },
    );
    expect(() => out('x\n')).not.toThrow();
  });
});
