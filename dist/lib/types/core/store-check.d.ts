/**
 * The shape check of a credential store's targets, field by field. A store is often edited by
 * hand (or by a merge gone wrong); whatever got through here is read by status, token, run and
 * logout without further checks, so a field of the wrong type must stop here, with the target and
 * the field named, rather than later as a TypeError (an "internal error", exit 1).
 *
 * Returns the reason the store cannot be used, or undefined. Missing optional lists are filled in.
 * Fields this version does not know are left alone (a newer version may have written them).
 *
 * `only` names the entries a command will use: `status`, `token`, `env` and `run` read one target,
 * `login` and `logout` of one target rewrite one. Only those are checked; the others are neither
 * read nor changed (an update writes them back as they were), and on a store of 1,000 targets
 * checking them all was a large part of every command's time. Commands that list or act on every
 * target (`targets`, `logout --all`) check them all.
 */
export declare function storedTargetsProblem(targets: Record<string, unknown>, only?: readonly string[]): string | undefined;
