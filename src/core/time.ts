/**
 * Date#toISOString without calling it: V8 loads the local time zone (/etc/localtime and the zone
 * files) on a Date's first conversion to a string, about 0.3 ms of a CLI run that never shows a
 * local time. The UTC getters do not need it. Same output, same RangeError for an invalid time.
 */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new RangeError('Invalid time value');
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? p(y, 4) : `${y < 0 ? '-' : '+'}${p(Math.abs(y), 6)}`;
  return (
    `${year}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}` +
    `T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}Z`
  );
}
