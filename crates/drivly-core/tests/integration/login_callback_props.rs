//! Properties of the callback parser (issue #13, "Tests that make the design's claims
//! checkable"): with extra, repeated and percent-encoded parameters in any order, in the
//! query or the fragment, a repeated `state` or `code` is refused, the harmless extras are
//! ignored, and any encoding of a code decodes to exactly that code.

use drivly_core::ErrorCode;
use drivly_core::login::{CallbackError, CallbackPayload, RedirectTarget, parse_callback};
use proptest::prelude::*;

fn scheme() -> RedirectTarget {
    RedirectTarget::private_use("ly.driv.keys.dev").unwrap()
}

const EXTRAS: [&str; 4] = ["token_type", "expires_in", "scope", "session_state"];

/// Percent-encodes `value`: bytes that must be encoded always are, unreserved ones when
/// `choices` says so, in upper or lower case hex as it says.
fn encode(value: &str, choices: &[u8]) -> String {
    let mut out = String::new();
    for (i, b) in value.bytes().enumerate() {
        let choice = choices.get(i % choices.len().max(1)).copied().unwrap_or(0);
        let unreserved = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if unreserved && choice % 3 != 0 {
            out.push(char::from(b));
        } else if choice % 2 == 0 {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

fn url(separator: &str, pairs: &[(String, String)]) -> String {
    let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "ly.driv.keys.dev:/auth/callback{separator}{}",
        joined.join("&")
    )
}

/// A code, a state, some of the extras (with values of their own), in a shuffled order; with
/// the encoding choices used for the code.
type Callback = (String, String, Vec<u8>, Vec<(String, String)>);

fn code_callback() -> impl Strategy<Value = Callback> {
    (
        "[!-~]{1,80}",
        "[A-Za-z0-9._~-]{1,64}",
        prop::collection::vec(any::<u8>(), 1..16),
        prop::sample::subsequence(EXTRAS.to_vec(), 0..=EXTRAS.len()),
        prop::collection::vec("[A-Za-z0-9._~-]{0,20}", EXTRAS.len()),
    )
        .prop_flat_map(|(code, state, choices, extras, values)| {
            let mut pairs = vec![
                ("code".to_owned(), encode(&code, &choices)),
                ("state".to_owned(), state.clone()),
            ];
            for (name, value) in extras.iter().zip(values) {
                pairs.push(((*name).to_owned(), value));
            }
            (
                Just(code),
                Just(state),
                Just(choices),
                Just(pairs).prop_shuffle(),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Extras in any order are ignored, and the code comes back exactly as encoded, through
    /// the query or the fragment.
    #[test]
    fn extras_are_ignored_and_any_encoding_of_the_code_round_trips(
        (code, state, _choices, pairs) in code_callback(),
        fragment in any::<bool>(),
    ) {
        let link = url(if fragment { "#" } else { "?" }, &pairs);
        match parse_callback(&link, &scheme()) {
            Ok(CallbackPayload::Code { code: got, state: got_state, .. }) => {
                prop_assert_eq!(got.expose_secret(), code.as_str());
                prop_assert_eq!(got_state, state);
            }
            Ok(_) => prop_assert!(false, "another form"),
            Err(e) => prop_assert!(false, "refused ({}): {}", e.code().as_str(), link),
        }
    }

    /// A second `state` or `code`, anywhere, with any value (even the same one, even encoded
    /// differently), is refused, whatever else the callback holds.
    #[test]
    fn a_repeated_state_or_code_is_refused(
        (_code, state, choices, pairs) in code_callback(),
        repeated in prop::sample::select(vec!["state", "code"]),
        same_value in any::<bool>(),
        other_value in "[A-Za-z0-9._~-]{1,20}",
        at in any::<prop::sample::Index>(),
        fragment in any::<bool>(),
    ) {
        let mut pairs = pairs;
        let value = if same_value {
            let original = pairs.iter().find(|(k, _)| k == repeated).map(|(_, v)| v.clone()).unwrap_or_default();
            if repeated == "state" { encode(&state, &choices) } else { original }
        } else {
            other_value
        };
        let index = at.index(pairs.len() + 1);
        pairs.insert(index, (repeated.to_owned(), value));
        let link = url(if fragment { "#" } else { "?" }, &pairs);
        let refused = parse_callback(&link, &scheme());
        prop_assert!(
            matches!(refused, Err(CallbackError::DuplicateParameter)),
            "{} was not refused as a duplicate: {:?}",
            link,
            refused.as_ref().map(|_| "accepted").map_err(|e| e.code().as_str())
        );
    }

    /// A parameter *name* is never decoded: `%73tate` is not `state`, so encoding cannot
    /// smuggle in a second one (it is an unknown parameter, refused).
    #[test]
    fn an_encoded_name_is_not_the_parameter(
        (_code, _state, choices, pairs) in code_callback(),
        name in prop::sample::select(vec!["state", "code"]),
    ) {
        let encoded = format!("%{:02X}{}", name.as_bytes()[0], &name[1..]);
        let mut pairs = pairs;
        pairs.push((encoded, encode("x", &choices)));
        let refused = parse_callback(&url("?", &pairs), &scheme());
        prop_assert!(matches!(refused, Err(CallbackError::UnknownParameter)));
    }
}
