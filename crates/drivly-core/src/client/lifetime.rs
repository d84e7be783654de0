//! A token's lifetime as the server meant it, whatever this computer's clock says
//! (protocol.md D, issue #13 item 2).
//!
//! The local wall clock may be minutes off. Comparing the server's absolute `expires` with it
//! made a clock ahead by a lifetime refresh in a tight loop, and a clock behind hand out tokens
//! the server already considered expired. So the lifetime is read relative to the server's own
//! clock: `expires_in`; else `expires` minus the answer's `Date`; else the token's `exp − iat`;
//! only when the server gives none of these, the absolute expiry against the local clock. The
//! lifetime is then counted from when the request was sent: on the local wall clock (shared
//! with other processes) and on the monotonic clock ([`TokenSet::sent`]) for this process. The
//! send time is the early end of the request's span, so the local expiry is never later than
//! the server's.

use chrono::{DateTime, TimeDelta, Utc};

use super::tokens::TokenSet;
use super::wire::{jwt_exp, jwt_iat};

/// What the response's expiry was stated as, before the lifetime is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryBasis {
    /// `expires_in` (a lifetime; `expires` was computed from the send time).
    ExpiresIn,
    /// An absolute `expires`/`expiresAt`, on the server's clock.
    ServerTime,
    /// No usable expiry in the response: the token's `exp`, on the server's clock.
    TokenExp,
}

/// Where a token's lifetime was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimeSource {
    /// The response's `expires_in`.
    ExpiresIn,
    /// The response's `expires` minus its `Date` header.
    ExpiresMinusDate,
    /// The response's `expires` minus the server's time estimated from the `Date` of this
    /// profile's earlier answers (this answer had none).
    ExpiresMinusKnownSkew,
    /// An expiry minus the token's `iat` (no `Date` on this answer nor any earlier one).
    ExpiresMinusIat,
    /// The server gave no reference to its own clock: the absolute expiry was compared with
    /// the local clock (skew goes unnoticed).
    LocalClock,
}

impl LifetimeSource {
    /// The source before the answer's `Date` is known (pure parsing).
    pub(crate) fn from_basis(basis: ExpiryBasis) -> Self {
        match basis {
            ExpiryBasis::ExpiresIn => Self::ExpiresIn,
            ExpiryBasis::ServerTime | ExpiryBasis::TokenExp => Self::LocalClock,
        }
    }
}

/// What an answer tells of the server's clock when it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServerClock {
    /// The answer's own `Date` header.
    Date(DateTime<Utc>),
    /// No `Date` on this answer: its arrival on the local clock plus the skew measured on the
    /// profile's earlier answers (issue #14 item 4: the per-profile estimate).
    Estimate(DateTime<Utc>),
    /// Neither.
    Unknown,
}

/// The lifetime of a token whose stated expiry is `expires` (read as `basis`), given what the
/// answer tells of the server's clock and the token itself.
pub(crate) fn server_lifetime(
    expires: DateTime<Utc>,
    basis: ExpiryBasis,
    requested_at: DateTime<Utc>,
    server_clock: ServerClock,
    token: &str,
) -> (TimeDelta, LifetimeSource) {
    if basis == ExpiryBasis::ExpiresIn {
        return (expires - requested_at, LifetimeSource::ExpiresIn);
    }
    match server_clock {
        ServerClock::Date(date) => return (expires - date, LifetimeSource::ExpiresMinusDate),
        // Before `iat`: a server may hand out a token it issued earlier, and `exp − iat` would
        // then be its whole lifetime rather than what is left of it.
        ServerClock::Estimate(now) => {
            return (expires - now, LifetimeSource::ExpiresMinusKnownSkew);
        }
        ServerClock::Unknown => {}
    }
    // Without `Date`, the token's own `iat` is the server's clock at issue. Its `exp − iat`
    // when the expiry is the token's; the response's expiry otherwise (it wins over `exp`).
    if let Some(iat) = jwt_iat(token) {
        let end = match basis {
            ExpiryBasis::TokenExp => jwt_exp(token).unwrap_or(expires),
            _ => expires,
        };
        return (end - iat, LifetimeSource::ExpiresMinusIat);
    }
    (expires - requested_at, LifetimeSource::LocalClock)
}

