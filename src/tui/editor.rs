//! The text buffer of the editor pane: lines, a cursor, and undo/redo.

/// How many edits undo remembers.
const UNDO_DEPTH: usize = 500;

/// A cursor position: line and column, both counted in characters from 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Line index.
    pub line: usize,
    /// Character index within the line.
    pub col: usize,
}

/// A snapshot for undo: the text and where the cursor was.
#[derive(Clone, Debug, PartialEq)]
struct Snapshot {
    lines: Vec<String>,
    cursor: Cursor,
}

/// What kind of edit was last made, so typing a word undoes as one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EditKind {
    Insert,
    Delete,
    Other,
}

/// An editable text with a cursor.
#[derive(Clone, Debug)]
pub struct Editor {
    lines: Vec<String>,
    cursor: Cursor,
    /// The first line shown.
    pub scroll: usize,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    last_edit: Option<EditKind>,
}

fn char_to_byte(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map_or(s.len(), |(i, _)| i)
}

impl Editor {
    /// An editor holding `text`, cursor at the start.
    pub fn new(text: &str) -> Editor {
        let mut lines: Vec<String> = text
            .split('\n')
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        Editor {
            lines,
            cursor: Cursor::default(),
            scroll: 0,
            undo: Vec::new(),
            redo: Vec::new(),
            last_edit: None,
        }
    }

    /// The whole text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The lines.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Where the cursor is.
    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    /// Moves the cursor to the character at byte `offset` of the text (for jumping to errors).
    pub fn move_to_offset(&mut self, offset: usize) {
        let mut remaining = offset;
        for (i, line) in self.lines.iter().enumerate() {
            if remaining <= line.len() {
                let col = line[..floor_boundary(line, remaining)].chars().count();
                self.cursor = Cursor { line: i, col };
                self.last_edit = None;
                return;
            }
            remaining -= line.len() + 1;
        }
        self.end_of_text();
    }

    /// Moves to the start or the end of the whole text.
    pub fn text_start_end(&mut self, end: bool) {
        self.last_edit = None;
        if end {
            self.end_of_text();
        } else {
            self.cursor = Cursor { line: 0, col: 0 };
        }
    }

    fn end_of_text(&mut self) {
        let line = self.lines.len() - 1;
        self.cursor = Cursor {
            line,
            col: self.lines[line].chars().count(),
        };
    }

    fn line_chars(&self, line: usize) -> usize {
        self.lines.get(line).map_or(0, |l| l.chars().count())
    }

    fn remember(&mut self, kind: EditKind) {
        // Consecutive inserts (or deletes) within a line are one undo step.
        if self.last_edit != Some(kind) || kind == EditKind::Other {
            self.undo.push(Snapshot {
                lines: self.lines.clone(),
                cursor: self.cursor,
            });
            if self.undo.len() > UNDO_DEPTH {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.last_edit = Some(kind);
    }

    /// Types a character at the cursor.
    pub fn insert_char(&mut self, c: char) {
        if c == '\n' {
            return self.newline();
        }
        self.remember(if c == ' ' {
            EditKind::Other
        } else {
            EditKind::Insert
        });
        let Cursor { line, col } = self.cursor;
        let at = char_to_byte(&self.lines[line], col);
        self.lines[line].insert(at, c);
        self.cursor.col += 1;
    }

    /// Inserts text (for pastes) as one undo step, keeping line breaks: LF, CRLF, and the
    /// lone CR that terminals send for each line of a bracketed paste.
    pub fn insert_str(&mut self, s: &str) {
        self.remember(EditKind::Other);
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' && chars.peek() == Some(&'\n') {
                continue;
            }
            if c == '\n' || c == '\r' {
                self.split_line();
            } else {
                let Cursor { line, col } = self.cursor;
                let at = char_to_byte(&self.lines[line], col);
                self.lines[line].insert(at, c);
                self.cursor.col += 1;
            }
        }
        self.last_edit = Some(EditKind::Other);
    }

