//! The permission model: one table row per parsing rule, the method table, claim discovery,
//! the diff, and user-input validation.

use drivly_core::ErrorCode;
use drivly_core::permissions::{
    Access, KNOWN_RESOURCES, Method, Permission, PermissionListError, PermissionSet,
    PermissionSource, diff, is_known_resource, parse_permission_list, permissions_from_claims,
    validate_permission,
};
use serde_json::json;

#[test]
fn parse_rules_table() {
    let ok: &[(&str, &str, Access)] = &[
        ("invoices.read", "invoices", Access::Read),
        ("services.write", "services", Access::Write),
        ("vehicle_specs.read", "vehicle_specs", Access::Read),
        ("price-history.write", "price-history", Access::Write),
        ("v2.read", "v2", Access::Read),
    ];
    for (input, resource, access) in ok {
        match Permission::parse(input) {
            Ok(p) => {
                assert_eq!(p.resource(), *resource);
                assert_eq!(p.access(), *access);
                assert_eq!(p.to_string(), *input);
            }
            Err(e) => panic!("{input}: {e}"),
        }
    }
    let long = format!("{}.read", "a".repeat(65));
    let bad: &[(&str, &str)] = &[
        ("", "permission_empty"),
        ("invoices", "permission_missing_access"),
        (".read", "permission_empty_resource"),
        ("invoices.admin", "permission_unknown_access"),
        ("invoices.", "permission_unknown_access"),
        ("invoices.READ", "permission_not_lowercase"),
        ("Invoices.read", "permission_not_lowercase"),
        ("invoices list.read", "permission_invalid_character"),
        ("invoices/*.read", "permission_invalid_character"),
        ("*.read", "permission_invalid_character"),
        ("факт.read", "permission_invalid_character"),
        ("a.b.read", "permission_too_many_dots"),
        (" invoices.read", "permission_invalid_character"),
        (long.as_str(), "permission_too_long"),
    ];
    for (input, code) in bad {
        match Permission::parse(input) {
            Ok(p) => panic!("{input} parsed as {p}"),
            Err(e) => {
                assert_eq!(e.code(), *code, "{input}: {e}");
                assert!(e.to_string().ends_with('.'), "messages are sentences: {e}");
            }
        }
    }
}

