/**
 * Every secret we learn is registered here before anything can print it; every line we print
 * passes through `redact`. The Action also hands each secret to the runner's mask.
 */
export class SecretRegistry {
  private readonly secrets = new Set<string>();
  private readonly listeners: Array<(secret: string) => void> = [];

  add(secret: string | undefined | null): void {
    // Only strings: a value from a hand-edited file or an odd lookup must not throw here.
    if (typeof secret !== 'string' || secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // Tokens sometimes reach text in encoded forms; mask those too.
    for (const variant of [encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
      if (variant !== secret && variant.length >= 4) this.secrets.add(variant);
    }
    for (const l of this.listeners) l(secret);
  }

  onAdd(listener: (secret: string) => void): void {
    this.listeners.push(listener);
    for (const s of this.secrets) listener(s);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join('***');
    }
    return out;
  }

  /**
   * How many characters at the end of `text` could be the start of a secret. A stream that shows
   * an unfinished line early keeps those back: a secret written in two pieces, with a pause
   * between them, would otherwise be printed as two halves that neither match nor get masked.
   */
  pendingPrefix(text: string): number {
    let keep = 0;
    for (const s of this.secrets) {
      for (let at = Math.max(0, text.length - s.length + 1); at < text.length - keep; at++) {
        if (text.charCodeAt(at) === s.charCodeAt(0) && s.startsWith(text.slice(at))) {
          keep = text.length - at;
          break;
        }
      }
    }
    return keep;
  }

  has(secret: string): boolean {
    return this.secrets.has(secret);
  }
}

/** Node's JSON.parse errors quote their input; this one never does. */
export function parseJsonSafely(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
