//! When a session's refresh token dies, the desktop says so with a "Sign in again" button that
//! starts the sign-in in the window (the page's own "Sign in again", so the wait, its Cancel and
//! its outcome are the usual ones). A notification server without buttons gets the same words
//! and the window opens on that session instead, so the way back is never more than a click.

use tauri::{AppHandle, Runtime};

use crate::desktop_notifications::{self, Answer};
use crate::events::UiRequest;
use crate::tray::show_window;

/// The keys of the notification's buttons.
const SIGN_IN: &str = "sign-in";
const OPEN: &str = "default";

/// Tells the user that session `session_id` ended (`message`: the server's reason) and acts on
/// the answer.
pub async fn offer<R: Runtime>(app: &AppHandle<R>, session_id: &str, message: &str) {
    let body = format!("A session ended: {message}");
    let actions = [
        (SIGN_IN, "Sign in again".to_owned()),
        (OPEN, "Open Drivly Keys".to_owned()),
    ];
    let answer =
        desktop_notifications::ask(app, "Drivly Keys: sign in again", &body, &actions).await;
    let request = match answer {
        Answer::Clicked(key) if key == SIGN_IN => UiRequest::SignInAgain {
            session_id: session_id.to_owned(),
        },
        Answer::Clicked(_) | Answer::NoActions => UiRequest::ShowSession {
            session_id: session_id.to_owned(),
        },
        Answer::Dismissed => return,
    };
    show_window(app);
    // A window made just now has no page listening yet: it gets the request when it boots.
    crate::main_window::deliver(app, request);
}
