//! Reading dotenv files for `run --env-file`.
//!
//! The syntax most tools agree on: `KEY=VALUE` lines, blank lines and `#` comments, an optional
//! `export ` in front; values unquoted (trimmed, a ` #` starts a comment), in single quotes
//! (taken literally) or in double quotes (`\n`, `\t`, `\"`, `\\` escapes, may span lines). No
//! variable expansion: a `$` is just a character, so a value never depends on the environment.

use std::path::Path;

use drivly_core::Code;

use crate::error::CliError;

/// One `KEY=VALUE` pair in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    /// The variable's name.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// Reads and parses `path`.
///
/// # Errors
/// `env_file_unreadable` when the file cannot be read, `env_file_invalid` (exit 2) naming the
/// file and line (never a value) when a line is not dotenv.
pub fn read(path: &Path) -> Result<Vec<EnvEntry>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Core {
        code: Code::EnvFileUnreadable,
        message: format!(
            "could not read the env file {} ({})",
            path.display(),
            e.kind()
        ),
    })?;
    parse(&text).map_err(|(line, reason)| {
        CliError::usage(
            Code::EnvFileInvalid,
            format!("{}:{line}: {reason}", path.display()),
        )
    })
}

/// Parses dotenv text; an error is the 1-based line and what is wrong there.
pub fn parse(text: &str) -> Result<Vec<EnvEntry>, (usize, &'static str)> {
    let mut entries = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let line = lines[i].trim_start_matches('\u{feff}').trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, rest)) = line.split_once('=') else {
            return Err((number, "expected KEY=VALUE"));
        };
        let key = key.trim();
        if key.is_empty()
            || key.starts_with(|c: char| c.is_ascii_digit())
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err((number, "the name must be letters, digits and '_'"));
        }
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('\'') {
            let Some((inner, _)) = body.split_once('\'') else {
                return Err((number, "a single quote is not closed"));
            };
            inner.to_owned()
        } else if let Some(body) = rest.strip_prefix('"') {
            // May continue on the following lines until the closing quote.
            let mut raw = body.to_owned();
            loop {
                if let Some(end) = closing_double_quote(&raw) {
                    raw.truncate(end);
                    break;
                }
                let Some(next) = lines.get(i) else {
                    return Err((number, "a double quote is not closed"));
                };
                raw.push('\n');
                raw.push_str(next);
                i += 1;
            }
            unescape(&raw)
        } else {
            let value = match rest.find(" #") {
                Some(at) => &rest[..at],
                None => rest,
            };
            value.trim_end().to_owned()
        };
        entries.push(EnvEntry {
            key: key.to_owned(),
            value,
        });
    }
    Ok(entries)
}

/// The byte offset of the first unescaped `"`.
fn closing_double_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(at),
            _ => {}
        }
    }
    None
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    #[test]
    fn dotenv_syntax() {
        let text = "# comment\n\nA=plain\nexport B = spaced value  # note\nC='single # kept $HOME'\nD=\"line\\nbreak \\\"q\\\"\"\nE=\"two\nlines\"\nF=\nG=drivly://emulator/keys/ci-key\n";
        assert_eq!(
            pairs(text),
            [
                ("A", "plain"),
                ("B", "spaced value"),
                ("C", "single # kept $HOME"),
                ("D", "line\nbreak \"q\""),
                ("E", "two\nlines"),
                ("F", ""),
                ("G", "drivly://emulator/keys/ci-key"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn errors_name_the_line_only() {
        assert_eq!(parse("A=1\nnot a pair\n"), Err((2, "expected KEY=VALUE")));
        assert_eq!(parse("A='open\n"), Err((1, "a single quote is not closed")));
        assert_eq!(
            parse("A=\"open\nB=2\n"),
            Err((1, "a double quote is not closed"))
        );
        assert!(parse("1A=x").is_err());
    }
}
