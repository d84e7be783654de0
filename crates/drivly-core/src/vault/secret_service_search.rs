//! Listing this app's items in the Secret Service by their `service` attribute, so the vault's
//! reconcile can find orphaned secrets. The `keyring` crate v3 only looks items up by exact
//! name, hence this direct (and read-only) use of `dbus-secret-service`.
//!
//! Only attributes are read, which works on locked items too and never decrypts a secret.

use std::collections::HashMap;

use dbus_secret_service::{EncryptionType, SecretService};

use super::secret_store::StoreError;

/// The `username` attribute of every item whose `service` attribute is `service`.
pub(crate) fn list_users(service: &str) -> Result<Vec<String>, StoreError> {
    let unavailable = |e: dbus_secret_service::Error| StoreError::Unavailable {
        detail: e.to_string().chars().take(300).collect(),
    };
    let ss = SecretService::connect(EncryptionType::Plain).map_err(unavailable)?;
    let found = ss
        .search_items(HashMap::from([("service", service)]))
        .map_err(unavailable)?;
    let mut users = Vec::new();
    for item in found.unlocked.iter().chain(found.locked.iter()) {
        let attributes = item.get_attributes().map_err(unavailable)?;
        if let Some(user) = attributes.get("username") {
            users.push(user.clone());
        }
    }
    Ok(users)
}
