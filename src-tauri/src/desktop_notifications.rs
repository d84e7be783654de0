//! Notifications with buttons. The notification plugin shows plain ones; a notification that
//! asks the user to act ("Sign in again") needs its buttons and the answer, which on Linux
//! means talking to the notification server (the freedesktop Desktop Notifications
//! Specification) ourselves: send the actions, then wait for `ActionInvoked` or
//! `NotificationClosed` for our id. Elsewhere it falls back to a plain notification.

use tauri::{AppHandle, Runtime};

/// A button: its key (what comes back) and its label.
pub type Action = (&'static str, String);

/// What came of a notification with actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The user clicked the button with this key ("default": the notification itself).
    Clicked(String),
    /// Closed, expired or dismissed without a click.
    Dismissed,
    /// The server shows no buttons: the caller should offer the action another way.
    NoActions,
}

/// Shows a notification with `actions` and waits (without a thread) for the answer. A desktop
/// without a notification server answers [`Answer::NoActions`].
pub async fn ask<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    body: &str,
    actions: &[Action],
) -> Answer {
    #[cfg(target_os = "linux")]
    {
        let _ = app;
        match linux::ask(title, body, actions).await {
            Ok(answer) => answer,
            Err(error) => {
                tracing::debug!(%error, "no notification server");
                Answer::NoActions
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = actions;
        crate::notify(app, title, body);
        Answer::NoActions
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;
    use std::time::Duration;

    use futures_util::StreamExt;
    use zbus::zvariant::Value;

    use super::{Action, Answer};

    /// How long a notification's buttons are listened for: a notification server may keep
    /// one in its list for a long time, and the answer still counts.
    const LISTEN_FOR: Duration = Duration::from_secs(12 * 60 * 60);

    #[zbus::proxy(
        interface = "org.freedesktop.Notifications",
        default_service = "org.freedesktop.Notifications",
        default_path = "/org/freedesktop/Notifications"
    )]
    trait Notifications {
        #[allow(clippy::too_many_arguments)] // the specification's signature
        fn notify(
            &self,
            app_name: &str,
            replaces_id: u32,
            app_icon: &str,
            summary: &str,
            body: &str,
            actions: &[&str],
            hints: HashMap<&str, Value<'_>>,
            expire_timeout: i32,
        ) -> zbus::Result<u32>;

        fn get_capabilities(&self) -> zbus::Result<Vec<String>>;

        #[zbus(signal)]
        fn action_invoked(&self, id: u32, action_key: String) -> zbus::Result<()>;

        #[zbus(signal)]
        fn notification_closed(&self, id: u32, reason: u32) -> zbus::Result<()>;
    }

    pub async fn ask(title: &str, body: &str, actions: &[Action]) -> zbus::Result<Answer> {
        let connection = zbus::Connection::session().await?;
        let server = NotificationsProxy::new(&connection).await?;
        let buttons = server
            .get_capabilities()
            .await?
            .iter()
            .any(|c| c == "actions");
        let flat: Vec<&str> = if buttons {
            actions
                .iter()
                .flat_map(|(key, label)| [*key, label.as_str()])
                .collect()
        } else {
            Vec::new()
        };
        // Listening before sending: a fast click cannot come before we hear.
        let mut invoked = server.receive_action_invoked().await?;
        let mut closed = server.receive_notification_closed().await?;
        let hints = HashMap::from([("desktop-entry", Value::from("drivly-keys-app"))]);
        let id = server
            .notify(
                "Drivly Keys",
                0,
                "drivly-keys-app",
                title,
                body,
                &flat,
                hints,
                -1,
            )
            .await?;
        if !buttons {
            return Ok(Answer::NoActions);
        }
        let wait = async {
            loop {
                // Biased: a server sends `ActionInvoked` and then `NotificationClosed` for a
                // click, and both may be waiting; the click must win.
                tokio::select! {
                    biased;
                    Some(signal) = invoked.next() => {
                        if let Ok(args) = signal.args()
                            && args.id == id
                        {
                            return Answer::Clicked(args.action_key);
                        }
                    }
                    Some(signal) = closed.next() => {
                        if signal.args().is_ok_and(|args| args.id == id) {
                            return Answer::Dismissed;
                        }
                    }
                    else => return Answer::Dismissed,
                }
            }
        };
        Ok(tokio::time::timeout(LISTEN_FOR, wait)
            .await
            .unwrap_or(Answer::Dismissed))
    }
}
