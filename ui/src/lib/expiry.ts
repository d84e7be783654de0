// Expiry presets for minting, and the custom date-time check.

import { formatDuration } from './time';

export type ExpiryPreset = '10m' | '1h' | '1d' | '30d' | '1y' | 'custom';

const MINUTE = 60_000;
export const expiryPresets: { id: ExpiryPreset; label: string; ms: number }[] = [
  { id: '10m', label: '10 min', ms: 10 * MINUTE },
  { id: '1h', label: '1 hour', ms: 60 * MINUTE },
  { id: '1d', label: '1 day', ms: 24 * 60 * MINUTE },
  { id: '30d', label: '30 days', ms: 30 * 24 * 60 * MINUTE },
  { id: '1y', label: '1 year', ms: 365 * 24 * 60 * MINUTE },
];

// Least privilege: a minted token lives an hour unless the user asks for longer.
export const DEFAULT_EXPIRY: ExpiryPreset = '1h';

/** The longest lifetime Drivly documents for a minted token (and the server's default). */
export const LONGEST_EXPIRY_MS = 365 * 24 * 60 * MINUTE;

export const expiryMessages = {
  customEmpty: 'Pick a date and time for the token to expire.',
  customPast: 'That moment has passed. Choose a date and time in the future.',
  customInvalid: 'That is not a date and time this app understands.',
  customTooFar: 'Drivly accepts at most one year. Choose a date and time within a year from now.',
} as const;

/** The `expires` to send: an ISO instant, or null for the server's default (one year). */
export function resolveExpiry(
  preset: ExpiryPreset,
  custom: string,
  now: number,
): { ok: true; expires: string | null; summary: string } | { ok: false; message: string } {
  if (preset === '1y') return { ok: true, expires: null, summary: 'in 1 year (server default)' };
  if (preset !== 'custom') {
    const found = expiryPresets.find((p) => p.id === preset);
    const ms = found?.ms ?? 0;
    return { ok: true, expires: new Date(now + ms).toISOString(), summary: `in ${found?.label ?? ''}` };
  }
  if (custom.trim() === '') return { ok: false, message: expiryMessages.customEmpty };
  const at = new Date(custom).getTime();
  if (Number.isNaN(at)) return { ok: false, message: expiryMessages.customInvalid };
  if (at <= now) return { ok: false, message: expiryMessages.customPast };
  if (at > now + LONGEST_EXPIRY_MS) return { ok: false, message: expiryMessages.customTooFar };
  return { ok: true, expires: new Date(at).toISOString(), summary: `in ${formatDuration(at - now)}` };
}
