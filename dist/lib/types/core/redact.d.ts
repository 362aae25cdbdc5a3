/**
 * Every secret we learn is registered here before anything can print it; every line we print
 * passes through `redact`. The Action also hands each secret to the runner's mask.
 */
export declare class SecretRegistry {
    private readonly secrets;
    private readonly listeners;
    add(secret: string | undefined | null): void;
    onAdd(listener: (secret: string) => void): void;
    redact(text: string): string;
    /**
     * How many characters at the end of `text` could be the start of a secret. A stream that shows
     * an unfinished line early keeps those back: a secret written in two pieces, with a pause
     * between them, would otherwise be printed as two halves that neither match nor get masked.
     */
    pendingPrefix(text: string): number;
    has(secret: string): boolean;
}
/** Node's JSON.parse errors quote their input; this one never does. */
export declare function parseJsonSafely(text: string): {
    ok: true;
    value: unknown;
} | {
    ok: false;
};
