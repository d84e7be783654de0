// Checks for custom profiles: id, name and base URL. The protocol settings (Advanced) are
// checked in Rust, by the same rules as `drivly-keys profiles edit`; only their defaults live here.

import type { ProtocolSettings } from '../ipc/backend';

/** The contract's defaults (protocol.md B), which "Reset to Drivly defaults" restores. */
export const drivlyProtocolDefaults: ProtocolSettings = {
  redirectForm: 'code',
  clientId: '',
  authorizePath: 'auth',
  tokenPath: 'auth/token',
  refreshPath: 'auth/refresh',
  revokePath: 'auth/revoke',
  jwksPath: '.well-known/jwks.json',
};

export const profileMessages = {
  idInvalid: 'Use lowercase letters, digits and “-”, starting with a letter (at most 32 characters).',
  idTaken: (id: string) => `A profile with the id “${id}” already exists.`,
  nameEmpty: 'Give the profile a name.',
  urlEmpty: 'Enter the API base URL, such as https://api.example.com.',
  urlInvalid: 'That is not a URL. Include the scheme, such as https://.',
  urlScheme: 'Use https://. Plain http:// is only allowed for localhost.',
  urlExtras: 'Leave out the query string, fragment and credentials; the base URL is just scheme, host and path.',
} as const;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function checkProfileId(raw: string, taken: readonly string[]): string | null {
  const id = raw.trim();
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(id)) return profileMessages.idInvalid;
  if (taken.includes(id)) return profileMessages.idTaken(id);
  return null;
}

export function checkBaseUrl(raw: string): string | null {
  const value = raw.trim();
  if (value === '') return profileMessages.urlEmpty;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return profileMessages.urlInvalid;
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) return profileMessages.urlScheme;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return profileMessages.urlScheme;
  if (url.search || url.hash || url.username || url.password) return profileMessages.urlExtras;
  return null;
}
