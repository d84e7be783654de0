//! "Copy a fresh JWT" from outside the window: the tray's per-session items and the global
//! shortcut. Both refresh first when the held JWT is short-lived, copy from Rust (marked
//! sensitive, cleared after the delay), and answer with a notification that names the account
//! and how long the copied JWT holds, never the token.

use chrono::{DateTime, Utc};
use drivly_core::session::{SessionState, SessionView};
use tauri::{AppHandle, Manager, Runtime};

use crate::ipc_error::IpcResult;
use crate::state::AppState;

/// Copies a fresh JWT of session `session_id` and says so in a notification.
pub async fn copy_session<R: Runtime>(app: &AppHandle<R>, session_id: &str) {
    let body = match copy(app, session_id).await {
        Ok(body) => body,
        Err(error) => format!("Could not copy a fresh JWT: {}", error.message),
    };
    crate::notify(app, "Drivly Keys", &body);
}

/// Copies a fresh JWT of the active profile's session (its newest usable one: the session
/// `drivly-keys token` would pick) and says which, in a notification. With no session there,
/// the notification says how to get one.
pub async fn copy_active<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let profile = match state.profiles.active() {
        Ok(profile) => profile,
        Err(error) => {
            crate::notify(
                app,
                "Drivly Keys",
                &format!("Could not copy a fresh JWT: {error}"),
            );
            return;
        }
    };
    let views = match state.sessions().await {
        Ok(hub) => hub.views().await,
        Err(error) => {
            let message = format!("Could not copy a fresh JWT: {}", error.message);
            crate::notify(app, "Drivly Keys", &message);
            return;
        }
    };
    match pick_active(&views, profile.id.as_str()) {
        Some(id) => copy_session(app, &id).await,
        None => crate::notify(
            app,
            "Drivly Keys",
            &format!(
                "No session on \u{201c}{}\u{201d} to copy a JWT from: sign in on the Sessions screen first.",
                profile.name
            ),
        ),
    }
}

/// The session of `profile_id` the shortcut copies from: the newest that can give a JWT, else
/// the newest (its copy then says why it cannot). `views` are oldest first.
pub fn pick_active(views: &[SessionView], profile_id: &str) -> Option<String> {
    let mine: Vec<&SessionView> = views
        .iter()
        .filter(|view| view.meta.profile_id.as_str() == profile_id)
        .collect();
    let usable = |view: &&&SessionView| {
        !matches!(
            view.state,
            SessionState::NeedsSignIn { .. } | SessionState::SignedOut
        )
    };
    mine.iter()
        .rev()
        .find(usable)
        .or_else(|| mine.last())
        .map(|view| view.meta.id.as_str().to_owned())
}

/// Copies and returns the notification's sentence, or why it could not.
async fn copy<R: Runtime>(app: &AppHandle<R>, session_id: &str) -> IpcResult<String> {
    let state = app.state::<AppState>();
    let hub = state.sessions().await?;
    let jwt = hub.token(session_id, None).await?;
    let copied = crate::commands::copy_secret(&state, jwt.expose_secret())?;
    drop(jwt);
    let view = hub
        .views()
        .await
        .into_iter()
        .find(|view| view.meta.id.as_str() == session_id);
    let profile = view.as_ref().map_or_else(String::new, |view| {
        state
            .profiles
            .get(&view.meta.profile_id)
            .map_or_else(|_| view.meta.profile_id.to_string(), |p| p.name)
    });
    Ok(sentence(
        view.as_ref().map(|v| v.meta.display_name()),
        &profile,
        view.as_ref().and_then(|v| v.meta.jwt_expires),
        copied.clears_in_seconds(),
        Utc::now(),
    ))
}

/// "Fresh JWT for demo@drivly.test (Local emulator) copied: valid until 10:42, for 10 min.
/// The clipboard clears in 30 s."
fn sentence(
    account: Option<&str>,
    profile: &str,
    expires: Option<DateTime<Utc>>,
    clears_in: Option<u64>,
    now: DateTime<Utc>,
) -> String {
    let whose = match account {
        Some(account) if !profile.is_empty() => format!(" for {account} ({profile})"),
        Some(account) => format!(" for {account}"),
        None => String::new(),
    };
    let valid = expires.map_or_else(String::new, |expires| {
        let minutes = (expires - now)
            .num_seconds()
            .max(0)
            .unsigned_abs()
            .div_ceil(60);
        format!(
            ": valid until {}, for {minutes} min",
            expires.with_timezone(&chrono::Local).format("%H:%M")
        )
    });
    let clears = clears_in.map_or_else(String::new, |seconds| {
        format!(" The clipboard clears in {seconds} s.")
    });
    format!("Fresh JWT{whose} copied{valid}.{clears}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use drivly_core::profile::ProfileId;
    use drivly_core::session::{LastError, SessionId, SessionMeta};

    fn view(id: &str, profile: &str, state: SessionState) -> SessionView {
        let meta = SessionMeta::new(
            SessionId::parse(id).unwrap_or_else(SessionId::new_random),
            ProfileId::parse(profile).unwrap_or_else(|_| unreachable!()),
            Some("usr_1".into()),
            Vec::new(),
            Utc::now(),
        );
        SessionView { meta, state }
    }

    #[test]
    fn the_shortcut_copies_from_the_active_profiles_newest_usable_session() {
        let dead = || SessionState::NeedsSignIn {
            reason: LastError {
                code: "sign_in_needed".into(),
                message: "m".into(),
            },
        };
        let views = [
            view("s1", "emulator", SessionState::Active),
            view("s2", "staging", SessionState::Active),
            view("s3", "emulator", dead()),
        ];
        assert_eq!(
            pick_active(&views, "emulator").as_deref(),
            Some("s1"),
            "not the dead one"
        );
        assert_eq!(pick_active(&views, "staging").as_deref(), Some("s2"));
        assert_eq!(pick_active(&views, "drivly"), None, "no session there");
        let only_dead = [view("s3", "emulator", dead())];
        assert_eq!(
            pick_active(&only_dead, "emulator").as_deref(),
            Some("s3"),
            "its copy says why it cannot"
        );
    }

    #[test]
    fn the_notification_names_the_account_and_how_long_the_jwt_holds() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap();
        let expires = now + chrono::Duration::seconds(9 * 60 + 30);
        let local = expires.with_timezone(&chrono::Local).format("%H:%M");
        assert_eq!(
            sentence(
                Some("demo@drivly.test"),
                "Local emulator",
                Some(expires),
                Some(30),
                now
            ),
            format!(
                "Fresh JWT for demo@drivly.test (Local emulator) copied: valid until {local}, for 10 min. The clipboard clears in 30 s."
            )
        );
        assert_eq!(sentence(None, "", None, None, now), "Fresh JWT copied.");
    }
}
