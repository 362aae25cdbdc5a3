import * as fsSync from 'node:fs';
export interface LocalFileHandle {
    /** The whole file from the start. */
    read(): Promise<Buffer>;
    /**
     * A text, or parts written one after another (writev), at `position` (pwrite) or at the file
     * offset; writev may take fewer bytes than asked, so it goes on until all are in.
     */
    write(content: string | ReadonlyArray<string | Uint8Array>, position?: number): Promise<void>;
    truncate(length: number): Promise<void>;
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
    rmdir: (p: string) => Promise<void>;
    readFile: (p: string, encoding: BufferEncoding) => Promise<string>;
    writeFile: (p: string, data: string, opts: fsSync.WriteFileOptions) => Promise<void>;
    open: (p: string, flags: string | number, mode?: number) => Promise<LocalFileHandle>;
    rm: (p: string, opts?: fsSync.RmOptions) => Promise<void>;
    rename: (from: string, to: string) => Promise<void>;
    link: (from: string, to: string) => Promise<void>;
    readdir: (p: string) => Promise<string[]>;
    utimes: (p: string, atime: Date, mtime: Date) => Promise<void>;
};
