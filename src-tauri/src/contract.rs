//! The IPC contract as TypeScript, generated from the Rust types (ts-rs).
//!
//! Every command's arguments and output (from the table in `command_list.rs`), every event
//! ([`BackendEvent`]), the error shape ([`IpcError`]) with the closed list of codes ([`Code`]),
//! and the input limits the UI checks before anything crosses IPC are rendered into one file,
//! `ui/src/ipc/generated/contract.ts`. The test `tests/contract_bindings.rs` fails when that
//! file differs from what this renders (so `scripts/test` fails on stale bindings) and rewrites
//! it when run with `DRIVLY_KEYS_WRITE_BINDINGS=1`.
//!
//! Why ts-rs rather than tauri-specta: ts-rs is a stable release that only reads the serde
//! attributes the types already carry; tauri-specta is still a release candidate tied to a
//! specta release candidate, and would own the command registration too. The command list is
//! ours (`command_list.rs`), so one small table gives the handler list, the build script's list,
//! the capability check and the typed `Commands` interface.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use drivly_core::Code;
use ts_rs::{Config, TS, TypeVisitor};

#[allow(unused_imports, reason = "the command table names these types")]
use crate::commands::{
    CopyResult,
    app_info::AppInfo,
    clipboard_jwt::ClipboardJwt,
    inspect::{InspectionView, KeyMaterial, TokenHandle, TokenSource},
    keys::{AddApiKeyInput, ApiKeyView, RemoveKeyResult, VerifyResult},
    local_proxy::LocalProxyView,
    mint::{MintInput, MintRecordView, PermissionCatalog},
    profiles::{ProfileInput, ProfileSummary, ProfileView, RemoveProfileResult},
    sessions::{SessionItem, SignInInput, SignOutResult},
    try_it::{TryItInput, TryItRequest, TryItView},
};
use crate::events::{BackendEvent, EVENT_CHANNEL};
use crate::ipc_error::IpcError;
#[allow(unused_imports, reason = "the command table names these types")]
use crate::page_memory::{PageRecall, UiSnapshot};
#[allow(unused_imports, reason = "the command table names these types")]
use drivly_core::{
    doctor::DoctorReport, jwt::SignatureStatus, link_handler::LinkHandlerStatus, settings::Settings,
};

/// The names of the table's commands (tests check each has an IPC test).
pub fn command_names() -> Vec<&'static str> {
    macro_rules! names {
        ($($module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $out:ty;)*) => {
            vec![$(stringify!($name)),*]
        };
    }
    app_commands!(names)
}

/// Where the bindings live, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/ipc/generated/contract.ts";

/// The limits the UI checks before sending, as `export const LIMITS`. Each is the constant the
/// Rust side enforces, so the two cannot disagree.
fn limits() -> Vec<(&'static str, String)> {
    vec![
        (
            "keyLabelMaxChars",
            drivly_core::vault::MAX_LABEL_CHARS.to_string(),
        ),
        (
            "keyNoteMaxChars",
            drivly_core::vault::MAX_NOTE_CHARS.to_string(),
        ),
        (
            "apiKeyMaxChars",
            drivly_core::key_input::MAX_API_KEY_CHARS.to_string(),
        ),
        (
            "profileNameMaxChars",
            drivly_core::profile::store::MAX_PROFILE_NAME_CHARS.to_string(),
        ),
        (
            "resourceMaxChars",
            drivly_core::permissions::MAX_RESOURCE_LEN.to_string(),
        ),
        (
            "jwtPrefix",
            format!("{:?}", drivly_core::key_input::JWT_PREFIX),
        ),
    ]
}

