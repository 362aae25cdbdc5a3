/**
 * The loops in src/core/text.ts replaced regular expressions for start-up time only: each must
 * answer exactly what the expression it replaced answers, for any string. The expressions are the
 * oracle here (they are what the contract's rules were written as). The same holds for sha256,
 * which left node:crypto for start-up time too.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  hasControlChar,
  hasHttpScheme,
  isLoopbackIPv4,
  isTargetName,
  kebabCase,
  replaceControlChars,
  trimTrailingSlashes,
  unbracket,
} from '../../src/core/text';

/** Strings drawn mostly from the characters each rule cares about, plus anything at all. */
const near = (alphabet: string[], maxLength = 70) =>
  fc.oneof(
    fc.array(fc.constantFrom(...alphabet), { maxLength }).map((a) => a.join('')),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
const RUNS = { numRuns: 3000 };

test('kebabCase is the old replace(/[A-Z]/g, "-" + lower case)', () => {
  fc.assert(
    fc.property(near(['a', 'z', 'A', 'Z', '-', 'É', '1']), (s) => {
      expect(kebabCase(s)).toBe(s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()));
    }),
    RUNS,
  );
  expect(kebabCase('tokenEndpoint')).toBe('token-endpoint');
});

test('isTargetName is the old /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ without ".."', () => {
  const oracle = (s: string) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s) && !s.includes('..');
  fc.assert(
    fc.property(near(['a', 'Z', '0', '9', '.', '_', '-', '/', ' ', '\n', 'é']), (s) => {
      expect(isTargetName(s)).toBe(oracle(s));
    }),
    RUNS,
  );
  for (const s of ['a'.repeat(64), 'a'.repeat(65), '', '-a', '.a', 'a.b', 'a..b', 'prod\n'])
    expect(isTargetName(s)).toBe(oracle(s));
});

test('isLoopbackIPv4 is the old /^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$/', () => {
  const oracle = (s: string) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(s);
  fc.assert(
    fc.property(
      fc.oneof(
        near(['1', '2', '7', '0', '9', '.', 'a', '٣']),
        fc.tuple(near(['1', '2', '7', '0', '.'], 5), fc.nat(4)).map(([s, n]) => '127.' + s + '.1'.repeat(n)),
      ),
      (s) => {
        expect(isLoopbackIPv4(s)).toBe(oracle(s));
      },
    ),
    RUNS,
  );
  for (const s of ['127.0.0.1', '127.255.255.254', '127.0.0.1000', '127.0.0', '127..0.1', '128.0.0.1'])
    expect(isLoopbackIPv4(s)).toBe(oracle(s));
});

test('unbracket is the old replace(/^\\[|\\]$/g, "")', () => {
  fc.assert(
    fc.property(near(['[', ']', ':', '1', 'a']), (s) => {
      expect(unbracket(s)).toBe(s.replace(/^\[|\]$/g, ''));
    }),
    RUNS,
  );
});

test('trimTrailingSlashes is the old replace(/\\/+$/, "")', () => {
  fc.assert(
    fc.property(near(['/', 'a', ':', '\\']), (s) => {
      expect(trimTrailingSlashes(s)).toBe(s.replace(/\/+$/, ''));
    }),
    RUNS,
  );
});

test('hasHttpScheme is the old /^https?:\\/\\// (and /i with anyCase)', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        near(['h', 't', 'p', 's', ':', '/', 'H', 'T', 'P', 'S', 'x']),
        fc.constantFrom('http://', 'https://', 'HTTP://x', 'hTtPs://x', 'http:/x', 'https:x', 'httpss://'),
      ),
      (s) => {
        expect(hasHttpScheme(s)).toBe(/^https?:\/\//.test(s));
        expect(hasHttpScheme(s, true)).toBe(/^https?:\/\//i.test(s));
      },
    ),
    RUNS,
  );
});

test('hasControlChar and replaceControlChars are the old /[\\u0000-\\u001f\\u007f]/ test and replace', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
      expect(hasControlChar(s)).toBe(/[\u0000-\u001f\u007f]/.test(s));
      expect(replaceControlChars(s)).toBe(s.replace(/[\u0000-\u001f\u007f]/g, '?'));
    }),
    RUNS,
  );
});

test('sha256 (@noble/hashes) gives node:crypto digests, for any text, once loaded', async () => {
  const { loadSha256, sha256 } = await import('../../src/core/sha256');
  expect(() => sha256('x')).toThrow(/before loadSha256/);
  await loadSha256();
  const oracle = (t: string) => createHash('sha256').update(t).digest('hex');
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      expect(sha256(s)).toBe(oracle(s));
    }),
    { numRuns: 500 },
  );
  for (const s of [
    '',
    'a'.repeat(55),
    'a'.repeat(56),
    'a'.repeat(64),
    'é'.repeat(5000),
    'b'.repeat(16 * 1024),
    'é'.repeat(16 * 1024 + 1),
  ])
    expect(sha256(s)).toBe(oracle(s));
});
