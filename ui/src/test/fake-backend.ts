// A realistic in-memory backend for component tests and the visual preview. It implements the
// whole `Backend` contract, keeps state between calls, emits events like Rust does, and lets a
// test inject a `{code, message}` error into any method.

import type {
  ApiKeyMeta,
  AppInfo,
  Backend,
  BackendError,
  BackendEvent,
  Code,
  LinkHandlerStatus,
  MintRecord,
  PageRecall,
  ProfileView,
  ProtocolSettings,
  SessionView,
  Settings,
  TokenSource,
  TryItResult,
  UiSnapshot,
} from '../ipc/backend';
import { encodeJwt, inspectJwt } from './jwt';
import { rustSignature } from './rust-answers';
import { seed } from './fake-seed';
import { drivlyProtocolDefaults } from '../lib/profile-validation';
import { LIMITS } from '../ipc/backend';

export interface FakeOptions {
  /** Seed stored keys, mint history and sessions (default true). */
  seeded?: boolean;
  /** Run as the embedded-emulator demo (default true). */
  demo?: boolean;
  notices?: string[];
  /** What app info says of the desktop's tray (default: present). */
  trayHost?: 'present' | 'absent' | 'unknown';
  /** Fixed clock for deterministic tests; defaults to the real one. */
  now?: () => number;
}

export type FakeBackend = Backend & {
  /** Makes the next call of `method` reject with `error`. */
  failNext(method: keyof Backend, error: BackendError): void;
  /** Delivers an event to every subscriber, as Rust would. */
  emit(event: BackendEvent): void;
  /** Every call made, by method name, with its arguments. */
  calls: Record<string, unknown[][]>;
  state: {
    keys: ApiKeyMeta[];
    secrets: Map<string, string>;
    sessions: SessionView[];
    history: MintRecord[];
    /** What the system clipboard holds (what the user copied elsewhere). */
    clipboard: string | null;
    /** What Rust says when the history entry of a mint could not be written; null: it was. */
    historyWarning: string | null;
    profiles: ProfileView[];
    settings: Settings;
    tokens: Map<string, string>;
    activeProfileId: string;
    linkHandler: LinkHandlerStatus;
    /** Running local proxies: session id → URL. */
    proxies: Map<string, string>;
    /** The last non-secret text copied (proxy URLs, curl lines). */
    copiedText: string | null;
    /** Why secure storage is closed (app info says it once); null: it is open. */
    storageError: BackendError | null;
    /** What the next page gets at boot (Rust's page memory); taken by `recallPage`. */
    pageRecall: PageRecall;
    /** What the page handed over when asked to close; null until then. */
    closedWith: UiSnapshot | null;
  };
};

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export const DEMO_API_KEY = 'dk_demo_4f1c9a7e2b6d4e0f8a3c5b7d9e1f3a5c';

const builtIns = (): ProfileView[] => [
  {
    id: 'emulator',
    name: 'Local emulator',
    environment: 'local',
    baseUrl: 'http://127.0.0.1:7878/api',
    builtIn: true,
    dashboardUrl: 'http://127.0.0.1:7878/dashboard',
    canRevokeApiKeys: true,
    canRevokeSessions: true,
    redirectForm: 'code',
    protocol: { ...drivlyProtocolDefaults },
  },
  {
    id: 'production',
    name: 'Drivly',
    environment: 'production',
    baseUrl: 'https://api.drivly.io',
    builtIn: true,
    dashboardUrl: 'https://dashboard.drivly.io/settings/api-keys',
    canRevokeApiKeys: false,
    canRevokeSessions: true,
    redirectForm: 'token',
    protocol: { ...drivlyProtocolDefaults, redirectForm: 'token' },
  },
];

/** The Rust side's rule for a path, enough for the form's tests: relative, never another host. */
function checkProtocol(protocol: ProtocolSettings | undefined) {
  if (!protocol) return;
  for (const [name, value] of Object.entries(protocol)) {
    if (name.endsWith('Path') && /:\/\/|^\/\//.test(value)) {
      const refusal: BackendError = {
        code: 'invalid_profile_setting',
        message: `the ${name} must be relative to the base URL, without a scheme or host (for example oauth/token)`,
      };
      throw refusal;
    }
  }
}

