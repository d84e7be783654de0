import { describe, expect, it } from 'vitest';
import { checkApiKey, checkLabel, keyMessages, labelMessages, looksLikeJwt } from './key-validation';

describe('API key checks', () => {
  it('trims and accepts an ordinary key', () => {
    expect(checkApiKey('  dk_live_abc123  ')).toEqual({ ok: true, value: 'dk_live_abc123' });
  });

  it.each([
    ['', keyMessages.empty],
    ['   \t ', keyMessages.empty],
    ['dk_live\nabc', keyMessages.multiline],
    ['dk_live\r\nabc', keyMessages.multiline],
    ['dk live abc', keyMessages.whitespace],
    ['dk\tabc', keyMessages.whitespace],
    ['x'.repeat(4097), keyMessages.tooLong],
    ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', keyMessages.jwt],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', keyMessages.jwt],
  ])('rejects %j with a specific message', (input, message) => {
    expect(checkApiKey(input)).toEqual({ ok: false, message });
  });

  it('accepts exactly 4096 characters', () => {
    expect(checkApiKey('k'.repeat(4096)).ok).toBe(true);
  });

  it('knows a JWT when it sees one', () => {
    // The same rule as crates/drivly-core/src/key_input.rs: a base64url JSON header, then a dot.
    expect(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')).toBe(true);
    expect(looksLikeJwt('a.b.c')).toBe(false);
    expect(looksLikeJwt('dk_live_abc')).toBe(false);
    expect(looksLikeJwt('eyJ_no_dot')).toBe(false);
  });

  it('checks labels: empty and duplicates, case-insensitively', () => {
    expect(checkLabel('  ', [])).toEqual({ ok: false, message: labelMessages.empty });
    expect(checkLabel('Billing ', ['billing'])).toEqual({ ok: false, message: labelMessages.duplicate('Billing') });
    expect(checkLabel('x'.repeat(65), [])).toEqual({ ok: false, message: labelMessages.tooLong });
    expect(checkLabel('x'.repeat(64), []).ok).toBe(true);
    expect(checkLabel(' CI ', ['billing'])).toEqual({ ok: true, value: 'CI' });
  });
});
