// The one interface the UI talks to: the IPC contract. `tauri-backend.ts` implements it over
// Tauri commands (src-tauri/src/commands/), tests pass a fake. Nothing outside `src/ipc/`
// imports `@tauri-apps/*`.
//
// Secrets: no method returns a secret except `revealApiKey` (the one value the user explicitly
// asked to see). Tokens minted or refreshed in Rust stay in Rust; the UI holds an opaque
// `tokenRef` and asks Rust to inspect, copy or try them. A token the user pasted is sent inbound
// only.

export type Environment = 'production' | 'sandbox' | 'local';
export type Theme = 'system' | 'light' | 'dark';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Errors cross IPC as `{code, message}`; the UI branches on `code` and shows `message`. */
export interface BackendError {
  code: string;
  message: string;
}

export function isBackendError(value: unknown): value is BackendError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BackendError).code === 'string' &&
    typeof (value as BackendError).message === 'string'
  );
}

// ---------- App and profiles ----------

export interface ProfileSummary {
  id: string;
  name: string;
  environment: Environment;
  baseUrl: string;
}

export interface ProfileView extends ProfileSummary {
  builtIn: boolean;
  /** Where people create and revoke API keys (Drivly's dashboard). */
  dashboardUrl: string | null;
  /** True when the app can revoke API keys on this server (the emulator). */
  canRevokeApiKeys: boolean;
  redirectForm: 'code' | 'token';
}

export interface ProfileInput {
  id: string;
  name: string;
  baseUrl: string;
  environment: Environment;
}

export interface DemoInfo {
  email: string;
  password: string;
  /** The emulator's demo API key: a throwaway value of the local emulator, shown on purpose. */
  apiKey: string;
  dashboardUrl: string;
}

export interface AppInfo {
  version: string;
  devBuild: boolean;
  activeProfile: ProfileSummary;
  /** Present when the app runs on its embedded emulator (the demo). */
  demo: DemoInfo | null;
  /** Things found at start that the user should know (a damaged config moved aside, a key
   *  whose secret is missing from the keyring, ...). */
  notices: string[];
}

export interface Settings {
  /** Seconds before a copied secret is cleared from the clipboard; 0 = never. */
  clipboardClearSeconds: number;
  launchMinimised: boolean;
  theme: Theme;
}

// ---------- Keys ----------

export interface ApiKeyMeta {
  id: string;
  label: string;
  profileId: string;
  created: string; // ISO 8601
  lastUsed: string | null;
  maskedTail: string; // "••••3f9a"
  note: string | null;
  /** False when the index knows the key but the keyring no longer holds its secret. */
  secretPresent: boolean;
}

export interface AddApiKeyInput {
  label: string;
  profileId: string;
  /** Sent inbound once; trimmed and validated in Rust too. */
  secret: string;
  note: string | null;
}

export type VerifyStatus = 'valid' | 'rejected' | 'unknown';
export interface VerifyResult {
  status: VerifyStatus;
  message: string;
}

export interface CopyResult {
  /** Seconds until the clipboard is cleared; null when clearing is off. */
  clearsInSeconds: number | null;
}

export interface RemoveKeyResult {
  /** 'revoked': the server revoked it; 'notSupported': removed locally only (Drivly keys are
   *  revoked in Drivly's dashboard); 'failed': removed locally, the server call failed. */
  server: 'revoked' | 'notSupported' | 'failed' | 'notRequested';
  message: string;
}

// ---------- Tokens, inspection ----------

export type TimeClaim =
  | { state: 'absent' }
  /** Present but not a usable NumericDate: `raw` is its JSON text, `reason` says why. */
  | { state: 'invalid'; raw: string; reason: string }
  /** `at` is ISO 8601 UTC; `relative` is the text at inspection time (the UI recomputes it). */
  | { state: 'valid'; at: string; unix: number; relative: string };

export interface PermissionRow {
  resource: string;
  get: boolean;
  post: boolean;
  put: boolean;
  delete: boolean;
}

export type SignatureStatus =
  | { status: 'verified'; keyId: string | null; alg: string }
  | { status: 'notVerified'; reason: string }
  | { status: 'failed'; reason: string };

export interface Warning {
  code: string; // e.g. 'alg_none', 'expired', 'not_yet_valid', 'clock_skew'
  severity: 'info' | 'warning' | 'danger';
  message: string;
}

export interface Inspection {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  alg: string | null;
  typ: string | null;
  kid: string | null;
  issuer: string | null;
  subject: string | null;
  /** 'api' for minted tokens, 'session' for user sessions, when the token says. */
  kind: string | null;
  expiresAt: TimeClaim;
  issuedAt: TimeClaim;
  notBefore: TimeClaim;
  permissions: { table: PermissionRow[]; unrecognised: string[] };
  warnings: Warning[];
  signature: SignatureStatus;
}

