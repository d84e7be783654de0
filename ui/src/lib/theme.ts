import type { Theme } from '../ipc/backend';

// The palette has one switch: `data-theme` on <html> is always 'light' or 'dark'. "System" is
// resolved here from the OS preference (and followed when it changes), so CSS never needs a
// second copy of the dark palette under a media query, and every rule keyed on
// `[data-theme='dark']` holds for the system theme too.

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
let chosen: Theme = 'system';
let followedRoot: HTMLElement | null = null;

function resolve(theme: Theme): 'light' | 'dark' {
  if (theme !== 'system') return theme;
  return darkQuery?.matches ? 'dark' : 'light';
}

darkQuery?.addEventListener('change', () => {
  if (chosen === 'system' && followedRoot) followedRoot.setAttribute('data-theme', resolve('system'));
});

/** Applies the theme at once; 'system' follows the OS preference from then on. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  chosen = theme;
  followedRoot = root;
  root.setAttribute('data-theme', resolve(theme));
}
