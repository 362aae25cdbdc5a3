/**
 * Canary secrets: distinctive values used as passwords, tokens and request tokens across the
 * suite. Any captured output that contains one fails the test that captured it.
 */
export const CANARY = {
  password: 'CANARY-pw-7f3a9c1e5b',
  requestToken: 'CANARY-rt-2d8e6f0a4c',
  token: 'CANARY-tok-9b1d3f5a7c',
  clientSecret: 'CANARY-cs-4e6a8c0b2d',
} as const;

const registered = new Set<string>(Object.values(CANARY));

/** Register a secret learned at run time (e.g. an issued token read from the store). */
export function addCanary(secret: string): void {
  if (secret && secret.length >= 8) registered.add(secret);
}

export function findCanaries(text: string): string[] {
  return [...registered].filter((c) => text.includes(c) || text.includes(Buffer.from(c).toString('base64')));
}

export function assertNoCanaries(where: string, text: string): void {
  const found = findCanaries(text);
  if (found.length) {
    throw new Error(
      `secret leak: ${where} printed ${found.length} canary secret(s) (first starts ${found[0]!.slice(0, 10)}...)`,
    );
  }
}
