//! Inspecting, verifying and copying tokens (trying them: `try_it.rs`). A pasted token comes in from the UI; a
//! held token (`tokenRef`) never leaves Rust.

use drivly_core::Code;
use drivly_core::client::DrivlyClient;
use drivly_core::jwt::{self, Inspection, KeySet, SignatureStatus, VerificationKey};
use drivly_core::profile::ProfileId;
use drivly_core::secret::{Jwt, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::commands::CopyResult;
use crate::held_tokens::HeldSource;
use crate::ipc_error::{IpcError, IpcResult};
use crate::state::AppState;

/// An inspection plus the signature status, as the UI's `Inspection` type.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "Inspection")]
pub struct InspectionView {
    #[serde(flatten)]
    inspection: Inspection,
    signature: SignatureStatus,
}

impl InspectionView {
    /// Inspects `token` as of now; the signature is checked only on request.
    pub fn of(state: &AppState, token: &str) -> IpcResult<Self> {
        let inspection = jwt::inspect(token, state.clock.now())?;
        Ok(Self {
            inspection,
            signature: SignatureStatus::NotVerified {
                reason: "not checked yet: choose the keys below and press \u{201c}Verify signature\u{201d}."
                    .into(),
            },
        })
    }
}

/// A token held in Rust, with what the UI may know of it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenHandle {
    /// The opaque reference.
    pub token_ref: String,
    /// Its inspection.
    pub inspection: InspectionView,
    /// What the user should know about how it was made (a mint whose history entry could not
    /// be written); `None` when all went well.
    pub warning: Option<String>,
    /// The profile it was issued for: "Try it" sends it to that profile's server only.
    pub profile_id: String,
}

/// Where a token comes from: held in Rust, or pasted (zeroized when dropped).
#[derive(Deserialize, TS)]
#[serde(untagged)]
pub enum TokenSource {
    /// A held token.
    Held {
        /// Its reference.
        #[serde(rename = "tokenRef")]
        token_ref: String,
    },
    /// A pasted token.
    Pasted {
        /// The token.
        #[ts(type = "string")]
        token: Zeroizing<String>,
    },
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSource([REDACTED])")
    }
}

impl TokenSource {
    pub(crate) fn resolve(&self, state: &AppState) -> IpcResult<Jwt> {
        match self {
            Self::Held { token_ref } => held(state, token_ref),
            Self::Pasted { token } => {
                Ok(Jwt::new(token.trim().trim_start_matches("Bearer ").trim()))
            }
        }
    }
}

/// Key material to verify with.
#[derive(Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum KeyMaterial {
    /// The profile's published keys.
    ProfileJwks {
        /// The profile.
        #[serde(rename = "profileId")]
        profile_id: String,
    },
    /// A PEM public key.
    Pem {
        /// The PEM text.
        value: String,
    },
    /// One JWK.
    Jwk {
        /// The JWK JSON.
        value: String,
    },
    /// A JWKS document.
    Jwks {
        /// The JWKS JSON.
        value: String,
    },
    /// An HMAC secret (zeroized when dropped).
    HsSecret {
        /// The secret.
        #[ts(type = "string")]
        value: Zeroizing<String>,
    },
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyMaterial([REDACTED])")
    }
}

fn held(state: &AppState, token_ref: &str) -> IpcResult<Jwt> {
    state.tokens.get(token_ref).ok_or_else(|| {
        IpcError::new(
            Code::TokenGone,
            "that token is no longer held by the app; mint or open it again",
        )
    })
}

/// Inspects a pasted token.
#[tauri::command]
pub fn inspect_token(
    state: tauri::State<'_, AppState>,
    token: Zeroizing<String>,
) -> IpcResult<InspectionView> {
    InspectionView::of(&state, &token)
}

/// Inspects a held token.
#[tauri::command]
pub fn inspect_ref(
    state: tauri::State<'_, AppState>,
    token_ref: String,
) -> IpcResult<InspectionView> {
    let token = held(&state, &token_ref)?;
    InspectionView::of(&state, token.expose_secret())
}

/// Verifies a token's signature with the chosen key material.
#[tauri::command]
pub async fn verify_signature(
    state: tauri::State<'_, AppState>,
    source: TokenSource,
    key: KeyMaterial,
) -> IpcResult<SignatureStatus> {
    let token = source.resolve(&state)?;
    let keys = match key {
        KeyMaterial::ProfileJwks { profile_id } => {
            let profile = state.profiles.get(&ProfileId::parse(&profile_id)?)?;
            match DrivlyClient::new(&profile)?.fetch_jwks().await? {
                Some(text) => KeySet::from_jwks_json(&text)?,
                None => {
                    return Ok(SignatureStatus::NotVerified {
                        reason: format!(
                            "{} publishes no public keys, so the signature cannot be checked.",
                            profile.name
                        ),
                    });
                }
            }
        }
        KeyMaterial::Pem { value } => KeySet::new().with(VerificationKey::from_pem(&value)?),
        KeyMaterial::Jwk { value } => KeySet::new().with(VerificationKey::from_jwk_json(&value)?),
        KeyMaterial::Jwks { value } => KeySet::from_jwks_json(&value)?,
        KeyMaterial::HsSecret { value } => KeySet::new().with(VerificationKey::hs_secret(
            &SecretString::new(value.to_string()),
        )?),
    };
    Ok(jwt::verify(token.expose_secret(), &keys, state.clock.now()))
}

/// Copies a held token, by the same rule as "Copy fresh JWT": a session's token is replaced by
/// the session's fresh JWT (refreshed first when under the minimum time left), and a minted
/// token that has expired is refused rather than copied.
#[tauri::command]
pub async fn copy_token(
    state: tauri::State<'_, AppState>,
    token_ref: String,
) -> IpcResult<CopyResult> {
    let token = held(&state, &token_ref)?;
    match state.tokens.source(&token_ref) {
        Some(HeldSource::Session(session_id)) => {
            // `None`: the core policy's minimum (2 min, or half the lifetime for short ones).
            let fresh = state.sessions().await?.token(&session_id, None).await?;
            crate::commands::copy_secret(&state, fresh.expose_secret())
        }
        _ => {
            let inspection = jwt::inspect(token.expose_secret(), state.clock.now())?;
            if inspection.expires_at.at().is_some() && !inspection.is_live(state.clock.now()) {
                return Err(IpcError::new(
                    Code::TokenAlreadyExpired,
                    "this token has expired, so a copy would be refused by the server; mint a new one",
                ));
            }
            crate::commands::copy_secret(&state, token.expose_secret())
        }
    }
}
