// What the Rust side answered, written by `src-tauri/tests/ui_fixtures.rs` through the real IPC
// layer at a fixed instant. The fake backend answers signature checks only from here, and the
// conformance test holds the fake's own inspector to these inspections, so a component test
// cannot pass on an answer the app would never give.

import answers from './fixtures/rust-answers.json';
import type { BackendError, Inspection } from '../ipc/backend';
import type { KeyMaterial, SignatureStatus } from '../ipc/generated/contract';

type Answer<T> = { ok: T } | { error: BackendError };

const fixtures = answers as unknown as {
  now: string;
  tokens: Record<string, string>;
  materials: Record<string, KeyMaterial>;
  inspections: Record<string, Answer<Inspection>>;
  signatures: { token: string; material: string; result: Answer<SignatureStatus> }[];
};

/** The instant the inspections were made at. */
export const RUST_NOW = Date.parse(fixtures.now);

/** The fixture tokens (and refused texts) by name. */
export const rustTokens: Readonly<Record<string, string>> = fixtures.tokens;

/** The key materials by name, as the UI sends them. */
export const rustMaterials: Readonly<Record<string, KeyMaterial>> = fixtures.materials;

/** The inspections (or refusals) by token name, at {@link RUST_NOW}. */
export const rustInspections: Readonly<Record<string, Answer<Inspection>>> = fixtures.inspections;

function sameMaterial(a: KeyMaterial, b: KeyMaterial): boolean {
  if (a.kind !== b.kind) return false;
  // The fixtures' profile is the emulator; any profile's published keys are the fixture JWKS.
  if (a.kind === 'profileJwks' || b.kind === 'profileJwks') return true;
  return 'value' in a && 'value' in b && a.value === b.value;
}

/**
 * What `verify_signature` answered for `token` with `material`. A pair the fixtures do not hold
 * is refused, so a test must use a fixture token and material (or add them in Rust).
 */
export function rustSignature(token: string, material: KeyMaterial): SignatureStatus {
  const name = Object.keys(fixtures.tokens).find((key) => fixtures.tokens[key] === token.trim());
  const materialName = Object.keys(fixtures.materials).find((key) => {
    const known = fixtures.materials[key];
    return known !== undefined && sameMaterial(known, material);
  });
  const entry = fixtures.signatures.find((s) => s.token === name && s.material === materialName);
  if (!entry) {
    throw {
      code: 'internal',
      message: 'The fake backend has no Rust answer for this token and key; add them to src-tauri/tests/ui_fixtures.rs.',
    } satisfies BackendError;
  }
  if ('error' in entry.result) throw structuredClone(entry.result.error);
  return structuredClone(entry.result.ok);
}