    /// Starts an edit made of several changes, so one undo takes all of them back.
    pub fn checkpoint(&mut self) {
        self.remember(EditKind::Other);
    }

    /// Replaces line `index` with `text` (or inserts it before `index` when `insert`); the
    /// cursor stays where it was in the text around it. Part of the edit begun by the last
    /// [`Editor::checkpoint`].
    pub fn set_line(&mut self, index: usize, text: &str, insert: bool) {
        self.redo.clear();
        let index = index.min(self.lines.len());
        if insert || index == self.lines.len() {
            self.lines.insert(index, text.to_string());
            if self.cursor.line >= index {
                self.cursor.line += 1;
            }
        } else {
            self.lines[index] = text.to_string();
            if self.cursor.line == index {
                self.cursor.col = self.cursor.col.min(self.line_chars(index));
            }
        }
        self.last_edit = Some(EditKind::Other);
    }

    /// Breaks the line at the cursor, keeping the indentation.
    pub fn newline(&mut self) {
        self.remember(EditKind::Other);
        self.split_line();
        let indent: String = self.lines[self.cursor.line - 1]
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        let n = indent.chars().count();
        self.lines[self.cursor.line].insert_str(0, &indent);
        self.cursor.col = n;
    }

    fn split_line(&mut self) {
        let Cursor { line, col } = self.cursor;
        let at = char_to_byte(&self.lines[line], col);
        let rest = self.lines[line].split_off(at);
        self.lines.insert(line + 1, rest);
        self.cursor = Cursor {
            line: line + 1,
            col: 0,
        };
    }

    /// Deletes the character before the cursor, joining lines at a line start.
    pub fn backspace(&mut self) {
        let Cursor { line, col } = self.cursor;
        if col == 0 && line == 0 {
            return;
        }
        self.remember(EditKind::Delete);
        if col > 0 {
            let at = char_to_byte(&self.lines[line], col - 1);
            self.lines[line].remove(at);
            self.cursor.col -= 1;
        } else {
            let current = self.lines.remove(line);
            let prev_len = self.line_chars(line - 1);
            self.lines[line - 1].push_str(&current);
            self.cursor = Cursor {
                line: line - 1,
                col: prev_len,
            };
        }
    }

    /// Deletes the character under the cursor, joining lines at a line end.
    pub fn delete(&mut self) {
        let Cursor { line, col } = self.cursor;
        if col < self.line_chars(line) {
            self.remember(EditKind::Delete);
            let at = char_to_byte(&self.lines[line], col);
            self.lines[line].remove(at);
        } else if line + 1 < self.lines.len() {
            self.remember(EditKind::Delete);
            let next = self.lines.remove(line + 1);
            self.lines[line].push_str(&next);
        }
    }

    /// Moves the cursor by lines and columns, staying inside the text.
    pub fn move_by(&mut self, lines: isize, cols: isize) {
        self.last_edit = None;
        if lines != 0 {
            let target = (self.cursor.line as isize + lines).clamp(0, self.lines.len() as isize - 1)
                as usize;
            self.cursor.line = target;
            self.cursor.col = self.cursor.col.min(self.line_chars(target));
        }
        if cols < 0 {
            for _ in 0..cols.unsigned_abs() {
                if self.cursor.col > 0 {
                    self.cursor.col -= 1;
                } else if self.cursor.line > 0 {
                    self.cursor.line -= 1;
                    self.cursor.col = self.line_chars(self.cursor.line);
                }
            }
        }
        for _ in 0..cols.max(0) {
            if self.cursor.col < self.line_chars(self.cursor.line) {
                self.cursor.col += 1;
            } else if self.cursor.line + 1 < self.lines.len() {
                self.cursor.line += 1;
                self.cursor.col = 0;
            }
        }
    }

    /// Moves to the start or the end of the line.
    pub fn home_end(&mut self, end: bool) {
        self.last_edit = None;
        self.cursor.col = if end {
            self.line_chars(self.cursor.line)
        } else {
            0
        };
    }

