/**
 * The store's text layout (src/core/store-text.ts). A sealed store is read a line at a time and
 * an update edits just its changed lines: what is read must be what JSON.parse reads, and what an
 * update writes must parse to exactly the updated store and stay in the layout, so that the next
 * command can read it a line at a time again.
 */
import fc from 'fast-check';
import {
  headLine,
  readHead,
  readMember,
  serializeStoreText,
  spliceStoreText,
  type TextParts,
} from '../../src/core/store-text';

const bytes = (text: string) => Buffer.from(text);
const joined = (parts: TextParts) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();

type Data = { version: unknown; targets: Record<string, unknown>; [k: string]: unknown };

const nameArb = fc.oneof(
  fc.constantFrom(
    'default',
    'prod',
    'staging',
    'a',
    'b',
    'url',
    'token',
    'version',
    'targets',
    'current',
    '1',
    '__proto__',
  ),
  fc.string({ minLength: 1, maxLength: 5 }),
);
const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, 1, 'x', 'https://a.example', '"a":', '\n'),
    fc.string({ maxLength: 4 }),
    fc.dictionary(nameArb, tie('v'), { maxKeys: 3 }),
    fc.array(tie('v'), { maxLength: 3 }),
  ),
})).v;
const entryArb = fc.dictionary(
  fc.constantFrom('url', 'token', 'options', 'formats', 'files', 'x'),
  valueArb,
  {
    maxKeys: 4,
  },
);
const dataArb: fc.Arbitrary<Data> = fc
  .record({
    targets: fc.dictionary(nameArb, entryArb, { maxKeys: 6 }),
    current: fc.option(nameArb, { nil: undefined }),
    extra: fc.option(valueArb, { nil: undefined }),
  })
  .map(({ targets, current, extra }) => {
    const d: Data = { version: 1, targets: {} };
    if (current !== undefined) d.current = current;
    if (extra !== undefined) d.extra = extra;
    // Last, as a store has it, and without a prototype, as parseStore makes it.
    delete (d as Partial<Data>).targets;
    d.targets = Object.setPrototypeOf({ ...targets }, null) as Record<string, unknown>;
    return d;
  });

const updateArb = fc.record({
  upserts: fc.array(fc.tuple(nameArb, entryArb), { maxLength: 3 }),
  removals: fc.array(nameArb, { maxLength: 2 }),
  current: fc.option(nameArb, { nil: undefined }),
});

const clone = (d: Data): Data => {
  const c = JSON.parse(JSON.stringify(d)) as Data;
  c.targets = Object.setPrototypeOf(c.targets, null) as Record<string, unknown>;
  return c;
};

/** Head line first, then each target alone on its line, every name once, then the closing line. */
function expectOurLayout(text: string): void {
  const whole = clone(JSON.parse(text) as Data);
  const lines = text.split('\n');
  expect(lines[0]).toBe(headLine(whole));
  expect(lines.slice(-2)).toEqual(['}}', '']);
  const members = lines.slice(1, -2);
  const names = members.map((line, i) => {
    const last = i === members.length - 1;
    expect(line.endsWith(',')).toBe(!last);
    const keys = Object.keys(JSON.parse(`{${last ? line : line.slice(0, -1)}}`) as object);
    expect(keys).toHaveLength(1);
    return keys[0];
  });
  expect(new Set(names).size).toBe(names.length);
  expect(names.sort()).toEqual(Object.keys(whole.targets).sort());
}

describe('store text', () => {
  test('our layout parses back to the data, one target per line', () => {
    fc.assert(
      fc.property(dataArb, (d) => {
        const text = serializeStoreText(d);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(d)));
        expect(text.split('\n').length).toBe(Object.keys(d.targets).length + 3);
        expect(text.startsWith(headLine(d) + '\n')).toBe(true);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  test('a line read is what JSON.parse reads, for every name, present or not', () => {
    fc.assert(
      fc.property(dataArb, fc.array(nameArb, { maxLength: 4 }), (d, others) => {
        const text = serializeStoreText(d);
        const whole = JSON.parse(text) as Data;
        const { targets, ...top } = whole;
        expect(readHead(bytes(text))).toEqual({ ...top, targets: {} });
        for (const name of [...Object.keys(d.targets), ...others])
          expect(readMember(bytes(text), name)).toEqual(
            Object.hasOwn(targets, name) ? targets[name] : undefined,
          );
      }),
      { numRuns: 1000, seed: 5 },
    );
  });

  test('a spliced update parses to the updated store and stays in our layout, update after update', () => {
    fc.assert(
      fc.property(dataArb, fc.array(updateArb, { minLength: 1, maxLength: 3 }), (d, updates) => {
        let text = serializeStoreText(d);
        const data = clone(d);
        for (const u of updates) {
          const names = [...u.upserts.map(([n]) => n), ...u.removals];
          for (const [n, e] of u.upserts) data.targets[n] = e;
          for (const n of u.removals) delete data.targets[n];
          if (u.current !== undefined) data.current = u.current;
          text = joined(spliceStoreText(bytes(text), data, names));
          expect(JSON.parse(text)).toEqual(JSON.parse(serializeStoreText(data)));
          expectOurLayout(text);
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  test('only the changed lines differ', () => {
    const targets: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < 50; i++) targets[`t${i}`] = { url: `https://t${i}.example`, token: `tok-${i}` };
    const d: Data = { version: 1, current: 't0', targets };
    const text = serializeStoreText(d);
    const data = clone(d);
    data.targets.t7 = { url: 'https://t7.example', token: 'fresh' };
    delete data.targets.t49;
    data.targets.new = { url: 'https://new.example', token: 'n' };
    data.current = 'new';
    const out = joined(spliceStoreText(bytes(text), data, ['t7', 't49', 'new']));
    expect(out).toBe(serializeStoreText(data));
    const before = text.split('\n');
    const after = out.split('\n');
    expect(after.filter((l) => !before.includes(l))).toEqual([
      '{"version":1,"current":"new","targets":{',
      '"t7":{"url":"https://t7.example","token":"fresh"},',
      '"new":{"url":"https://new.example","token":"n"}',
    ]);
  });
});
