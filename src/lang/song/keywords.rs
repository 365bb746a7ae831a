//! The song language's vocabulary: every word a line of a `.flam` file may start with, and
//! the settings each kind of line takes after it.
//!
//! It lives under `song` because these are the words of song files; mini-notation has no
//! keywords (its words are drum, note and rudiment names, which `resolve` knows). The compiler
//! reads these tables to find its way past a bad setting and to say "did you mean"; the
//! highlighter in `flam live` reads them to colour a line's first word only when the compiler
//! would understand it. The compiler's own `match` arms spell the words again, so the tests
//! below check that every word here is understood where it is written and a slip of it is
//! not; a word the compiler takes but no table lists shows as unknown in `flam live`, so a new
//! keyword belongs here first.

use super::syntax::Token;
use crate::lang::diagnostic::Diagnostic;
use crate::theory::suggest;

/// The words a line may start with before, or between, the tracks.
pub const SONG_KEYWORDS: &[&str] = &[
    "tempo", "bpm", "meter", "time", "swing", "title", "sync", "map", "track", "section", "arrange",
];

/// Controllers a `cc` line may name, with their numbers (the General MIDI names).
pub const CONTROLLER_NAMES: &[(&str, u8)] = &[
    ("mod", 1),
    ("breath", 2),
    ("volume", 7),
    ("pan", 10),
    ("expression", 11),
    ("sustain", 64),
    ("resonance", 71),
    ("release", 72),
    ("attack", 73),
    ("cutoff", 74),
    ("reverb", 91),
    ("chorus", 93),
];

/// The settings a line inside a track may start with; a track line may also start with any
/// of the [`TRANSFORMS`] (see [`is_track_keyword`]). Listed, in this order, by the help for
/// an unknown one.
pub const TRACK_SETTINGS: &[&str] = &[
    "play",
    "vel",
    "velocity",
    "channel",
    "ch",
    "drums",
    "program",
    "prog",
    "bank",
    "mute",
    "gate",
    "legato",
    "swing",
    "rudiment",
    "arp",
    "input",
    "output",
    "cc",
    "volume",
    "pan",
    "bend",
    "bend-range",
    "pressure",
    "nrpn",
    "track",
];

/// Whether a line inside a track may start with `word` (lower case).
pub fn is_track_keyword(word: &str) -> bool {
    TRACK_SETTINGS.contains(&word) || TRANSFORMS.contains(&word)
}

/// The settings a `track` line may carry after the name; each may also start its own line.
pub const TRACK_OPTIONS: &[&str] = &[
    "drums", "mute", "muted", "channel", "ch", "program", "prog", "bank",
];

/// The transforms a track line may start with, which `every N` also takes.
pub const TRANSFORMS: &[&str] = &[
    "fast",
    "slow",
    "rev",
    "every",
    "euclid",
    "degrade",
    "ply",
    "nudge",
    "humanize",
    "transpose",
    "octave",
    // Strudel's toolbox.
    "first-of",
    "last-of",
    "when",
    "whenmod",
    "off",
    "superimpose",
    "layer",
    "iter",
    "iter-back",
    "palindrome",
    "brak",
    "chunk",
    "chunk-back",
    "sometimes-by",
    "sometimes",
    "often",
    "rarely",
    "almost-never",
    "almost-always",
    "always",
    "never",
    "some-cycles-by",
    "some-cycles",
    "degrade-by",
    "undegrade-by",
    "echo",
    "stut",
    "struct",
    "mask",
    "euclid-rot",
    "euclid-legato",
    "segment",
    "linger",
    "inside",
    "outside",
    "early",
    "late",
    "hurry",
    "swing-by",
    "gain",
    "add",
    "sub",
    "scale",
    "scale-transpose",
    "seed",
    "id",
];

/// The settings a `rudiment` line takes.
pub const RUDIMENT_KEYS: &[&str] = &[
    "rate", "hands", "voice", "accent", "tap", "grace", "diddle", "flam", "repeats",
];

/// The settings an `arp` line takes after its mode.
pub const ARP_KEYS: &[&str] = &["octaves", "rate", "gate", "swing", "vel", "reset", "seed"];

/// The words an `input` line takes (`ch` and `vel` with a value after them).
pub const INPUT_WORDS: &[&str] = &[
    "ch",
    "channel",
    "any",
    "hold",
    "latch",
    "transpose",
    "vel",
    "velocity",
];

/// What a `map` line listens to, its first word.
pub const MAP_TRIGGERS: &[&str] = &["cc", "control", "note"];

/// The words a `map` line takes after what it listens to.
pub const MAP_ACTIONS: &[&str] = &["mute", "solo", "tempo", "panic", "select", "section"];

/// Whether `word` may start a line: a song keyword, a track keyword or a track setting on a
/// line of its own (in any case, as the compiler lower-cases it).
pub fn is_keyword(word: &str) -> bool {
    let word = word.to_ascii_lowercase();
    [SONG_KEYWORDS, TRACK_SETTINGS, TRANSFORMS, TRACK_OPTIONS]
        .iter()
        .any(|words| words.contains(&word.as_str()))
}