#[test]
fn messages_suggest_the_fix() {
    let msg = |s: &str| {
        Permission::parse(s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(msg("Invoices.Read").contains("invoices.read"));
    assert!(msg("invoices").contains("invoices.read"));
    assert!(msg("invoices.admin").contains("read or write"));
    let essay = format!("{}.read", "x y".repeat(30));
    assert!(
        msg(&essay).chars().count() < 200,
        "long inputs are quoted shortened"
    );
}

#[test]
fn methods_map_to_access() {
    let read = Permission::parse("invoices.read").ok();
    let write = Permission::parse("invoices.write").ok();
    for (method, r, w) in [
        (Method::Get, true, false),
        (Method::Post, false, true),
        (Method::Put, false, true),
        (Method::Delete, false, true),
    ] {
        assert_eq!(
            read.as_ref().is_some_and(|p| p.grants(method, "invoices")),
            r
        );
        assert_eq!(
            write.as_ref().is_some_and(|p| p.grants(method, "invoices")),
            w
        );
        assert!(!read.as_ref().is_some_and(|p| p.grants(method, "services")));
    }
    assert_eq!(Method::parse("delete"), Some(Method::Delete));
    assert_eq!(Method::parse("PATCH"), None);
}

#[test]
fn set_table_is_sorted_and_keeps_unrecognised() {
    let set = PermissionSet::from_strings([
        "services.write",
        "invoices.read",
        "admin",
        "invoices.write",
        " invoices.read ",
        "admin",
        "",
    ]);
    assert_eq!(set.len(), 3);
    assert_eq!(set.unrecognised(), &["admin".to_owned()]);
    let table = set.table();
    assert_eq!(table.len(), 2);
    assert_eq!(table[0].resource, "invoices");
    assert!(table[0].get && table[0].post && table[0].put && table[0].delete);
    assert_eq!(table[1].resource, "services");
    assert!(!table[1].get && table[1].post && table[1].put && table[1].delete);
    assert!(set.allows(Method::Get, "invoices"));
    assert!(!set.allows(Method::Get, "services"));
    assert!(set.allows(Method::Delete, "services"));
    assert!(!set.allows(Method::Get, "admin"));
    let json = serde_json::to_value(&table).unwrap_or_default();
    assert_eq!(
        json[1],
        json!({"resource": "services", "get": false, "post": true, "put": true, "delete": true})
    );
}

#[test]
fn sets_are_bounded() {
    let many: Vec<String> = (0..5000).map(|i| format!("r{i}.read")).collect();
    let set = PermissionSet::from_strings(&many);
    assert_eq!(set.len(), drivly_core::permissions::MAX_ENTRIES);
    assert_eq!(set.dropped(), 4000);
}

#[test]
fn claims_are_found_in_each_place() {
    let cases = [
        (
            json!({"permissions": ["invoices.read"]}),
            vec![PermissionSource::Permissions],
            1,
            0,
        ),
        (
            json!({"scope": "invoices.read services.write openid"}),
            vec![PermissionSource::Scope],
            2,
            1,
        ),
        (
            json!({"scopes": ["invoices.read"]}),
            vec![PermissionSource::Scopes],
            1,
            0,
        ),
        (
            json!({"scopes": "invoices.read,services.read"}),
            vec![PermissionSource::Scopes],
            2,
            0,
        ),
        (
            json!({"permissions": "invoices.read"}),
            vec![PermissionSource::Permissions],
            1,
            0,
        ),
        (
            json!({"permissions": ["invoices.read", 7, {"x": 1}]}),
            vec![PermissionSource::Permissions],
            1,
            2,
        ),
        (
            json!({"permissions": 42}),
            vec![PermissionSource::Permissions],
            0,
            1,
        ),
        (
            json!({"permissions": ["invoices.read"], "scope": "services.read"}),
            vec![PermissionSource::Permissions, PermissionSource::Scope],
            2,
            0,
        ),
        (json!({"sub": "x"}), vec![], 0, 0),
        (json!(["invoices.read"]), vec![], 0, 0),
    ];
    for (claims, sources, granted, unrecognised) in cases {
        let found = permissions_from_claims(&claims);
        assert_eq!(found.sources, sources, "{claims}");
        assert_eq!(found.set.len(), granted, "{claims}");
        assert_eq!(found.set.unrecognised().len(), unrecognised, "{claims}");
    }
    let report = permissions_from_claims(&json!({"scope": "invoices.read"})).report();
    let json = serde_json::to_value(report).unwrap_or_default();
    assert_eq!(json["sources"], json!(["scope"]));
    assert_eq!(json["granted"], json!(["invoices.read"]));
}

#[test]
fn diff_reports_missing_and_extra() {
    let requested = PermissionSet::from_strings(["invoices.read", "services.write", "custom"]);
    let granted = PermissionSet::from_strings(["invoices.read", "invoices.write", "custom"]);
    let d = diff(&requested, &granted);
    assert_eq!(d.missing, vec!["services.write".to_owned()]);
    assert_eq!(d.extra, vec!["invoices.write".to_owned()]);
    assert!(!d.is_exact());
    assert!(diff(&granted, &granted).is_exact());
    // write does not imply read
    let d = diff(
        &PermissionSet::from_strings(["invoices.read"]),
        &PermissionSet::from_strings(["invoices.write"]),
    );
    assert_eq!(d.missing, vec!["invoices.read".to_owned()]);
}

#[test]
fn user_lists_are_validated_with_positions() {
    let parsed = parse_permission_list(" invoices.read, services.write\ninvoices.read ");
    let strings: Vec<String> = parsed
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(strings, vec!["invoices.read", "services.write"]);
    assert_eq!(parse_permission_list("").map(|v| v.len()), Ok(0));
    match parse_permission_list("invoices.read, invoice.raed") {
        Err(PermissionListError::Invalid { position, source }) => {
            assert_eq!(position, 2);
            assert_eq!(source.code(), "permission_unknown_access");
        }
        other => panic!("{other:?}"),
    }
    let err = parse_permission_list("invoices.read,Services.read").err();
    assert!(
        err.as_ref()
            .is_some_and(|e| e.to_string().starts_with("Permission 2: "))
    );
    assert_eq!(
        err.map(|e| e.code().as_str()),
        Some("permission_not_lowercase")
    );
    let too_many: Vec<String> = (0..201).map(|i| format!("r{i}.read")).collect();
    assert!(matches!(
        parse_permission_list(&too_many.join(",")),
        Err(PermissionListError::TooMany { .. })
    ));
    assert!(validate_permission("  invoices.read\n").is_ok());
}

#[test]
fn known_resources_are_valid_and_sorted() {
    assert!(is_known_resource("invoices") && is_known_resource("services"));
    let names: Vec<&str> = KNOWN_RESOURCES.iter().map(|r| r.name).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    for r in KNOWN_RESOURCES {
        assert!(Permission::new(r.name, Access::Read).is_ok(), "{}", r.name);
    }
}
