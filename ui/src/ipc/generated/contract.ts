// Generated from the Rust types by src-tauri/src/contract.rs; do not edit.
// Regenerate: DRIVLY_KEYS_WRITE_BINDINGS=1 cargo test -p drivly-keys-app --test contract_bindings

/**
 * What the UI sends to store a key. The secret is zeroized when this is dropped.
 */
export type AddApiKeyInput = { label: string, profileId: string, 
/**
 * Sent inbound once; trimmed and validated in Rust.
 */
secret: string, note: string | null, };

/**
 * A stored key as the UI lists it: metadata only.
 */
export type ApiKeyMeta = { id: string, label: string, profileId: string, created: string, lastUsed: string | null, maskedTail: string, note: string | null, secretPresent: boolean, };

/**
 * What the frame shows.
 */
export type AppInfo = { 
/**
 * App version.
 */
version: string, 
/**
 * True for debug builds (their own scheme and identifier).
 */
devBuild: boolean, 
/**
 * The active profile.
 */
activeProfile: ProfileSummary, 
/**
 * Demo details, in demo mode.
 */
demo: DemoInfo | null, 
/**
 * Things found at start the user should know.
 */
notices: Array<string>, 
/**
 * Why secure storage is closed (a locked or missing keyring), when it is: the frame shows
 * it once, with "Unlock and retry", instead of each screen saying it again.
 */
storageError: BackendError | null, 
/**
 * Whether this desktop shows tray icons: without one, closing the window quits.
 */
trayHost: TrayHost, };

/**
 * An error as the UI receives it.
 */
export type BackendError = { 
/**
 * Stable machine-readable code, for example `keyring_locked`: one of [`Code`].
 */
code: Code, 
/**
 * What happened and what to do next, for people.
 */
message: string, };

/**
 * One event, exported to the UI as the `BackendEvent` union (`ui/src/ipc/generated/`).
 */
export type BackendEvent = { "type": "sessionsChanged" } | { "type": "sessionChanged", 
/**
 * The session as `list_sessions` shows it (boxed: the largest event by far).
 */
session: SessionView, } | { "type": "sessionRemoved", 
/**
 * Its id.
 */
sessionId: string, } | { "type": "keysChanged" } | { "type": "profilesChanged" } | { "type": "settingsChanged" } | { "type": "loginFinished", 
/**
 * True when a session was stored.
 */
ok: boolean, 
/**
 * What happened, for people.
 */
message: string, 
/**
 * The error code when not ok.
 */
code: Code | null, 
/**
 * True when a sign-in is still pending after this one was refused (a forged or stale
 * link): the wait goes on.
 */
stillWaiting: boolean, } | { "type": "uiRequest", 
/**
 * What to do.
 */
request: UiRequest, };

/**
 * A JWT found on the clipboard, as the offer shows it.
 */
export type ClipboardJwt = { 
/**
 * Who it is for as people know them: its `email`, `name` or `preferred_username`, else
 * its `sub`.
 */
subject: string | null, 
/**
 * Its `exp`.
 */
expiresAt: TimeClaim, };

/**
 * Every error code the core, the CLI and the desktop shell can report.
 */