/// The help for an unknown first word: the nearest keyword, or what a line may start with.
pub(super) fn keyword_help(word: &str, in_track: bool) -> String {
    let nearest = if in_track {
        suggest::nearest(word, TRACK_SETTINGS.iter().chain(TRANSFORMS).copied())
    } else {
        suggest::nearest(word, SONG_KEYWORDS.iter().copied())
    };
    match nearest {
        Some(k) => format!("did you mean `{k}`?"),
        None if in_track => format!(
            "a track line starts with a setting ({}) or one of {} transforms such as \
             fast, every, off, sometimes or scale (docs/language.md lists them all)",
            TRACK_SETTINGS.join(", "),
            TRANSFORMS.len()
        ),
        None => {
            "a song starts with `tempo`, `meter` or `swing`, then `track NAME` blocks".to_string()
        }
    }
}

/// An unknown word on a `rudiment` or `arp` line, with the nearest setting it takes.
pub(super) fn unknown_setting(key: &Token, line: &str, keys: &[&str]) -> Diagnostic {
    let kw = key.text.to_ascii_lowercase();
    let help = match suggest::nearest(&kw, keys.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("a `{line}` line takes: {}", keys.join(", ")),
    };
    Diagnostic::new(
        key.span.clone(),
        format!("unknown {line} setting `{}`", key.text),
        "unknown setting",
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    /// The labels of what compiling `src` reports, empty when it compiles.
    fn labels(src: &str) -> Vec<String> {
        compile(src)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.label)
            .collect()
    }

    /// Asserts the compiler takes `word` in `src` as a word it knows: whatever else it says
    /// (a missing value, say), nothing it reports is unknown.
    fn understood(word: &str, src: &str) {
        let labels = labels(src);
        assert!(
            !labels.iter().any(|l| l.starts_with("unknown")),
            "`{word}` is in a table but the compiler does not know it:\n{src}\n{labels:?}"
        );
    }

    /// Asserts the compiler reports `word`, a slip of a known one, as unknown in `src`.
    fn refused(word: &str, src: &str) {
        let labels = labels(src);
        assert!(
            labels.iter().any(|l| l.starts_with("unknown")),
            "`{word}` is no keyword but the compiler took it:\n{src}\n{labels:?}"
        );
    }

    const TRACK: &str = "track t\n  play \"bd\"\n";

    #[test]
    fn every_word_a_line_may_start_with_is_understood_where_it_is_written() {
        for kw in SONG_KEYWORDS {
            understood(kw, &format!("{kw}\n{TRACK}"));
            refused(kw, &format!("{kw}q\n{TRACK}"));
        }
        for kw in TRACK_SETTINGS.iter().chain(TRACK_OPTIONS).chain(TRANSFORMS) {
            understood(kw, &format!("{TRACK}  {kw}\n"));
            refused(kw, &format!("{TRACK}  {kw}q\n"));
        }
        for kw in TRACK_OPTIONS {
            understood(kw, &format!("track t {kw}\n  play \"bd\"\n"));
            refused(kw, &format!("track t {kw}q\n  play \"bd\"\n"));
        }
        for kw in TRANSFORMS {
            assert!(is_track_keyword(kw), "`{kw}` starts no track line");
        }
        // `every` refuses itself by name, so only the others are tried inside it.
        for kw in TRANSFORMS.iter().filter(|kw| **kw != "every") {
            understood(kw, &format!("{TRACK}  every 2 {kw}\n"));
            refused(kw, &format!("{TRACK}  every 2 {kw}q\n"));
        }
    }

    #[test]
    fn every_setting_of_a_line_is_understood_on_that_line() {
        for key in RUDIMENT_KEYS {
            understood(key, &format!("{TRACK}  rudiment {key}\n"));
            refused(key, &format!("{TRACK}  rudiment flam-tap {key}q\n"));
        }
        for key in ARP_KEYS {
            understood(key, &format!("{TRACK}  arp up {key}\n"));
            refused(key, &format!("{TRACK}  arp up {key}q\n"));
        }
        for word in INPUT_WORDS {
            understood(word, &format!("track t\n  input {word}\n"));
            refused(word, &format!("track t\n  input {word}q\n"));
        }
        for word in MAP_TRIGGERS {
            understood(word, &format!("map {word} 1 panic\n{TRACK}"));
            refused(word, &format!("map {word}q 1 panic\n{TRACK}"));
        }
        for word in MAP_ACTIONS {
            understood(word, &format!("map cc 1 {word} t\n{TRACK}"));
            refused(word, &format!("map cc 1 {word}q t\n{TRACK}"));
        }
    }

    #[test]
    fn a_keyword_is_known_in_any_case_and_a_slip_is_not() {
        assert!(is_keyword("track"));
        assert!(is_keyword("Play"));
        assert!(is_keyword("muted"));
        assert!(is_keyword("BPM"));
        assert!(!is_keyword("plya"));
        assert!(!is_keyword("bd"));
        assert!(!is_keyword(""));
    }
}
