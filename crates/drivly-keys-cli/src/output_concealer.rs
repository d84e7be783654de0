//! Replacing secrets in a child's output stream, even when a secret arrives split across
//! writes.
//!
//! The concealer holds back the shortest tail of what it has seen that could still grow into a
//! secret (a proper prefix of one), and passes everything before it on. A whole secret becomes
//! [`MASK`]; at one position the longest secret wins. At the end of the stream the held-back
//! tail, which never became a secret, is passed on as it is. The secrets are zeroized with the
//! concealer.

use zeroize::Zeroizing;

/// What every concealed value is replaced with.
pub const MASK: &[u8] = b"<concealed by drivly-keys>";

/// A streaming replacer over one output stream.
pub struct Concealer {
    /// Longest first, so the longest match wins where secrets share a start.
    secrets: Vec<Zeroizing<Vec<u8>>>,
    held: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Concealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Concealer")
            .field("secrets", &self.secrets.len())
            .finish_non_exhaustive()
    }
}

impl Concealer {
    /// A concealer for `secrets` (empty ones are ignored).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Self {
        let mut secrets: Vec<Zeroizing<Vec<u8>>> = secrets
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| Zeroizing::new(s.as_bytes().to_vec()))
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self {
            secrets,
            held: Zeroizing::new(Vec::new()),
        }
    }

    /// Takes the next chunk of the stream; returns what can be written now.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        self.held.extend_from_slice(chunk);
        let mut out = Vec::with_capacity(self.held.len());
        let mut at = 0;
        let data = &self.held[..];
        while at < data.len() {
            if let Some(len) = self.secret_at(&data[at..]) {
                out.extend_from_slice(MASK);
                at += len;
                continue;
            }
            if self.could_grow(&data[at..]) {
                break;
            }
            out.push(data[at]);
            at += 1;
        }
        let rest = Zeroizing::new(self.held[at..].to_vec());
        self.held = rest;
        out
    }

    /// The end of the stream: what was held back.
    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut *self.held)
    }

    /// The length of the (longest) secret starting `data`.
    fn secret_at(&self, data: &[u8]) -> Option<usize> {
        self.secrets
            .iter()
            .find(|s| data.starts_with(s))
            .map(|s| s.len())
    }

    /// True when `data` is a proper prefix of a secret (more input could complete it).
    fn could_grow(&self, data: &[u8]) -> bool {
        self.secrets
            .iter()
            .any(|s| s.len() > data.len() && s.starts_with(data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(secrets: &[&str], chunks: &[&str]) -> String {
        let mut c = Concealer::new(secrets.iter().copied());
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(c.push(chunk.as_bytes()));
        }
        out.extend(c.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn whole_and_split_secrets_are_concealed() {
        let m = "<concealed by drivly-keys>";
        assert_eq!(run(&["s3cr3t"], &["a s3cr3t b"]), format!("a {m} b"));
        assert_eq!(run(&["s3cr3t"], &["a s3c", "r3t b"]), format!("a {m} b"));
        assert_eq!(run(&["s3cr3t"], &["s", "3", "c", "r", "3", "t"]), m);
        assert_eq!(run(&["s3cr3t"], &["s3cr3ts3cr3t"]), format!("{m}{m}"));
        assert_eq!(run(&["abc", "abcdef"], &["xabcdefx"]), format!("x{m}x"));
        assert_eq!(run(&["abc", "abcdef"], &["xabcdx"]), format!("x{m}dx"));
        assert_eq!(run(&["secret"], &["a sec"]), "a sec");
        assert_eq!(run(&["secret"], &["ssecret"]), format!("s{m}"));
        assert_eq!(run(&[], &["plain"]), "plain");
    }

    #[test]
    fn only_a_possible_prefix_is_held_back() {
        let mut c = Concealer::new(["secret"]);
        assert_eq!(c.push(b"hello se"), b"hello ");
        assert_eq!(c.push(b"a"), b"sea");
    }
}
