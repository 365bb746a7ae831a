//! The line structure of a `.flam` file: one statement per line, words and quoted strings,
//! comments after `#` or `//`. Indentation is for the reader only.

use std::ops::Range;

use crate::lang::diagnostic::Diagnostic;

/// A word or a quoted string on a statement line.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The text: a word as written, or a string's contents without the quotes.
    pub text: String,
    /// Whether it was a quoted string.
    pub quoted: bool,
    /// Byte span in the file; for strings, the contents between the quotes.
    pub span: Range<usize>,
}

/// One non-empty line: its first word is the keyword.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// All tokens, keyword first.
    pub tokens: Vec<Token>,
    /// The line number, from 1.
    pub line: usize,
    /// Byte span of the line's content.
    pub span: Range<usize>,
}

impl Statement {
    /// The keyword, lower-cased.
    pub fn keyword(&self) -> String {
        self.tokens
            .first()
            .map(|t| t.text.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// The tokens after the keyword.
    pub fn args(&self) -> &[Token] {
        self.tokens.get(1..).unwrap_or(&[])
    }
}

/// Splits a file into statements; every unterminated string is reported.
pub fn statements(src: &str) -> (Vec<Statement>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut offset = 0;
    for (index, raw_line) in src.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        match tokenize(line, line_start) {
            Ok(tokens) if tokens.is_empty() => {}
            Ok(tokens) => {
                let span = tokens[0].span.start..tokens.last().map_or(line_start, |t| t.span.end);
                out.push(Statement {
                    tokens,
                    line: index + 1,
                    span,
                });
            }
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

fn tokenize(line: &str, base: usize) -> Result<Vec<Token>, Diagnostic> {
    let mut tokens = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' || (c == b'/' && bytes.get(i + 1) == Some(&b'/')) {
            break;
        }
        if c == b'"' || c == b'`' {
            let quote = c;
            let start = i + 1;
            let Some(len) = line[start..].bytes().position(|b| b == quote) else {
                return Err(Diagnostic::new(
                    base + i..base + line.len(),
                    "this string is never closed",
                    "unclosed string",
                )
                .with_help(format!(
                    "end the pattern with `{}` on the same line",
                    quote as char
                )));
            };
            tokens.push(Token {
                text: line[start..start + len].to_string(),
                quoted: true,
                span: base + start..base + start + len,
            });
            i = start + len + 1;
            continue;
        }
        // A parenthesis is a word of its own: `off 1/8 (add 7)` groups a transform.
        if c == b'(' || c == b')' {
            tokens.push(Token {
                text: (c as char).to_string(),
                quoted: false,
                span: base + i..base + i + 1,
            });
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b'"'
            && bytes[i] != b'`'
            && bytes[i] != b'('
            && bytes[i] != b')'
        {
            // A `#` inside a word is a sharp (`scale f#3:dorian`); only one that starts a
            // word starts a comment.
            if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/') {
                break;
            }
            i += 1;
        }
        // Step back to a character boundary: words may hold any UTF-8.
        while !line.is_char_boundary(i) {
            i += 1;
        }
        tokens.push(Token {
            text: line[start..i].to_string(),
            quoted: false,
            span: base + start..base + i,
        });
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_track_line_splits_into_words_and_patterns() {
        let (stmts, errors) =
            statements("track kick drums # the four on the floor\n  play \"bd*4\" // loud\n");
        assert!(errors.is_empty());
        assert_eq!(stmts.len(), 2);
        assert_eq!(stmts[0].keyword(), "track");
        assert_eq!(stmts[1].args()[0].text, "bd*4");
        assert!(stmts[1].args()[0].quoted);
        assert_eq!(stmts[1].args()[0].span, 49..53);
        assert_eq!(stmts[1].line, 2);
    }

    #[test]
    fn an_unclosed_pattern_is_reported_on_its_line() {
        let (_, errors) = statements("tempo 120\nplay \"bd sn\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span.start, 15);
    }
}
