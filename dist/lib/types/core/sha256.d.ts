/** Makes `sha256` usable; every path that hashes awaits this first. */
export declare function loadSha256(): Promise<void>;
export declare function sha256(text: string): string;
