import { describe, expect, it } from 'vitest';
import { expiryMessages, resolveExpiry } from './expiry';
import { checkBaseUrl, checkProfileId, profileMessages } from './profile-validation';

const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('expiry presets', () => {
  it('sends the server default for one year and instants otherwise', () => {
    expect(resolveExpiry('1y', '', NOW)).toMatchObject({ ok: true, expires: null });
    expect(resolveExpiry('10m', '', NOW)).toMatchObject({ ok: true, expires: '2025-03-01T12:10:00.000Z' });
    expect(resolveExpiry('30d', '', NOW)).toMatchObject({ ok: true, expires: '2025-03-31T12:00:00.000Z' });
  });

  it('requires a custom time in the future', () => {
    expect(resolveExpiry('custom', '', NOW)).toEqual({ ok: false, message: expiryMessages.customEmpty });
    expect(resolveExpiry('custom', 'nonsense', NOW)).toEqual({ ok: false, message: expiryMessages.customInvalid });
    expect(resolveExpiry('custom', '2020-01-01T00:00', NOW)).toEqual({ ok: false, message: expiryMessages.customPast });
    expect(resolveExpiry('custom', '2025-12-01T00:00', NOW).ok).toBe(true);
    // Drivly documents one year as the longest lifetime.
    expect(resolveExpiry('custom', '2030-01-01T00:00', NOW)).toEqual({ ok: false, message: expiryMessages.customTooFar });
  });
});

describe('profile checks', () => {
  it('validates base URLs', () => {
    expect(checkBaseUrl('')).toBe(profileMessages.urlEmpty);
    expect(checkBaseUrl('api.example.com')).toBe(profileMessages.urlInvalid);
    expect(checkBaseUrl('http://api.example.com')).toBe(profileMessages.urlScheme);
    expect(checkBaseUrl('ftp://api.example.com')).toBe(profileMessages.urlScheme);
    expect(checkBaseUrl('https://api.example.com/?x=1')).toBe(profileMessages.urlExtras);
    expect(checkBaseUrl('http://127.0.0.1:7878/api')).toBeNull();
    expect(checkBaseUrl('https://api.example.com/v1')).toBeNull();
  });

  it('validates profile ids', () => {
    expect(checkProfileId('Staging', [])).toBe(profileMessages.idInvalid);
    expect(checkProfileId('staging', ['staging'])).toBe(profileMessages.idTaken('staging'));
    expect(checkProfileId('staging-2', [])).toBeNull();
  });
});

