// The app's IPC commands, once: `module::command(argument: Type, ...) -> Output;`.
//
// Everything that must agree on the command list derives from this table:
// - `lib.rs` registers the handlers from it (`tauri::generate_handler!`);
// - `build.rs` includes this file and gives the names to `AppManifest::commands` (every other
//   command is unreachable from the webview), then checks `permissions/app-commands.toml`
//   grants exactly these (the build fails otherwise);
// - `contract.rs` writes the TypeScript `Commands` interface (arguments and output of each)
//   into `ui/src/ipc/generated/contract.ts`, which the UI's `invoke` wrapper is typed against.
// The argument names are the Rust parameter names (Tauri turns them into camelCase keys); the
// IPC tests call every command with exactly these arguments, so a command whose parameters
// drift from its line here fails them. This file is plain `macro_rules!` so the build script can
// `include!` it.

/// Calls `$callback! { ...the table... }`.
macro_rules! app_commands {
    ($callback:ident) => {
        $callback! {
            app_info::app_info() -> AppInfo;
            app_info::quit_app() -> ();
            window::close_window(snapshot: UiSnapshot) -> ();
            window::recall_page() -> PageRecall;
            profiles::list_profiles() -> Vec<ProfileView>;
            profiles::add_profile(input: ProfileInput) -> ProfileView;
            profiles::update_profile(input: ProfileInput) -> ProfileView;
            profiles::remove_profile(id: String) -> RemoveProfileResult;
            profiles::set_active_profile(id: String) -> ProfileSummary;
            profiles::get_settings() -> Settings;
            profiles::update_settings(settings: Settings) -> Settings;
            connection::check_connection(id: String) -> DoctorReport;
            keys::list_api_keys() -> Vec<ApiKeyView>;
            keys::add_api_key(input: AddApiKeyInput) -> ApiKeyView;
            keys::verify_api_key(id: String) -> VerifyResult;
            keys::reveal_api_key(id: String) -> String;
            keys::copy_api_key(id: String) -> CopyResult;
            keys::rename_api_key(id: String, label: String) -> ApiKeyView;
            keys::remove_api_key(id: String, revoke_on_server: bool) -> RemoveKeyResult;
            mint::permission_catalog() -> PermissionCatalog;
            mint::mint_token(input: MintInput) -> TokenHandle;
            mint::mint_history() -> Vec<MintRecordView>;
            inspect::inspect_token(token: String) -> InspectionView;
            inspect::inspect_ref(token_ref: String) -> InspectionView;
            inspect::verify_signature(source: TokenSource, key: KeyMaterial) -> SignatureStatus;
            inspect::copy_token(token_ref: String) -> CopyResult;
            try_it::try_it(input: TryItInput) -> TryItView;
            try_it::copy_try_it_curl(request: TryItRequest) -> CopyResult;
            clipboard_jwt::clipboard_jwt() -> Option<ClipboardJwt>;
            clipboard_jwt::inspect_clipboard() -> TokenHandle;
            sessions::list_sessions() -> Vec<SessionItem>;
            sessions::sign_in(input: SignInInput) -> ();
            sessions::cancel_sign_in() -> ();
            sessions::copy_session_jwt(session_id: String) -> CopyResult;
            sessions::session_token(session_id: String) -> TokenHandle;
            sessions::refresh_now(session_id: String) -> SessionItem;
            sessions::rename_session(session_id: String, label: String) -> SessionItem;
            sessions::sign_out(session_id: String) -> SignOutResult;
            // issue #15: a local proxy per session, and a curl line without the token
            local_proxy::start_local_proxy(session_id: String) -> LocalProxyView;
            local_proxy::stop_local_proxy(session_id: String) -> ();
            local_proxy::list_local_proxies() -> Vec<LocalProxyView>;
            local_proxy::copy_local_proxy_url(session_id: String) -> CopyResult;
            local_proxy::copy_curl(session_id: String) -> CopyResult;
            link_handler::link_handler_status() -> LinkHandlerStatus;
            link_handler::remove_link_handler_entry() -> LinkHandlerStatus;
        }
    };
}