/** A token held in Rust (minted, or a session's current JWT), with what the UI may know. */
export interface TokenHandle {
  tokenRef: string;
  inspection: Inspection;
  /** Something the user should know about how the token was made (e.g. not in the history). */
  warning: string | null;
}

export type KeyMaterial =
  | { kind: 'profileJwks'; profileId: string }
  | { kind: 'pem' | 'jwk' | 'jwks' | 'hsSecret'; value: string };

export type TokenSource = { tokenRef: string } | { token: string };

export interface TryItInput {
  source: TokenSource;
  profileId: string;
  method: HttpMethod;
  /** A resource path relative to the profile's base URL, e.g. "invoices". */
  resource: string;
}

export interface TryItResult {
  status: number;
  elapsedMs: number;
  message: string;
}

// ---------- Mint ----------

export interface MintInput {
  keyId: string;
  permissions: string[];
  /** ISO 8601; null = the server's default (one year). */
  expires: string | null;
  label: string | null;
}

export interface MintRecord {
  id: string;
  label: string | null;
  keyId: string;
  keyLabel: string;
  permissions: string[];
  expires: string;
  mintedAt: string;
}

export interface PermissionCatalog {
  /** Resources offered in the grid. Free text is allowed too. */
  resources: string[];
}

// ---------- Sessions ----------

export type SessionState = 'active' | 'refreshing' | 'retrying' | 'needsSignIn' | 'signedOut';

export interface SessionView {
  id: string;
  profileId: string;
  subject: string | null;
  permissions: string[];
  state: SessionState;
  created: string;
  lastRefresh: string | null;
  nextRefresh: string | null;
  /** When the current JWT expires (ISO); null when there is none in memory. */
  jwtExpires: string | null;
  /** When `retrying`: the next attempt. */
  nextAttempt: string | null;
  lastError: BackendError | null;
}

export interface SignInInput {
  profileId: string;
  permissions: string[];
  /** 'deepLink': the app's private-use scheme; 'loopback': a one-shot listener on 127.0.0.1. */
  redirect: 'deepLink' | 'loopback';
}

export interface SignOutResult {
  revokedOnServer: boolean;
  message: string;
}

// ---------- Events (Rust → UI; never carry secrets) ----------

export type BackendEvent =
  | { type: 'sessionsChanged' }
  /** One session changed (a refresh, a sign-in): its view, as `listSessions` shows it. */
  | { type: 'sessionChanged'; session: SessionView }
  /** One session was signed out and removed. */
  | { type: 'sessionRemoved'; sessionId: string }
  | { type: 'keysChanged' }
  | { type: 'profilesChanged' }
  | { type: 'settingsChanged' }
  | { type: 'loginFinished'; ok: boolean; message: string; code: string | null };

export interface Backend {
  appInfo(): Promise<AppInfo>;

  listProfiles(): Promise<ProfileView[]>;
  addProfile(input: ProfileInput): Promise<ProfileView>;
  updateProfile(input: ProfileInput): Promise<ProfileView>;
  removeProfile(id: string): Promise<void>;
  setActiveProfile(id: string): Promise<ProfileSummary>;
  getSettings(): Promise<Settings>;
  updateSettings(settings: Settings): Promise<Settings>;

  listApiKeys(): Promise<ApiKeyMeta[]>;
  addApiKey(input: AddApiKeyInput): Promise<ApiKeyMeta>;
  verifyApiKey(id: string): Promise<VerifyResult>;
  /** The one call that returns a secret: the user pressed "Reveal". */
  revealApiKey(id: string): Promise<string>;
  copyApiKey(id: string): Promise<CopyResult>;
  renameApiKey(id: string, label: string): Promise<ApiKeyMeta>;
  removeApiKey(id: string, revokeOnServer: boolean): Promise<RemoveKeyResult>;

  permissionCatalog(): Promise<PermissionCatalog>;
  mintToken(input: MintInput): Promise<TokenHandle>;
  mintHistory(): Promise<MintRecord[]>;

  inspectToken(token: string): Promise<Inspection>;
  inspectRef(tokenRef: string): Promise<Inspection>;
  verifySignature(source: TokenSource, key: KeyMaterial): Promise<SignatureStatus>;
  copyToken(tokenRef: string): Promise<CopyResult>;
  tryIt(input: TryItInput): Promise<TryItResult>;

  listSessions(): Promise<SessionView[]>;
  signIn(input: SignInInput): Promise<void>;
  cancelSignIn(): Promise<void>;
  /** Copies the session's JWT, refreshing first when under 2 minutes remain. */
  copySessionJwt(sessionId: string): Promise<CopyResult>;
  sessionToken(sessionId: string): Promise<TokenHandle>;
  refreshNow(sessionId: string): Promise<SessionView>;
  signOut(sessionId: string): Promise<SignOutResult>;

  /** Subscribes to backend events; returns the unsubscribe function. */
  subscribe(listener: (event: BackendEvent) => void): Promise<() => void>;
}