/// The whole `contract.ts`.
pub fn typescript() -> String {
    // JSON numbers arrive as JavaScript numbers: 64-bit integers are `number`, not `bigint`.
    let config = Config::new().with_large_int("number");
    let mut declarations = Declarations {
        config: &config,
        seen: HashSet::new(),
        by_name: BTreeMap::new(),
    };
    declarations.add::<Code>();
    declarations.add::<IpcError>();
    declarations.add::<BackendEvent>();

    let mut commands = String::new();
    let mut names = Vec::new();
    macro_rules! render_commands {
        ($($module:ident :: $name:ident ($($arg:ident : $ty:ty),*) -> $out:ty;)*) => {$(
            #[allow(unused_mut, reason = "commands without arguments")]
            let mut args = Vec::<String>::new();
            $(
                declarations.add::<$ty>();
                args.push(format!("{}: {}", camel_case(stringify!($arg)), <$ty as TS>::name(&config)));
            )*
            declarations.add::<$out>();
            commands.push_str(&format!(
                "  {}: {{ args: {{ {} }}; output: {} }};\n",
                stringify!($name),
                args.join("; "),
                <$out as TS>::name(&config),
            ));
            names.push(format!("'{}'", stringify!($name)));
        )*};
    }
    app_commands!(render_commands);

    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/src/contract.rs; do not edit.\n\
         // Regenerate: DRIVLY_KEYS_WRITE_BINDINGS=1 cargo test -p drivly-keys-app --test contract_bindings\n\n",
    );
    for declaration in declarations.by_name.values() {
        out.push_str(declaration);
        out.push_str("\n\n");
    }
    out.push_str("/** Every IPC command: its arguments (camelCase keys) and what it returns. */\n");
    out.push_str("export interface Commands {\n");
    out.push_str(&commands);
    out.push_str("}\n\n");
    out.push_str(&format!(
        "/** The command names, as the capability grants them. */\nexport const COMMAND_NAMES = [{}] as const;\n\n",
        names.join(", ")
    ));
    let codes: Vec<String> = Code::ALL
        .iter()
        .map(|code| format!("'{}'", code.as_str()))
        .collect();
    out.push_str(&format!(
        "/** Every error code, for exhaustive checks. */\nexport const CODES: readonly Code[] = [{}];\n\n",
        codes.join(", ")
    ));
    out.push_str(&format!(
        "/** The channel Rust emits `BackendEvent`s on. */\nexport const EVENT_CHANNEL = {EVENT_CHANNEL:?};\n\n"
    ));
    out.push_str("/** Input limits the Rust side enforces; the UI checks them first for instant feedback. */\nexport const LIMITS = {\n");
    for (name, value) in limits() {
        out.push_str(&format!("  {name}: {value},\n"));
    }
    out.push_str("} as const;\n");
    out
}

/// `revoke_on_server` → `revokeOnServer`, as Tauri names command arguments.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Collects the declaration of every named type reachable from the ones added, once each,
/// ordered by name so the file is stable.
struct Declarations<'a> {
    config: &'a Config,
    seen: HashSet<TypeId>,
    by_name: BTreeMap<String, String>,
}

impl Declarations<'_> {
    fn add<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Only derived types have a file of their own, hence a declaration; built-ins
        // (`string`, `Array<…>`, `Date` strings) are written inline where used.
        if T::output_path().is_some() {
            let docs = T::docs().unwrap_or_default();
            let name = T::ident(self.config);
            let declaration = format!("{docs}export {}", T::decl(self.config));
            if let Some(previous) = self.by_name.insert(name.clone(), declaration.clone()) {
                assert_eq!(
                    previous, declaration,
                    "two Rust types are exported to TypeScript as `{name}`: rename one with #[ts(rename)]"
                );
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        self.add::<T>();
    }
}

#[cfg(test)]
mod tests {
    use super::camel_case;

    #[test]
    fn argument_names_become_camel_case_as_tauri_expects() {
        assert_eq!(camel_case("revoke_on_server"), "revokeOnServer");
        assert_eq!(camel_case("id"), "id");
        assert_eq!(camel_case("token_ref"), "tokenRef");
    }
}
