/**
 * Date#toISOString without calling it: V8 loads the local time zone (/etc/localtime and the zone
 * files) on a Date's first conversion to a string, about 0.3 ms of a CLI run that never shows a
 * local time. The UTC getters do not need it. Same output, same RangeError for an invalid time.
 */
export declare function isoTime(ms: number): string;
