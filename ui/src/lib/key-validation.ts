// Client-side checks of what people paste as an API key and how they label it. Rust checks
// again; these exist to say precisely what is wrong before anything crosses IPC.

export const MAX_KEY_LENGTH = 4096;
export const MAX_LABEL_LENGTH = 80;

export type Check = { ok: true; value: string } | { ok: false; message: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** True when the text looks like a JWT: three base64url segments, or a base64 JSON object. */
export function looksLikeJwt(value: string): boolean {
  return JWT_SHAPE.test(value) || value.startsWith('eyJ');
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
  tooLong: `Keep the label under ${MAX_LABEL_LENGTH} characters.`,
  duplicate: (label: string) => `A key called “${label}” already exists. Choose another label.`,
} as const;

/** Trims and checks a key label against the labels already in use (case-insensitive). */
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
