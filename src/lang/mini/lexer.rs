//! Splits mini-notation text into tokens, keeping where each came from.

use std::ops::Range;

use crate::lang::diagnostic::Diagnostic;

/// The kinds of token in mini-notation.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A step: a word, a number, a note name.
    Word(String),
    /// `~` or `-` alone: a rest.
    Rest,
    /// `_` alone, or `_N`: stretch the previous step.
    Elongate(Option<String>),
    /// `.` alone: splits a sequence into equal groups.
    Dot,
    /// `..`: a numeric range.
    Range,
    /// One of `[ ] < > { } ( ) , | * / ! @ ? : %`.
    Punct(char),
}

/// A token with its byte span and whether white space came before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Where it is, in bytes.
    pub span: Range<usize>,
    /// Whether white space separates it from the token before.
    pub spaced: bool,
}

/// Characters that may make up a step, as in Strudel.
fn is_step_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '~' | '-' | '#' | '.' | '^' | '_')
}

/// Splits `src` into tokens, or says which character is not mini-notation.
pub fn lex(src: &str) -> Result<Vec<Token>, Diagnostic> {
    let mut tokens = Vec::new();
    let mut chars = src.char_indices().peekable();
    let mut spaced = true;
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            spaced = true;
            continue;
        }
        if "[]<>{}(),|*/!@?:%".contains(c) {
            chars.next();
            tokens.push(Token {
                tok: Tok::Punct(c),
                span: start..start + c.len_utf8(),
                spaced,
            });
            spaced = false;
            continue;
        }
        if is_step_char(c) {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !is_step_char(c) {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            let text = &src[start..end];
            let tok = match text {
                "~" | "-" => Tok::Rest,
                "." => Tok::Dot,
                ".." => Tok::Range,
                _ if text.starts_with('_')
                    && text[1..].bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
                {
                    Tok::Elongate((text.len() > 1).then(|| text[1..].to_string()))
                }
                _ => Tok::Word(text.to_string()),
            };
            tokens.push(Token {
                tok,
                span: start..end,
                spaced,
            });
            spaced = false;
            continue;
        }
        // The chord modifier `o+1` (an octave up, as in `c4:maj7:o+1`): `+` joins the `o`
        // right before it to the number right after.
        if c == '+'
            && let Some(Token {
                tok: Tok::Word(w),
                span,
                ..
            }) = tokens.last_mut()
            && w == "o"
            && span.end == start
        {
            chars.next();
            let mut end = start + 1;
            while let Some(&(i, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                end = i + 1;
                chars.next();
            }
            w.push_str(&src[start..end]);
            span.end = end;
            spaced = false;
            continue;
        }
        let span = start..start + c.len_utf8();
        let hint = match c {
            '"' => "mini-notation goes inside the quotes; a quote inside it ends the pattern",
            '=' | '+' | '&' | '$' => "mini-notation has no operators; use spaces between steps",
            _ => "steps are words or numbers; brackets [ ] < > { } group them",
        };
        return Err(Diagnostic::new(
            span,
            format!("unexpected character `{c}` in mini-notation"),
            "not allowed here",
        )
        .with_help(hint));
    }
    Ok(tokens)
}
