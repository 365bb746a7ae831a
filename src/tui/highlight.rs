//! Syntax highlighting for `.flam` text: keywords (and first words that are none), drum and
//! note names, rudiments, numbers, comments. A pure function of one line, so it is cheap to run on every redraw.

use std::ops::Range;

use crate::lang::song::{keywords, resolve};
use crate::pattern::find_rudiment;
use crate::theory::note;

/// What a piece of a line is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The keyword that starts a statement (`track`, `play`, `tempo`).
    Keyword,
    /// A first word that is no keyword (`plya`): the line will not compile.
    Unknown,
    /// A track's name after `track`.
    TrackName,
    /// A General MIDI drum name.
    Drum,
    /// A note or chord.
    Note,
    /// A rudiment's name.
    Rudiment,
    /// A number, percentage, note value or millisecond time.
    Number,
    /// Brackets and operators inside a pattern.
    Operator,
    /// Other words.
    Word,
    /// A comment.
    Comment,
    /// The quotes around a pattern.
    Quote,
}

/// The coloured pieces of one line, as byte ranges, in order.
pub fn highlight(line: &str) -> Vec<(Range<usize>, Kind)> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut words = 0;
    let mut after_track = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' || (c == b'/' && bytes.get(i + 1) == Some(&b'/')) {
            out.push((i..line.len(), Kind::Comment));
            break;
        }
        if c == b'"' {
            let end = line[i + 1..].find('"').map_or(line.len(), |j| i + 1 + j);
            out.push((i..i + 1, Kind::Quote));
            pattern_pieces(&line[i + 1..end], i + 1, &mut out);
            if end < line.len() {
                out.push((end..end + 1, Kind::Quote));
            }
            i = end + 1;
            words += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'"' {
            i += 1;
        }
        let word = &line[start..i];
        let kind = if words == 0 {
            after_track = word.eq_ignore_ascii_case("track");
            if keywords::is_keyword(word) {
                Kind::Keyword
            } else {
                Kind::Unknown
            }
        } else if after_track && words == 1 {
            Kind::TrackName
        } else {
            word_kind(word)
        };
        out.push((start..i, kind));
        words += 1;
    }
    out
}

fn word_kind(word: &str) -> Kind {
    let first = word.chars().next().unwrap_or(' ');
    if first.is_ascii_digit() || first == '-' || first == '.' {
        Kind::Number
    } else if find_rudiment(word).is_some() {
        Kind::Rudiment
    } else if resolve::is_drum(word) {
        Kind::Drum
    } else if note::parse_note(word).is_some() {
        Kind::Note
    } else {
        Kind::Word
    }
}

/// Colours the inside of a pattern string: words by what they name, the rest as operators.
fn pattern_pieces(text: &str, offset: usize, out: &mut Vec<(Range<usize>, Kind)>) {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '~' | '-' | '#' | '.' | '^' | '_');
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if !is_word(c) {
            out.push((
                offset + start..offset + start + c.len_utf8(),
                Kind::Operator,
            ));
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if !is_word(d) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        let word = &text[start..end];
        let kind = match word {
            "~" | "-" | "." | ".." | "_" => Kind::Operator,
            _ if note::parse_note_default_octave(word, 3).is_some() && !resolve::is_drum(word) => {
                Kind::Note
            }
            _ => word_kind(word),
        };
        out.push((offset + start..offset + end, kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(&str, Kind)> {
        highlight(line)
            .into_iter()
            .map(|(r, k)| (&line[r], k))
            .collect()
    }

    #[test]
    fn a_play_line_colours_drums_rudiments_notes_and_operators() {
        let k = kinds("  play \"bd*2 [flam-tap c4] ~\" # the groove");
        assert_eq!(
            k,
            vec![
                ("play", Kind::Keyword),
                ("\"", Kind::Quote),
                ("bd", Kind::Drum),
                ("*", Kind::Operator),
                ("2", Kind::Number),
                ("[", Kind::Operator),
                ("flam-tap", Kind::Rudiment),
                ("c4", Kind::Note),
                ("]", Kind::Operator),
                ("~", Kind::Operator),
                ("\"", Kind::Quote),
                ("# the groove", Kind::Comment),
            ]
        );
    }

    #[test]
    fn a_track_line_names_its_track() {
        assert_eq!(
            kinds("track bass channel 2"),
            vec![
                ("track", Kind::Keyword),
                ("bass", Kind::TrackName),
                ("channel", Kind::Word),
                ("2", Kind::Number)
            ]
        );
    }

    #[test]
    fn a_misspelled_keyword_is_not_coloured_as_one() {
        assert_eq!(
            kinds("  plya \"bd sn\""),
            vec![
                ("plya", Kind::Unknown),
                ("\"", Kind::Quote),
                ("bd", Kind::Drum),
                ("sn", Kind::Drum),
                ("\"", Kind::Quote),
            ]
        );
        assert_eq!(kinds("tmpo 120")[0], ("tmpo", Kind::Unknown));
        // Not a track header, so the word after it is no track name.
        assert_eq!(
            kinds("trakc bass"),
            vec![("trakc", Kind::Unknown), ("bass", Kind::Word)]
        );
    }

    #[test]
    fn every_word_a_line_may_start_with_is_coloured_as_a_keyword_in_any_case() {
        for kw in keywords::SONG_KEYWORDS
            .iter()
            .chain(keywords::TRACK_SETTINGS)
            .chain(keywords::TRANSFORMS)
            .chain(keywords::TRACK_OPTIONS)
        {
            assert_eq!(kinds(kw)[0], (*kw, Kind::Keyword));
            let upper = kw.to_ascii_uppercase();
            assert_eq!(highlight(&upper)[0].1, Kind::Keyword, "{upper}");
        }
    }
}
