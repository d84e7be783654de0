//! The vault's crash recovery over the real Secret Service (gnome-keyring in the test command),
//! not only over the in-memory store: the same journal states reconciled the same way. The
//! refresher over the real keyring is in `session_vault`. `#[ignore]`d like every keyring test;
//! `scripts/test` runs them with `--include-ignored` in a private session.

use std::sync::Arc;

use drivly_core::vault::SecretStore;

use super::keyring_gnome::{platform_store, test_service};

#[test]
#[ignore = "needs a real Secret Service: scripts/test runs it"]
fn reconcile_fixes_or_reports_every_case_in_the_real_keyring() {
    let service = test_service();
    let store: Arc<dyn SecretStore> = Arc::new(platform_store(&service));
    super::vault_memory::reconcile_every_case(Arc::clone(&store));
    // The test's own service: leave nothing in the keyring.
    for name in store.list().unwrap().unwrap_or_default() {
        store.delete(&name).unwrap();
    }
    assert_eq!(store.list().unwrap(), Some(vec![]));
}
