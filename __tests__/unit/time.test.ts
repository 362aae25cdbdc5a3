/** isoTime stands in for Date#toISOString (src/core/time.ts): the same text for every valid time. */
import fc from 'fast-check';
import { isoTime } from '../../src/core/time';

describe('isoTime', () => {
  test('matches toISOString across the whole range of Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000, seed: 3 },
    );
  });

  test.each([
    0,
    -1,
    1,
    253402300799999,
    253402300800000,
    -62167219200000,
    -62167219200001,
    8.64e15,
    -8.64e15,
    Date.now(),
  ])('%d', (ms) => expect(isoTime(ms)).toBe(new Date(ms).toISOString()));

  test('an invalid time is a RangeError, as with toISOString', () => {
    expect(() => isoTime(NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
