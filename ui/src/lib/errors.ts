import { isBackendError } from '../ipc/backend';

/** The message to show for anything a backend call threw. */
export function messageOf(error: unknown, fallback = 'Something went wrong. Try again.'): string {
  if (isBackendError(error)) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}

/** The error's code, when it is a backend error. */
export function codeOf(error: unknown): string | null {
  return isBackendError(error) ? error.code : null;
}
