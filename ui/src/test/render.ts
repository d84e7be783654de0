import type { Component } from 'svelte';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { AppModel } from '../lib/app.svelte';
import { fakeBackend, type FakeBackend, type FakeOptions } from './fake-backend';
import Host from './Host.svelte';

/** Renders one screen against a fresh fake backend; resolves once its first heading shows. */
export async function renderScreen(
  component: Component,
  options: FakeOptions & { backend?: FakeBackend; fakeTimers?: boolean } = {},
) {
  const backend = options.backend ?? fakeBackend(options);
  let app: AppModel | undefined;
  const user = options.fakeTimers
    ? userEvent.setup({ advanceTimers: (ms) => import('vitest').then(({ vi }) => vi.advanceTimersByTime(ms)) })
    : userEvent.setup();
  render(Host, { props: { backend, screen: component, onApp: (a: AppModel) => (app = a) } });
  await screen.findByRole('heading', { level: 1 });
  return { backend, user, app: app as unknown as AppModel };
}
