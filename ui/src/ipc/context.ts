import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';

const KEY = Symbol('backend');

/** Makes `backend` available to every component below the caller. */
export function provideBackend(backend: Backend): void {
  setContext(KEY, backend);
}

/** The backend provided by an ancestor (the app root, or a test). */
export function useBackend(): Backend {
  const backend = getContext<Backend | undefined>(KEY);
  if (!backend) throw new Error('no backend provided');
  return backend;
}
