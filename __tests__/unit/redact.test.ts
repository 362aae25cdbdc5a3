/** The secret registry: what is registered never comes out of redact(), in any common encoding. */
import { parseJsonSafely, SecretRegistry } from '../../src/core/redact';

describe('SecretRegistry', () => {
  it('masks a secret and its URL- and base64-encoded forms', () => {
    const s = new SecretRegistry();
    s.add('p@ss w/rd+1');
    const text = `raw p@ss w/rd+1, url ${encodeURIComponent('p@ss w/rd+1')}, b64 ${Buffer.from('p@ss w/rd+1').toString('base64')}`;
    expect(s.redact(text)).toBe('raw ***, url ***, b64 ***');
  });

  it('masks the longest secret first, so one containing another is masked whole', () => {
    const s = new SecretRegistry();
    s.add('abcd');
    s.add('abcdefgh-long');
    expect(s.redact('x abcdefgh-long y abcd z')).toBe('x *** y *** z');
  });

  it('ignores empty and very short values, which would mask ordinary text', () => {
    const s = new SecretRegistry();
    for (const v of [undefined, null, '', 'ab', 'abc']) s.add(v);
    expect(s.redact('abc ab')).toBe('abc ab');
    expect(s.has('abc')).toBe(false);
  });

  it("says how much of a text's end could be the start of a secret (what a stream must keep back)", () => {
    const s = new SecretRegistry();
    s.add('SECRET-123');
    expect(s.pendingPrefix('tok: SEC')).toBe(3);
    expect(s.pendingPrefix('tok: SECRET-12')).toBe(9);
    expect(s.pendingPrefix('tok: S')).toBe(1);
    expect(s.pendingPrefix('tok: SECRET-123')).toBe(0); // whole: redact() masks it
    expect(s.pendingPrefix('tok: nothing')).toBe(0);
    expect(s.pendingPrefix('')).toBe(0);
  });

  it('tells listeners about every secret, including those added before they subscribed', () => {
    const s = new SecretRegistry();
    s.add('first-secret');
    const seen: string[] = [];
    s.onAdd((x) => seen.push(x));
    s.add('second-secret');
    s.add('second-secret');
    expect(seen).toContain('first-secret');
    expect(seen.filter((x) => x === 'second-secret')).toHaveLength(1);
  });
});

describe('parseJsonSafely', () => {
  it('never quotes its input in a failure (it may be a token response)', () => {
    expect(parseJsonSafely('{"access_token":"SECRET-xyz"')).toEqual({ ok: false });
    expect(parseJsonSafely('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});