    /// Takes back the last edit; returns whether there was one.
    pub fn undo(&mut self) -> bool {
        let Some(snap) = self.undo.pop() else {
            return false;
        };
        let now = self.restore(snap);
        self.redo.push(now);
        true
    }

    /// Puts back the last undone edit; returns whether there was one.
    pub fn redo(&mut self) -> bool {
        let Some(snap) = self.redo.pop() else {
            return false;
        };
        let now = self.restore(snap);
        self.undo.push(now);
        true
    }

    /// Replaces the text and cursor with `snap`, returning what they were.
    fn restore(&mut self, snap: Snapshot) -> Snapshot {
        self.last_edit = None;
        let now = Snapshot {
            lines: std::mem::replace(&mut self.lines, snap.lines),
            cursor: self.cursor,
        };
        self.cursor = snap.cursor;
        now
    }

    /// Scrolls so the cursor is visible in a pane `height` lines tall.
    pub fn scroll_to_cursor(&mut self, height: usize) {
        let height = height.max(1);
        if self.cursor.line < self.scroll {
            self.scroll = self.cursor.line;
        } else if self.cursor.line >= self.scroll + height {
            self.scroll = self.cursor.line + 1 - height;
        }
    }

    /// Byte offset in the text of the start of `line`.
    pub fn line_offset(&self, line: usize) -> usize {
        self.lines.iter().take(line).map(|l| l.len() + 1).sum()
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_track_keeps_its_lines_whatever_the_line_ends_and_undoes_in_one_step() {
        for (ends, paste) in [
            ("CR", "track hats\r  play \"hh*8\"\r"),
            ("LF", "track hats\n  play \"hh*8\"\n"),
            ("CRLF", "track hats\r\n  play \"hh*8\"\r\n"),
        ] {
            let mut e = Editor::new("tempo 90\n");
            e.move_by(1, 0);
            e.insert_str(paste);
            assert_eq!(
                e.text(),
                "tempo 90\ntrack hats\n  play \"hh*8\"\n",
                "{ends}"
            );
            assert_eq!(e.cursor().line, 3, "{ends}: the cursor after the paste");
            e.insert_char('#');
            e.undo();
            e.undo();
            assert_eq!(
                e.text(),
                "tempo 90\n",
                "{ends}: one undo takes the paste back"
            );
        }
    }

    #[test]
    fn typing_a_word_undoes_in_one_step_and_redoes() {
        let mut e = Editor::new("play \"bd\"");
        e.home_end(true);
        e.move_by(0, -1);
        for c in " sn".chars() {
            e.insert_char(c);
        }
        assert_eq!(e.text(), "play \"bd sn\"");
        e.undo();
        assert_eq!(e.text(), "play \"bd \"");
        e.undo();
        assert_eq!(e.text(), "play \"bd\"");
        e.redo();
        e.redo();
        assert_eq!(e.text(), "play \"bd sn\"");
    }

    #[test]
    fn enter_keeps_the_indentation_of_the_track_block() {
        let mut e = Editor::new("track kick\n  play \"bd\"");
        e.move_by(1, 0);
        e.home_end(true);
        e.newline();
        e.insert_str("vel 100");
        assert_eq!(e.text(), "track kick\n  play \"bd\"\n  vel 100");
    }

    #[test]
    fn backspace_at_a_line_start_joins_the_lines() {
        let mut e = Editor::new("ab\ncd");
        e.move_by(1, 0);
        e.backspace();
        assert_eq!(e.text(), "abcd");
        assert_eq!(e.cursor(), Cursor { line: 0, col: 2 });
    }

    #[test]
    fn moving_to_an_error_offset_lands_on_its_character() {
        let mut e = Editor::new("tempo 90\ntrack é\n  play \"bd snr\"");
        e.move_to_offset(29);
        assert_eq!(e.cursor(), Cursor { line: 2, col: 11 });
    }
}
