//! The resource data tokens are used on: `invoices` and `services`, seeded at start and kept in
//! memory only (never in the state file).
//!
//! Documents are JSON objects with server-set `id`, `createdAt` and `updatedAt`. Lists paginate
//! like Drivly's API (a Payload CMS backend): `docs`, `totalDocs`, `limit`, `totalPages`, `page`,
//! `pagingCounter`, `hasPrevPage`, `hasNextPage`, `prevPage`, `nextPage`.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// The resources the emulator serves.
pub(crate) const RESOURCES: [&str; 2] = ["invoices", "services"];

/// Largest page size a list accepts.
const MAX_LIMIT: u64 = 100;

/// All collections, by resource name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resources {
    collections: BTreeMap<String, Vec<Map<String, Value>>>,
    next_id: u64,
}

impl Resources {
    /// Twelve invoices (two pages at the default limit) and five services.
    pub fn seeded(now: DateTime<Utc>) -> Self {
        let mut resources = Self {
            next_id: 1,
            ..Self::default()
        };
        let customers = [
            "Acme Motors",
            "Blue Ridge Auto",
            "Cedar Fleet",
            "Delta Leasing",
        ];
        for i in 0..12u32 {
            let doc = json!({
                "number": format!("INV-{:04}", 1001 + i),
                "customer": customers[(i as usize) % customers.len()],
                "amount": 1250 + u64::from(i) * 375,
                "currency": "USD",
                "status": if i % 3 == 0 { "paid" } else { "open" },
            });
            resources.insert("invoices", doc, now);
        }
        let services = [
            ("Vehicle history report", 2500),
            ("Title and lien check", 1500),
            ("Market valuation", 3500),
            ("Transport quote", 0),
            ("Inspection", 12000),
        ];
        for (name, price) in services {
            let doc = json!({ "name": name, "price": price, "currency": "USD", "active": true });
            resources.insert("services", doc, now);
        }
        resources
    }

    fn insert(&mut self, resource: &str, doc: Value, now: DateTime<Utc>) -> Map<String, Value> {
        let mut fields = match doc {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let prefix = if resource == "invoices" { "inv" } else { "svc" };
        let stamp = Value::String(now.to_rfc3339_opts(SecondsFormat::Secs, true));
        fields.insert(
            "id".into(),
            Value::String(format!("{prefix}_{:04}", self.next_id)),
        );
        fields.insert("createdAt".into(), stamp.clone());
        fields.insert("updatedAt".into(), stamp);
        self.next_id += 1;
        self.collections
            .entry(resource.to_owned())
            .or_default()
            .push(fields.clone());
        fields
    }

    /// One page of a collection.
    pub fn list(&self, resource: &str, page: u64, limit: u64) -> Result<Value, ApiError> {
        if page == 0 || limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::InvalidRequest(format!(
                "page must be 1 or more and limit between 1 and {MAX_LIMIT}"
            )));
        }
        let all = self
            .collections
            .get(resource)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let total = all.len() as u64;
        let total_pages = total.div_ceil(limit).max(1);
        let start = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
        let docs: Vec<&Map<String, Value>> = all
            .iter()
            .skip(start)
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        Ok(json!({
            "docs": docs,
            "totalDocs": total,
            "limit": limit,
            "totalPages": total_pages,
            "page": page,
            "pagingCounter": (page - 1).saturating_mul(limit) + 1,
            "hasPrevPage": page > 1,
            "hasNextPage": page < total_pages,
            "prevPage": if page > 1 { Some(page - 1) } else { None },
            "nextPage": if page < total_pages { Some(page + 1) } else { None },
        }))
    }

    /// One document.
    pub fn get(&self, resource: &str, id: &str) -> Result<Value, ApiError> {
        self.find(resource, id)
            .map(|doc| Value::Object(doc.clone()))
    }

    /// Creates a document after checking the fields the resource requires.
    pub fn create(
        &mut self,
        resource: &str,
        body: Value,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let fields = object(body)?;
        validate(resource, &fields, true)?;
        Ok(Value::Object(self.insert(
            resource,
            Value::Object(fields),
            now,
        )))
    }

    /// Merges `body` into a document (PUT and PATCH both merge; `id` and timestamps are kept).
    pub fn update(
        &mut self,
        resource: &str,
        id: &str,
        body: Value,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let fields = object(body)?;
        validate(resource, &fields, false)?;
        let doc = self.find_mut(resource, id)?;
        for (key, value) in fields {
            if !matches!(key.as_str(), "id" | "createdAt" | "updatedAt") {
                doc.insert(key, value);
            }
        }
        doc.insert(
            "updatedAt".into(),
            Value::String(now.to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
        Ok(Value::Object(doc.clone()))
    }

    /// Deletes a document and returns it.
    pub fn delete(&mut self, resource: &str, id: &str) -> Result<Value, ApiError> {
        let docs = self.collections.entry(resource.to_owned()).or_default();
        let index = docs
            .iter()
            .position(|d| d.get("id").and_then(Value::as_str) == Some(id))
            .ok_or_else(|| not_found(resource, id))?;
        Ok(Value::Object(docs.remove(index)))
    }

    fn find(&self, resource: &str, id: &str) -> Result<&Map<String, Value>, ApiError> {
        self.collections
            .get(resource)
            .and_then(|docs| {
                docs.iter()
                    .find(|d| d.get("id").and_then(Value::as_str) == Some(id))
            })
            .ok_or_else(|| not_found(resource, id))
    }

    fn find_mut(&mut self, resource: &str, id: &str) -> Result<&mut Map<String, Value>, ApiError> {
        self.collections
            .get_mut(resource)
            .and_then(|docs| {
                docs.iter_mut()
                    .find(|d| d.get("id").and_then(Value::as_str) == Some(id))
            })
            .ok_or_else(|| not_found(resource, id))
    }
}

fn not_found(resource: &str, id: &str) -> ApiError {
    let shown: String = id.chars().take(40).collect();
    ApiError::NotFound(format!(
        "no {resource} document with id {shown:?}; list {resource} to see the ids"
    ))
}

fn object(body: Value) -> Result<Map<String, Value>, ApiError> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::InvalidRequest(
            "the body must be a JSON object".into(),
        )),
    }
}

