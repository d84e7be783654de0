//! [`TokenIssuer`] for the real [`DrivlyClient`]: maps its tokens and errors onto the
//! refresher's small vocabulary (sign in again, retry later, or failed).

use chrono::TimeDelta;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::ports::{IssueError, IssuedTokens, TokenIssuer};
use crate::ErrorCode;
use crate::client::{ClientError, DrivlyClient, RevokeOutcome, jwt_exp};
use crate::secret::RefreshToken;

fn issue_error(error: &ClientError) -> IssueError {
    if error.needs_sign_in() {
        IssueError::SignInNeeded {
            message: error.to_string(),
        }
    } else if error.is_setup_error() {
        IssueError::Setup {
            code: error.code(),
            message: error.to_string(),
        }
    } else if error.is_transient() {
        IssueError::Transient {
            code: error.code(),
            message: error.to_string(),
            retry_after: error
                .retry_after()
                .and_then(|s| TimeDelta::try_seconds(i64::try_from(s).ok()?)),
        }
    } else {
        IssueError::Failed {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

impl TokenIssuer for DrivlyClient {
    fn refresh<'a>(
        &'a self,
        refresh_token: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<IssuedTokens, IssueError>> {
        async move {
            let set = DrivlyClient::refresh(self, refresh_token)
                .await
                .map_err(|e| issue_error(&e))?;
            // `exp` is on the server's clock; `expires` is on ours.
            let skew = TimeDelta::seconds(set.server_skew_secs.unwrap_or(0));
            let token_exp = jwt_exp(set.jwt.expose_secret()).map(|exp| exp - skew);
            Ok(IssuedTokens {
                jwt: set.jwt,
                refresh_token: set.refresh_token,
                expires: set.expires,
                requested_at: set.requested_at,
                token_exp,
                sent: set.sent,
                server_clock_skew_secs: set.server_skew_secs,
            })
        }
        .boxed()
    }

    fn revoke<'a>(
        &'a self,
        refresh_token: &'a RefreshToken,
    ) -> BoxFuture<'a, Result<RevokeOutcome, IssueError>> {
        async move {
            DrivlyClient::revoke(self, refresh_token)
                .await
                .map_err(|e| issue_error(&e))
        }
        .boxed()
    }
}
