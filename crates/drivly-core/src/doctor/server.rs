//! The server half of `doctor`: DNS, reachability (TLS included, for https), each configured
//! endpoint and the JWKS, all by credential-less GETs, and the clock skew from `Date`.

use std::time::Duration;

use serde::Serialize;

use crate::ErrorCode;
use crate::client::DrivlyClient;
use crate::profile::Profile;

/// DNS and reachability of the base URL.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerLine {
    /// The host name.
    pub host: String,
    /// How many addresses DNS gave (0 when the lookup failed).
    pub addresses: usize,
    /// `https` (TLS checked by the request) or `http` (loopback only).
    pub scheme: String,
    /// Whether the base URL answered at all (any status).
    pub reachable: bool,
    /// The base URL's status.
    pub status: Option<u16>,
    /// Why it could not be reached.
    pub error: Option<String>,
}

/// One endpoint, probed by a credential-less GET.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointProbe {
    /// `authorize`, `token`, `refresh`, `revoke` (the flag names of `profiles edit`).
    pub name: String,
    /// The path as configured.
    pub path: String,
    /// The absolute URL.
    pub url: String,
    /// What answered (405 for a POST-only endpoint is expected and fine).
    pub status: Option<u16>,
    /// 404: nothing at that path.
    pub missing: bool,
    /// A transport failure.
    pub error: Option<String>,
}

/// The JWKS.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct JwksLine {
    /// The URL, when a JWKS path is configured.
    pub url: Option<String>,
    /// Its status.
    pub status: Option<u16>,
    /// The keys it publishes.
    pub keys: Vec<JwksKey>,
    /// What is wrong with it.
    pub problem: Option<String>,
}

/// One published key (public facts only).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct JwksKey {
    /// `kid`.
    pub kid: Option<String>,
    /// `kty`.
    pub kty: Option<String>,
    /// `alg`.
    pub alg: Option<String>,
}

/// The server half's results.
#[derive(Debug, Clone)]
pub struct Probed {
    pub(super) server: ServerLine,
    pub(super) endpoints: Vec<EndpointProbe>,
    pub(super) jwks: JwksLine,
    pub(super) skew_secs: Option<i64>,
}

/// Probes `profile`'s server with `timeout` per request.
pub async fn probe_server(profile: &Profile, timeout: Duration) -> Probed {
    let host = profile.base_url.host_str().unwrap_or_default().to_owned();
    let port = profile.base_url.port_or_known_default().unwrap_or(443);
    let mut server = ServerLine {
        host: host.clone(),
        addresses: 0,
        scheme: profile.base_url.scheme().to_owned(),
        reachable: false,
        status: None,
        error: None,
    };
    let unreachable = |server: ServerLine| Probed {
        server,
        endpoints: Vec::new(),
        jwks: JwksLine {
            url: None,
            status: None,
            keys: Vec::new(),
            problem: None,
        },
        skew_secs: None,
    };
    let host_for_dns = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    match tokio::time::timeout(timeout, tokio::net::lookup_host((host_for_dns, port))).await {
        Ok(Ok(addrs)) => server.addresses = addrs.count(),
        Ok(Err(_)) | Err(_) => {
            server.error = Some(format!("the name {host} could not be resolved (DNS)"));
            return unreachable(server);
        }
    }
    let client = match DrivlyClient::builder(profile)
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            server.error = Some(e.to_string());
            return unreachable(server);
        }
    };
    let mut skew = None;
    match client.probe(None).await {
        Ok(answer) => {
            server.reachable = true;
            server.status = Some(answer.status);
            skew = answer.skew_secs.or(skew);
        }
        Err(e) => {
            server.error = Some(format!("{} ({})", e, e.code().as_str()));
            return unreachable(server);
        }
    }
    let e = &profile.endpoints;
    let mut configured = vec![
        ("authorize", e.auth.clone()),
        ("token", e.token.clone()),
        ("refresh", e.refresh.clone()),
    ];
    if let Some(revoke) = &e.revoke {
        configured.push(("revoke", revoke.clone()));
    }
    let mut endpoints = Vec::new();
    for (name, path) in configured {
        let mut probe = EndpointProbe {
            name: name.into(),
            url: profile.endpoint(&path).to_string(),
            path,
            status: None,
            missing: false,
            error: None,
        };
        match client.probe(Some(&probe.path)).await {
            Ok(answer) => {
                probe.status = Some(answer.status);
                probe.missing = answer.status == 404;
                skew = answer.skew_secs.or(skew);
            }
            Err(err) => probe.error = Some(format!("{err} ({})", err.code().as_str())),
        }
        endpoints.push(probe);
    }
    let mut jwks = JwksLine {
        url: None,
        status: None,
        keys: Vec::new(),
        problem: None,
    };
    if let Some(path) = &e.jwks {
        jwks.url = Some(profile.endpoint(path).to_string());
        match client.probe(Some(path)).await {
            Ok(answer) => {
                jwks.status = Some(answer.status);
                skew = answer.skew_secs.or(skew);
                jwks.keys = keys_of(answer.json.as_ref());
                jwks.problem = if answer.status == 404 {
                    Some("not found at the configured path (tokens will show as \"signature not verified\"; remove the path with --jwks-path \"\" if the server publishes none)".into())
                } else if !(200..300).contains(&answer.status) {
                    Some(format!("answered {}", answer.status))
                } else if jwks.keys.is_empty() {
                    Some("the answer holds no keys".into())
                } else if jwks.keys.iter().any(|k| k.kty.as_deref() == Some("oct")) {
                    Some("it publishes a symmetric (oct) key, which is never used to verify".into())
                } else {
                    None
                };
            }
            Err(err) => jwks.problem = Some(format!("{err} ({})", err.code().as_str())),
        }
    }
    Probed {
        server,
        endpoints,
        jwks,
        skew_secs: skew,
    }
}

fn keys_of(json: Option<&serde_json::Value>) -> Vec<JwksKey> {
    let text =
        |k: &serde_json::Value, f: &str| k.get(f).and_then(|v| v.as_str()).map(str::to_owned);
    json.and_then(|j| j.get("keys"))
        .and_then(|k| k.as_array())
        .map(|keys| {
            keys.iter()
                .map(|k| JwksKey {
                    kid: text(k, "kid"),
                    kty: text(k, "kty"),
                    alg: text(k, "alg"),
                })
                .collect()
        })
        .unwrap_or_default()
}