/// A field name, its check, and what the check wants (for the message).
type Rule = (&'static str, fn(&Value) -> bool, &'static str);

/// Field checks: invoices need a `customer` string and a non-negative `amount`; services need a
/// `name` string. On update only the fields present are checked.
fn validate(resource: &str, fields: &Map<String, Value>, creating: bool) -> Result<(), ApiError> {
    let rules: &[Rule] = match resource {
        "invoices" => &[
            (
                "customer",
                |v| v.as_str().is_some_and(|s| !s.trim().is_empty()),
                "a non-empty string",
            ),
            (
                "amount",
                |v| v.as_f64().is_some_and(|n| n >= 0.0),
                "a number of 0 or more",
            ),
        ],
        _ => &[(
            "name",
            |v| v.as_str().is_some_and(|s| !s.trim().is_empty()),
            "a non-empty string",
        )],
    };
    for (field, check, what) in rules {
        match fields.get(*field) {
            Some(value) if !check(value) => {
                return Err(ApiError::InvalidRequest(format!("{field} must be {what}")));
            }
            None if creating => {
                return Err(ApiError::InvalidRequest(format!(
                    "{field} is required ({what})"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginates_like_drivly() {
        let r = Resources::seeded(Utc::now());
        let page = r.list("invoices", 2, 10).unwrap();
        assert_eq!(page["docs"].as_array().unwrap().len(), 2);
        assert_eq!(page["totalPages"], 2);
        assert_eq!(page["hasNextPage"], false);
        assert_eq!(page["prevPage"], 1);
        assert!(r.list("invoices", 0, 10).is_err());
    }

    #[test]
    fn create_update_delete() {
        let now = Utc::now();
        let mut r = Resources::seeded(now);
        assert!(r.create("invoices", json!({"customer": "X"}), now).is_err());
        let doc = r
            .create("invoices", json!({"customer": "X", "amount": 5}), now)
            .unwrap();
        let id = doc["id"].as_str().unwrap().to_owned();
        let updated = r
            .update("invoices", &id, json!({"amount": 7, "id": "hack"}), now)
            .unwrap();
        assert_eq!(updated["amount"], 7);
        assert_eq!(updated["id"], id.as_str());
        r.delete("invoices", &id).unwrap();
        assert!(r.get("invoices", &id).is_err());
    }
}
