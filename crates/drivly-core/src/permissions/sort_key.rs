//! A number that orders permissions as their `Ord` does, for sorting a token's permissions.
//!
//! Why: every inspection sorts the token's permissions, and comparing them directly is two
//! dependent loads and a `memcmp` call per comparison, which made building the set a fifth of
//! an inspection's time in a profile. Keys are computed once per permission and compared in two
//! instructions.
//!
//! The key is the text with its dot replaced by a zero byte, which orders exactly as (resource,
//! access) does: no resource byte is zero, so a resource that is a prefix of another sorts
//! first, and `read` sorts before `write`. Only its first sixteen bytes are kept, as one
//! big-endian number: keys that differ order as their permissions do, and equal keys mean equal
//! permissions for texts of up to sixteen bytes (`invoices.write` has fourteen). Longer texts
//! that share their first sixteen bytes need a full comparison.

use super::permission::Permission;

impl Permission {
    /// The sort key described in the module docs.
    #[inline]
    pub(super) fn sort_key(&self) -> u128 {
        let text = self.as_str().as_bytes();
        let len = text.len();
        let padded = match (text.first_chunk::<8>(), text.last_chunk::<8>()) {
            // Two eight-byte loads cover a text of eight to sixteen bytes (overlapping when it
            // is shorter), where a copy of variable length would be a call. The overlap is
            // shifted out of the second.
            (Some(head), Some(tail)) if len <= 16 => {
                let tail = u64::from_be_bytes(*tail)
                    .checked_shl(8 * (16 - len) as u32)
                    .unwrap_or(0);
                u128::from(u64::from_be_bytes(*head)) << 64 | u128::from(tail)
            }
            _ => match text.first_chunk::<16>() {
                Some(first) => u128::from_be_bytes(*first),
                None => gather(text),
            },
        };
        // The dot follows the resource; past sixteen bytes it is not in the key.
        let resource_len = self.resource().len();
        let dot = if resource_len < 16 {
            0xff_u128 << (8 * (15 - resource_len))
        } else {
            0
        };
        padded & !dot
    }
}

/// A text under eight bytes, big-endian and zero-padded as [`Permission::sort_key`] reads a
/// longer one.
fn gather(text: &[u8]) -> u128 {
    let mut bytes = [0; 16];
    for (to, from) in bytes.iter_mut().zip(text) {
        *to = *from;
    }
    u128::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permission(text: &str) -> Permission {
        match Permission::parse(text) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    /// Keys order as the permissions do, and are equal only for equal permissions or texts
    /// longer than sixteen bytes: short and long texts, resources that are prefixes of one
    /// another, and '-', which sorts before '.'.
    #[test]
    fn keys_order_as_permissions() {
        let texts = [
            "a.read",
            "a.write",
            "ab.read",
            "a-b.read",
            "a_b.write",
            "a0.read",
            "b.read",
            "abc.write",
            "abcdefg.read",
            "abcdefgh.read",
            "abcdefgh.write",
            "abcdefghijk.read",
            "abcdefghijk.write",
            "abcdefghijkl.read",
            "abcdefghijklmno.read",
            "abcdefghijklmnop.read",
            "abcdefghijklmnop.write",
            "abcdefghijklmnopq.read",
            "abcdefghijklmnop-.read",
            "abcdefghijklmnopqrstuvwxyz.write",
            "abcdefghijklmnopqrstuvwxyz.read",
            "invoices.read",
            "invoices-archive.read",
            "invoices_archive.write",
            "z.write",
            "0.read",
            "-.read",
            "_.read",
        ];
        let permissions: Vec<Permission> = texts.iter().map(|t| permission(t)).collect();
        for a in &permissions {
            for b in &permissions {
                let (ka, kb) = (a.sort_key(), b.sort_key());
                if ka == kb {
                    let long = a.as_str().len() > 16 && b.as_str().len() > 16;
                    assert!(a == b || long, "{a} and {b} share a key");
                } else {
                    assert_eq!(ka.cmp(&kb), a.cmp(b), "{a} vs {b}");
                }
            }
        }
    }
}
