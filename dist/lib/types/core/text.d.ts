/**
 * String checks that every login makes, written as loops rather than regular expressions: V8
 * compiles an expression on first use and again to machine code on its second, and in a
 * process that lives 40 ms those compilations cost more than the loops ever will (about 0.4 ms
 * for the ones replaced here, measured on Node 24).
 */
/** `tokenEndpoint` → `token-endpoint`. */
export declare function kebabCase(key: string): string;
/** 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit, and no '..'. */
export declare function isTargetName(name: string): boolean;
/** `127.d.d.d`, each d one to three digits (the whole 127/8 block is loopback). */
export declare function isLoopbackIPv4(host: string): boolean;
/** An IPv6 literal's host without its brackets (`[::1]` → `::1`); other hosts as they are. */
export declare function unbracket(host: string): string;
/** `https://x.example///` → `https://x.example`. */
export declare function trimTrailingSlashes(s: string): string;
/** Starts with `http://` or `https://` (any case when `anyCase`). */
export declare function hasHttpScheme(s: string, anyCase?: boolean): boolean;
/** Whether any character is a C0 control or DEL. */
export declare function hasControlChar(s: string): boolean;
/**
 * Every C0 control and DEL as '?': user text quoted in a message stays on one line and cannot
 * forge or hide lines. The expression runs only when there is something to replace.
 */
export declare function replaceControlChars(s: string): string;
