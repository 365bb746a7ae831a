//! Problems found in source text, each with a span, a label and a hint, reported all at once.

use std::ops::Range;

/// One problem in a source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Byte range of the offending text.
    pub span: Range<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// A short label printed under the marker.
    pub label: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at `span` with a message and label.
    pub fn new(
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            label: label.into(),
            help: None,
        }
    }

    /// The same problem with a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The same problem moved by `offset` bytes, for text embedded in a larger file.
    pub fn shifted(mut self, offset: usize) -> Diagnostic {
        self.span = self.span.start + offset..self.span.end + offset;
        self
    }
}

/// A line and column, both counted from 1; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// Line number from 1.
    pub line: usize,
    /// Column number from 1, in characters.
    pub col: usize,
}

/// Where byte `offset` of `source` falls.
pub fn line_col(source: &str, offset: usize) -> LineCol {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    LineCol { line, col }
}

/// Where each line of a text starts, so each diagnostic finds its line by a binary search
/// instead of a scan from the top: rendering thousands of them took quadratic time.
struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(source: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { source, starts }
    }

    /// The same answer as [`line_col`].
    fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(self.source, offset.min(self.source.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let col = self.source[self.starts[line - 1]..offset].chars().count() + 1;
        LineCol { line, col }
    }

    /// Line `line` (from 1) without its line ending, as `str::lines` gives it.
    fn text(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        match self.starts.get(line) {
            Some(&next) => {
                let text = &self.source[start..next - 1];
                text.strip_suffix('\r').unwrap_or(text)
            }
            None => &self.source[start..],
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders diagnostics the way compilers do: `file:line:col: error: message`, the source line,
/// a marker under the span with its label, and the hint.
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let lines = LineIndex::new(source);
    for d in diagnostics {
        let start = lines.line_col(d.span.start);
        out.push_str(&format!(
            "{file}:{}:{}: error: {}\n",
            start.line, start.col, d.message
        ));
        let line_text = lines.text(start.line);
        let gutter = start.line.to_string();
        let pad = " ".repeat(gutter.len());
        out.push_str(&format!("{pad} |\n{gutter} | {line_text}\n"));
        let line_chars = line_text.chars().count();
        let end = lines.line_col(d.span.end.max(d.span.start));
        let width = if end.line == start.line {
            end.col.saturating_sub(start.col)
        } else {
            line_chars + 1 - start.col
        };
        let width = width.max(1);
        out.push_str(&format!(
            "{pad} | {}{} {}\n",
            " ".repeat(start.col - 1),
            "^".repeat(width),
            d.label
        ));
        if let Some(help) = &d.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_index_finds_the_same_lines_and_columns_as_a_scan() {
        for source in [
            "",
            "\n",
            "a",
            "tempo 120\r\ntrack é\n  play \"bd 日本\"\n\n",
            "x\ry\n\r\n\r",
            "no newline at the end 🥁",
        ] {
            let lines = LineIndex::new(source);
            for offset in 0..=source.len() + 2 {
                assert_eq!(
                    lines.line_col(offset),
                    line_col(source, offset),
                    "{source:?} {offset}"
                );
            }
            for line in 0..=source.lines().count() + 2 {
                let expected = source.lines().nth(line.wrapping_sub(1)).unwrap_or("");
                assert_eq!(lines.text(line), expected, "{source:?} line {line}");
            }
        }
    }
}
