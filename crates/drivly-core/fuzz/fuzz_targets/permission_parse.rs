//! Fuzzes the permission parsers: strict single permissions, user-typed lists, and claim
//! discovery from arbitrary JSON.
#![no_main]

use drivly_core::permissions::{
    Permission, PermissionSet, parse_permission_list, permissions_from_claims,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(permission) = Permission::parse(&text) {
        // A parsed permission prints back to exactly its input.
        assert_eq!(permission.to_string(), text);
    }
    let _ = parse_permission_list(&text);
    let set = PermissionSet::from_strings(text.split(','));
    let _ = set.table();
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let found = permissions_from_claims(&value);
        let _ = found.report();
    }
});
