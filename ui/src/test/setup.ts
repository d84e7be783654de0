// Vitest setup: unmount whatever a test rendered, so tests never see each other's DOM; and give
// async queries room, since CI's 2 cores are shared with Rust builds (waits end as soon as the
// condition holds, so this costs nothing when the machine is idle).
import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/svelte';

configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
  delete document.body.dataset['ready'];
});
