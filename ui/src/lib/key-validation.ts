// Client-side checks of what people paste as an API key and how they label it. Rust checks
// again; these exist to say precisely what is wrong before anything crosses IPC.

import { LIMITS } from '../ipc/backend';

// The limits and the JWT rule are Rust's (crates/drivly-core: key_input.rs, vault), exported
// through the generated contract, so the two sides cannot disagree.
export const MAX_KEY_LENGTH = LIMITS.apiKeyMaxChars;
export const MAX_LABEL_LENGTH = LIMITS.keyLabelMaxChars;

export type Check = { ok: true; value: string } | { ok: false; message: string };

/** True when the text is a JWT: its base64url JSON header (`eyJ`) and the dot after it. */
export function looksLikeJwt(value: string): boolean {
  return value.startsWith(LIMITS.jwtPrefix) && value.includes('.');
}

export const keyMessages = {
  empty: 'Paste the API key: the field is empty.',
  multiline: 'The key spans several lines. API keys are a single line; copy it again from the dashboard.',
  whitespace: 'The key has spaces or tabs inside it. API keys contain none; check that you copied it whole.',
  tooLong: `That is longer than ${MAX_KEY_LENGTH} characters, far longer than any API key. Check what you copied.`,
  jwt: 'This is a JWT, not an API key. Inspect tokens on the Inspect screen; API keys come from Drivly’s dashboard.',
} as const;

/** Trims and checks a pasted API key. */
export function checkApiKey(raw: string): Check {
  const value = raw.trim();
  if (value === '') return { ok: false, message: keyMessages.empty };
  if (/[\r\n]/.test(value)) return { ok: false, message: keyMessages.multiline };
  if (/\s/.test(value)) return { ok: false, message: keyMessages.whitespace };
  if (value.length > MAX_KEY_LENGTH) return { ok: false, message: keyMessages.tooLong };
  if (looksLikeJwt(value)) return { ok: false, message: keyMessages.jwt };
  return { ok: true, value };
}

export const labelMessages = {
  empty: 'Give the key a label, such as “billing sandbox”.',
  tooLong: `Keep the label to ${MAX_LABEL_LENGTH} characters or fewer.`,
  duplicate: (label: string) => `This profile already has a key called “${label}”. Choose another label.`,
} as const;

/** Trims and checks a key label against the labels already used in the same profile
 *  (case-insensitive), as the vault does. */
export function checkLabel(raw: string, taken: readonly string[]): Check {
  const value = raw.trim();
  if (value === '') return { ok: false, message: labelMessages.empty };
  if (value.length > MAX_LABEL_LENGTH) return { ok: false, message: labelMessages.tooLong };
  const lower = value.toLowerCase();
  if (taken.some((t) => t.trim().toLowerCase() === lower)) {
    return { ok: false, message: labelMessages.duplicate(value) };
  }
  return { ok: true, value };
}
