//! The TypeScript bindings in `ui/src/ipc/generated/contract.ts` are what the Rust types say.
//!
//! Fails when they are stale (so `scripts/test` does); `DRIVLY_KEYS_WRITE_BINDINGS=1` rewrites
//! the file instead, for the developer who changed a type.

use std::path::PathBuf;

use drivly_keys_app::contract::{BINDINGS_PATH, typescript};

#[test]
fn generated_bindings_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(BINDINGS_PATH);
    let rendered = typescript();
    if std::env::var_os("DRIVLY_KEYS_WRITE_BINDINGS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, &rendered).expect("write the bindings");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "{BINDINGS_PATH} is stale: regenerate it with \
         `DRIVLY_KEYS_WRITE_BINDINGS=1 cargo test -p drivly-keys-app --test contract_bindings` \
         and commit it"
    );
}
