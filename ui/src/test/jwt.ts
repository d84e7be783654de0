// Tiny JWT helpers for the fake backend and tests: encode a token, and inspect one the way the
// Rust inspector does (enough of it for the UI to render every state).

import type { BackendError, Inspection, PermissionRow, TimeClaim, Warning } from '../ipc/backend';
import type { JsonValue, PermissionReport } from '../ipc/generated/contract';
import { formatDuration } from '../lib/time';

function b64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(part: string): string {
  const bin = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function encodeJwt(header: Record<string, unknown>, claims: Record<string, unknown>, sig = 'c2lnbmF0dXJl'): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${sig}`;
}

type TimeKind = 'exp' | 'nbf' | 'iat';

/** `2026-06-01T12:09:00Z`, as chrono writes a whole second. */
function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** The relative text of `drivly_core::jwt::time_claim::describe`. */
function describe(kind: TimeKind, seconds: number, now: number): string {
  const delta = Math.trunc(seconds - now / 1000);
  const span = formatDuration(Math.abs(delta) * 1000);
  if (kind === 'exp') return delta === 0 ? 'expires now' : delta > 0 ? `expires in ${span}` : `expired ${span} ago`;
  if (kind === 'iat') return delta === 0 ? 'issued now' : delta > 0 ? `issued in ${span} (in the future)` : `issued ${span} ago`;
  return delta === 0 ? 'valid from now' : delta > 0 ? `not valid for another ${span}` : `valid since ${span} ago`;
}

const LAST_SECOND_OF_9999 = 253402300799;

function timeClaim(value: unknown, kind: TimeKind, now: number): TimeClaim {
  if (value === undefined) return { state: 'absent' };
  const raw = JSON.stringify(value);
  if (typeof value === 'string') return { state: 'invalid', raw, reason: 'a string; RFC 7519 requires a number of seconds since 1970' };
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { state: 'invalid', raw, reason: `a ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}; RFC 7519 requires a number of seconds since 1970` };
  }
  if (value > LAST_SECOND_OF_9999) return { state: 'invalid', raw, reason: 'after the year 9999' };
  const unix = Math.floor(value);
  return { state: 'valid', at: rfc3339(unix), unix, relative: describe(kind, unix, now) };
}

// The core's rule for a permission in a token: a resource of lowercase letters, digits, `_` or
// `-` (a digit may come first), then `.read` or `.write`. What the UI lets a user *type* is
// stricter (a letter first): that rule lives in ../lib/permissions.ts alone.
const PERMISSION = /^([a-z0-9_-]{1,64})\.(read|write)$/;

function permissionTable(claims: Record<string, JsonValue>): PermissionReport {
  const source = claims['permissions'] !== undefined ? 'permissions' : claims['scope'] !== undefined ? 'scope' : null;
  const list = source ? claims[source] : undefined;
  const entries = Array.isArray(list) ? list : typeof list === 'string' ? list.split(' ').filter((e) => e !== '') : [];
  const rows = new Map<string, PermissionRow>();
  const unrecognised: string[] = [];
  const granted = new Set<string>();
  for (const entry of entries) {
    const m = typeof entry === 'string' ? PERMISSION.exec(entry) : null;
    if (!m || !m[1]) {
      unrecognised.push(typeof entry === 'string' ? entry : JSON.stringify(entry));
      continue;
    }
    granted.add(entry as string);
    const row = rows.get(m[1]) ?? { resource: m[1], get: false, post: false, put: false, delete: false };
    if (m[2] === 'read') row.get = true;
    else row.post = row.put = row.delete = true;
    rows.set(m[1], row);
  }
  const table = [...rows.values()].sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  return { sources: source ? [source] : [], granted: [...granted].sort(), unrecognised, dropped: 0, table };
}

function secondsText(seconds: number): string {
  return formatDuration(Math.abs(seconds) * 1000);
}

/** Decodes a JWT like the Rust inspector; throws `{code, message}` when it is not one. */
export function inspectJwt(token: string, now: number): Inspection {
  const parts = token.trim().split('.');
  if (parts.length === 1) {
    throw {
      code: 'jwt_opaque_token',
      message: 'This is not a JWT: it has no dots. It looks like an opaque token (an API key or a refresh token), which has nothing to decode.',
    } satisfies BackendError;
  }
  if (parts.length !== 3) {
    throw {
      code: 'jwt_segment_count',
      message: `A JWT has three parts separated by dots (header.payload.signature); this has ${parts.length}. Check that the whole token was copied.`,
    } satisfies BackendError;
  }
  let header: Record<string, JsonValue>;
  let claims: Record<string, JsonValue>;
  try {
    header = JSON.parse(unb64url(parts[0] ?? ''));
    claims = JSON.parse(unb64url(parts[1] ?? ''));
  } catch {
    throw {  code: 'jwt_not_json', message: 'The header or claims are not base64url-encoded JSON.'  } satisfies BackendError;
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const expiresAt = timeClaim(claims['exp'], 'exp', now);
  const issuedAt = timeClaim(claims['iat'], 'iat', now);
  const notBefore = timeClaim(claims['nbf'], 'nbf', now);
  const permissions = permissionTable(claims);
  const secondsRemaining = expiresAt.state === 'valid' ? expiresAt.unix - Math.floor(now / 1000) : null;
  // The warnings the fake knows, worded and ordered as drivly_core::jwt::inspect gives them.
  const warnings: Warning[] = [];
  if (header['alg'] === 'none') {
    warnings.push({ code: 'alg_none', severity: 'danger', message: 'alg is "none": the token is unsigned and anyone can forge it. Never accept it as proof of anything.' });
  }
  for (const [name, claim] of [['exp', expiresAt], ['nbf', notBefore], ['iat', issuedAt]] as const) {
    if (claim.state === 'invalid') {
      warnings.push({ code: 'invalid_time_claim', severity: 'warning', message: `${name} is ${claim.raw.replace(/^"(.*)"$/, '"$1"')}: ${claim.reason}. Servers will likely reject this token.` });
    }
  }
  if (expiresAt.state === 'absent') {
    warnings.push({ code: 'missing_exp', severity: 'warning', message: 'The token has no exp: it never expires, so a leaked copy stays usable until its key is rotated.' });
  } else if (secondsRemaining !== null && secondsRemaining <= 0) {
    warnings.push({ code: 'expired', severity: 'danger', message: `The token expired ${secondsText(secondsRemaining)} ago; refresh the session or mint a new token.` });
  }
  if (notBefore.state === 'valid' && notBefore.unix * 1000 > now) {
    warnings.push({
      code: 'not_yet_valid',
      severity: 'warning',
      message: `The token is not valid for another ${secondsText(notBefore.unix - Math.floor(now / 1000))} (nbf); servers will refuse it until then.`,
    });
  }
  if (permissions.unrecognised.length > 0) {
    warnings.push({
      code: 'unrecognised_permissions',
      severity: 'info',
      message: `${permissions.unrecognised.length} permission entries are not <resource>.read or <resource>.write; they are listed as unrecognised.`,
    });
  }
  return {
    header,
    claims,
    alg: str(header['alg']),
    typ: str(header['typ']),
    kid: str(header['kid']),
    issuer: str(claims['iss']),
    subject: str(claims['sub']),
    kind: str(claims['kind']),
    audience: typeof claims['aud'] === 'string' ? [claims['aud']] : Array.isArray(claims['aud']) ? claims['aud'].map(String) : [],
    expiresAt,
    secondsRemaining,
    signaturePresent: (parts[2] ?? '') !== '',
    sizeBytes: new TextEncoder().encode(token.trim()).length,
    issuedAt,
    notBefore,
    permissions,
    warnings,
    signature: { status: 'notVerified', reason: 'not checked yet: choose the keys below and press “Verify signature”.' },
  };
}
