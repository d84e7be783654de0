// What survives the window closing to the tray (issue #18). Closing destroys the webview, so
// a tray app holds no WebKit renderer; first the page hands Rust its screen and the unsaved
// text of the forms on it (`page_memory.rs` keeps it in memory only), and the next page takes
// it back at boot. Each form starts its fields from `recalled` and names them with `keep`.
//
// Secrets are never kept: an API key being pasted and a JWT pasted into Inspect are forgotten
// when the window closes, as a password manager forgets what was typed when it locks.

import { onDestroy } from 'svelte';

export class PageMemory {
  /** Fields of the last page, each taken once by the form that kept it. */
  #recalled = new Map<string, string>();
  /** Fields of the forms on screen now. */
  #live = new Map<string, () => unknown>();

  /** The last page's fields (from `recall_page`). */
  restore(fields: Record<string, string>): void {
    this.#recalled = new Map(Object.entries(fields));
  }

  /**
   * The last page's value of `name`, once, or `fallback` (also when the value is not of the
   * fallback's kind: a field renamed by an update must not break a form).
   */
  recalled<T>(name: string, fallback: T): T {
    const text = this.#recalled.get(name);
    this.#recalled.delete(name);
    if (text === undefined) return fallback;
    try {
      const value: unknown = JSON.parse(text);
      if (!sameKind(value, fallback)) return fallback;
      // A form's object gains fields over time: the ones the last page did not have start
      // from the fallback.
      return isRecord(fallback) ? ({ ...fallback, ...(value as object) } as T) : (value as T);
    } catch {
      return fallback;
    }
  }

  /** Keeps `name` as `read` gives it while the caller lives; returns the way to stop. */
  keep(name: string, read: () => unknown): () => void {
    this.#live.set(name, read);
    return () => {
      if (this.#live.get(name) === read) this.#live.delete(name);
    };
  }

  /** The fields to hand over now, as JSON text. */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, read] of this.#live) {
      const text = JSON.stringify(read());
      if (text !== undefined) out[name] = text;
    }
    return out;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameKind(value: unknown, fallback: unknown): boolean {
  if (Array.isArray(fallback)) return Array.isArray(value);
  if (fallback === null) return true;
  return typeof value === typeof fallback && !Array.isArray(value) && value !== null;
}

/**
 * For a component: keeps each named field, read by its function, until the component goes.
 * Call during the component's set-up, after starting the fields from `memory.recalled`.
 */
export function keep(memory: PageMemory, reads: Record<string, () => unknown>): void {
  for (const [name, read] of Object.entries(reads)) onDestroy(memory.keep(name, read));
}
