// The fake backend's inspector (./jwt.ts) against the Rust inspector: for every fixture token
// (src-tauri/tests/ui_fixtures.rs), the same fields, texts and refusals at the same instant.
// The fake knows fewer warnings than Rust; the ones it gives must be Rust's, word for word.

import { describe, expect, it } from 'vitest';
import type { Inspection } from '../ipc/backend';
import { inspectJwt } from './jwt';
import { RUST_NOW, rustInspections, rustTokens } from './rust-answers';

function attempt(token: string): { ok: Inspection } | { error: unknown } {
  try {
    return { ok: inspectJwt(token, RUST_NOW) };
  } catch (error) {
    return { error };
  }
}

describe('the fake inspector answers as the Rust inspector does', () => {
  it.each(Object.keys(rustInspections))('%s', (name) => {
    const rust = rustInspections[name];
    const fake = attempt(rustTokens[name] ?? '');
    if (!rust || 'error' in rust) {
      const refusal = 'error' in fake ? (fake.error as { code: string; message: string }) : null;
      expect(refusal?.code).toBe(rust?.error.code);
      // The JSON parser's own detail differs between serde and JS; the start of the text does not.
      if (rust?.error.code !== 'jwt_not_json') expect(refusal?.message).toBe(rust?.error.message);
      return;
    }
    if (!('ok' in fake)) throw new Error(`the fake refused ${name}: ${JSON.stringify(fake.error)}`);
    const known = new Set(fake.ok.warnings.map((w) => w.code));
    const { warnings: rustWarnings, ...rustRest } = rust.ok;
    const { warnings: fakeWarnings, ...fakeRest } = fake.ok;
    expect(fakeRest).toEqual(rustRest);
    expect(fakeWarnings).toEqual(rustWarnings.filter((w) => known.has(w.code)));
    // Every warning Rust gives for these tokens is one the fake gives too.
    expect(rustWarnings.map((w) => w.code)).toEqual(fakeWarnings.map((w) => w.code));
  });
});
