//! The pending sign-in table on a hand-moved clock: the authorization URL, one-time states,
//! expiry at 10 minutes, mismatches, wrong issuers, cancellation, concurrent sign-ins.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use drivly_core::clock::ManualClock;
use drivly_core::login::{
    CallbackError, LoginOutcome, LoginRegistry, RedirectTarget, StartedLogin, parse_callback, pkce,
};
use drivly_core::profile::{Profile, RedirectForm};
use url::Url;

fn setup() -> (ManualClock, LoginRegistry, Profile) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap());
    let registry = LoginRegistry::new(Arc::new(clock.clone()));
    let profile = Profile::emulator(Url::parse("http://127.0.0.1:7878/api").unwrap());
    (clock, registry, profile)
}

fn target() -> RedirectTarget {
    RedirectTarget::for_this_build()
}

fn perms() -> Vec<String> {
    vec!["invoices.read".into(), "services.write".into()]
}

fn callback(started: &StartedLogin, extra: &str) -> String {
    format!(
        "{}?code=the-code&state={}{extra}",
        target().redirect_uri(),
        started.state
    )
}

fn complete(
    registry: &LoginRegistry,
    url: &str,
) -> Result<drivly_core::login::CompletedLogin, CallbackError> {
    registry.complete(parse_callback(url, &target())?)
}

#[test]
fn the_authorization_url_follows_protocol_b1() {
    let (_, registry, profile) = setup();
    let started = registry.start(&profile, &perms(), target());
    let url = &started.authorize_url;
    assert_eq!(
        url.origin(),
        Url::parse("http://127.0.0.1:7878")
            .map(|u| u.origin())
            .unwrap()
    );
    assert_eq!(url.path(), "/api/auth");
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("response_type").as_deref(), Some("code"));
    assert_eq!(get("redirect_uri"), Some(target().redirect_uri()));
    assert_eq!(get("state"), Some(started.state.clone()));
    assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(
        get("permissions").as_deref(),
        Some("invoices.read,services.write")
    );
    assert_eq!(get("code_challenge").map(|c| c.len()), Some(43));
    assert!(started.state.len() >= 22, "at least 128 bits");
    assert_eq!(q.len(), 6);
}

