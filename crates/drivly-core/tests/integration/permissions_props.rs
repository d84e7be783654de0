//! Property tests for the permission parser: never panics, valid permissions round-trip, and
//! claim discovery is bounded for any JSON.

use drivly_core::permissions::{
    MAX_ENTRIES, Method, Permission, PermissionSet, parse_permission_list, permissions_from_claims,
};
use proptest::prelude::*;
use serde_json::Value;

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(input in ".{0,120}") {
        let _ = Permission::parse(&input);
        let _ = parse_permission_list(&input);
    }

    #[test]
    fn valid_permissions_round_trip(resource in "[a-z0-9_-]{1,64}", write in any::<bool>()) {
        let text = format!("{resource}.{}", if write { "write" } else { "read" });
        let parsed = Permission::parse(&text);
        prop_assert!(parsed.is_ok());
        if let Ok(p) = parsed {
            prop_assert_eq!(p.to_string(), text);
            prop_assert_eq!(p.grants(Method::Get, &resource), !write);
            prop_assert_eq!(p.grants(Method::Post, &resource), write);
        }
    }

    #[test]
    fn table_agrees_with_allows(items in prop::collection::vec("[a-c]{1,2}\\.(read|write|x)", 0..30)) {
        let set = PermissionSet::from_strings(&items);
        for row in set.table() {
            prop_assert_eq!(row.get, set.allows(Method::Get, &row.resource));
            prop_assert_eq!(row.post, set.allows(Method::Post, &row.resource));
            prop_assert_eq!(row.put, set.allows(Method::Put, &row.resource));
            prop_assert_eq!(row.delete, set.allows(Method::Delete, &row.resource));
        }
        let rows: Vec<String> = set.table().into_iter().map(|r| r.resource).collect();
        let mut sorted = rows.clone();
        sorted.sort();
        prop_assert_eq!(rows, sorted);
    }

    #[test]
    fn claims_discovery_is_bounded(items in prop::collection::vec(".{0,12}", 0..50), scope in ".{0,200}") {
        let claims = serde_json::json!({"permissions": items, "scope": scope, "scopes": Value::Null});
        let found = permissions_from_claims(&claims);
        prop_assert!(found.set.len() + found.set.unrecognised().len() <= MAX_ENTRIES);
    }
}
