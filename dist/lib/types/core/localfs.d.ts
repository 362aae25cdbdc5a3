import * as fsSync from 'node:fs';
export interface LocalFileHandle {
    writeFile(data: string, encoding: BufferEncoding): Promise<void>;
    readFile(encoding: BufferEncoding): Promise<string>;
    readBytes(): Promise<Buffer>;
    /** pwrite(2) of the whole text at `position`. */
    writeAt(text: string, position: number): Promise<void>;
    truncate(length: number): Promise<void>;
    /** Every part, in order; writev may take fewer bytes than asked, so it goes on until all are in. */
    writeParts(parts: ReadonlyArray<string | Uint8Array>): Promise<void>;
    chmod(mode: number): Promise<void>;
    sync(): Promise<void>;
    stat(opts: {
        bigint: true;
    }): Promise<fsSync.BigIntStats>;
    close(): Promise<void>;
}
export declare const localfs: {
    lstat: (p: string) => Promise<fsSync.Stats>;
    stat: {
        (p: string): Promise<fsSync.Stats>;
        (p: string, opts: {
            bigint: true;
        }): Promise<fsSync.BigIntStats>;
    };
    mkdir: (p: string, opts: fsSync.MakeDirectoryOptions) => Promise<undefined>;
    readFile: (p: string, encoding: BufferEncoding) => Promise<string>;
    writeFile: (p: string, data: string, opts: fsSync.WriteFileOptions) => Promise<void>;
    open: (p: string, flags: string | number, mode?: number) => Promise<LocalFileHandle>;
    rm: (p: string, opts?: fsSync.RmOptions) => Promise<void>;
    rename: (from: string, to: string) => Promise<void>;
    link: (from: string, to: string) => Promise<void>;
    readdir: (p: string) => Promise<string[]>;
    utimes: (p: string, atime: Date, mtime: Date) => Promise<void>;
};
