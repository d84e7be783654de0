//! Sign-in links that reach the app as launch arguments, handled in Rust only.
//!
//! On Linux the desktop opens `ly.driv.keys:` links by starting the app with the URL as its
//! argument (`Exec=drivly-keys-app %u`); a second launch's arguments are forwarded to the running
//! instance by the single-instance plugin, and a cold start reads its own. The deep-link plugin's
//! way of forwarding them broadcasts every URL as the `deep-link://new-url` event to every page,
//! which would hand a compromised page the authorization code (or, with the token redirect form,
//! the tokens), since a window allowed to listen may listen to any event. So here the plugin only
//! registers the scheme, single-instance is built without its `deep-link` feature, and the URL
//! goes from the arguments straight to [`sign_in_flow::handle_deep_link`], never to an event.

use tauri::{AppHandle, Manager, Runtime};

use crate::sign_in_flow;
use crate::state::AppState;
use crate::tray;

/// The arguments that are links of `scheme` (`<scheme>:...`, the scheme matched without case,
/// as URL schemes are). Nothing else in argv is looked at, and nothing is logged: a link may
/// hold a code.
pub fn links_in<'a>(args: impl IntoIterator<Item = &'a str>, scheme: &str) -> Vec<&'a str> {
    args.into_iter()
        .filter(|arg| {
            arg.len() > scheme.len()
                && arg.is_char_boundary(scheme.len())
                && arg[..scheme.len()].eq_ignore_ascii_case(scheme)
                && arg[scheme.len()..].starts_with(':')
        })
        .collect()
}

/// A second launch, forwarded by the single-instance plugin: a launch without a link brings
/// the window forward; a link is handed to the sign-in flow, which brings the window forward
/// only when the link completes a pending sign-in (a forged link does not steal focus).
pub fn on_second_launch<R: Runtime>(app: &AppHandle<R>, argv: &[String]) {
    let links = own_links(app, argv.iter().skip(1).map(String::as_str));
    if links.is_empty() {
        tray::show_window(app);
        return;
    }
    handle(app, links);
}

/// The link this process was started with, if any (a cold start by the browser's redirect).
pub fn on_cold_start<R: Runtime>(app: &AppHandle<R>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let links = own_links(app, args.iter().map(String::as_str));
    handle(app, links);
}

fn own_links<'a, R: Runtime>(
    app: &AppHandle<R>,
    args: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let state = app.state::<AppState>();
    let drivly_core::login::RedirectTarget::PrivateUse { scheme } = &state.deep_link_redirect
    else {
        return Vec::new();
    };
    links_in(args, scheme)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn handle<R: Runtime>(app: &AppHandle<R>, links: Vec<String>) {
    for link in links {
        let app = app.clone();
        tauri::async_runtime::spawn(
            async move { sign_in_flow::handle_deep_link(&app, &link).await },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::links_in;

    #[test]
    fn only_this_schemes_links_are_taken() {
        let args = [
            "--minimised",
            "ly.driv.keys:/auth/callback?code=a&state=b",
            "LY.DRIV.KEYS:/auth/callback",
            "ly.driv.keys.dev:/auth/callback",
            "ly.driv.keys",
            "https://evil.example/ly.driv.keys:/x",
        ];
        assert_eq!(
            links_in(args, "ly.driv.keys"),
            [
                "ly.driv.keys:/auth/callback?code=a&state=b",
                "LY.DRIV.KEYS:/auth/callback"
            ]
        );
        assert_eq!(
            links_in(args, "ly.driv.keys.dev"),
            ["ly.driv.keys.dev:/auth/callback"]
        );
    }
}