export type Code = "api_key_not_found" | "bad_request" | "browser_unavailable" | "callback_ambiguous_parameters" | "callback_bad_encoding" | "callback_duplicate_parameter" | "callback_invalid_value" | "callback_missing_state" | "callback_mixed_forms" | "callback_no_result" | "callback_too_long" | "callback_unknown_parameter" | "callback_unparseable" | "callback_wrong_target" | "client_setup_failed" | "clipboard_unavailable" | "clipboard_no_jwt" | "empty_secret" | "endpoint_not_found" | "env_file_invalid" | "env_file_unreadable" | "file_encode" | "file_io" | "file_locked" | "folder_not_writable" | "forbidden" | "html_answer" | "index_encode" | "index_io" | "index_locked" | "input_unreadable" | "internal" | "interrupted" | "invalid_environment_variable" | "invalid_expires" | "invalid_expiry" | "invalid_label" | "invalid_method" | "invalid_note" | "invalid_profile_display_name" | "invalid_profile_name" | "invalid_profile_setting" | "invalid_redirect_scheme" | "invalid_request" | "invalid_setting" | "invalid_url" | "jwt_bad_base64" | "jwt_empty" | "jwt_encrypted" | "jwt_not_json" | "jwt_not_object" | "jwt_not_utf8" | "jwt_opaque_token" | "jwt_segment_count" | "jwt_too_large" | "key_alg_mismatch" | "key_empty" | "key_empty_secret" | "key_format_unrecognised" | "key_invalid_field" | "key_is_jwt" | "key_jwks_no_usable_keys" | "key_missing_field" | "key_not_for_signatures" | "key_not_found" | "key_not_json" | "key_not_jwks" | "key_pem_unreadable" | "key_private" | "key_several_lines" | "key_symmetric_in_jwks" | "key_too_large" | "key_too_long" | "key_unknown_alg" | "key_unsupported_curve" | "key_unsupported_type" | "key_whitespace" | "keyring_ambiguous" | "keyring_error" | "keyring_locked" | "keyring_not_platform" | "keyring_timeout" | "keyring_unavailable" | "label_exists" | "link_handler_remove_failed" | "local_server_bind_failed" | "local_server_failed" | "login_cancelled" | "login_denied" | "login_expired" | "login_state_mismatch" | "login_state_reused" | "login_unexpected_form" | "login_wrong_issuer" | "login_wrong_redirect" | "loopback_accept_failed" | "loopback_bind_failed" | "loopback_timed_out" | "malformed_response" | "missing_permissions" | "network_error" | "no_home_folder" | "no_pending_login" | "no_permissions" | "no_refresh_token" | "not_found" | "not_revoked" | "not_signed_in" | "output_failed" | "permission_empty" | "permission_empty_resource" | "permission_invalid_character" | "permission_missing_access" | "permission_not_lowercase" | "permission_too_long" | "permission_too_many" | "permission_too_many_dots" | "permission_unknown_access" | "profile_built_in" | "profile_changed_during_sign_in" | "profile_exists" | "profile_in_use" | "profile_mismatch" | "profile_not_found" | "profile_url_fixed" | "rate_limited" | "reference_invalid" | "refresh_failed" | "refresh_token_not_saved" | "refresher_stopped" | "secret_corrupt" | "secret_missing" | "secret_too_long" | "server_error" | "service_unavailable" | "session_lock_failed" | "session_lock_timeout" | "session_not_found" | "session_signed_out" | "sign_in_denied" | "signature_invalid" | "signature_unverified" | "sign_in_needed" | "spawn_failed" | "store_watch_failed" | "timeout" | "token_already_expired" | "token_gone" | "token_lifetime_too_short" | "unauthorized" | "unexpected_status" | "usage" | "not_confirmed" | "token_wrong_origin" | "profile_not_empty" | "shortcut_unavailable";

/**
 * What a copy did.
 */
export type CopyResult = { 
/**
 * Seconds until the clipboard is cleared; `None` when clearing is off.
 */
clearsInSeconds: number | null, };

/**
 * The embedded emulator's demo credentials (throwaway values of a local server, shown on
 * purpose so a newcomer can try everything).
 */
export type DemoInfo = { 
/**
 * The demo user's email.
 */
email: string, 
/**
 * The demo user's password.
 */
password: string, 
/**
 * A demo API key.
 */
apiKey: string, 
/**
 * The emulator's dashboard.
 */
dashboardUrl: string, };

/**
 * The whole report.
 */
export type DoctorReport = { 
/**
 * The profile checked.
 */
profile: string, 
/**
 * Its base URL.
 */
baseUrl: string, 
/**
 * When the report was made (local clock).
 */
checkedAt: string, 
/**
 * DNS and HTTPS reachability of the base URL.
 */
server: ServerLine, 
/**
 * Each configured endpoint, probed with a credential-less GET.
 */
endpoints: Array<EndpointProbe>, 
/**
 * The published keys.
 */
jwks: JwksLine, 
/**
 * Server minus local clock, in seconds, from the `Date` header; `None` when no answer
 * carried one.
 */
clockSkewSeconds: number | null, 
/**
 * The secure storage.
 */
keyring: KeyringLine, 
/**
 * Who opens the sign-in links (Linux; `None` elsewhere or when not asked).
 */
linkHandler: LinkHandlerLine | null, 
/**
 * The profile's sessions.
 */
sessions: Array<SessionHealth>, 
/**
 * Keyring items of ours that no index entry names (entry names and dates, never a value);
 * each is removed a day after a start-up first found it. `None` when the keyring is closed.
 */
orphans: unknown, 
/**
 * What is wrong, one sentence each (empty when all is well).
 */
problems: Array<string>, };

/**
 * One endpoint, probed by a credential-less GET.
 */
