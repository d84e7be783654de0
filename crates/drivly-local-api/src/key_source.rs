//! Least-privilege tokens minted from a stored API key, re-minted before they run out.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use drivly_core::usecases::Stores;
use drivly_core::usecases::mint::{MintRequest, mint};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::token_source::{FreshJwt, SourceError, SourceFuture, TokenSource};

/// When no minimum is asked for: the same two minutes the session policy keeps.
const DEFAULT_MIN_TTL: Duration = Duration::from_secs(120);

/// Mints with one stored key and exactly the given permissions, `lifetime` at a time. The
/// current token is kept in memory and shared; a mutex held across the mint makes concurrent
/// callers wait for one mint (single flight) instead of minting each.
#[derive(Debug)]
pub struct KeyTokenSource {
    stores: Stores,
    key_id: Uuid,
    permissions: Vec<String>,
    lifetime: Duration,
    current: Mutex<Option<FreshJwt>>,
    mints: Arc<AtomicUsize>,
}

impl KeyTokenSource {
    /// A source minting with `key_id` (already found in `stores`) for `permissions`, each
    /// token living `lifetime` (at least twice the wanted minimum is used when that is longer).
    pub fn new(stores: Stores, key_id: Uuid, permissions: Vec<String>, lifetime: Duration) -> Self {
        Self {
            stores,
            key_id,
            permissions,
            lifetime,
            current: Mutex::new(None),
            mints: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// How many tokens this source has minted.
    pub fn mint_count(&self) -> usize {
        self.mints.load(Ordering::SeqCst)
    }
}

impl TokenSource for KeyTokenSource {
    fn fresh(&self, min_ttl: Option<Duration>) -> SourceFuture<'_> {
        Box::pin(async move {
            let need = min_ttl.unwrap_or(DEFAULT_MIN_TTL);
            let need_delta = TimeDelta::from_std(need).unwrap_or(TimeDelta::MAX);
            let mut current = self.current.lock().await;
            if let Some(token) = current.as_ref()
                && token.expires - Utc::now() >= need_delta
            {
                return Ok(token.clone());
            }
            let lifetime = self.lifetime.max(need * 2);
            let expires = Utc::now() + TimeDelta::from_std(lifetime).unwrap_or(TimeDelta::MAX);
            let minted = mint(
                &self.stores,
                MintRequest {
                    key_id: self.key_id,
                    permissions: self.permissions.clone(),
                    expires: Some(expires),
                    label: Some("local proxy".to_owned()),
                },
            )
            .await
            .map_err(|e| SourceError::from_error(&e))?;
            self.mints.fetch_add(1, Ordering::SeqCst);
            let fresh = FreshJwt {
                jwt: minted.jwt,
                expires: minted.expires,
            };
            *current = Some(fresh.clone());
            Ok(fresh)
        })
    }
}
