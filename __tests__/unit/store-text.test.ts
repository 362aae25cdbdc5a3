/**
 * The store's text layout (src/core/store-text.ts). An update that changed a few targets edits
 * their lines in the old text; whatever it produces must parse to exactly what serialising the
 * whole updated store gives, for our own layout and for any valid JSON someone edited by hand
 * (where it may decline, never be wrong).
 */
import fc from 'fast-check';
import { headLine, serializeStoreText, spliceBase, spliceStoreText } from '../../src/core/store-text';

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

/** Texts a store may hold: ours, and hand-made variants of it (all valid JSON). */
const textOf = (d: Data, style: number): string => {
  switch (style) {
    case 0:
      return serializeStoreText(d);
    case 1:
      return JSON.stringify(d, null, 2) + '\n';
    case 2:
      return JSON.stringify(d) + '\n';
    default: {
      // Our layout with two lines run together, or a member split over two lines.
      const lines = serializeStoreText(d).split('\n');
      if (lines.length > 4) lines.splice(1, 2, `${lines[1]}${lines[2]}`);
      else if (lines.length === 4) lines[1] = lines[1]!.replace(/:\{/, ':{\n');
      return lines.join('\n');
    }
  }
};

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

  test('a spliced update parses to what the whole store serialised would', () => {
    let spliced = 0;
    let declined = 0;
    fc.assert(
      fc.property(dataArb, fc.nat(3), updateArb, (d, style, u) => {
        const text = textOf(d, style);
        const data = clone(JSON.parse(text) as Data);
        const names = [...u.upserts.map(([n]) => n), ...u.removals];
        const base = spliceBase(data, names);
        for (const [n, e] of u.upserts) data.targets[n] = e;
        for (const n of u.removals) delete data.targets[n];
        if (u.current !== undefined) data.current = u.current;
        const out = spliceStoreText(text, base, data, names);
        if (out === undefined) {
          declined++;
          return;
        }
        spliced++;
        expect(JSON.parse(out)).toEqual(JSON.parse(serializeStoreText(data)));
      }),
      { numRuns: 3000, seed: 11 },
    );
    // The fast path is the common one for our own layout, not a branch that never runs.
    expect(spliced).toBeGreaterThan(500);
    expect(declined).toBeGreaterThan(100);
  });

  test('our layout with plain target names is always spliced, and only the changed lines differ', () => {
    const targets: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < 50; i++) targets[`t${i}`] = { url: `https://t${i}.example`, token: `tok-${i}` };
    const d: Data = { version: 1, current: 't0', targets };
    const text = serializeStoreText(d);
    const data = clone(d);
    const base = spliceBase(data, ['t7', 't49', 'new']);
    data.targets.t7 = { url: 'https://t7.example', token: 'fresh' };
    delete data.targets.t49;
    data.targets.new = { url: 'https://new.example', token: 'n' };
    data.current = 'new';
    const out = spliceStoreText(text, base, data, ['t7', 't49', 'new'])!;
    expect(out).toBe(serializeStoreText(data));
    const before = text.split('\n');
    const after = out.split('\n');
    expect(after.filter((l) => !before.includes(l))).toEqual([
      '{"version":1,"current":"new","targets":{',
      '"t7":{"url":"https://t7.example","token":"fresh"},',
      '"new":{"url":"https://new.example","token":"n"}',
    ]);
  });

  // Valid JSON made to mislead a line editor: each must be declined (or, if not, come out right).
  test.each<[string, string, (d: Data) => void, string[]]>([
    [
      'a top-level key repeated after the targets, when the first line changes',
      '{"version":1,"current":"a","x":{},"targets":{\n"a":{}\n},"current":"a","x":{\n}}\n',
      (d) => {
        d.targets.a = { token: 't' };
        d.current = 'zz';
      },
      ['a'],
    ],
    [
      'a last line holding a target name inside a repeated top-level object',
      '{"version":1,"x":{"b":1},"targets":{\n"b":1},"x":{\n"b":1\n}}\n',
      (d) => {
        d.targets.n = { token: 'n' };
      },
      ['n'],
    ],
    [
      'a duplicated top-level key with targets in between',
      '{"version":1,"x":{"q":1,"d":3},"targets":{\n"a":1},"x":{"q":1,\n"d":3\n}}\n',
      (d) => {
        d.targets.b = { token: 'new' };
        d.targets.n = { token: 'n' };
      },
      ['b', 'n'],
    ],
    [
      'a target named like a nested key',
      '{"version":1,"targets":{\n"a":{"b":1},\n"b":2\n}}\n',
      (d) => {
        d.targets.b = { token: 'new' };
      },
      ['b'],
    ],
    [
      'a duplicated target',
      '{"version":1,"targets":{\n"b":1,\n"b":2\n}}\n',
      (d) => {
        d.targets.b = { token: 'new' };
      },
      ['b'],
    ],
    [
      'an escaped name',
      '{"version":1,"targets":{\n"\\u0062":1\n}}\n',
      (d) => {
        d.targets.b = { token: 'new' };
      },
      ['b'],
    ],
  ])('declines %s', (_, text, update, names) => {
    const data = clone(JSON.parse(text) as Data);
    const base = spliceBase(data, names);
    update(data);
    const out = spliceStoreText(text, base, data, names);
    if (out !== undefined) expect(JSON.parse(out)).toEqual(JSON.parse(serializeStoreText(data)));
    expect(out).toBeUndefined();
  });
});
