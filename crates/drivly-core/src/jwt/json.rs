//! JSON text to a `serde_json::Value`: the same tree `serde_json::from_str` builds, but with
//! arrays grown in steps that suit glibc's allocator.
//!
//! Why: serde_json grows an array by doubling, so a token's 24 permissions end in a `realloc`
//! to a 1 KiB block. glibc serves requests up to 1,000 bytes from its caches and small bins,
//! but a larger request first consolidates its fast bins (`malloc_consolidate`), and then the
//! inspection's hundred small allocations and frees take glibc's slow paths: a tenth of an
//! inspection's time in a profile. Here an array goes from 4 elements straight to the most that
//! fit in [`SMALL_BLOCK`] bytes, so arrays of up to 31 values never make a large request.
//!
//! Everything else is serde_json's: the parser, its errors and its recursion limit. Numbers
//! become `Value`s as serde_json's own visitor makes them; objects are serde_json's `Map`, in
//! which a repeated key keeps its last value. (With serde_json's `raw_value` feature, which
//! axum turns on in test builds, serde_json's own visitor also treats an object whose first
//! key is its private raw-value marker specially; this one keeps such an object as it is.)

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The largest request glibc serves without consolidating: a request takes a chunk of its
/// size plus 8 bytes, rounded up to 16, and chunks from 1,024 bytes up are large.
const SMALL_BLOCK: usize = 1000;

/// The capacities an array takes: serde_json's first, then as many as fit in [`SMALL_BLOCK`].
const FIRST_CAPACITY: usize = 4;
const SMALL_CAPACITY: usize = SMALL_BLOCK / size_of::<Value>();

/// Parses `text` as one JSON value, refusing trailing characters as `serde_json::from_str`
/// does.
pub(crate) fn parse(text: &str) -> serde_json::Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = ValueSeed.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Builds one `Value`; nested values are built by the same seed.
#[derive(Clone, Copy)]
struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            if items.len() == items.capacity() {
                let capacity = match items.capacity() {
                    0 => FIRST_CAPACITY,
                    FIRST_CAPACITY => SMALL_CAPACITY,
                    full => 2 * full,
                };
                items.reserve_exact(capacity - items.len());
            }
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree is the one serde_json builds, for every kind of value, array lengths around
    /// each capacity step, nesting, repeated keys and escapes; and errors are serde_json's.
    #[test]
    fn same_tree_and_errors_as_serde_json() {
        let long = |n: usize| {
            let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            format!("[{}]", items.join(","))
        };
        let mut texts: Vec<String> = [
            "null",
            "true",
            "0",
            "-1",
            "18446744073709551615",
            "-9223372036854775808",
            "1.5",
            "1e400",
            "-0.0",
            "\"a\\u00e9\\n\\\"b\"",
            "[]",
            "{}",
            "[[], [[]], {}]",
            "{\"a\": 1, \"b\": [1, \"x\", null], \"a\": 2}",
            "{\"z\": {\"y\": {\"x\": [true, false]}}}",
            " [1, 2] ",
            "[1, 2] x",
            "[1, 2",
            "{\"a\" 1}",
            "{1: 2}",
            "",
            "nul",
            "[1,]",
            "\"\\ud800\"",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        for n in [
            4,
            5,
            SMALL_CAPACITY,
            SMALL_CAPACITY + 1,
            3 * SMALL_CAPACITY + 5,
        ] {
            texts.push(long(n));
        }
        texts.push(format!("{}{}", "[".repeat(200), "]".repeat(200)));
        for text in &texts {
            let ours = parse(text).map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
