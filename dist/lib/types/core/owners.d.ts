/**
 * Who holds which entry of a shared tool file.
 *
 * Several deploy-login runs with different stores can write the same tool file: matrix legs of
 * different jobs on one self-hosted runner share one HOME and so one ~/.docker/config.json.
 * Each run's store journals only its own changes; what one run cannot see is that another
 * stacked its entry on top of (or below) its own under the same key. This ledger, kept beside
 * the file and written under the file's lock, records per key the stack of runs that wrote it,
 * each with the entry it replaced. Leaving the stack is then a linked-list splice:
 *
 * - the top leaves: its predecessor's entry goes back into the file (if the file still holds
 *   the top's own entry: anything else was written by someone outside deploy-login and is kept);
 * - anyone else leaves: the file is not touched, and the run above inherits its predecessor,
 *   so a run that logged out is never resurrected by a later logout.
 *
 * The ledger holds serialized predecessor entries (credentials already present in the tool
 * file), so it is written 0600 like the file itself and deleted as soon as it is empty.
 */
export interface OwnerRecord {
    /** `<store path>#<target>`: whose entry it is. */
    owner: string;
    /** When it was written (ISO), to leave in-flight logins alone when pruning. */
    at: string;
    /** sha256 of our entry as the writer serializes it; '' when the writer cannot read entries back. */
    entry: string;
    /** The entry we replaced, serialized by the writer; null when the key was free. */
    previous: string | null;
}
export interface Ledger {
    version: 1;
    /** True when a deploy-login run created the file: the last one out removes it again. */
    created: boolean;
    /**
     * The directories that run made for the file (outermost first): the last one out removes them
     * too, when empty. Only the first run's store journal knows them, and it may leave first.
     */
    dirs?: string[];
    keys: Record<string, OwnerRecord[]>;
}
/**
 * `.<file>.deploy-login`: not ending in `.json`, because some tools treat every *.json file in
 * their directory as theirs (`spin cloud login --list` lists each one in fermyon/ as an
 * environment). Versions before this one named it `.<file>.deploy-login.json` (legacyLedgerPath):
 * it is still read, and removed when the ledger is next written.
 */
export declare function ledgerPath(file: string): string;
export declare const legacyLedgerPath: (file: string) => string;
/** An unreadable ledger is treated as empty: the store journals still allow a plain undo. */
export declare function readLedger(file: string): Promise<Ledger>;
export declare function writeLedger(file: string, ledger: Ledger): Promise<void>;
export declare const isEmptyLedger: (l: Ledger) => boolean;
/**
 * Record that `owner` now holds `key`. `replaced` is the entry the file held there before this
 * write (from the writer); `currentIsMine` says whether that entry was this owner's own earlier
 * one, in which case the predecessor stays what it was.
 */
export declare function push(ledger: Ledger, key: string, record: Omit<OwnerRecord, 'previous'>, replaced: string | null, replacedHash: string | undefined): OwnerRecord;
export type LeaveAction = 
/** Not in the ledger (an older store, or the ledger was lost): fall back to the journal. */
{
    kind: 'unknown';
}
/** Someone else's entry is at the key now (stacked on ours, or written outside deploy-login): leave the file alone. */
 | {
    kind: 'keep';
}
/** Our entry is at the key: put `previous` back; `spliced` says whether it changed since we wrote. */
 | {
    kind: 'restore';
    previous: string | null;
    spliced: boolean;
};
/** `owner` leaves `key`; `currentHash` is the hash of the entry the file holds there now (undefined: unknown). */
export declare function leave(ledger: Ledger, key: string, owner: string, currentHash: string | undefined, journalPrevious: string | null): LeaveAction;
/**
 * Records of runs that will never log out (a job killed before its post step, a store deleted)
 * would keep their token in the file for good. A record is abandoned when its store no longer
 * lists that target with this file, and it is older than `graceMs` (a login writes its tool
 * files a moment before its store entry).
 */
export declare function abandoned(ledger: Ledger, file: string, now: number, graceMs?: number): Promise<Array<{
    key: string;
    owner: string;
}>>;
