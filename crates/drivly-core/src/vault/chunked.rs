//! Splitting long values over several store items, for stores with a small item limit
//! (Windows Credential Manager: 2,560 bytes per credential blob).
//!
//! Layout: a value that fits is stored as-is in the item `<user>`, so it stays readable by
//! other tools (`secret-tool lookup`). A longer value (or one that happens to begin with the
//! header magic) is written as chunks `<user>#<generation>.<i>` followed by a header in `<user>`:
//! `DKCHUNK1 <generation> <count> <length> <sha256 hex>`.
//!
//! Invariants:
//! - the header is written last and names a fresh generation, so a crash mid-write leaves the
//!   old value readable (its chunks are untouched) and only unreferenced chunks behind;
//! - old chunks are removed after the new header is in place; deletion removes chunks first and
//!   the header last, so a retried delete still finds every chunk;
//! - a read verifies length and checksum, so a damaged value is reported, never returned.

use sha2::{Digest, Sha256};

use super::secret_store::{MAX_SECRET_BYTES, SecretBytes, StoreError};

/// The header prefix marking a chunked value.
const MAGIC: &[u8] = b"DKCHUNK1 ";
/// The smallest item size chunking can work with (a header is about 100 bytes).
const MIN_ITEM: usize = 128;

/// Item-level access to a store: one item, no chunking. Implemented by the keyring and the
/// in-memory store; `fetch` returns `None` and `remove` returns `false` for a missing item.
pub(crate) trait ItemIo {
    fn put(&self, user: &str, bytes: &[u8]) -> Result<(), StoreError>;
    fn fetch(&self, user: &str) -> Result<Option<SecretBytes>, StoreError>;
    fn remove(&self, user: &str) -> Result<bool, StoreError>;
}

struct Header {
    generation: String,
    count: usize,
    len: usize,
    sha256: String,
}

impl Header {
    fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(
            format!(
                "{} {} {} {}",
                self.generation, self.count, self.len, self.sha256
            )
            .as_bytes(),
        );
        out
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let rest = std::str::from_utf8(bytes.strip_prefix(MAGIC)?).ok()?;
        let mut parts = rest.split(' ');
        let header = Self {
            generation: parts.next()?.to_owned(),
            count: parts.next()?.parse().ok()?,
            len: parts.next()?.parse().ok()?,
            sha256: parts.next()?.to_owned(),
        };
        let sane = parts.next().is_none()
            && !header.generation.is_empty()
            && header.generation.bytes().all(|b| b.is_ascii_hexdigit())
            && header.len <= MAX_SECRET_BYTES
            && header.count <= MAX_SECRET_BYTES / MIN_ITEM + 1;
        sane.then_some(header)
    }

    fn chunk_user(&self, user: &str, i: usize) -> String {
        format!("{user}#{}.{i}", self.generation)
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The header of the value currently stored at `user`, if it is chunked.
fn current_header(io: &dyn ItemIo, user: &str) -> Result<Option<Header>, StoreError> {
    Ok(io.fetch(user)?.and_then(|v| Header::decode(v.expose())))
}

fn remove_chunks(io: &dyn ItemIo, user: &str, header: &Header) -> Result<(), StoreError> {
    for i in 0..header.count {
        io.remove(&header.chunk_user(user, i))?;
    }
    Ok(())
}

/// Stores `value` at `user`, chunking when it exceeds `max_item`.
pub(crate) fn write(
    io: &dyn ItemIo,
    user: &str,
    value: &[u8],
    max_item: usize,
) -> Result<(), StoreError> {
    if value.len() > MAX_SECRET_BYTES {
        return Err(StoreError::TooLong {
            len: value.len(),
            max: MAX_SECRET_BYTES,
        });
    }
    let old = current_header(io, user)?;
    if value.len() <= max_item && !value.starts_with(MAGIC) {
        io.put(user, value)?;
    } else {
        if max_item < MIN_ITEM {
            return Err(StoreError::TooLong {
                len: value.len(),
                max: max_item,
            });
        }
        let header = Header {
            generation: format!("{:08x}", rand::random::<u32>()),
            count: value.len().div_ceil(max_item),
            len: value.len(),
            sha256: sha256_hex(value),
        };
        for (i, chunk) in value.chunks(max_item).enumerate() {
            io.put(&header.chunk_user(user, i), chunk)?;
        }
        io.put(user, &header.encode())?;
    }
    if let Some(old) = old {
        remove_chunks(io, user, &old)?;
    }
    Ok(())
}

/// Reads the value at `user`, reassembling chunks; [`StoreError::Missing`] when absent.
pub(crate) fn read(io: &dyn ItemIo, user: &str) -> Result<SecretBytes, StoreError> {
    let first = io.fetch(user)?.ok_or(StoreError::Missing)?;
    if !first.expose().starts_with(MAGIC) {
        return Ok(first);
    }
    let header = Header::decode(first.expose()).ok_or(StoreError::Corrupt)?;
    // Capacity is reserved up front and never exceeded, so no reallocation leaves a partial
    // copy of the secret in freed memory.
    let mut out = SecretBytes::new(Vec::with_capacity(header.len));
    for i in 0..header.count {
        let chunk = io
            .fetch(&header.chunk_user(user, i))?
            .ok_or(StoreError::Corrupt)?;
        if out.len() + chunk.len() > header.len {
            return Err(StoreError::Corrupt);
        }
        out.extend_within_capacity(chunk.expose());
    }
    if out.len() != header.len || sha256_hex(out.expose()) != header.sha256 {
        return Err(StoreError::Corrupt);
    }
    Ok(out)
}

/// Removes the value at `user` and all its chunks; `false` when nothing was there.
pub(crate) fn delete(io: &dyn ItemIo, user: &str) -> Result<bool, StoreError> {
    if let Some(header) = current_header(io, user)? {
        remove_chunks(io, user, &header)?;
    }
    io.remove(user)
}
