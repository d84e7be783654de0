//! Issue #13 item 6 (and #19's unused `fail_writes`): a rotated refresh token that the store
//! refuses. The stored one is dead from that answer on, so it is marked unusable before the
//! new one is used from memory; another process (here a second refresher over the same store,
//! as the CLI would be) refuses it with "sign in again" instead of replaying it, which would
//! make the server revoke the whole session. Once the store works again the holder saves the
//! new token and the mark goes.

use super::session_common;

use std::time::Duration;

use drivly_core::ErrorCode;
use drivly_core::session::{SessionError, SessionEvent, SessionState, SessionStore as _};
use drivly_emulator::Config;
use session_common::Harness;

const LONG_TICK: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn a_rotated_token_that_could_not_be_saved_is_never_replayed_elsewhere() {
    let mut h = Harness::new(Config::default()).await;
    let app = h.refresher(LONG_TICK).await;
    h.store.fail_writes(true);
    // The server rotates; the keyring refuses the new token.
    let _ = app.refresh_now().await;
    assert_eq!(h.refresh_statuses(), vec![200]);
    let record = h.store.record(&h.meta.id).expect("record");
    assert!(
        record.refresh_token_unusable,
        "the dead stored token is marked"
    );
    assert!(h.store.refresh_token_unusable(&h.meta.id).expect("read"));
    let mut store_failed = false;
    while let Ok(event) = h.events.try_recv() {
        store_failed |= matches!(event, SessionEvent::StoreFailed { .. });
    }
    assert!(store_failed, "the store failure is reported");
    // The app itself goes on with the new token from memory.
    app.token(None).await.expect("the app still serves its JWT");

    // Another process refuses the marked token: a typed "sign in again", no network call.
    let cli = h.refresher(LONG_TICK).await;
    let error = cli.refresh_now().await.expect_err("refused");
    assert!(
        matches!(error, SessionError::RefreshTokenNotSaved),
        "{error:?}"
    );
    assert_eq!(error.code(), "refresh_token_not_saved");
    assert!(error.to_string().contains("sign in again"));
    assert!(matches!(
        cli.view().state,
        SessionState::NeedsSignIn { ref reason } if reason.code == "refresh_token_not_saved"
    ));
    let error = cli.token(Some(Duration::ZERO)).await.expect_err("refused");
    assert_eq!(error.code(), "refresh_token_not_saved");
    // Signing out there does not send the dead token either.
    assert_eq!(
        h.refresh_statuses(),
        vec![200],
        "the dead token was never replayed"
    );
    drop(cli);

    // The keyring works again: the app saves the new token first, the mark goes, and every
    // process can use the session again.
    h.store.fail_writes(false);
    app.refresh_now()
        .await
        .expect("refresh with the saved token");
    assert_eq!(h.refresh_statuses(), vec![200, 200]);
    assert!(
        !h.store
            .record(&h.meta.id)
            .expect("record")
            .refresh_token_unusable
    );
    let later = h.refresher(LONG_TICK).await;
    later
        .refresh_now()
        .await
        .expect("another process refreshes");
    assert_eq!(h.refresh_statuses(), vec![200, 200, 200]);
}

#[tokio::test]
async fn signing_out_never_sends_a_token_marked_dead() {
    let h = Harness::new(Config::default()).await;
    let app = h.refresher(LONG_TICK).await;
    h.store.fail_writes(true);
    let _ = app.refresh_now().await;
    drop(app); // the app quits: the new token in its memory is gone
    h.store.fail_writes(false);
    let cli = h.refresher(LONG_TICK).await;
    let revocation = cli.sign_out().await.expect("signed out");
    assert!(!revocation.ended_on_server());
    assert_eq!(h.revoke_count(), 0, "the dead token was not sent to revoke");
    assert_eq!(h.refresh_statuses(), vec![200]);
}