/// Settles a parsed token set once its answer's `Date` is known: `expires` becomes the local
/// wall-clock expiry (`requested_at` + the server's lifetime), so [`TokenSet::lifetime`] is the
/// lifetime the server stated, zero or negative included (the caller refuses such a token
/// *after* storing a rotated refresh token it may carry). `estimate` is the server's clock at
/// arrival from earlier answers' `Date`, used when this answer has none.
pub(crate) fn settle(set: &mut TokenSet, estimate: Option<DateTime<Utc>>) {
    let server_clock = match (set.server_date, estimate) {
        (Some(date), _) => ServerClock::Date(date),
        (None, Some(now)) => ServerClock::Estimate(now),
        (None, None) => ServerClock::Unknown,
    };
    let (lifetime, source) = server_lifetime(
        set.expires,
        set.expiry_basis,
        set.requested_at,
        server_clock,
        set.jwt.expose_secret(),
    );
    set.expires = set.requested_at + lifetime;
    set.lifetime_source = source;
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0)
            .single()
            .unwrap_or_default()
    }

    fn token(iat: Option<i64>, exp: i64) -> String {
        let mut claims = serde_json::json!({"exp": at(exp).timestamp()});
        if let Some(iat) = iat {
            claims["iat"] = at(iat).timestamp().into();
        }
        format!(
            "e30.{}.c2ln",
            URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes())
        )
    }

    #[test]
    fn the_lifetime_is_read_on_the_servers_clock() {
        // The server is 15 minutes ahead of us: its expiry is 25 minutes after our send time,
        // its Date 15 minutes after. The lifetime is 10 minutes, not 25.
        let sent = at(0);
        let server_now = at(900);
        let tok = token(Some(900), 1500);
        let (lifetime, source) = server_lifetime(
            at(1500),
            ExpiryBasis::ServerTime,
            sent,
            ServerClock::Date(server_now),
            &tok,
        );
        assert_eq!(
            (lifetime, source),
            (TimeDelta::seconds(600), LifetimeSource::ExpiresMinusDate)
        );
        // Behind by 15 minutes: an expiry already "past" locally is still 10 minutes away.
        let (lifetime, _) = server_lifetime(
            at(-300),
            ExpiryBasis::ServerTime,
            sent,
            ServerClock::Date(at(-900)),
            &tok,
        );
        assert_eq!(lifetime, TimeDelta::seconds(600));
        // No Date: exp − iat, or the response's expiry minus iat.
        let (lifetime, source) = server_lifetime(
            at(1500),
            ExpiryBasis::TokenExp,
            sent,
            ServerClock::Unknown,
            &tok,
        );
        assert_eq!(
            (lifetime, source),
            (TimeDelta::seconds(600), LifetimeSource::ExpiresMinusIat)
        );
        let (lifetime, _) = server_lifetime(
            at(1200),
            ExpiryBasis::ServerTime,
            sent,
            ServerClock::Unknown,
            &tok,
        );
        assert_eq!(lifetime, TimeDelta::seconds(300));
        // expires_in is already a lifetime (expires was counted from the send time).
        let (lifetime, source) = server_lifetime(
            at(600),
            ExpiryBasis::ExpiresIn,
            sent,
            ServerClock::Date(server_now),
            &tok,
        );
        assert_eq!(
            (lifetime, source),
            (TimeDelta::seconds(600), LifetimeSource::ExpiresIn)
        );
        // No Date on this answer, but the profile's earlier answers put the server 15 minutes
        // ahead: the estimate wins over `exp − iat`, which misses a token issued earlier.
        let early = token(Some(600), 1500);
        let (lifetime, source) = server_lifetime(
            at(1500),
            ExpiryBasis::ServerTime,
            sent,
            ServerClock::Estimate(server_now),
            &early,
        );
        assert_eq!(
            (lifetime, source),
            (
                TimeDelta::seconds(600),
                LifetimeSource::ExpiresMinusKnownSkew
            )
        );
        // Nothing relative at all: the local clock, as a last resort.
        let bare = token(None, 1500);
        let (lifetime, source) = server_lifetime(
            at(1500),
            ExpiryBasis::ServerTime,
            sent,
            ServerClock::Unknown,
            &bare,
        );
        assert_eq!(
            (lifetime, source),
            (TimeDelta::seconds(1500), LifetimeSource::LocalClock)
        );
    }

    #[test]
    fn a_zero_or_negative_lifetime_is_kept_for_the_caller_to_refuse() {
        let tok = token(Some(0), 0);
        let (lifetime, _) = server_lifetime(
            at(0),
            ExpiryBasis::ServerTime,
            at(0),
            ServerClock::Date(at(1)),
            &tok,
        );
        assert!(lifetime <= TimeDelta::zero());
        let (lifetime, _) = server_lifetime(
            at(0),
            ExpiryBasis::TokenExp,
            at(0),
            ServerClock::Unknown,
            &tok,
        );
        assert_eq!(lifetime, TimeDelta::zero());
    }
}
