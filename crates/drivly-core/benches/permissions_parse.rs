//! Benchmark: reading a token's 100 permissions into the resource × method table.
//!
//! `cargo bench -p drivly-core --bench permissions_parse`; figures are in the crate README.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use drivly_core::permissions::{PermissionSet, permissions_from_claims};
use serde_json::json;

fn benches(c: &mut Criterion) {
    let permissions: Vec<String> = (0..50)
        .flat_map(|i| {
            [
                format!("resource_{i:02}.read"),
                format!("resource_{i:02}.write"),
            ]
        })
        .collect();
    let claims = json!({"sub": "acct_1", "permissions": permissions});
    c.bench_function("parse 100-permission claims into a table", |b| {
        b.iter(|| permissions_from_claims(black_box(&claims)).set.table())
    });
    c.bench_function("PermissionSet::from_strings x100", |b| {
        b.iter(|| PermissionSet::from_strings(black_box(&permissions)))
    });
}

criterion_group!(permissions, benches);
criterion_main!(permissions);
