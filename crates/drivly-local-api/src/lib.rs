//! Drivly Keys' local HTTP servers, shared by the `drivly-keys` command line and the desktop
//! app (no Tauri here):
//!
//! - [`serve_token_endpoint`]: `GET /token` on 127.0.0.1 answers a fresh JWT to a child process
//!   holding the run's [`LocalAuthSecret`] (`drivly-keys exec --token-server`);
//! - [`serve_proxy`]: a reverse proxy on 127.0.0.1 that forwards every request to the profile's
//!   API with a fresh `Authorization: Bearer <JWT>` (`drivly-keys proxy`, `exec --proxy`, the
//!   app's "Run a local proxy").
//!
//! Both take their tokens from a [`TokenSource`]: [`SessionTokenSource`] asks the core's session
//! refresher (the same lock, single flight and policy as `drivly-keys token`), and
//! [`KeyTokenSource`] mints least-privilege tokens from a stored API key and re-mints them before
//! they run out. Neither server refreshes per request: a request only asks the source, which
//! serves its current token while it has the minimum time left.
//!
//! Both refuse what a web page could send (see [`request_guard`]): a foreign `Host` (DNS
//! rebinding) with 421, any `Origin` header or cross-site fetch metadata with 403.

mod access_log;
mod auth_secret;
mod error;
mod key_source;
mod listener;
mod proxy;
mod proxy_headers;
pub mod request_guard;
mod session_source;
mod token_endpoint;
mod token_source;

pub use access_log::{AccessLog, RequestLine};
pub use auth_secret::LocalAuthSecret;
pub use error::LocalApiError;
pub use key_source::KeyTokenSource;
pub use listener::LocalServer;
pub use proxy::{ProxyConfig, RunningProxy, serve_proxy};
pub use session_source::SessionTokenSource;
pub use token_endpoint::{RunningTokenEndpoint, serve_token_endpoint};
pub use token_source::{FreshJwt, SourceError, TokenSource};
