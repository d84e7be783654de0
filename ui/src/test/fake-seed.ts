// Seed data for the fake backend: three keys (one with its secret missing), a mint record and
// two sessions (one active, one that needs a new sign-in).

import type { FakeBackend } from './fake-backend';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export function seed(state: FakeBackend['state'], iso: (offsetMs: number) => string): void {
  state.keys = [
    {
      id: 'key-billing',
      label: 'Billing sandbox',
      profileId: 'emulator',
      created: iso(-12 * DAY),
      lastUsed: iso(-3 * 60 * MIN),
      maskedTail: '••••3f9a',
      note: 'Used by the invoices service in staging',
      secretPresent: true,
    },
    {
      id: 'key-prod',
      label: 'Production read-only',
      profileId: 'production',
      created: iso(-40 * DAY),
      lastUsed: null,
      maskedTail: '••••b21c',
      note: null,
      secretPresent: true,
    },
    {
      id: 'key-lost',
      label: 'Old laptop key',
      profileId: 'production',
      created: iso(-200 * DAY),
      lastUsed: iso(-90 * DAY),
      maskedTail: '••••77e0',
      note: null,
      secretPresent: false,
    },
  ];
  state.secrets.set('key-billing', 'dk_live_8c1e2f9b7a6d5c4b3a2f1e0d9c8b3f9a');
  state.secrets.set('key-prod', 'dk_live_0a9b8c7d6e5f4a3b2c1d0e9f8a7bb21c');
  state.history = [
    {
      id: 'mint-1',
      label: 'CI smoke test',
      profileId: 'emulator',
      tokenRef: null,
      keyId: 'key-billing',
      keyLabel: 'Billing sandbox',
      permissions: ['invoices.read', 'services.read'],
      expires: iso(20 * DAY),
      mintedAt: iso(-10 * DAY),
    },
  ];
  state.sessions = [
    {
      id: 'session-1',
      profileId: 'emulator',
      subject: 'usr_1',
      account: 'demo@drivly.test',
      label: null,
      permissions: ['invoices.read', 'invoices.write', 'vehicles.read'],
      state: 'active',
      created: iso(-2 * 60 * MIN),
      lastRefresh: iso(-3 * MIN),
      nextRefresh: iso(4 * MIN + 30_000),
      jwtExpires: iso(7 * MIN + 12_000),
      nextAttempt: null,
      lastError: null,
      serverClockSkewSecs: null,
    },
    {
      id: 'session-2',
      profileId: 'production',
      subject: 'usr_2',
      account: 'ana@example.com',
      label: null,
      permissions: ['orders.read'],
      state: 'needsSignIn',
      created: iso(-3 * DAY),
      lastRefresh: iso(-26 * 60 * MIN),
      nextRefresh: null,
      jwtExpires: null,
      nextAttempt: null,
      lastError: { code: 'invalid_grant', message: 'The refresh token was revoked. Sign in again to continue.' },
      serverClockSkewSecs: null,
    },
  ];
}
