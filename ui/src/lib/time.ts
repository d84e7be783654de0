// Time formatting for countdowns, relative times and absolute UTC/local stamps. Pure: every
// function takes `now` so tests and the live clock agree.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

const UNITS: [number, string][] = [
  [YEAR, 'y'],
  [DAY, 'd'],
  [HOUR, 'h'],
  [MINUTE, 'min'],
  [SECOND, 's'],
];

/** A duration as at most two units: "45 s", "7 min 12 s", "3 h", "2 d 4 h", "1 y 12 d". */
export function formatDuration(ms: number, maxUnits = 2): string {
  let rest = Math.floor(Math.abs(ms) / SECOND) * SECOND;
  if (rest < SECOND) return '0 s';
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    if (parts.length >= maxUnits) break;
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count} ${unit}`);
      rest -= count * size;
    } else if (parts.length > 0) {
      break; // "3 h", not "3 h 0 min"; never skip to a smaller unit
    }
  }
  return parts.join(' ');
}

/** "expires in 7 min 12 s" / "expired 3 h ago". */
export function expiryText(targetIso: string, now: number): string {
  const delta = Date.parse(targetIso) - now;
  if (Number.isNaN(delta)) return 'unknown expiry';
  if (delta > 0) return `expires in ${formatDuration(delta)}`;
  return `expired ${formatDuration(delta)} ago`;
}

/** "in 5 min" / "5 min ago" / "just now", one unit, for list columns. */
export function relativeTime(iso: string | null, now: number, never = 'never'): string {
  if (!iso) return never;
  const delta = Date.parse(iso) - now;
  if (Number.isNaN(delta)) return 'unknown';
  if (Math.abs(delta) < 5 * SECOND) return 'just now';
  const text = formatDuration(delta, 1);
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

/** "in 5 min 3 s" / "5 min 3 s ago", two units, for live values. */
export function preciseRelative(iso: string, now: number): string {
  const delta = Date.parse(iso) - now;
  if (Number.isNaN(delta)) return 'unknown';
  const text = formatDuration(delta);
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "2025-03-01 14:03:22 UTC". */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`
  );
}

/** The same instant in the user's time zone: "2025-03-01 15:03:22 (local)". */
export function formatLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} local`
  );
}

/** A clock time in the user's time zone, for "retrying at 14:05". */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A short date for lists: "1 Mar 2025". */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

/** The value a `datetime-local` input wants for an instant, in local time. */
export function toDateTimeLocal(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** The instant of a time claim, when it holds a valid one. */
export function claimTime(claim: import('../ipc/backend').TimeClaim): string | null {
  return claim.state === 'valid' ? claim.at : null;
}
