//! What the words in a track's pattern mean: General MIDI drum names, note names, MIDI
//! numbers and chords. Unknown words get a "did you mean" from the closest known name.

use crate::pattern::Value;
use crate::theory::{chord, gm, note, suggest};

/// The octave of a note name written without one (`c` is c3, as in Strudel).
pub const DEFAULT_OCTAVE: i8 = 3;

/// Why a word in a pattern means nothing to flam.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// What is wrong.
    pub message: String,
    /// A short label.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Whether `word` names a drum.
pub fn is_drum(word: &str) -> bool {
    gm::drum_note(word).is_some()
}

/// A scale degree as a track with a `scale` reads it: a number, or a whole number with
/// accidentals after it (`1b` is a semitone under degree 1, `3#` one over degree 3).
pub fn degree_of(value: &Value) -> Option<(f64, i8)> {
    match value {
        Value::Num { float, .. } => Some((*float, 0)),
        Value::Word(w) => {
            let body = w.trim_end_matches(['b', '#']);
            let marks = &w[body.len()..];
            let number: i64 = body.parse().ok()?;
            let sharps = marks.matches('#').count() as i64;
            let flats = marks.matches('b').count() as i64;
            let accidental = i8::try_from(sharps - flats).ok()?;
            Some((number as f64, accidental))
        }
        Value::List(_) => None,
    }
}

/// The MIDI notes of a value on a drum or melodic track, or why it has none.
pub fn keys(value: &Value, drums: bool) -> Result<Vec<u8>, Unknown> {
    let mut keys = Vec::new();
    each_key(value, drums, |k| keys.push(k))?;
    Ok(keys)
}

/// Calls `f` with each of [`keys`], so a single note (the common case) costs no allocation.
pub fn each_key(value: &Value, drums: bool, mut f: impl FnMut(u8)) -> Result<(), Unknown> {
    match value {
        Value::Num { float, .. } => f(midi_number(*float)?),
        Value::Word(w) => f(word_key(w, drums)?),
        Value::List(parts) => {
            let unknown = |e: chord::ChordError| Unknown {
                message: e.message.clone(),
                label: "not a chord".to_string(),
                help: Some(e.hint.clone()),
            };
            // The usual chord symbol is a few words: borrowed in place, nothing written out.
            let mut words = [""; 8];
            if parts.len() <= words.len()
                && parts.iter().zip(words.iter_mut()).all(|(p, w)| match p {
                    Value::Word(text) => {
                        *w = text;
                        true
                    }
                    _ => false,
                })
            {
                let chord = chord::parse_chord_parts(&words[..parts.len()]).map_err(unknown)?;
                chord.into_iter().for_each(f);
                return Ok(());
            }
            // Numbers among the parts are written out as the chord parser reads them.
            let texts: Vec<std::borrow::Cow<'_, str>> = parts
                .iter()
                .map(|p| match p {
                    Value::Word(w) => std::borrow::Cow::Borrowed(&**w),
                    other => std::borrow::Cow::Owned(other.to_string()),
                })
                .collect();
            let refs: Vec<&str> = texts.iter().map(|t| &**t).collect();
            let chord = chord::parse_chord_parts(&refs).map_err(unknown)?;
            chord.into_iter().for_each(f);
        }
    }
    Ok(())
}

fn midi_number(float: f64) -> Result<u8, Unknown> {
    if float.fract() == 0.0 && (0.0..=127.0).contains(&float) {
        Ok(float as u8)
    } else {
        Err(Unknown {
            message: format!(
                "a MIDI note number must be a whole number from 0 to 127, got {float}"
            ),
            label: "out of range".to_string(),
            help: Some("60 is middle C (c4); a drum kit sits from 35 to 81".to_string()),
        })
    }
}

fn word_key(word: &str, drums: bool) -> Result<u8, Unknown> {
    if drums && let Some(k) = gm::drum_note(word) {
        return Ok(k);
    }
    if let Some(k) = note::parse_note_default_octave(word, DEFAULT_OCTAVE) {
        return Ok(k);
    }
    if !drums && let Some(k) = gm::drum_note(word) {
        return Ok(k);
    }
    Err(unknown_word(word, drums))
}

/// The rudiment id closest to `word`, also matching ids without their first word, since
/// drummers say "paradiddle" for the single paradiddle.
pub fn nearest_rudiment(word: &str) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    let ids: Vec<&'static str> = crate::pattern::rudiments().iter().map(|r| r.id).collect();
    suggest::nearest(&word, ids.iter().copied()).or_else(|| {
        let tails: Vec<(&str, &'static str)> = ids
            .iter()
            .filter_map(|id| id.split_once('-').map(|(_, rest)| (rest, *id)))
            .collect();
        let tail = suggest::nearest(&word, tails.iter().map(|(t, _)| *t))?;
        tails.iter().find(|(t, _)| *t == tail).map(|(_, id)| *id)
    })
}

/// The error for a word that is neither a drum nor a note, with the closest known name.
pub fn unknown_word(word: &str, drums: bool) -> Unknown {
    let lower = word.to_ascii_lowercase();
    let drum = suggest::nearest(&lower, gm::DRUM_NAMES.iter().copied()).map(str::to_string);
    let note_guess = nearest_note(&lower);
    let guess = if drums {
        drum.or(note_guess)
    } else {
        note_guess.or(drum)
    };
    // A long word that is no drum or note is most likely a rudiment misspelt.
    let rudiment = guess.is_none().then(|| nearest_rudiment(&lower)).flatten();
    let kind = if drums { "drum" } else { "note or drum" };
    Unknown {
        message: format!("unknown {kind} `{word}`"),
        label: "unknown name".to_string(),
        help: Some(match (guess, rudiment) {
            (Some(g), _) => format!("did you mean `{g}`?"),
            (None, Some(r)) => {
                format!("did you mean the rudiment `{r}`? `flam rudiments` lists all 40")
            }
            (None, None) if drums => {
                "drums are General MIDI names such as bd sn rim cp hh oh lt mt ht cr rd; `flam drums` lists them all"
                    .to_string()
            }
            (None, None) => "notes are written like c4, eb3 or f#5 (c4 is middle C), or as MIDI numbers 0–127".to_string(),
        }),
    }
}

/// The closest note name to a misspelt one, keeping its octave: `h4` → `b4`, `cis4` → `c#4`.
fn nearest_note(word: &str) -> Option<String> {
    let split = word
        .find(|c: char| c.is_ascii_digit() || c == '-')
        .unwrap_or(word.len());
    let (pitch, octave) = word.split_at(split);
    if pitch.is_empty() || !octave.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    // German names: H is B, and "is" makes a sharp (cis, fis).
    let german = (pitch == "h").then(|| "b".to_string());
    let guess = german.or_else(|| {
        pitch
            .strip_suffix("is")
            .filter(|p| p.len() == 1)
            .map(|p| format!("{p}#"))
            .or_else(|| {
                suggest::nearest(pitch, note::PITCH_CLASS_SPELLINGS.iter().copied())
                    .map(str::to_string)
            })
    })?;
    Some(format!("{guess}{octave}"))
}

/// Checks a word that follows `:` (a chord quality or modifier), using a sample root.
pub fn check_chord_part(word: &str) -> Result<(), Unknown> {
    chord::parse_chord_parts(&["c3", word])
        .map(|_| ())
        .map_err(|e| Unknown {
            message: e.message,
            label: "not a chord quality".to_string(),
            help: Some(e.hint),
        })
}
