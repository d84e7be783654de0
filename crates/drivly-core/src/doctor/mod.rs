//! `doctor`: one report on whether a profile can work, shared by `drivly-keys doctor` and the
//! app's Settings → profile → "Check connection". It is what a user pastes into a support
//! request, so it holds no secret: URLs without queries, statuses, key ids and algorithms,
//! counts and times, never a token, key or code.
//!
//! Every probe is free of side effects: DNS, then credential-less `GET`s of the base URL, each
//! configured endpoint and the JWKS. The server's `Date` header gives the clock skew.
//!
//! Adding a section (for example "keyring orphans"): a field on [`DoctorReport`], filled by its
//! own function in its own file beside [`server`], [`local`], and its failures pushed in
//! [`DoctorReport::problems`] so the exit status and the app's summary follow.

mod check;
mod local;
mod server;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use check::check_profile;
pub use local::{KeyringLine, SessionHealth, keyring_line, session_health};
pub use server::{EndpointProbe, JwksKey, JwksLine, ServerLine, probe_server};

use crate::link_handler::LinkHandlerStatus;
use crate::profile::Profile;
use crate::vault::OrphanReport;

/// The whole report.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    /// The profile checked.
    pub profile: String,
    /// Its base URL.
    pub base_url: String,
    /// When the report was made (local clock).
    #[ts(type = "string")]
    pub checked_at: DateTime<Utc>,
    /// DNS and HTTPS reachability of the base URL.
    pub server: ServerLine,
    /// Each configured endpoint, probed with a credential-less GET.
    pub endpoints: Vec<EndpointProbe>,
    /// The published keys.
    pub jwks: JwksLine,
    /// Server minus local clock, in seconds, from the `Date` header; `None` when no answer
    /// carried one.
    pub clock_skew_seconds: Option<i64>,
    /// The secure storage.
    pub keyring: KeyringLine,
    /// Who opens the sign-in links (Linux; `None` elsewhere or when not asked).
    pub link_handler: Option<LinkHandlerLine>,
    /// The profile's sessions.
    pub sessions: Vec<SessionHealth>,
    /// Keyring items of ours that no index entry names (entry names and dates, never a value);
    /// each is removed a day after a start-up first found it. `None` when the keyring is closed.
    #[ts(type = "unknown")]
    pub orphans: Option<OrphanReport>,
    /// What is wrong, one sentence each (empty when all is well).
    pub problems: Vec<String>,
}

/// The link handler's registration.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct LinkHandlerLine {
    /// The URL scheme.
    pub scheme: String,
    /// The desktop entry that handles it (`xdg-mime query default`), if any.
    pub handled_by: Option<String>,
    /// Whether that entry comes from the system (a package) or the user's data folder.
    pub origin: Option<String>,
    /// System entries declaring the scheme.
    pub system_entries: Vec<String>,
    /// Per-user entries (written by a build-folder run; removable).
    pub user_entries: Vec<String>,
}

impl LinkHandlerLine {
    /// From the core's link-handler status.
    pub fn from_status(status: &LinkHandlerStatus) -> Self {
        let name_of = |p: &std::path::PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let origin = status.default_entry.as_ref().and_then(|d| {
            if status.user_entries.iter().any(|p| &name_of(p) == d) {
                Some("user".to_owned())
            } else if status.system_entries.iter().any(|p| &name_of(p) == d) {
                Some("system".to_owned())
            } else {
                None
            }
        });
        Self {
            scheme: status.scheme.clone(),
            handled_by: status.default_entry.clone(),
            origin,
            system_entries: status
                .system_entries
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            user_entries: status
                .user_entries
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        }
    }
}

/// How a run of `doctor` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing wrong.
    AllWell,
    /// The server could not be reached (DNS or connection).
    Unreachable,
    /// Something else failed (see `problems`).
    Problems,
}

impl DoctorReport {
    /// Assembles the report from its sections and lists the problems.
    pub fn new(
        profile: &Profile,
        checked_at: DateTime<Utc>,
        probed: server::Probed,
        keyring: KeyringLine,
        link_handler: Option<LinkHandlerLine>,
        sessions: Vec<SessionHealth>,
        orphans: Option<OrphanReport>,
    ) -> Self {
        let mut report = Self {
            profile: profile.id.to_string(),
            base_url: profile.base_url.to_string(),
            checked_at,
            server: probed.server,
            endpoints: probed.endpoints,
            jwks: probed.jwks,
            clock_skew_seconds: probed.skew_secs,
            keyring,
            link_handler,
            sessions,
            orphans,
            problems: Vec::new(),
        };
        report.problems = report.find_problems();
        report
    }

    fn find_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.server.reachable {
            out.push(format!(
                "the server at {} cannot be reached: {}",
                self.base_url,
                self.server.error.as_deref().unwrap_or("no answer")
            ));
            return out;
        }
        for e in &self.endpoints {
            if e.missing {
                out.push(format!(
                    "the {} endpoint {} answered {} (not found): change its path with `drivly-keys profiles edit {} --{}-path PATH` or in the app (Settings, the profile's Edit, Advanced)",
                    e.name, e.url, e.status.unwrap_or_default(), self.profile, e.name
                ));
            } else if let Some(err) = &e.error {
                out.push(format!("the {} endpoint {} failed: {err}", e.name, e.url));
            }
        }
        if let Some(problem) = &self.jwks.problem {
            out.push(format!("the JWKS: {problem}"));
        }
        if let Some(skew) = self.clock_skew_seconds
            && skew.abs() > crate::session::SKEW_SHOWN_SECS
        {
            out.push(format!(
                "the server's clock differs from this computer's by {skew} s (server minus local); token times are read on the server's clock, but check this computer's time"
            ));
        }
        if !self.keyring.ok {
            out.push(format!(
                "the keyring: {}",
                self.keyring.message.as_deref().unwrap_or("unavailable")
            ));
        }
        if let Some(link) = &self.link_handler
            && link.handled_by.is_none()
            && link.system_entries.is_empty()
            && link.user_entries.is_empty()
        {
            out.push(format!(
                "no desktop entry opens {}: links, so the browser sign-in cannot return to the app (start the app once, or install the package)",
                link.scheme
            ));
        }
        for s in &self.sessions {
            if let Some(problem) = &s.problem {
                out.push(format!("session {}: {problem}", s.id));
            }
        }
        out
    }

    /// How this report ends: unreachable, other problems, or all well.
    pub fn verdict(&self) -> Verdict {
        if !self.server.reachable {
            Verdict::Unreachable
        } else if self.problems.is_empty() {
            Verdict::AllWell
        } else {
            Verdict::Problems
        }
    }
}
