//! Rudiments as steps of a pattern: a rudiment's name in a sequence plays that rudiment from
//! the step's start, at the rudiment's own rate, for as long as the step lasts.

use std::collections::HashMap;
use std::sync::Arc;

use super::hap::Hap;
use super::note::Note;
use super::pattern::Pattern;
use super::span::Span;
use super::value::Value;

/// The rudiment patterns a track can play, by the name written in its pattern.
pub type RudimentPatterns = HashMap<String, Pattern<Note>>;

/// The pattern of the rudiment a step names, looked up as written: the compiler made one for
/// every rudiment name in the track, so a query needs no name matching.
fn named<'a>(patterns: &'a RudimentPatterns, value: &Value) -> Option<&'a Pattern<Note>> {
    match value {
        Value::Word(w) => patterns.get(&**w),
        _ => None,
    }
}

/// Replaces each step whose value names a rudiment with the strokes of that rudiment that start
/// within the step. Steps naming nothing in `patterns` are dropped.
pub fn play_rudiment_steps(steps: &Pattern<Value>, patterns: RudimentPatterns) -> Pattern<Note> {
    let patterns = Arc::new(patterns);
    let known = Arc::clone(&patterns);
    let steps = steps.filter_values(move |v| named(&known, v).is_some());
    // A rudiment starts over at each step that names it, so the strokes repeat with the steps.
    let period = steps.period();
    Pattern::new(move |span, out| {
        let mut outers = Vec::new();
        let mut strokes: Vec<Hap<Note>> = Vec::new();
        steps.query_into(span, &mut outers);
        for step in &outers {
            let (Some(whole), Some(pattern)) = (step.whole, named(&patterns, &step.value)) else {
                continue;
            };
            strokes.clear();
            // The rudiment's time 0 is the step's start.
            let local = Span::new(step.part.begin - whole.begin, step.part.end - whole.begin);
            pattern.query_into(local, &mut strokes);
            for mut stroke in strokes.drain(..) {
                stroke.with_time(|t| t + whole.begin);
                let Some(stroke_whole) = stroke.whole else {
                    continue;
                };
                if stroke_whole.begin < whole.begin || stroke_whole.begin >= whole.end {
                    continue;
                }
                // A stroke ends with its step at the latest.
                let clipped = Span::new(stroke_whole.begin, stroke_whole.end.min(whole.end));
                let Some(part) = stroke.part.intersection(&clipped) else {
                    continue;
                };
                out.push(Hap::new(Some(clipped), part, stroke.value));
            }
        }
    })
    .with_period(period)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::rudiment::find_rudiment;
    use crate::pattern::{RudimentSettings, rudiment_pattern};
    use crate::theory::time::Time;

    fn patterns(name: &str) -> RudimentPatterns {
        let r = find_rudiment(name).unwrap();
        let settings = RudimentSettings {
            step: Time::new(1, 16),
            right: 38,
            left: 40,
            ..Default::default()
        };
        HashMap::from([(name.to_string(), rudiment_pattern(r, &settings))])
    }

    #[test]
    fn a_paradiddle_in_half_a_bar_plays_its_eight_strokes_then_stops() {
        let steps = crate::lang::mini::parse("single-paradiddle ~")
            .unwrap()
            .pattern;
        let notes = play_rudiment_steps(&steps, patterns("single-paradiddle"));
        let haps = notes.query(Span::new(Time::ZERO, Time::ONE));
        let onsets: Vec<_> = haps.iter().map(|h| h.whole.unwrap().begin).collect();
        assert_eq!(onsets, (0..8).map(|i| Time::new(i, 16)).collect::<Vec<_>>());
        let keys: Vec<_> = haps.iter().map(|h| h.value.key).collect();
        assert_eq!(keys, vec![38, 40, 38, 38, 40, 38, 40, 40]);
        assert_eq!(haps[0].value.velocity, 115);
    }

    #[test]
    fn a_step_queried_in_pieces_strikes_each_stroke_once_in_its_piece() {
        // The paradiddle's step is the second half of the bar; asking for the bar a quarter
        // at a time must give the strokes of each quarter, none from beyond it.
        let steps = crate::lang::mini::parse("~ single-paradiddle")
            .unwrap()
            .pattern;
        let notes = play_rudiment_steps(&steps, patterns("single-paradiddle"));
        let whole_bar = notes.query(Span::new(Time::ZERO, Time::ONE));
        assert_eq!(whole_bar.len(), 8);
        for q in 0..4 {
            let piece = Span::new(Time::new(q, 4), Time::new(q + 1, 4));
            let expected: Vec<Hap<Note>> = whole_bar
                .iter()
                .filter(|h| h.part.intersection(&piece).is_some())
                .cloned()
                .collect();
            assert_eq!(notes.query(piece), expected, "quarter {q}");
        }
    }

    #[test]
    fn a_note_already_sounding_when_the_step_starts_is_not_struck() {
        // A step plays the notes that start within it. A pattern holding one long note from
        // half a cycle before each cycle's start contributes nothing to a step at its start.
        let held = Pattern::pure(Note::new(49, 100)).late(Time::new(1, 2));
        let steps = crate::lang::mini::parse("held ~").unwrap().pattern;
        let notes = play_rudiment_steps(&steps, HashMap::from([("held".to_string(), held)]));
        assert_eq!(notes.query(Span::new(Time::ZERO, Time::ONE)), vec![]);
        // Stretched over the whole bar, the step hears the note that starts half way.
        let steps = crate::lang::mini::parse("held").unwrap().pattern;
        let held = Pattern::pure(Note::new(49, 100)).late(Time::new(1, 2));
        let notes = play_rudiment_steps(&steps, HashMap::from([("held".to_string(), held)]));
        let haps = notes.query(Span::new(Time::ZERO, Time::ONE));
        let wholes: Vec<Span> = haps.iter().filter_map(|h| h.whole).collect();
        assert_eq!(wholes, vec![Span::new(Time::new(1, 2), Time::ONE)]);
    }

    #[test]
    fn a_flam_on_the_second_beat_keeps_its_grace_before_the_beat() {
        let steps = crate::lang::mini::parse("~ flam ~ ~").unwrap().pattern;
        let notes = play_rudiment_steps(&steps, patterns("flam"));
        let haps = notes.query(Span::new(Time::ZERO, Time::ONE));
        let grace = haps.iter().find(|h| h.value.nudge_ms < 0.0).unwrap();
        assert_eq!(grace.whole.unwrap().begin, Time::new(1, 4));
        assert_eq!(grace.value.nudge_ms, -25.0);
    }
}