export type EndpointProbe = { 
/**
 * `authorize`, `token`, `refresh`, `revoke` (the flag names of `profiles edit`).
 */
name: string, 
/**
 * The path as configured.
 */
path: string, 
/**
 * The absolute URL.
 */
url: string, 
/**
 * What answered (405 for a POST-only endpoint is expected and fine).
 */
status: number | null, 
/**
 * 404: nothing at that path.
 */
missing: boolean, 
/**
 * A transport failure.
 */
error: string | null, };

/**
 * The environment badge shown wherever a profile is.
 */
export type Environment = "production" | "sandbox" | "local";

/**
 * One response header.
 */
export type HeaderLine = { name: string, value: string, };

/**
 * The methods "Try it" offers: the four a Drivly permission grants.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/**
 * An inspection plus the signature status, as the UI's `Inspection` type.
 */
export type Inspection = { signature: SignatureStatus, 
/**
 * The decoded JOSE header.
 */
header: { [key in string]: JsonValue }, 
/**
 * The decoded claims.
 */
claims: { [key in string]: JsonValue }, 
/**
 * Header `alg`, when a string.
 */
alg: string | null, 
/**
 * Header `typ`, when a string.
 */
typ: string | null, 
/**
 * Header `kid`, when a string.
 */
kid: string | null, 
/**
 * `iss`, when a string.
 */
issuer: string | null, 
/**
 * `sub`, when a string.
 */
subject: string | null, 
/**
 * Drivly's `kind` claim (`api` or `session`), when a string.
 */
kind: string | null, 
/**
 * `aud`, as a list (a single string becomes one entry).
 */
audience: Array<string>, 
/**
 * `iat`.
 */
issuedAt: TimeClaim, 
/**
 * `nbf`.
 */
notBefore: TimeClaim, 
/**
 * `exp`.
 */
expiresAt: TimeClaim, 
/**
 * Seconds until `exp` (negative once expired); `None` without a valid `exp`.
 */
secondsRemaining: number | null, 
/**
 * The permissions the token carries.
 */
permissions: PermissionReport, 
/**
 * True when the signature part is non-empty.
 */
signaturePresent: boolean, 
/**
 * Length of the token in bytes (after trimming).
 */
sizeBytes: number, 
/**
 * Everything worth flagging, most severe first.
 */
warnings: Array<Warning>, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * One published key (public facts only).
 */
export type JwksKey = { 
/**
 * `kid`.
 */
kid: string | null, 
/**
 * `kty`.
 */
kty: string | null, 
/**
 * `alg`.
 */
alg: string | null, };

/**
 * The JWKS.
 */
export type JwksLine = { 
/**
 * The URL, when a JWKS path is configured.
 */
url: string | null, 
/**
 * Its status.
 */
status: number | null, 
/**
 * The keys it publishes.
 */
keys: Array<JwksKey>, 
/**
 * What is wrong with it.
 */
problem: string | null, };

/**
 * Key material to verify with.
 */
export type KeyMaterial = { "kind": "profileJwks", 
/**
 * The profile.
 */
profileId: string, } | { "kind": "pem", 
/**
 * The PEM text.
 */
value: string, } | { "kind": "jwk", 
/**
 * The JWK JSON.
 */
value: string, } | { "kind": "jwks", 
/**
 * The JWKS JSON.
 */
value: string, } | { "kind": "hsSecret", 
/**
 * The secret.
 */
value: string, };

/**
 * The keyring.
 */
export type KeyringLine = { 
/**
 * Whether it opened and answered.
 */
ok: boolean, 
/**
 * The error code when not.
 */
code: string | null, 
/**
 * The error message when not.
 */
message: string | null, };

/**
 * The last failure of a refresh, as shown to people: a stable code and a message that says
 * what to do next. Never holds a secret.
 */
export type LastError = { 
/**
 * Stable `snake_case` code, for example `service_unavailable`.
 */
code: string, 
/**
 * Human-readable explanation.
 */
message: string, };

/**
 * The link handler's registration.
 */
export type LinkHandlerLine = { 
/**
 * The URL scheme.
 */
scheme: string, 
/**
 * The desktop entry that handles it (`xdg-mime query default`), if any.
 */
handledBy: string | null, 
/**
 * Whether that entry comes from the system (a package) or the user's data folder.
 */
origin: string | null, 
/**
 * System entries declaring the scheme.
 */
systemEntries: Array<string>, 
/**
 * Per-user entries (written by a build-folder run; removable).
 */
userEntries: Array<string>, };

/**
 * Who opens the app's sign-in links on this account: what `drivly-keys link-handler` prints
 * and Settings → "Sign-in links" shows.
 */
export type LinkHandlerStatus = { 
/**
 * The URL scheme, e.g. `ly.driv.keys`.
 */
scheme: string, 
/**
 * The desktop entry the desktop opens it with (`xdg-mime query default`), if it answers.
 */
defaultEntry: string | null, 
/**
 * System entries (an installed package's) that declare the scheme.
 */
systemEntries: Array<string>, 
/**
 * Per-user entries a build-folder run of the app wrote (removable).
 */
userEntries: Array<string>, };

/**
 * A running local proxy.
 */
export type LocalProxyView = { 
/**
 * The session whose tokens it adds.
 */
sessionId: string, 
/**
 * Its base URL, `http://127.0.0.1:PORT` and the profile's path (not a secret).
 */
url: string, };

/**
 * What the UI sends to mint.
 */
export type MintInput = { keyId: string, permissions: Array<string>, expires: string | null, label: string | null, };

/**
 * A minted token's metadata, as the history lists it. Never the token.
 */
export type MintRecord = { id: string, label: string | null, 
/**
 * The profile it was minted on.
 */
profileId: string, keyId: string | null, keyLabel: string, 
/**
 * The token, while the app holds it in memory for this run (never on disk): the history
 * row can copy or inspect it. `None` after a restart or once the holder forgot it.
 */
tokenRef: string | null, permissions: Array<string>, expires: string | null, mintedAt: string, };

/**
 * What a page gets at boot.
 */
export type PageRecall = { 
/**
 * The last page's state, when the window closed to the tray since.
 */
snapshot: UiSnapshot | null, 
/**
 * Requests made while no page was there, oldest first.
 */
requests: Array<UiRequest>, };

/**
 * Drivly's paging fields of a list answer.
 */
export type PagingView = { page: number, totalPages: number, totalDocs: number, limit: number, nextPage: number | null, prevPage: number | null, };

/**
 * Resources the permission grid offers.
 */
export type PermissionCatalog = { resources: Array<string>, };

/**
 * What the UI shows about a token's permissions.
 */
export type PermissionReport = { 
/**
 * The claims permissions came from; empty when the token has none.
 */
sources: Array<PermissionSource>, 
/**
 * Recognised permissions, sorted.
 */
granted: Array<string>, 
/**
 * Entries that are not `<resource>.read|write`, shown as unrecognised.
 */
unrecognised: Array<string>, 
/**
 * Entries ignored beyond the size cap.
 */
dropped: number, 
/**
 * The resource × method table.
 */
table: Array<PermissionRow>, };

/**
 * One row of the resource × method table.
 */
export type PermissionRow = { 
/**
 * The resource, such as `invoices`.
 */
resource: string, 
/**
 * Granted by `<resource>.read`.
 */
get: boolean, 
/**
 * Granted by `<resource>.write`.
 */
post: boolean, 
/**
 * Granted by `<resource>.write`.
 */
put: boolean, 
/**
 * Granted by `<resource>.write`.
 */
delete: boolean, };

/**
 * The claim permissions were read from.
 */
export type PermissionSource = "permissions" | "scope" | "scopes";

/**
 * What the UI sends to add or edit a profile.
 */
export type ProfileInput = { id: string, name: string, baseUrl: string, environment: Environment, 
/**
 * The Advanced section's settings; absent leaves them as they are (Drivly's defaults for
 * a new profile). Paths stay under the base URL, so unlike a new URL they never send
 * credentials to another server and need no confirmation.
 */
protocol?: ProtocolSettings, };

/**
 * A profile as the header shows it.
 */
export type ProfileSummary = { 
/**
 * Identifier.
 */
id: string, 
/**
 * Display name.
 */
name: string, 
/**
 * The environment badge.
 */
environment: Environment, 
/**
 * API base URL.
 */
baseUrl: string, };

/**
 * A profile as Settings shows it.
 */
export type ProfileView = { builtIn: boolean, dashboardUrl: string | null, canRevokeApiKeys: boolean, 
/**
 * Whether signing out tells the server (the profile has a revoke endpoint).
 */
canRevokeSessions: boolean, redirectForm: RedirectForm, 
/**
 * Every protocol setting, for the profile form's Advanced section.
 */
protocol: ProtocolSettings, 
/**
 * Identifier.
 */
id: string, 
/**
 * Display name.
 */
name: string, 
/**
 * The environment badge.
 */
environment: Environment, 
/**
 * API base URL.
 */
baseUrl: string, };

/**
 * A profile's protocol settings (protocol.md D) as the profile form edits them: every value
 * as text, `""` for "none" (no client id, no revoke endpoint, no JWKS). Validated by the core
 * ([`ProtocolPatch::apply`]), the same rules as `drivly-keys profiles edit`.
 */
export type ProtocolSettings = { redirectForm: RedirectForm, clientId: string, authorizePath: string, tokenPath: string, refreshPath: string, revokePath: string, jwksPath: string, };

/**
 * One query parameter.
 */
export type QueryParam = { name: string, value: string, };

/**
 * Where the redirect should come back.
 */
export type RedirectChoice = "deepLink" | "loopback";

/**
 * How the sign-in redirect carries its result (protocol.md B.2).
 */
export type RedirectForm = "code" | "token";

/**
 * What removing a key did.
 */
export type RemoveKeyResult = { server: ServerRemoval, message: string, };

/**
 * What removing a profile did.
 */
export type RemoveProfileResult = { 
/**
 * API keys deleted from this computer.
 */
keys: number, 
/**
 * Sessions signed out.
 */
sessions: number, 
/**
 * One sentence for people (what the server revoked, what was only removed here).
 */
message: string, };

/**
 * A screen of the window (the page's `ScreenId`).
 */
export type ScreenId = "keys" | "sessions" | "mint" | "inspect" | "settings";

/**
 * DNS and reachability of the base URL.
 */
export type ServerLine = { 
/**
 * The host name.
 */
host: string, 
/**
 * How many addresses DNS gave (0 when the lookup failed).
 */
addresses: number, 
/**
 * `https` (TLS checked by the request) or `http` (loopback only).
 */
scheme: string, 
/**
 * Whether the base URL answered at all (any status).
 */
reachable: boolean, 
/**
 * The base URL's status.
 */
status: number | null, 
/**
 * Why it could not be reached.
 */
error: string | null, };

/**
 * What the server did when a key was removed.
 */
export type ServerRemoval = "revoked" | "notRequested" | "notSupported" | "failed";

/**
 * One session's health.
 */
export type SessionHealth = { 
/**
 * The session id.
 */
id: string, 
/**
 * The user, when known.
 */
subject: string | null, 
/**
 * Seconds left on the current JWT (negative: expired; `None`: unknown).
 */
secondsLeft: number | null, 
/**
 * The last successful refresh.
 */
lastRefresh: string | null, 
/**
 * The server's clock minus ours at the last refresh, when recorded.
 */
serverClockSkewSecs: number | null, 
/**
 * The last error, or why the session cannot continue.
 */
problem: string | null, };

/**
 * Where a session stands, flattened for the list (the details travel beside it).
 */
export type SessionState = "active" | "refreshing" | "retrying" | "needsSignIn" | "needsSetup" | "signedOut";

/**
 * A session as the UI's `SessionView` type.
 */
export type SessionView = { id: string, profileId: string, subject: string | null, 
/**
 * The account's email or name from the token, when the server sends one.
 */
account: string | null, 
/**
 * The user's own name for the session.
 */
label: string | null, permissions: Array<string>, state: SessionState, created: string, lastRefresh: string | null, nextRefresh: string | null, jwtExpires: string | null, nextAttempt: string | null, lastError: LastError | null, 
/**
 * How far the server's clock is from this machine's (seconds, positive: server ahead),
 * when over 30 s; the refresher schedules from the server's own times either way.
 */
serverClockSkewSecs: number | null, };

/**
 * User settings.
 */
export type Settings = { 
/**
 * Seconds after which a copied secret is cleared from the clipboard (if unchanged);
 * 0 turns clearing off. Default 30.
 */
clipboardClearSeconds: number, 
/**
 * Start hidden in the system tray.
 */
launchMinimised: boolean, 
/**
 * Colour theme.
 */
theme: Theme, 
/**
 * The desktop-wide key combination that copies a fresh JWT of the active profile's
 * session ("Ctrl+Alt+J", canonical per [`crate::global_shortcut`]); off when `None`, the
 * default: a global shortcut takes that combination from every other program.
 */
globalShortcut: string | null, };

/**
 * How loudly the UI should show a warning.
 */
export type Severity = "info" | "warning" | "danger";

/**
 * What "Sign in" sends.
 */
export type SignInInput = { profileId: string, permissions: Array<string>, redirect: RedirectChoice, };

/**
 * What signing out did.
 */
export type SignOutResult = { revokedOnServer: boolean, message: string, };

/**
 * The outcome of a signature check.
 */
export type SignatureStatus = { "status": "verified", 
/**
 * The key's id, when it has one.
 */
keyId: string | null, 
/**
 * The algorithm checked.
 */
alg: string, } | { "status": "notVerified", 
/**
 * Why, and what would make verification possible.
 */
reason: string, } | { "status": "failed", 
/**
 * Why.
 */
reason: string, };

/**
 * The app's colour theme.
 */
export type Theme = "system" | "light" | "dark";

/**
 * A time claim as shown to the user.
 */
export type TimeClaim = { "state": "absent" } | { "state": "invalid", 
/**
 * The JSON text of the value, shortened.
 */
raw: string, 
/**
 * Why it is not usable.
 */
reason: string, } | { "state": "valid", 
/**
 * The time in UTC (ISO 8601 when serialised); local time is the viewer's business.
 */
at: string, 
/**
 * Whole seconds since the epoch, rounded down.
 */
unix: number, 
/**
 * Relative text at inspection time, from [`describe`].
 */
relative: string, };

/**
 * A token held in Rust, with what the UI may know of it.
 */
export type TokenHandle = { 
/**
 * The opaque reference.
 */
tokenRef: string, 
/**
 * Its inspection.
 */
inspection: Inspection, 
/**
 * What the user should know about how it was made (a mint whose history entry could not
 * be written); `None` when all went well.
 */
warning: string | null, 
/**
 * The profile it was issued for: "Try it" sends it to that profile's server only.
 */
profileId: string, };

/**
 * Where a token comes from: held in Rust, or pasted (zeroized when dropped).
 */
export type TokenSource = { 
/**
 * Its reference.
 */
tokenRef: string, } | { 
/**
 * The token.
 */
token: string, };

/**
 * What the session bus says about a tray host.
 */
export type TrayHost = "present" | "absent" | "unknown";

/**
 * What "Try it" sends: the request and the token to send it with.
 */
export type TryItInput = { source: TokenSource, profileId: string, 
/**
 * Text rather than [`HttpMethod`], so a wrong method is a `{code, message}` error too.
 */
method: HttpMethod, 
/**
 * A resource path relative to the profile's base URL, e.g. `invoices` or `invoices/42`.
 */
resource: string, 
/**
 * Query parameters, in order; empty names are skipped.
 */
query: Array<QueryParam>, 
/**
 * A JSON body (POST and PUT only); `None` or blank sends none.
 */
body: string | null, };

/**
 * The request, without the token (also what "Copy as curl" writes).
 */
export type TryItRequest = { profileId: string, 
/**
 * Text rather than [`HttpMethod`], so a wrong method is a `{code, message}` error too.
 */
method: HttpMethod, 
/**
 * A resource path relative to the profile's base URL, e.g. `invoices` or `invoices/42`.
 */
resource: string, 
/**
 * Query parameters, in order; empty names are skipped.
 */
query: Array<QueryParam>, 
/**
 * A JSON body (POST and PUT only); `None` or blank sends none.
 */
body: string | null, };

/**
 * What "Try it" got back.
 */
export type TryItResult = { status: number, elapsedMs: number, message: string, 
/**
 * The URL called (the profile's API, the path and the query).
 */
url: string, headers: Array<HeaderLine>, 
/**
 * The body, pretty-printed when JSON, at most 64 KiB of text, the token redacted.
 */
body: string, bodyTruncated: boolean, bodyBytes: number, paging: PagingView | null, };

/**
 * Something the desktop (the menu bar, a notification's button) asks the page to do.
 */
export type UiRequest = { "kind": "screen", screen: ScreenId, } | { "kind": "palette" } | { "kind": "showSession", sessionId: string, } | { "kind": "signInAgain", sessionId: string, } | { "kind": "saveAndClose" };

/**
 * The page's state that survives the window closing to the tray.
 */
export type UiSnapshot = { 
/**
 * The screen that was showing.
 */
screen: ScreenId, 
/**
 * Unsaved form text and which forms were open, by the page's own names (values are the
 * page's JSON). Never a secret.
 */
fields: { [key in string]: string }, };

/**
 * The server's verdict on a key.
 */
export type VerifyResult = { status: VerifyStatus, message: string, };

/**
 * The server's verdict, as the UI shows it.
 */
export type VerifyStatus = "valid" | "rejected" | "unknown";

/**
 * One warning about a token.
 */
export type Warning = { 
/**
 * Stable code.
 */
code: WarningCode, 
/**
 * How serious it is.
 */
severity: Severity, 
/**
 * A sentence for people.
 */
message: string, };

/**
 * What a warning is about.
 */
export type WarningCode = "alg_none" | "alg_missing" | "alg_unknown" | "alg_unsupported" | "expired" | "not_yet_valid" | "issued_in_future" | "missing_exp" | "invalid_time_claim" | "expires_before_issued" | "key_url_in_header" | "critical_header" | "signature_missing" | "signature_malformed" | "large_token" | "unrecognised_permissions";

/** Every IPC command: its arguments (camelCase keys) and what it returns. */
export interface Commands {
  app_info: { args: {  }; output: AppInfo };
  quit_app: { args: {  }; output: null };
  close_window: { args: { snapshot: UiSnapshot }; output: null };
  recall_page: { args: {  }; output: PageRecall };
  list_profiles: { args: {  }; output: Array<ProfileView> };
  add_profile: { args: { input: ProfileInput }; output: ProfileView };
  update_profile: { args: { input: ProfileInput }; output: ProfileView };
  remove_profile: { args: { id: string }; output: RemoveProfileResult };
  set_active_profile: { args: { id: string }; output: ProfileSummary };
  get_settings: { args: {  }; output: Settings };
  update_settings: { args: { settings: Settings }; output: Settings };
  check_connection: { args: { id: string }; output: DoctorReport };
  list_api_keys: { args: {  }; output: Array<ApiKeyMeta> };
  add_api_key: { args: { input: AddApiKeyInput }; output: ApiKeyMeta };
  verify_api_key: { args: { id: string }; output: VerifyResult };
  reveal_api_key: { args: { id: string }; output: string };
  copy_api_key: { args: { id: string }; output: CopyResult };
  rename_api_key: { args: { id: string; label: string }; output: ApiKeyMeta };
  remove_api_key: { args: { id: string; revokeOnServer: boolean }; output: RemoveKeyResult };
  permission_catalog: { args: {  }; output: PermissionCatalog };
  mint_token: { args: { input: MintInput }; output: TokenHandle };
  mint_history: { args: {  }; output: Array<MintRecord> };
  inspect_token: { args: { token: string }; output: Inspection };
  inspect_ref: { args: { tokenRef: string }; output: Inspection };
  verify_signature: { args: { source: TokenSource; key: KeyMaterial }; output: SignatureStatus };
  copy_token: { args: { tokenRef: string }; output: CopyResult };
  try_it: { args: { input: TryItInput }; output: TryItResult };
  copy_try_it_curl: { args: { request: TryItRequest }; output: CopyResult };
  clipboard_jwt: { args: {  }; output: ClipboardJwt | null };
  inspect_clipboard: { args: {  }; output: TokenHandle };
  list_sessions: { args: {  }; output: Array<SessionView> };
  sign_in: { args: { input: SignInInput }; output: null };
  cancel_sign_in: { args: {  }; output: null };
  copy_session_jwt: { args: { sessionId: string }; output: CopyResult };
  session_token: { args: { sessionId: string }; output: TokenHandle };
  refresh_now: { args: { sessionId: string }; output: SessionView };
  rename_session: { args: { sessionId: string; label: string }; output: SessionView };
  sign_out: { args: { sessionId: string }; output: SignOutResult };
  start_local_proxy: { args: { sessionId: string }; output: LocalProxyView };
  stop_local_proxy: { args: { sessionId: string }; output: null };
  list_local_proxies: { args: {  }; output: Array<LocalProxyView> };
  copy_local_proxy_url: { args: { sessionId: string }; output: CopyResult };
  copy_curl: { args: { sessionId: string }; output: CopyResult };
  link_handler_status: { args: {  }; output: LinkHandlerStatus };
  remove_link_handler_entry: { args: {  }; output: LinkHandlerStatus };
}

/** The command names, as the capability grants them. */
export const COMMAND_NAMES = ['app_info', 'quit_app', 'close_window', 'recall_page', 'list_profiles', 'add_profile', 'update_profile', 'remove_profile', 'set_active_profile', 'get_settings', 'update_settings', 'check_connection', 'list_api_keys', 'add_api_key', 'verify_api_key', 'reveal_api_key', 'copy_api_key', 'rename_api_key', 'remove_api_key', 'permission_catalog', 'mint_token', 'mint_history', 'inspect_token', 'inspect_ref', 'verify_signature', 'copy_token', 'try_it', 'copy_try_it_curl', 'clipboard_jwt', 'inspect_clipboard', 'list_sessions', 'sign_in', 'cancel_sign_in', 'copy_session_jwt', 'session_token', 'refresh_now', 'rename_session', 'sign_out', 'start_local_proxy', 'stop_local_proxy', 'list_local_proxies', 'copy_local_proxy_url', 'copy_curl', 'link_handler_status', 'remove_link_handler_entry'] as const;

/** Every error code, for exhaustive checks. */
export const CODES: readonly Code[] = ['api_key_not_found', 'bad_request', 'browser_unavailable', 'callback_ambiguous_parameters', 'callback_bad_encoding', 'callback_duplicate_parameter', 'callback_invalid_value', 'callback_missing_state', 'callback_mixed_forms', 'callback_no_result', 'callback_too_long', 'callback_unknown_parameter', 'callback_unparseable', 'callback_wrong_target', 'client_setup_failed', 'clipboard_unavailable', 'clipboard_no_jwt', 'empty_secret', 'endpoint_not_found', 'env_file_invalid', 'env_file_unreadable', 'file_encode', 'file_io', 'file_locked', 'folder_not_writable', 'forbidden', 'html_answer', 'index_encode', 'index_io', 'index_locked', 'input_unreadable', 'internal', 'interrupted', 'invalid_environment_variable', 'invalid_expires', 'invalid_expiry', 'invalid_label', 'invalid_method', 'invalid_note', 'invalid_profile_display_name', 'invalid_profile_name', 'invalid_profile_setting', 'invalid_redirect_scheme', 'invalid_request', 'invalid_setting', 'invalid_url', 'jwt_bad_base64', 'jwt_empty', 'jwt_encrypted', 'jwt_not_json', 'jwt_not_object', 'jwt_not_utf8', 'jwt_opaque_token', 'jwt_segment_count', 'jwt_too_large', 'key_alg_mismatch', 'key_empty', 'key_empty_secret', 'key_format_unrecognised', 'key_invalid_field', 'key_is_jwt', 'key_jwks_no_usable_keys', 'key_missing_field', 'key_not_for_signatures', 'key_not_found', 'key_not_json', 'key_not_jwks', 'key_pem_unreadable', 'key_private', 'key_several_lines', 'key_symmetric_in_jwks', 'key_too_large', 'key_too_long', 'key_unknown_alg', 'key_unsupported_curve', 'key_unsupported_type', 'key_whitespace', 'keyring_ambiguous', 'keyring_error', 'keyring_locked', 'keyring_not_platform', 'keyring_timeout', 'keyring_unavailable', 'label_exists', 'link_handler_remove_failed', 'local_server_bind_failed', 'local_server_failed', 'login_cancelled', 'login_denied', 'login_expired', 'login_state_mismatch', 'login_state_reused', 'login_unexpected_form', 'login_wrong_issuer', 'login_wrong_redirect', 'loopback_accept_failed', 'loopback_bind_failed', 'loopback_timed_out', 'malformed_response', 'missing_permissions', 'network_error', 'no_home_folder', 'no_pending_login', 'no_permissions', 'no_refresh_token', 'not_found', 'not_revoked', 'not_signed_in', 'output_failed', 'permission_empty', 'permission_empty_resource', 'permission_invalid_character', 'permission_missing_access', 'permission_not_lowercase', 'permission_too_long', 'permission_too_many', 'permission_too_many_dots', 'permission_unknown_access', 'profile_built_in', 'profile_changed_during_sign_in', 'profile_exists', 'profile_in_use', 'profile_mismatch', 'profile_not_found', 'profile_url_fixed', 'rate_limited', 'reference_invalid', 'refresh_failed', 'refresh_token_not_saved', 'refresher_stopped', 'secret_corrupt', 'secret_missing', 'secret_too_long', 'server_error', 'service_unavailable', 'session_lock_failed', 'session_lock_timeout', 'session_not_found', 'session_signed_out', 'sign_in_denied', 'signature_invalid', 'signature_unverified', 'sign_in_needed', 'spawn_failed', 'store_watch_failed', 'timeout', 'token_already_expired', 'token_gone', 'token_lifetime_too_short', 'unauthorized', 'unexpected_status', 'usage', 'not_confirmed', 'token_wrong_origin', 'profile_not_empty', 'shortcut_unavailable'];

/** The channel Rust emits `BackendEvent`s on. */
export const EVENT_CHANNEL = "drivly://event";

/** Input limits the Rust side enforces; the UI checks them first for instant feedback. */
export const LIMITS = {
  keyLabelMaxChars: 64,
  keyNoteMaxChars: 500,
  apiKeyMaxChars: 4096,
  profileNameMaxChars: 80,
  resourceMaxChars: 64,
  jwtPrefix: "eyJ",
} as const;
