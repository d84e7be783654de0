import { isBackendError, type Code } from '../ipc/backend';

/** The message to show for anything a backend call threw. */
export function messageOf(error: unknown, fallback = 'Something went wrong. Try again.'): string {
  if (isBackendError(error)) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}

/** `text` as a sentence on its own: the backend's messages are written to follow "error: ". */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The error's code, when it is a backend error. */
export function codeOf(error: unknown): Code | null {
  return isBackendError(error) ? error.code : null;
}

/** Codes that mean secure storage is closed for now: the user can unlock it and try again. */
const KEYRING_CLOSED: ReadonlySet<Code> = new Set<Code>(['keyring_locked', 'keyring_timeout', 'keyring_unavailable']);

/** True when unlocking the keyring and retrying can fix `error`. */
export function keyringClosed(error: unknown): boolean {
  const code = codeOf(error);
  return code !== null && KEYRING_CLOSED.has(code);
}

/** The add-key form field an error belongs to, by code; `form` when it is about no one field. */
export function keyFieldOf(error: unknown): 'label' | 'secret' | 'form' {
  switch (codeOf(error)) {
    case 'label_exists':
    case 'invalid_label':
      return 'label';
    case 'key_empty':
    case 'key_several_lines':
    case 'key_whitespace':
    case 'key_too_long':
    case 'key_is_jwt':
      return 'secret';
    default:
      return 'form';
  }
}
