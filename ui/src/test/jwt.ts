// Tiny JWT helpers for the fake backend and tests: encode a token, and inspect one the way the
// Rust inspector does (enough of it for the UI to render every state).

import type { BackendError, Inspection, PermissionRow, TimeClaim, Warning } from '../ipc/backend';
import type { JsonValue, PermissionReport } from '../ipc/generated/contract';

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

function timeClaim(value: unknown): TimeClaim {
  if (value === undefined) return { state: 'absent' };
  if (typeof value === 'number' && Number.isFinite(value)) {
    return { state: 'valid', at: new Date(value * 1000).toISOString(), unix: Math.floor(value), relative: '' };
  }
  return { state: 'invalid', raw: JSON.stringify(value), reason: 'not a NumericDate' };
}

const PERMISSION = /^([a-z][a-z0-9_-]{0,63})\.(read|write)$/;

function permissionTable(list: unknown): PermissionReport {
  const entries = Array.isArray(list) ? list : typeof list === 'string' ? list.split(' ') : [];
  const rows = new Map<string, PermissionRow>();
  const unrecognised: string[] = [];
  for (const entry of entries) {
    const m = typeof entry === 'string' ? PERMISSION.exec(entry) : null;
    if (!m || !m[1]) {
      unrecognised.push(String(entry));
      continue;
    }
    const row = rows.get(m[1]) ?? { resource: m[1], get: false, post: false, put: false, delete: false };
    if (m[2] === 'read') row.get = true;
    else row.post = row.put = row.delete = true;
    rows.set(m[1], row);
  }
  const table = [...rows.values()].sort((a, b) => a.resource.localeCompare(b.resource));
  const granted = table.flatMap((r) => [
    ...(r.get ? [`${r.resource}.read`] : []),
    ...(r.post ? [`${r.resource}.write`] : []),
  ]);
  return { sources: list === undefined ? [] : ['permissions'], granted, unrecognised, dropped: 0, table };
}

/** Decodes a JWT like the Rust inspector; throws `{code, message}` when it is not one. */
export function inspectJwt(token: string, now: number): Inspection {
  const parts = token.trim().split('.');
  if (parts.length !== 3) {
    throw {  code: 'jwt_segment_count', message: 'That is not a JWT: it needs three parts separated by dots.'  } satisfies BackendError;
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
  const expiresAt = timeClaim(claims['exp']);
  const issuedAt = timeClaim(claims['iat']);
  const notBefore = timeClaim(claims['nbf']);
  const permissions = permissionTable(claims['permissions'] ?? claims['scope']);
  const warnings: Warning[] = [];
  if (header['alg'] === 'none') {
    warnings.push({ code: 'alg_none', severity: 'danger', message: 'alg is “none”: the token is unsigned and anyone can forge it.' });
  }
  if (expiresAt.state === 'valid' && Date.parse(expiresAt.at) <= now) {
    warnings.push({ code: 'expired', severity: 'danger', message: 'The token has expired; servers will reject it.' });
  }
  if (expiresAt.state === 'absent') {
    warnings.push({ code: 'missing_exp', severity: 'warning', message: 'No exp claim: this token never expires.' });
  }
  if (notBefore.state === 'valid' && Date.parse(notBefore.at) > now) {
    warnings.push({ code: 'not_yet_valid', severity: 'warning', message: 'nbf is in the future: the token is not valid yet.' });
  }
  if (permissions.unrecognised.length > 0) {
    warnings.push({
      code: 'unrecognised_permissions',
      severity: 'info',
      message: 'Some permissions are not <resource>.read or <resource>.write.',
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
    secondsRemaining: expiresAt.state === 'valid' ? Math.floor((Date.parse(expiresAt.at) - now) / 1000) : null,
    signaturePresent: (parts[2] ?? '') !== '',
    sizeBytes: new TextEncoder().encode(token.trim()).length,
    issuedAt,
    notBefore,
    permissions,
    warnings,
    signature: { status: 'notVerified', reason: 'No key chosen yet: pick one under “Verify signature”.' },
  };
}
