// The one interface the UI talks to: the IPC contract. `tauri-backend.ts` implements it over
// Tauri commands (src-tauri/src/commands/), tests pass a fake. Nothing outside `src/ipc/`
// imports `@tauri-apps/*`.
//
// Secrets: no method returns a secret except `revealApiKey` (the one value the user explicitly
// asked to see). Tokens minted or refreshed in Rust stay in Rust; the UI holds an opaque
// `tokenRef` and asks Rust to inspect, copy or try them. A token the user pasted is sent inbound
// only.

// The types are generated from Rust (`generated/contract.ts`, by src-tauri/src/contract.rs) and
// re-exported here under the names the UI uses; none is written by hand.
import type { BackendError } from './generated/contract';

export type {
  AddApiKeyInput,
  ApiKeyMeta,
  AppInfo,
  BackendError,
  BackendEvent,
  ClipboardJwt,
  Code,
  Commands,
  CopyResult,
  DemoInfo,
  DoctorReport,
  Environment,
  HttpMethod,
  Inspection,
  KeyMaterial,
  LastError,
  LinkHandlerStatus,
  LocalProxyView,
  MintInput,
  MintRecord,
  PermissionCatalog,
  PermissionRow,
  ProfileInput,
  ProfileSummary,
  ProfileView,
  ProtocolSettings,
  RedirectChoice,
  RemoveKeyResult,
  RemoveProfileResult,
  ServerRemoval,
  SessionState,
  SessionView,
  Settings,
  SignatureStatus,
  SignInInput,
  SignOutResult,
  Theme,
  TimeClaim,
  TokenHandle,
  TokenSource,
  TryItInput,
  TryItRequest,
  TryItResult,
  UiRequest,
  UiSnapshot,
  PageRecall,
  HeaderLine,
  PagingView,
  QueryParam,
  VerifyResult,
  VerifyStatus,
  Warning,
} from './generated/contract';
export { CODES, COMMAND_NAMES, EVENT_CHANNEL, LIMITS } from './generated/contract';

import type {
  AddApiKeyInput,
  ApiKeyMeta,
  AppInfo,
  BackendEvent,
  ClipboardJwt,
  CopyResult,
  DoctorReport,
  Inspection,
  KeyMaterial,
  LinkHandlerStatus,
  LocalProxyView,
  MintInput,
  MintRecord,
  PageRecall,
  PermissionCatalog,
  ProfileInput,
  ProfileSummary,
  ProfileView,
  RemoveKeyResult,
  RemoveProfileResult,
  SessionView,
  Settings,
  SignatureStatus,
  SignInInput,
  SignOutResult,
  TokenHandle,
  TokenSource,
  TryItInput,
  TryItRequest,
  TryItResult,
  UiSnapshot,
  VerifyResult,
} from './generated/contract';

/** True for `{code, message}` errors from Rust (or the fake). */
export function isBackendError(value: unknown): value is BackendError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BackendError).code === 'string' &&
    typeof (value as BackendError).message === 'string'
  );
}

export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Quits as the tray's Quit does (the clipboard cleared if it holds our secret). */
  quitApp(): Promise<void>;
  /** At boot: the last page's state (the window closed to the tray since) and the desktop's
   *  requests made while no page was there. */
  recallPage(): Promise<PageRecall>;
  /** The answer to `saveAndClose`: Rust keeps `snapshot` (never a secret) and destroys the
   *  window with its webview. */
  closeWindow(snapshot: UiSnapshot): Promise<void>;

  listProfiles(): Promise<ProfileView[]>;
  addProfile(input: ProfileInput): Promise<ProfileView>;
  updateProfile(input: ProfileInput): Promise<ProfileView>;
  /** Removes the profile with its keys and sessions; Rust asks for a native confirmation
   * first when it holds any (`not_confirmed` when cancelled). */
  removeProfile(id: string): Promise<RemoveProfileResult>;
  /** The `drivly-keys doctor` report for the profile: probes without credentials, no secret. */
  checkConnection(id: string): Promise<DoctorReport>;
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
  /** Copies the request as curl with `$(drivly-keys token --profile …)`, never a token. */
  copyTryItCurl(request: TryItRequest): Promise<CopyResult>;
  /** Whether the clipboard holds a JWT, and what it says of itself (never the token). */
  clipboardJwt(): Promise<ClipboardJwt | null>;
  /** Holds the clipboard's JWT in Rust for the inspector. */
  inspectClipboard(): Promise<TokenHandle>;

  listSessions(): Promise<SessionView[]>;
  signIn(input: SignInInput): Promise<void>;
  cancelSignIn(): Promise<void>;
  /** Copies the session's JWT, refreshing first when under 2 minutes remain. */
  copySessionJwt(sessionId: string): Promise<CopyResult>;
  sessionToken(sessionId: string): Promise<TokenHandle>;
  refreshNow(sessionId: string): Promise<SessionView>;
  /** Names a session; an empty label clears the name. */
  renameSession(sessionId: string, label: string): Promise<SessionView>;
  signOut(sessionId: string): Promise<SignOutResult>;
  /** Starts (or returns) the session's local API proxy, which adds a fresh JWT to every request. */
  startLocalProxy(sessionId: string): Promise<LocalProxyView>;
  stopLocalProxy(sessionId: string): Promise<void>;
  listLocalProxies(): Promise<LocalProxyView[]>;
  copyLocalProxyUrl(sessionId: string): Promise<CopyResult>;
  /** Copies a curl line that runs `drivly-keys token --profile …`: never the token itself. */
  copyCurl(sessionId: string): Promise<CopyResult>;

  /** Which desktop entry opens the app's sign-in links. */
  linkHandlerStatus(): Promise<LinkHandlerStatus>;
  /** Removes the per-user link entry a build-folder run wrote; the status after. */
  removeLinkHandlerEntry(): Promise<LinkHandlerStatus>;

  /** Subscribes to backend events; returns the unsubscribe function. */
  subscribe(listener: (event: BackendEvent) => void): Promise<() => void>;
}
