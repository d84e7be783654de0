//! What token endpoints hand back: [`TokenSet`] (code exchange, refresh) and [`MintedToken`]
//! (API-key mint), and how their expiry is decided.
//!
//! Expiry comes from the response (`expires`, `expiresAt`, or `expires_in` counted from the
//! moment the request was *sent*), not from the token's `exp` claim: RFC 9068 §6 says clients
//! must not rely on an access token's contents. The `exp` claim is still read, to warn when the
//! two disagree (clock skew or a misconfigured server), and used only when the response gives
//! no expiry at all.

use chrono::{DateTime, Utc};

use crate::secret::{Jwt, RefreshToken};

/// How far the response's expiry and the token's `exp` may differ before a warning.
pub const EXPIRY_SKEW_TOLERANCE_SECS: i64 = 60;

/// A disagreement between the response's expiry and the token's `exp` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpirySkew {
    /// The expiry the response stated (the one the app uses).
    pub response_expires: DateTime<Utc>,
    /// The token's `exp` claim.
    pub token_exp: DateTime<Utc>,
    /// `token_exp - response_expires`, in seconds.
    pub difference_secs: i64,
}

/// Something the parser tolerated that the caller may want to surface (a notice, a log line by
/// code); never a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseWarning {
    /// The expiry was an ISO 8601 date-time without an offset; it was read as UTC.
    DateWithoutOffset,
    /// The response's expiry field was present but could not be read; it was not trusted.
    ExpiryUnreadable,
    /// The expiry came from the token's `exp` claim, since the response gave none usable.
    ExpiryFromTokenExp,
}

impl ParseWarning {
    /// A stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::DateWithoutOffset => "date_without_offset",
            Self::ExpiryUnreadable => "expiry_unreadable",
            Self::ExpiryFromTokenExp => "expiry_from_token_exp",
        }
    }

    /// A sentence for a notice or a log.
    pub fn message(self) -> &'static str {
        match self {
            Self::DateWithoutOffset => {
                "the server sent its expiry date without a time zone; it was read as UTC"
            }
            Self::ExpiryUnreadable => "the server's expiry field could not be read and was ignored",
            Self::ExpiryFromTokenExp => {
                "the server's answer gave no usable expiry; the token's own exp claim was used"
            }
        }
    }
}

/// Tokens from a code exchange or a refresh.
#[derive(Debug)]
pub struct TokenSet {
    /// The access token.
    pub jwt: Jwt,
    /// A refresh token, when the server sent one. On refresh, `Some` means rotation: the old
    /// refresh token is dead and this one must be stored before anything else; `None` means
    /// the old one stays valid.
    pub refresh_token: Option<RefreshToken>,
    /// When the JWT expires, on the local wall clock: `requested_at` plus the lifetime the
    /// server stated relative to its own clock (see `client/lifetime.rs`), so a local clock
    /// minutes off changes nothing. (Before the answer's `Date` is applied, as in pure
    /// parsing, an absolute expiry is the server's value as is.)
    pub expires: DateTime<Utc>,
    /// When the request was sent (local wall clock); the lifetime is counted from here.
    pub requested_at: DateTime<Utc>,
    /// Set when the response's expiry and the token's `exp` differ by more than
    /// [`EXPIRY_SKEW_TOLERANCE_SECS`].
    pub expiry_skew_warning: Option<ExpirySkew>,
    /// What the parser tolerated (see [`ParseWarning`]); empty for a textbook answer.
    pub warnings: Vec<ParseWarning>,
    /// The answer's `Date` header: the server's clock when it answered.
    pub server_date: Option<DateTime<Utc>>,
    /// The server's clock minus the local clock, in seconds, measured on this answer (`Date`
    /// has a one-second resolution, so this is good to about ±1 s).
    pub server_skew_secs: Option<i64>,
    /// How the response stated the expiry.
    pub expiry_basis: super::lifetime::ExpiryBasis,
    /// Where the lifetime was read from.
    pub lifetime_source: super::lifetime::LifetimeSource,
    /// When the request was sent, on the monotonic clock (`None` for a parsed body without a
    /// request): this process anchors the lifetime here, immune to wall-clock steps.
    pub sent: Option<std::time::Instant>,
}

impl TokenSet {
    /// The JWT's lifetime as stated by the server, from the sending of the request. Zero or
    /// negative means the server issued an expired token: refuse it (after storing a rotated
    /// refresh token), never refresh again at once.
    pub fn lifetime(&self) -> chrono::Duration {
        self.expires - self.requested_at
    }
}

/// A JWT minted with an API key.
#[derive(Debug)]
pub struct MintedToken {
    /// The token.
    pub jwt: Jwt,
    /// When it expires.
    pub expires: DateTime<Utc>,
}

/// Decides the expiry: the response's value when present, else the token's `exp`; and the
/// skew warning when both are known and disagree. `None` when neither is known.
pub(crate) fn decide_expiry(
    from_response: Option<DateTime<Utc>>,
    token_exp: Option<DateTime<Utc>>,
) -> Option<(DateTime<Utc>, Option<ExpirySkew>)> {
    match (from_response, token_exp) {
        (Some(resp), Some(exp)) => {
            let difference_secs = (exp - resp).num_seconds();
            let skew = (difference_secs.abs() > EXPIRY_SKEW_TOLERANCE_SECS).then_some(ExpirySkew {
                response_expires: resp,
                token_exp: exp,
                difference_secs,
            });
            Some((resp, skew))
        }
        (Some(resp), None) => Some((resp, None)),
        (None, Some(exp)) => Some((exp, None)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn response_expiry_wins_and_skew_is_flagged_beyond_tolerance() {
        assert_eq!(
            decide_expiry(Some(t(600)), Some(t(630))),
            Some((t(600), None))
        );
        let (exp, skew) = decide_expiry(Some(t(600)), Some(t(900))).unwrap_or((t(0), None));
        assert_eq!(exp, t(600));
        assert_eq!(skew.map(|s| s.difference_secs), Some(300));
        let (_, skew) = decide_expiry(Some(t(600)), Some(t(0))).unwrap_or((t(0), None));
        assert_eq!(skew.map(|s| s.difference_secs), Some(-600));
    }

    #[test]
    fn falls_back_to_exp_then_gives_up() {
        assert_eq!(decide_expiry(None, Some(t(5))), Some((t(5), None)));
        assert_eq!(decide_expiry(None, None), None);
    }
}
