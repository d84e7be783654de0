//! "Paste from clipboard" on the Inspect screen, without the token crossing into the webview:
//! Rust reads the clipboard, and a JWT found there is held like a minted one (`tokenRef`). When
//! the screen opens it asks whether the clipboard holds a JWT and offers it with what the token
//! says about itself (who and until when), never the token.

use drivly_core::Code;
use drivly_core::jwt::{self, TimeClaim};
use drivly_core::secret::Jwt;
use serde::Serialize;
use ts_rs::TS;

use crate::commands::inspect::{InspectionView, TokenHandle};
use crate::held_tokens::IssuedBy;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// A JWT found on the clipboard, as the offer shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClipboardJwt {
    /// Who it is for as people know them: its `email`, `name` or `preferred_username`, else
    /// its `sub`.
    subject: Option<String>,
    /// Its `exp`.
    expires_at: TimeClaim,
}

/// What the clipboard holds, when it is a JWT the inspector can read.
fn clipboard_token(state: &AppState) -> Option<(Jwt, jwt::Inspection)> {
    let text = state.clipboard.read_text()?;
    let inspection = jwt::inspect(&text, state.clock.now()).ok()?;
    Some((Jwt::new(jwt::compact_token(&text).as_str()), inspection))
}

/// Whether the clipboard holds a JWT, and what it says about itself.
#[tauri::command]
pub fn clipboard_jwt(state: tauri::State<'_, AppState>) -> Option<ClipboardJwt> {
    clipboard_token(&state).map(|(_, inspection)| ClipboardJwt {
        subject: drivly_core::usecases::sign_in::account_name(&inspection.claims)
            .or(inspection.subject),
        expires_at: inspection.expires_at,
    })
}

/// Holds the clipboard's JWT for the inspector.
#[tauri::command]
pub fn inspect_clipboard(state: tauri::State<'_, AppState>) -> IpcResult<TokenHandle> {
    let (token, claims) = clipboard_token(&state).ok_or_else(|| {
        IpcError::new(
            Code::ClipboardNoJwt,
            "the clipboard holds no JWT; copy one (three base64url parts separated by dots) and try again",
        )
    })?;
    let inspection = InspectionView::of(&state, token.expose_secret())?;
    let issuer = IssuedBy::claimed(claims.issuer.as_deref());
    // The profile whose server issued it, when one matches; else the active one (Try it then
    // refuses it with a message naming the issuer).
    let profile_id = state
        .profiles
        .list()?
        .into_iter()
        .find(|p| IssuedBy::base_url(&p.base_url) == issuer)
        .map_or_else(|| state.profiles.active(), Ok)?
        .id
        .as_str()
        .to_owned();
    Ok(TokenHandle {
        // "Try it" sends it only to the server its own `iss` names: a token a page had the app
        // copy (a session's JWT) cannot be laundered through the clipboard to another server.
        token_ref: state.tokens.hold(token, issuer),
        profile_id,
        inspection,
        warning: None,
    })
}
