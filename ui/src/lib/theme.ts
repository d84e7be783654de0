import type { Theme } from '../ipc/backend';

/** Applies the theme at once: `data-theme` on <html>, or none to follow the system. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
}
