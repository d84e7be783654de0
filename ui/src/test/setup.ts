// Vitest setup: unmount whatever a test rendered, so tests never see each other's DOM.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/svelte';

afterEach(() => {
  cleanup();
  delete document.body.dataset['ready'];
});
