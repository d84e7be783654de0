//! 100 parallel mints and refreshes: no lost or duplicated state.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_mints_and_refreshes() {
    let emu = Arc::new(start().await);

    let mut mints = JoinSet::new();
    for i in 0..100 {
        let emu = emu.clone();
        mints.spawn(async move {
            let response = mint(
                &emu,
                &emu.demo_api_key(),
                json!({"permissions": [format!("r{i}.read")]}),
            )
            .await;
            assert_eq!(response.status(), 200);
            let body: Value = response.json().await.unwrap();
            claims(body["token"].as_str().unwrap())["jti"]
                .as_str()
                .unwrap()
                .to_owned()
        });
    }
    let jtis: HashSet<String> = mints.join_all().await.into_iter().collect();
    assert_eq!(jtis.len(), 100, "every mint has its own jti");

    let mut logins = JoinSet::new();
    for _ in 0..100 {
        let emu = emu.clone();
        logins.spawn(async move {
            sign_in(&emu, "invoices.read").await["refreshToken"]
                .as_str()
                .unwrap()
                .to_owned()
        });
    }
    let tokens: Vec<String> = logins.join_all().await;
    assert_eq!(tokens.iter().collect::<HashSet<_>>().len(), 100);

    let mut refreshes = JoinSet::new();
    for token in tokens {
        let emu = emu.clone();
        refreshes.spawn(async move {
            let response = refresh(&emu, &token).await;
            assert_eq!(response.status(), 200);
            let body: Value = response.json().await.unwrap();
            body["refreshToken"].as_str().unwrap().to_owned()
        });
    }
    let rotated: Vec<String> = refreshes.join_all().await;
    assert_eq!(
        rotated.iter().collect::<HashSet<_>>().len(),
        100,
        "no duplicated rotation"
    );

    // Every rotated token still works: no update was lost.
    let mut again = JoinSet::new();
    for token in rotated {
        let emu = emu.clone();
        again.spawn(async move { refresh(&emu, &token).await.status().as_u16() });
    }
    assert!(again.join_all().await.iter().all(|s| *s == 200));
    let logged = emu
        .request_log()
        .iter()
        .filter(|r| r.path == "/api/auth/refresh")
        .count();
    assert_eq!(logged, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_the_same_refresh_token_has_exactly_one_winner() {
    let emu = Arc::new(start().await);
    let token = sign_in(&emu, "invoices.read").await["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut racers = JoinSet::new();
    for _ in 0..20 {
        let (emu, token) = (emu.clone(), token.clone());
        racers.spawn(async move { refresh(&emu, &token).await.status().as_u16() });
    }
    let statuses = racers.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 19);
}
