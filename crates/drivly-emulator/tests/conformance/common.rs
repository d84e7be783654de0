//! Shared helpers: an HTTP client, PKCE pairs, and a full sign-in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use drivly_emulator::{Config, Emulator};
use rand::RngCore;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

pub const REDIRECT: &str = "ly.driv.keys:/auth/callback";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

pub async fn start() -> Emulator {
    Emulator::start(Config::default()).await.unwrap()
}

pub fn url(emu: &Emulator, path: &str) -> String {
    format!("{}{path}", emu.base_url())
}

pub fn admin(emu: &Emulator, path: &str) -> String {
    format!("{}__emulator/{path}", emu.origin())
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

pub fn pkce() -> Pkce {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

pub fn authorize_url(emu: &Emulator, pkce: &Pkce, redirect: &str, permissions: &str) -> Url {
    let mut url = Url::parse(&url(emu, "/auth")).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect)
        .append_pair("state", "st-123")
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("permissions", permissions);
    url
}

pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Walks the pages and returns the code and the verifier.
pub async fn login_code(emu: &Emulator, permissions: &str) -> (String, Pkce) {
    let pkce = pkce();
    let (email, password) = emu.demo_user();
    let location = drivly_emulator::testing::complete_browser_login(
        &authorize_url(emu, &pkce, REDIRECT, permissions),
        &email,
        &password,
        true,
    )
    .await
    .unwrap();
    assert_eq!(param(&location, "state").as_deref(), Some("st-123"));
    (param(&location, "code").expect("a code"), pkce)
}

pub async fn exchange(emu: &Emulator, code: &str, verifier: &str) -> reqwest::Response {
    client()
        .post(url(emu, "/auth/token"))
        .json(&json!({ "code": code, "codeVerifier": verifier, "redirectUri": REDIRECT }))
        .send()
        .await
        .unwrap()
}

/// A full sign-in: returns the token response body.
pub async fn sign_in(emu: &Emulator, permissions: &str) -> Value {
    let (code, pkce) = login_code(emu, permissions).await;
    let response = exchange(emu, &code, &pkce.verifier).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub async fn refresh(emu: &Emulator, refresh_token: &str) -> reqwest::Response {
    client()
        .post(url(emu, "/auth/refresh"))
        .json(&json!({ "refreshToken": refresh_token }))
        .send()
        .await
        .unwrap()
}

pub async fn mint(emu: &Emulator, key: &str, body: Value) -> reqwest::Response {
    client()
        .post(url(emu, "/auth"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub async fn get(emu: &Emulator, path: &str, bearer: &str) -> reqwest::Response {
    client()
        .get(url(emu, path))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
}

pub async fn error_code(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body["error"].as_str().unwrap_or_default().to_owned()
}

/// Decodes a JWT's claims without verifying.
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}