#[test]
fn a_callback_completes_once_with_the_matching_verifier() {
    let (_, registry, profile) = setup();
    let started = registry.start(&profile, &perms(), target());
    let challenge = started
        .authorize_url
        .query_pairs()
        .find(|(k, _)| k == "code_challenge")
        .map(|(_, v)| v.into_owned());
    let done = complete(
        &registry,
        &callback(&started, "&iss=http%3A%2F%2F127.0.0.1%3A7878%2Fapi%2F"),
    );
    let done = match done {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(done.profile_id.as_str(), "emulator");
    assert_eq!(done.redirect_uri, target().redirect_uri());
    assert_eq!(done.permissions, perms());
    match done.outcome {
        LoginOutcome::Code { code, verifier } => {
            assert_eq!(code.expose_secret(), "the-code");
            assert_eq!(Some(pkce::challenge_s256(&verifier)), challenge);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(registry.pending_count(), 0);
    assert_eq!(
        complete(&registry, &callback(&started, "")).err(),
        Some(CallbackError::StateReused)
    );
}

#[test]
fn expiry_is_at_ten_minutes() {
    let (clock, registry, profile) = setup();
    let a = registry.start(&profile, &perms(), target());
    clock.advance(Duration::minutes(10) - Duration::seconds(1));
    assert_eq!(registry.pending_count(), 1);
    let b_done = complete(&registry, &callback(&a, ""));
    assert!(b_done.is_ok());

    let c = registry.start(&profile, &perms(), target());
    assert_eq!(c.expires - clock_now(&clock), Duration::minutes(10));
    clock.advance(Duration::minutes(10));
    assert_eq!(
        complete(&registry, &callback(&c, "")).err(),
        Some(CallbackError::Expired)
    );
    assert_eq!(registry.pending_count(), 0);
    // Still refused later, and never resurrected.
    clock.advance(Duration::hours(1));
    assert_eq!(
        complete(&registry, &callback(&c, "")).err(),
        Some(CallbackError::Expired)
    );
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<Utc> {
    use drivly_core::clock::Clock;
    clock.now()
}

#[test]
fn unknown_states_change_nothing() {
    let (_, registry, profile) = setup();
    let forged = format!("{}?code=x&state=forged", target().redirect_uri());
    assert_eq!(
        complete(&registry, &forged).err(),
        Some(CallbackError::NoPendingLogin)
    );
    let started = registry.start(&profile, &perms(), target());
    assert_eq!(
        complete(&registry, &forged).err(),
        Some(CallbackError::StateMismatch)
    );
    assert_eq!(registry.pending_count(), 1);
    // The genuine callback still works after the forged one.
    assert!(complete(&registry, &callback(&started, "")).is_ok());
}

#[test]
fn a_wrong_issuer_is_rejected_and_abandons_the_sign_in() {
    let (_, registry, profile) = setup();
    let started = registry.start(&profile, &perms(), target());
    let url = callback(&started, "&iss=https%3A%2F%2Fevil.example%2Fapi");
    assert_eq!(
        complete(&registry, &url).err(),
        Some(CallbackError::WrongIssuer)
    );
    assert_eq!(registry.pending_count(), 0);
    assert_eq!(
        complete(&registry, &callback(&started, "")).err(),
        Some(CallbackError::StateReused)
    );
}

#[test]
fn a_token_form_answer_to_a_code_request_is_rejected() {
    let (_, registry, profile) = setup();
    let started = registry.start(&profile, &perms(), target());
    let url = format!(
        "{}#token=a.b.c&state={}",
        target().redirect_uri(),
        started.state
    );
    assert_eq!(
        complete(&registry, &url).err(),
        Some(CallbackError::UnexpectedForm)
    );

    let mut token_profile = profile.clone();
    token_profile.redirect_form = RedirectForm::Token;
    let started = registry.start(&token_profile, &perms(), target());
    assert!(
        started
            .authorize_url
            .as_str()
            .contains("response_type=token")
    );
    let url = format!(
        "{}#token=a.b.c&refresh_token=rt&state={}",
        target().redirect_uri(),
        started.state
    );
    match complete(&registry, &url).map(|d| d.outcome) {
        Ok(LoginOutcome::Tokens {
            jwt, refresh_token, ..
        }) => {
            assert_eq!(jwt.expose_secret(), "a.b.c");
            assert!(refresh_token.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_denial_completes_the_sign_in_with_its_text() {
    let (_, registry, profile) = setup();
    let started = registry.start(&profile, &perms(), target());
    let url = format!(
        "{}?error=access_denied&error_description=No+thanks&state={}",
        target().redirect_uri(),
        started.state
    );
    match complete(&registry, &url).map(|d| d.outcome) {
        Ok(LoginOutcome::Denied { error, description }) => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("No thanks"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(registry.pending_count(), 0);
}

#[test]
fn two_concurrent_sign_ins_complete_in_reverse_order() {
    let (_, registry, profile) = setup();
    let first = registry.start(&profile, &perms(), target());
    let second = registry.start(&profile, &["services.read".to_owned()], target());
    assert_ne!(first.state, second.state);
    assert_eq!(registry.pending_count(), 2);
    let verifier_of = |s: &StartedLogin| -> Option<String> {
        s.authorize_url
            .query_pairs()
            .find(|(k, _)| k == "code_challenge")
            .map(|(_, v)| v.into_owned())
    };
    for started in [&second, &first] {
        match complete(&registry, &callback(started, "")).map(|d| (d.permissions, d.outcome)) {
            Ok((permissions, LoginOutcome::Code { verifier, .. })) => {
                assert_eq!(Some(pkce::challenge_s256(&verifier)), verifier_of(started));
                let expected = if std::ptr::eq(started, &second) {
                    vec!["services.read".to_owned()]
                } else {
                    perms()
                };
                assert_eq!(permissions, expected);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(registry.pending_count(), 0);
}

#[test]
fn cancelled_sign_ins_refuse_their_callback() {
    let (_, registry, profile) = setup();
    let a = registry.start(&profile, &perms(), target());
    let b = registry.start(&profile, &perms(), target());
    assert!(registry.cancel(&a.state));
    assert!(!registry.cancel(&a.state));
    assert_eq!(
        complete(&registry, &callback(&a, "")).err(),
        Some(CallbackError::Cancelled)
    );
    assert_eq!(registry.cancel_all(), 1);
    assert_eq!(
        complete(&registry, &callback(&b, "")).err(),
        Some(CallbackError::Cancelled)
    );
}

#[test]
fn pending_logins_do_not_leak_through_debug() {
    let (_, registry, profile) = setup();
    let started = registry.start(&profile, &perms(), target());
    let text = format!("{registry:?}");
    assert!(!text.contains(&started.state));
}

/// Cold start (issue #17): a sign-in kept through the keyring slot by one run is adopted by a
/// fresh registry (the app the redirect launched) and completes there, once.
#[test]
fn a_kept_sign_in_completes_in_a_new_registry_once() {
    use drivly_core::login::PendingSignInStore;
    use drivly_core::vault::MemoryStore;

    let (clock, first, profile) = setup();
    let started = first.start(&profile, &perms(), target());
    let slot = PendingSignInStore::new(Arc::new(MemoryStore::new()), Arc::new(clock.clone()));
    slot.save(
        &first
            .persistable(&started.state)
            .expect("a deep-link sign-in"),
    )
    .unwrap();
    drop(first); // the user quit the app

    let second = LoginRegistry::new(Arc::new(clock.clone()));
    assert!(second.adopt(slot.take().unwrap().expect("kept")));
    assert!(
        slot.take().unwrap().is_none(),
        "the keyring copy is consumed"
    );
    let done = complete(&second, &callback(&started, "")).unwrap();
    assert_eq!(done.profile, profile, "the profile as it was at start");
    match done.outcome {
        LoginOutcome::Code { verifier, .. } => {
            assert_eq!(
                pkce::challenge_s256(&verifier),
                started
                    .authorize_url
                    .query_pairs()
                    .find(|(k, _)| k == "code_challenge")
                    .unwrap()
                    .1
            );
        }
        other => panic!("unexpected outcome {other:?}"),
    }
    assert!(matches!(
        complete(&second, &callback(&started, "")),
        Err(CallbackError::StateReused)
    ));
}

#[test]
fn an_expired_or_loopback_sign_in_is_not_kept_or_adopted() {
    let (clock, registry, profile) = setup();
    let looped = registry.start(&profile, &perms(), RedirectTarget::loopback(4567));
    assert!(registry.persistable(&looped.state).is_none());
    let started = registry.start(&profile, &perms(), target());
    let kept = registry.persistable(&started.state).unwrap();
    clock.advance(Duration::minutes(10));
    let fresh = LoginRegistry::new(Arc::new(clock.clone()));
    assert!(!fresh.adopt(kept));
}

#[test]
fn a_callback_completes_only_through_the_redirect_its_sign_in_started_with() {
    // Issue #13 item 13: a loopback sign-in's state cannot be completed through the app link,
    // nor an app-link sign-in's through a loopback listener; either attempt abandons it.
    let (_, registry, profile) = setup();
    let loopback = RedirectTarget::loopback(49_152);
    let by_loopback = registry.start(&profile, &perms(), loopback.clone());
    let through_app_link = format!(
        "{}?code=forged&state={}",
        target().redirect_uri(),
        by_loopback.state
    );
    assert_eq!(
        complete(&registry, &through_app_link).err(),
        Some(CallbackError::WrongRedirect)
    );
    let late_loopback = format!(
        "{}?code=the-code&state={}",
        loopback.redirect_uri(),
        by_loopback.state
    );
    assert_eq!(
        registry
            .complete(parse_callback(&late_loopback, &loopback).unwrap())
            .err(),
        Some(CallbackError::StateReused),
        "the abandoned sign-in stays abandoned"
    );

    let by_app_link = registry.start(&profile, &perms(), target());
    let through_loopback = format!(
        "{}?code=forged&state={}",
        loopback.redirect_uri(),
        by_app_link.state
    );
    assert_eq!(
        registry
            .complete(parse_callback(&through_loopback, &loopback).unwrap())
            .err(),
        Some(CallbackError::WrongRedirect)
    );
    // Another loopback port is another redirect too.
    let other_port = RedirectTarget::loopback(49_153);
    let by_port = registry.start(&profile, &perms(), loopback.clone());
    let url = format!(
        "{}?code=x&state={}",
        other_port.redirect_uri(),
        by_port.state
    );
    assert_eq!(
        registry
            .complete(parse_callback(&url, &other_port).unwrap())
            .err(),
        Some(CallbackError::WrongRedirect)
    );
    // The right way still works.
    let fine = registry.start(&profile, &perms(), loopback.clone());
    let url = format!("{}?code=x&state={}", loopback.redirect_uri(), fine.state);
    assert!(
        registry
            .complete(parse_callback(&url, &loopback).unwrap())
            .is_ok()
    );
}

#[test]
fn a_completed_login_carries_the_profile_as_it_was_at_start() {
    let (_, registry, profile) = setup();
    let started = registry.start(&profile, &perms(), target());
    // Changes after the start do not reach the pending sign-in (the caller's copy is edited
    // here; the app's profile store hands out copies the same way).
    let mut edited = profile.clone();
    edited.endpoints.token = "elsewhere/token".into();
    edited.base_url = Url::parse("https://attacker.example/api").unwrap();
    let done = complete(&registry, &callback(&started, "")).unwrap();
    assert_eq!(done.profile, profile);
    assert_ne!(done.profile, edited);
}
