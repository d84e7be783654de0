//! Tokens from a signed-in session, through the core's refresher.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use drivly_core::session::SessionRefresher;

use crate::token_source::{FreshJwt, SourceError, SourceFuture, TokenSource};

/// A session's JWTs, asked of its [`SessionRefresher`]: the cross-process lock, the single
/// flight (concurrent callers share one refresh) and the refresh policy are the core's, exactly
/// as for `drivly-keys token`. Nothing here refreshes on its own.
#[derive(Debug, Clone)]
pub struct SessionTokenSource {
    refresher: Arc<SessionRefresher>,
}

impl SessionTokenSource {
    /// Serves `refresher`'s session.
    pub fn new(refresher: Arc<SessionRefresher>) -> Self {
        Self { refresher }
    }
}

impl TokenSource for SessionTokenSource {
    fn fresh(&self, min_ttl: Option<Duration>) -> SourceFuture<'_> {
        Box::pin(async move {
            let jwt = self
                .refresher
                .token(min_ttl)
                .await
                .map_err(|e| SourceError::from_error(&e))?;
            // The refresher's view carries the expiry of the JWT it just handed out (it only
            // changes on a refresh, which needs another caller asking for more time).
            let expires = self
                .refresher
                .view()
                .meta
                .jwt_expires
                .unwrap_or_else(Utc::now);
            Ok(FreshJwt { jwt, expires })
        })
    }
}
