import { describe, expect, it } from 'vitest';
import { expiryText, formatDuration, formatUtc, preciseRelative, relativeTime } from './time';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('time formatting', () => {
  it('formats durations with at most two units and no zero tail', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration((7 * 60 + 12) * 1000)).toBe('7 min 12 s');
    expect(formatDuration(3 * 3600_000)).toBe('3 h');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000 + 9_000)).toBe('3 h 5 min');
    expect(formatDuration((2 * 24 + 4) * 3600_000)).toBe('2 d 4 h');
    expect(formatDuration(-90_000)).toBe('1 min 30 s');
    expect(formatDuration(7 * 60_000 + 999)).toBe('7 min');
  });

  it('counts down to expiry and up from it', () => {
    expect(expiryText(at((7 * 60 + 12) * 1000), NOW)).toBe('expires in 7 min 12 s');
    expect(expiryText(at(-3 * 3600_000), NOW)).toBe('expired 3 h ago');
    expect(expiryText(at(0), NOW)).toBe('expired 0 s ago');
    expect(expiryText('garbage', NOW)).toBe('unknown expiry');
  });

  it('gives coarse relative times for lists', () => {
    expect(relativeTime(null, NOW)).toBe('never');
    expect(relativeTime(at(-2000), NOW)).toBe('just now');
    expect(relativeTime(at(-3 * 3600_000 - 120_000), NOW)).toBe('3 h ago');
    expect(relativeTime(at(5 * 60_000), NOW)).toBe('in 5 min');
    expect(preciseRelative(at(-65_000), NOW)).toBe('1 min 5 s ago');
  });

  it('prints absolute UTC', () => {
    expect(formatUtc('2025-03-01T14:03:22Z')).toBe('2025-03-01 14:03:22 UTC');
  });
});