export function fakeBackend(options: FakeOptions = {}): FakeBackend {
  const now = options.now ?? (() => Date.now());
  const seeded = options.seeded ?? true;
  const iso = (offset: number) => new Date(now() + offset).toISOString();
  const listeners = new Set<(e: BackendEvent) => void>();
  const failures = new Map<string, BackendError>();
  const calls: Record<string, unknown[][]> = {};
  let nextId = 1;
  const id = (prefix: string) => `${prefix}-${nextId++}`;

  const state: FakeBackend['state'] = {
    keys: [],
    secrets: new Map(),
    sessions: [],
    history: [],
    clipboard: null,
    historyWarning: null,
    profiles: builtIns(),
    settings: { clipboardClearSeconds: 30, launchMinimised: false, theme: 'system', globalShortcut: null },
    tokens: new Map(),
    activeProfileId: 'emulator',
    // A build-folder run: its own per-user entry opens the links.
    linkHandler: {
      scheme: 'ly.driv.keys',
      defaultEntry: 'drivly-keys-app-handler.desktop',
      systemEntries: [],
      userEntries: ['/home/dev/.local/share/applications/drivly-keys-app-handler.desktop'],
    },
    proxies: new Map(),
    copiedText: null,
    storageError: null,
    pageRecall: { snapshot: null, requests: [] },
    closedWith: null,
  };
  let nextProxyPort = 41000;

  if (seeded) seed(state, iso);

  const profile = (pid: string) => state.profiles.find((p) => p.id === pid);
  const summary = (p: ProfileView) => ({ id: p.id, name: p.name, environment: p.environment, baseUrl: p.baseUrl });
  const emit = (event: BackendEvent) => listeners.forEach((l) => l(event));
  const err = (code: Code, message: string): BackendError => ({ code, message });

  function mintJwt(permissions: string[], expiresMs: number, extra: Record<string, unknown> = {}): string {
    const t = Math.floor(now() / 1000);
    return encodeJwt(
      { alg: 'RS256', typ: 'JWT', kid: 'emulator-2025' },
      {
        iss: 'http://127.0.0.1:7878',
        sub: 'key-billing',
        kind: 'api',
        iat: t,
        exp: Math.floor(expiresMs / 1000),
        permissions,
        ...extra,
      },
    );
  }
  const storeToken = (token: string) => {
    const ref = id('tok');
    state.tokens.set(ref, token);
    return ref;
  };
  const sourceToken = (source: TokenSource) => {
    if ('token' in source) return source.token;
    const token = state.tokens.get(source.tokenRef);
    if (!token) throw err('token_gone', 'That token is no longer held by the app. Mint or open it again.');
    return token;
  };
  const copied = () => ({
    clearsInSeconds: state.settings.clipboardClearSeconds === 0 ? null : state.settings.clipboardClearSeconds,
  });
  const session = (sid: string) => {
    const s = state.sessions.find((x) => x.id === sid);
    if (!s) throw err('session_not_found', 'That session no longer exists.');
    return s;
  };
  const key = (kid: string) => {
    const k = state.keys.find((x) => x.id === kid);
    if (!k) throw err('key_not_found', 'That key no longer exists.');
    return k;
  };

  const impl: Backend = {
    async quitApp() {},
    async recallPage() {
      const recall = state.pageRecall;
      state.pageRecall = { snapshot: null, requests: [] };
      return structuredClone(recall);
    },
    async closeWindow(snapshot) {
      state.closedWith = structuredClone(snapshot);
    },
    async appInfo(): Promise<AppInfo> {
      const active = profile(state.activeProfileId) ?? builtIns()[0]!;
      return {
        version: '0.1.0',
        devBuild: false,
        activeProfile: summary(active),
        demo:
          options.demo === false
            ? null
            : {
                email: 'demo@drivly.test',
                password: 'demo-password',
                apiKey: DEMO_API_KEY,
                dashboardUrl: 'http://127.0.0.1:7878/dashboard',
              },
        notices: options.notices ?? [],
        storageError: state.storageError,
        trayHost: options.trayHost ?? 'present',
      };
    },
    async listProfiles() {
      return structuredClone(state.profiles);
    },
    async addProfile(input) {
      if (profile(input.id)) throw err('profile_exists', `A profile with the id “${input.id}” already exists.`);
      checkProtocol(input.protocol);
      const protocol = input.protocol ?? { ...drivlyProtocolDefaults };
      const p: ProfileView = {
        ...input,
        builtIn: false,
        dashboardUrl: null,
        canRevokeApiKeys: false,
        canRevokeSessions: protocol.revokePath !== '',
        redirectForm: protocol.redirectForm,
        protocol,
      };
      state.profiles.push(p);
      return p;
    },
    async updateProfile(input) {
      const p = profile(input.id);
      if (!p) throw err('profile_not_found', 'That profile no longer exists.');
      // As the Rust side: a built-in's sign-in settings may change, its server never.
      if (p.builtIn && input.baseUrl !== p.baseUrl) {
        throw err('profile_url_fixed', `The built-in profile '${p.name}' always points at its own server; add a profile for another URL.`);
      }
      checkProtocol(input.protocol);
      Object.assign(p, input, { protocol: input.protocol ?? p.protocol });
      p.redirectForm = p.protocol.redirectForm;
      p.canRevokeSessions = p.protocol.revokePath !== '';
      return structuredClone(p);
    },
    async checkConnection(pid) {
      const p = profile(pid);
      if (!p) throw err('profile_not_found', `There is no profile “${pid}”.`);
      // Loopback profiles answer (the emulator); anything else is out of reach in tests.
      const reachable = new URL(p.baseUrl).hostname === '127.0.0.1';
      const url = (path: string) => `${p.baseUrl.replace(/\/$/, '')}/${path}`;
      const paths = [
        ['authorize', p.protocol.authorizePath],
        ['token', p.protocol.tokenPath],
        ['refresh', p.protocol.refreshPath],
        ['revoke', p.protocol.revokePath],
      ].filter(([, path]) => path !== '');
      return {
        profile: p.id,
        baseUrl: p.baseUrl,
        checkedAt: iso(0),
        server: {
          host: new URL(p.baseUrl).hostname,
          addresses: reachable ? 1 : 0,
          scheme: new URL(p.baseUrl).protocol.replace(':', ''),
          reachable,
          status: reachable ? 200 : null,
          error: reachable ? null : 'dns error: failed to lookup address information',
        },
        endpoints: paths.map(([name, path]) => ({
          name: name!,
          path: path!,
          url: url(path!),
          status: reachable ? 405 : null,
          missing: false,
          error: reachable ? null : 'not reachable',
        })),
        jwks: reachable
          ? { url: url(p.protocol.jwksPath), status: 200, keys: [{ kid: 'emu-1', kty: 'OKP', alg: 'EdDSA' }], problem: null }
          : { url: url(p.protocol.jwksPath), status: null, keys: [], problem: 'not reachable' },
        clockSkewSeconds: reachable ? 0 : null,
        keyring: { ok: true, code: null, message: null },
        linkHandler: { scheme: 'ly.driv.keys.dev', handledBy: 'drivly-keys-dev.desktop', origin: 'user', systemEntries: [], userEntries: ['drivly-keys-dev.desktop'] },
        sessions: [],
        orphans: { enumerable: true, remaining: [], removed: 0 },
        problems: reachable ? [] : [`the server ${new URL(p.baseUrl).hostname} cannot be reached: dns error`],
      };
    },
    async removeProfile(pid) {
      const p = profile(pid);
      if (p?.builtIn) throw err('profile_built_in', 'Built-in profiles cannot be removed.');
      state.profiles = state.profiles.filter((x) => x.id !== pid);
      if (state.activeProfileId === pid) state.activeProfileId = 'emulator';
      return { keys: 0, sessions: 0, message: `Removed '${p?.name ?? pid}' with 0 API keys and 0 sessions.` };
    },
    async setActiveProfile(pid) {
      const p = profile(pid);
      if (!p) throw err('profile_not_found', 'That profile no longer exists.');
      state.activeProfileId = pid;
      return summary(p);
    },
    async getSettings() {
      return { ...state.settings };
    },
    async updateSettings(settings) {
      // As a desktop where a terminal already holds Ctrl+Alt+T.
      if (settings.globalShortcut === 'Ctrl+Alt+T')
        throw err('shortcut_unavailable', 'the desktop refused the shortcut Ctrl+Alt+T: another program already uses it');
      state.settings = { ...settings };
      return { ...settings };
    },

    async listApiKeys() {
      return structuredClone(state.keys);
    },
    async addApiKey(input) {
      const secret = input.secret.trim();
      // Per profile and case-insensitive, as the vault checks.
      const lower = input.label.trim().toLowerCase();
      if (state.keys.some((k) => k.profileId === input.profileId && k.label.toLowerCase() === lower)) {
        throw err('label_exists', `This profile already has a key called “${input.label.trim()}”.`);
      }
      const meta: ApiKeyMeta = {
        id: id('key'),
        label: input.label.trim(),
        profileId: input.profileId,
        created: iso(0),
        lastUsed: null,
        maskedTail: `••••${secret.slice(-4)}`,
        note: input.note,
        secretPresent: true,
      };
      state.keys.push(meta);
      state.secrets.set(meta.id, secret);
      emit({ type: 'keysChanged' });
      return meta;
    },
    async verifyApiKey(kid) {
      const k = key(kid);
      if (!k.secretPresent) return { status: 'unknown', message: 'The secret is missing from the keyring.' };
      k.lastUsed = iso(0);
      if (state.secrets.get(kid)?.includes('bad')) {
        return { status: 'rejected', message: 'The server rejected this key (401). It may have been revoked.' };
      }
      return { status: 'valid', message: 'The server accepted this key.' };
    },
    async revealApiKey(kid) {
      const secret = state.secrets.get(key(kid).id);
      if (!secret) throw err('secret_missing', 'The keyring no longer holds this key’s secret. Add it again.');
      return secret;
    },
    async copyApiKey(kid) {
      if (!state.secrets.has(key(kid).id)) throw err('secret_missing', 'The keyring no longer holds this key’s secret.');
      return copied();
    },
    async renameApiKey(kid, label) {
      const k = key(kid);
      k.label = label;
      emit({ type: 'keysChanged' });
      return { ...k };
    },
    async removeApiKey(kid, revokeOnServer) {
      const k = key(kid);
      state.keys = state.keys.filter((x) => x.id !== kid);
      state.secrets.delete(kid);
      emit({ type: 'keysChanged' });
      const p = profile(k.profileId);
      if (!revokeOnServer) return { server: 'notRequested', message: `Removed “${k.label}” from this computer.` };
      if (!p?.canRevokeApiKeys) {
        return { server: 'notSupported', message: 'Removed locally. Revoke the key in Drivly’s dashboard.' };
      }
      return { server: 'revoked', message: `Revoked “${k.label}” on the server and removed it.` };
    },

    async permissionCatalog() {
      return { resources: ['customers', 'deals', 'invoices', 'listings', 'orders', 'payments', 'services', 'vehicles'] };
    },
    async mintToken(input) {
      const k = key(input.keyId);
      if (!k.secretPresent) throw err('secret_missing', 'This key’s secret is missing from the keyring.');
      const exp = input.expires ? Date.parse(input.expires) : now() + 365 * DAY;
      const token = mintJwt(input.permissions, exp, { sub: k.id, label: input.label ?? undefined });
      const tokenRef = storeToken(token);
      if (!state.historyWarning) state.history.unshift({
        id: id('mint'),
        label: input.label,
        profileId: k.profileId,
        tokenRef,
        keyId: k.id,
        keyLabel: k.label,
        permissions: [...input.permissions],
        expires: new Date(exp).toISOString(),
        mintedAt: iso(0),
      });
      return { tokenRef, inspection: inspectJwt(token, now()), warning: state.historyWarning, profileId: k.profileId };
    },
    async mintHistory() {
      return structuredClone(state.history);
    },

    async inspectToken(token) {
      return inspectJwt(token, now());
    },
    async inspectRef(tokenRef) {
      return inspectJwt(sourceToken({ tokenRef }), now());
    },
    async verifySignature(source, material) {
      return rustSignature(sourceToken(source), material);
    },
    async clipboardJwt() {
      try {
        const inspection = inspectJwt(state.clipboard ?? '', now());
        return { subject: inspection.subject, expiresAt: inspection.expiresAt };
      } catch {
        return null;
      }
    },
    async inspectClipboard() {
      let inspection;
      try {
        inspection = inspectJwt(state.clipboard ?? '', now());
      } catch {
        throw err('clipboard_no_jwt', 'the clipboard holds no JWT; copy one (three base64url parts separated by dots) and try again');
      }
      return { tokenRef: storeToken((state.clipboard ?? '').trim()), inspection, warning: null, profileId: state.activeProfileId };
    },
    async copyToken(tokenRef) {
      sourceToken({ tokenRef });
      return copied();
    },
    async tryIt(input) {
      const p = profile(input.profileId);
      if (!p) throw err('profile_not_found', `There is no profile “${input.profileId}”.`);
      if (input.body && input.body.trim() !== '') {
        if (input.method === 'GET' || input.method === 'DELETE') {
          throw err('invalid_request', `a ${input.method} request carries no body; clear it or choose POST or PUT`);
        }
        try {
          JSON.parse(input.body);
        } catch {
          throw err('invalid_request', 'the body is not valid JSON; fix it or leave it empty');
        }
      }
      const inspection = inspectJwt(sourceToken(input.source), now());
      const resource = input.resource.split('/')[0]!;
      const row = inspection.permissions.table.find((r) => r.resource === resource);
      const allowed = row ? row[input.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'] : false;
      const query = new URLSearchParams(input.query.filter((q) => q.name.trim()).map((q) => [q.name.trim(), q.value]));
      const url = `${p.baseUrl.replace(/\/$/, '')}/${input.resource}${query.size ? `?${query}` : ''}`;
      const json = [{ name: 'content-type', value: 'application/json' }, { name: 'date', value: new Date(now()).toUTCString() }];
      const answer = (status: number, elapsedMs: number, message: string, body: unknown, paging: TryItResult['paging'] = null): TryItResult => {
        const text = JSON.stringify(body, null, 2);
        return { status, elapsedMs, message, url, headers: json, body: text, bodyTruncated: false, bodyBytes: text.length, paging };
      };
      if (inspection.expiresAt.state === 'valid' && Date.parse(inspection.expiresAt.at) <= now()) {
        return answer(401, 38, 'Token expired.', { error: 'unauthorized' });
      }
      const need = `${resource}.${input.method === 'GET' ? 'read' : 'write'}`;
      if (!allowed) return answer(403, 35, `missing permission ${need}`, { error: 'forbidden', message: `missing ${need}` });
      if (input.method !== 'GET') return answer(201, 51, `OK: ${input.method} /${input.resource} succeeded.`, { id: 'inv_0013' });
      const page = Number(query.get('page') ?? '1');
      const paging = { page, totalPages: 3, totalDocs: 12, limit: 5, nextPage: page < 3 ? page + 1 : null, prevPage: page > 1 ? page - 1 : null };
      return answer(200, 42, `OK: ${input.method} /${input.resource} returned 5 items.`, { docs: [{ id: `inv_000${page}` }], ...paging }, paging);
    },
    async copyTryItCurl(request) {
      if (!profile(request.profileId)) throw err('profile_not_found', `There is no profile “${request.profileId}”.`);
      return copied();
    },

    async listSessions() {
      return structuredClone(state.sessions);
    },
    async signIn(input) {
      if (!profile(input.profileId)) throw err('profile_not_found', 'That profile no longer exists.');
    },
    async cancelSignIn() {
      emit({ type: 'loginFinished', ok: false, message: 'Sign-in cancelled.', code: 'login_cancelled', stillWaiting: false });
    },
    async copySessionJwt(sid) {
      const s = session(sid);
      if (!s.jwtExpires) throw err('sign_in_needed', 'This session needs a new sign-in before it can copy a JWT.');
      return copied();
    },
    async sessionToken(sid) {
      const s = session(sid);
      if (!s.jwtExpires) throw err('sign_in_needed', 'This session has no current JWT. Sign in again.');
      const token = mintJwt(s.permissions, Date.parse(s.jwtExpires), { sub: s.subject, kind: 'session' });
      return {
        tokenRef: storeToken(token),
        inspection: inspectJwt(token, now()),
        warning: null,
        profileId: s.profileId,
      };
    },
    async renameSession(sid, label) {
      const s = session(sid);
      const name = label.trim();
      if (name.length > LIMITS.keyLabelMaxChars || /\p{Cc}/u.test(name)) {
        throw err('invalid_label', `a label must be 1 to ${LIMITS.keyLabelMaxChars} printable characters`);
      }
      const taken = state.sessions.some(
        (o) => o.id !== sid && o.profileId === s.profileId && o.label?.toLowerCase() === name.toLowerCase(),
      );
      if (name && taken) throw err('label_exists', `another session of this profile is already called '${name}'; choose another name`);
      s.label = name === '' ? null : name;
      emit({ type: 'sessionChanged', session: structuredClone(s) });
      return structuredClone(s);
    },
    async refreshNow(sid) {
      const s = session(sid);
      Object.assign(s, {
        state: 'active',
        lastRefresh: iso(0),
        nextRefresh: iso(7 * MIN + 30_000),
        jwtExpires: iso(10 * MIN),
        lastError: null,
        serverClockSkewSecs: null,
        nextAttempt: null,
      });
      // Like Rust: a refresher's change carries that session's view.
      emit({ type: 'sessionChanged', session: { ...s } });
      return { ...s };
    },
    async signOut(sid) {
      session(sid);
      state.sessions = state.sessions.filter((s) => s.id !== sid);
      state.proxies.delete(sid);
      emit({ type: 'sessionRemoved', sessionId: sid });
      emit({ type: 'sessionsChanged' });
      return { revokedOnServer: true, message: 'Signed out; the server revoked the refresh token.' };
    },

    async startLocalProxy(sid) {
      const s = session(sid);
      let url = state.proxies.get(sid);
      if (!url) {
        const path = new URL(profile(s.profileId)?.baseUrl ?? 'http://127.0.0.1/api').pathname.replace(/\/$/, '');
        url = `http://127.0.0.1:${nextProxyPort++}${path}`;
        state.proxies.set(sid, url);
      }
      return { sessionId: sid, url };
    },
    async stopLocalProxy(sid) {
      state.proxies.delete(sid);
    },
    async listLocalProxies() {
      return [...state.proxies].map(([sessionId, url]) => ({ sessionId, url }));
    },
    async copyLocalProxyUrl(sid) {
      const url = state.proxies.get(sid);
      if (!url) throw err('not_found', 'No local proxy runs for this session; start one first.');
      state.copiedText = url;
      return { clearsInSeconds: null };
    },
    async copyCurl(sid) {
      const s = session(sid);
      const p = profile(s.profileId);
      state.copiedText = `curl -H "Authorization: Bearer $(drivly-keys token --profile ${s.profileId})" ${(p?.baseUrl ?? '').replace(/\/$/, '')}/invoices`;
      return { clearsInSeconds: null };
    },

    async linkHandlerStatus() {
      return structuredClone(state.linkHandler);
    },
    async removeLinkHandlerEntry() {
      state.linkHandler = { ...state.linkHandler, defaultEntry: null, userEntries: [] };
      return structuredClone(state.linkHandler);
    },

    async subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  // Wrap every method: record the call, then throw an injected error if one is pending.
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(impl) as [string, (...a: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      (calls[name] ??= []).push(args);
      const failure = failures.get(name);
      if (failure) {
        failures.delete(name);
        throw failure;
      }
      return fn(...args);
    };
  }
  return Object.assign(wrapped as unknown as Backend, {
    failNext: (method: keyof Backend, error: BackendError) => void failures.set(method, error),
    emit,
    calls,
    state,
  });
}
