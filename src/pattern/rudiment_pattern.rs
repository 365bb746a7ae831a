//! Playing a rudiment: its strokes as a looping pattern of notes for two sticks.

use std::sync::Arc;

use super::hap::Hap;
use super::note::Note;
use super::pattern::Pattern;
use super::rudiment::Rudiment;
use super::span::Span;
use super::stroke::{Articulation, Grace, Hand};
use crate::theory::time::Time;

/// How to play a rudiment: its speed, the keys for each hand, dynamics and grace timing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RudimentSettings {
    /// The length of one pulse in cycles (a sixteenth of a 4/4 bar is 1/16).
    pub step: Time,
    /// MIDI key the right hand plays.
    pub right: u8,
    /// MIDI key the left hand plays (may equal `right`).
    pub left: u8,
    /// Velocity of an accented stroke.
    pub accent: u8,
    /// Velocity of an unaccented stroke.
    pub tap: u8,
    /// Velocity of a grace note.
    pub grace: u8,
    /// Velocity of a diddle's second stroke, and where a buzz's bounces start.
    pub diddle: u8,
    /// How long before its stroke a flam's grace note sounds, in ms; a drag's two graces sound
    /// twice and once that long before.
    pub grace_ms: f32,
    /// How many repetitions to play from cycle 0; `None` loops forever.
    pub repeats: Option<u32>,
}

impl Default for RudimentSettings {
    fn default() -> Self {
        RudimentSettings {
            step: Time::new(1, 16),
            right: 38,
            left: 38,
            accent: 115,
            tap: 80,
            grace: 45,
            diddle: 70,
            grace_ms: 25.0,
            repeats: None,
        }
    }
}

/// One note of a period, in cycles from the period's start.
#[derive(Clone, Copy, Debug)]
struct Stroked {
    onset: Time,
    length: Time,
    note: Note,
    /// Which repetition of the period it belongs to (0, or 1 for an alternation's mirror).
    repetition: i64,
}

/// The rudiment played as a pattern of notes.
///
/// Repetition `r` starts at `r` times the rudiment's length (its pulses times `step`) from cycle
/// 0, mirrored on odd repetitions if the rudiment alternates. Each stroke is an event as long as
/// its note value; a diddle is two events half a pulse long, the second at `diddle` velocity. A
/// buzz is four events a quarter pulse long: the stroke, then bounces from `diddle` velocity down,
/// each about 7/8 of the one before (70, 61, 53 by default), which reads as a closed press roll.
/// Grace notes are events at their stroke's own pattern time, a quarter pulse long, with a
/// negative `nudge_ms`, so they sound just before the beat at any tempo, even before cycle 0.
pub fn rudiment_pattern(rudiment: &Rudiment, settings: &RudimentSettings) -> Pattern<Note> {
    let step = settings.step;
    let repetitions = i64::from(rudiment.repetitions_per_period());
    let period = step * Time::from_integer(i64::from(rudiment.pulses()) * repetitions);
    // The period is the step times a positive number of pulses, so this also refuses a step
    // of zero or less.
    if period <= Time::from_integer(0) {
        return Pattern::silence();
    }
    let notes: Arc<[Stroked]> = render(rudiment, settings).into();
    let longest = notes
        .iter()
        .map(|n| n.length)
        .max()
        .unwrap_or(Time::from_integer(0));
    let repeats = settings.repeats.map(i64::from);
    Pattern::new(move |span: Span, out: &mut Vec<Hap<Note>>| {
        // Every event lies within its own period, so only the periods the span touches matter:
        // from the one holding its begin to the one starting at or before its end.
        let mut k = (span.begin / period).floor().to_integer();
        loop {
            let start = period * Time::from_integer(k);
            if start > span.end {
                break;
            }
            let (begin, end) = (span.begin - start, span.end - start);
            // Sorted by onset: skip to the first note that could still be sounding at `begin`.
            let first = notes.partition_point(|n| n.onset + longest <= begin);
            for stroked in notes[first..].iter().take_while(|n| n.onset <= end) {
                let repetition = k * repetitions + stroked.repetition;
                if repeats.is_some_and(|n| repetition < 0 || repetition >= n) {
                    continue;
                }
                let whole = Span::new(
                    start + stroked.onset,
                    start + stroked.onset + stroked.length,
                );
                if let Some(part) = whole.intersection(&span) {
                    out.push(Hap::new(Some(whole), part, stroked.note));
                }
            }
            k += 1;
        }
    })
    .with_steps(Some(Time::from_integer(1) / step))
}

/// The notes of one period in cycles, sorted by onset (graces before their stroke).
fn render(rudiment: &Rudiment, settings: &RudimentSettings) -> Vec<Stroked> {
    let step = settings.step;
    let key = |hand: Hand| match hand {
        Hand::Right => settings.right.min(127),
        Hand::Left => settings.left.min(127),
    };
    let velocity = |v: u8| v.clamp(1, 127);
    let mut notes = Vec::new();
    let mut pulse: i64 = 0;
    for repetition in 0..i64::from(rudiment.repetitions_per_period()) {
        for stroke in rudiment.repetition(repetition) {
            let onset = step * Time::from_integer(pulse);
            let length = step * Time::from_integer(i64::from(stroke.pulses));
            let mut push = |at: Time, length: Time, hand: Hand, v: u8, nudge_ms: f32| {
                notes.push(Stroked {
                    onset: at,
                    length,
                    note: Note {
                        key: key(hand),
                        velocity: velocity(v),
                        nudge_ms,
                    },
                    repetition,
                })
            };
            let grace_length = step / Time::from_integer(4);
            let grace_hand = stroke.hand.other();
            match stroke.grace {
                Some(Grace::Flam) => push(
                    onset,
                    grace_length,
                    grace_hand,
                    settings.grace,
                    -settings.grace_ms,
                ),
                Some(Grace::Drag) => {
                    // A quick even diddle into the stroke: the second grace where a flam's
                    // would be, the first as far again before it.
                    for before in [2.0, 1.0] {
                        push(
                            onset,
                            grace_length,
                            grace_hand,
                            settings.grace,
                            -before * settings.grace_ms,
                        );
                    }
                }
                None => {}
            }
            let first = if stroke.accent {
                settings.accent
            } else {
                settings.tap
            };
            match stroke.articulation {
                Articulation::Single => push(onset, length, stroke.hand, first, 0.0),
                Articulation::Diddle => {
                    let half = length / Time::from_integer(2);
                    push(onset, half, stroke.hand, first, 0.0);
                    push(onset + half, half, stroke.hand, settings.diddle, 0.0);
                }
                Articulation::Buzz => {
                    let quarter = length / Time::from_integer(4);
                    let mut v = first;
                    for bounce in 0..4 {
                        push(
                            onset + quarter * Time::from_integer(bounce),
                            quarter,
                            stroke.hand,
                            v,
                            0.0,
                        );
                        // The stick loses energy on every bounce: each about 7/8 of the last.
                        v = if bounce == 0 {
                            settings.diddle
                        } else {
                            ((u16::from(v) * 7 + 4) / 8) as u8
                        };
                    }
                }
            }
            pulse += i64::from(stroke.pulses);
        }
    }
    notes.sort_by(|a, b| {
        a.onset
            .cmp(&b.onset)
            .then(a.note.nudge_ms.total_cmp(&b.note.nudge_ms))
    });
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::rudiment::find_rudiment;

    /// Right and left hand on different keys, so the tests can tell the hands apart.
    const R: u8 = 38;
    const L: u8 = 40;
    const ACCENT: u8 = 115;
    const TAP: u8 = 80;
    const GRACE: u8 = 45;
    const DIDDLE: u8 = 70;

    /// A struck note as the tests compare it: onset, key, velocity, nudge.
    type Struck = (Time, u8, u8, f32);

    fn settings() -> RudimentSettings {
        RudimentSettings {
            step: Time::new(1, 16),
            right: R,
            left: L,
            ..RudimentSettings::default()
        }
    }

    fn pattern(id: &str, settings: &RudimentSettings) -> Pattern<Note> {
        match find_rudiment(id) {
            Some(r) => rudiment_pattern(r, settings),
            None => panic!("no rudiment {id}"),
        }
    }

    fn struck(haps: &[Hap<Note>]) -> Vec<Struck> {
        let mut notes: Vec<Struck> = haps
            .iter()
            .filter(|h| h.has_onset())
            .filter_map(|h| {
                h.whole
                    .map(|w| (w.begin, h.value.key, h.value.velocity, h.value.nudge_ms))
            })
            .collect();
        notes.sort_by(|a, b| a.0.cmp(&b.0).then(a.3.total_cmp(&b.3)));
        notes
    }

    /// Every note of one period (both halves if it alternates) at a sixteenth per pulse.
    fn played(id: &str) -> Vec<Struck> {
        let Some(r) = find_rudiment(id) else {
            panic!("no rudiment {id}");
        };
        let pulses = i64::from(r.pulses() * r.repetitions_per_period());
        struck(&pattern(id, &settings()).query(Span::new(cycles(0), Time::new(pulses, 16))))
    }

    fn cycles(n: i64) -> Time {
        Time::from_integer(n)
    }

    fn other(key: u8) -> u8 {
        if key == R { L } else { R }
    }

    /// The expected notes, written pulse by pulse (a pulse is a sixteenth of a cycle here).
    #[derive(Default)]
    struct Score(Vec<Struck>);

    impl Score {
        fn hit(mut self, sixteenths: Time, key: u8, velocity: u8, nudge: f32) -> Self {
            self.0.push((sixteenths / 16, key, velocity, nudge));
            self
        }

        fn tap(self, pulse: i64, key: u8) -> Self {
            self.hit(cycles(pulse), key, TAP, 0.0)
        }

        fn accent(self, pulse: i64, key: u8) -> Self {
            self.hit(cycles(pulse), key, ACCENT, 0.0)
        }

        /// Both strokes of an unaccented diddle.
        fn diddle(self, pulse: i64, key: u8) -> Self {
            self.hit(cycles(pulse), key, TAP, 0.0).hit(
                Time::new(2 * pulse + 1, 2),
                key,
                DIDDLE,
                0.0,
            )
        }

        /// The grace note of a flam on the stroke of `key` at `pulse`.
        fn flam(self, pulse: i64, key: u8) -> Self {
            self.hit(cycles(pulse), other(key), GRACE, -25.0)
        }

        /// The two grace notes of a drag on the stroke of `key` at `pulse`.
        fn drag(self, pulse: i64, key: u8) -> Self {
            self.hit(cycles(pulse), other(key), GRACE, -50.0).hit(
                cycles(pulse),
                other(key),
                GRACE,
                -25.0,
            )
        }

        fn notes(mut self) -> Vec<Struck> {
            self.0
                .sort_by(|a, b| a.0.cmp(&b.0).then(a.3.total_cmp(&b.3)));
            self.0
        }
    }

    fn score() -> Score {
        Score::default()
    }

    // Roll rudiments.

    #[test]
    fn single_stroke_roll_alternates_every_sixteenth() {
        assert_eq!(
            played("single-stroke-roll"),
            score().tap(0, R).tap(1, L).notes()
        );
    }

    #[test]
    fn single_stroke_four_is_a_triplet_into_an_accented_fourth() {
        let expected = score()
            .tap(0, R)
            .tap(1, L)
            .tap(2, R)
            .accent(3, L)
            .tap(6, L)
            .tap(7, R)
            .tap(8, L)
            .accent(9, R);
        assert_eq!(played("single-stroke-four"), expected.notes());
    }

    #[test]
    fn single_stroke_seven_is_six_sextuplets_into_an_accented_quarter() {
        let mut expected = score();
        for (half, lead, follow) in [(0, R, L), (12, L, R)] {
            for i in 0..6 {
                expected = expected.tap(half + i, if i % 2 == 0 { lead } else { follow });
            }
            expected = expected.accent(half + 6, lead);
        }
        assert_eq!(played("single-stroke-seven"), expected.notes());
    }

    #[test]
    fn multiple_bounce_roll_buzzes_four_decaying_bounces_per_pulse() {
        let mut expected = score();
        for (pulse, key) in [(0, R), (1, L)] {
            for (bounce, velocity) in [(0, TAP), (1, DIDDLE), (2, 61), (3, 53)] {
                expected = expected.hit(Time::new(4 * pulse + bounce, 4), key, velocity, 0.0);
            }
        }
        assert_eq!(played("multiple-bounce-roll"), expected.notes());
    }

    #[test]
    fn triple_stroke_roll_plays_three_even_strokes_per_hand() {
        let expected = score()
            .tap(0, R)
            .tap(1, R)
            .tap(2, R)
            .tap(3, L)
            .tap(4, L)
            .tap(5, L);
        assert_eq!(played("triple-stroke-roll"), expected.notes());
    }

    #[test]
    fn double_stroke_open_roll_diddles_each_hand_on_its_pulse() {
        let expected = score().diddle(0, R).diddle(1, L);
        assert_eq!(played("double-stroke-open-roll"), expected.notes());
    }

    #[test]
    fn five_stroke_roll_alternates_lead_hand() {
        let expected = score()
            .diddle(0, R)
            .diddle(1, L)
            .accent(2, R)
            .diddle(4, L)
            .diddle(5, R)
            .accent(6, L);
        assert_eq!(played("five-stroke-roll"), expected.notes());
    }

    #[test]
    fn six_stroke_roll_accents_the_singles_around_two_diddles() {
        let expected = score().accent(0, R).diddle(1, L).diddle(2, R).accent(3, L);
        assert_eq!(played("six-stroke-roll"), expected.notes());
    }

    #[test]
    fn seven_stroke_roll_starts_left_and_releases_right() {
        let expected = score()
            .diddle(0, L)
            .diddle(1, R)
            .diddle(2, L)
            .accent(3, R)
            .diddle(6, R)
            .diddle(7, L)
            .diddle(8, R)
            .accent(9, L);
        assert_eq!(played("seven-stroke-roll"), expected.notes());
    }

    /// `count` diddles from `pulse`, starting with `lead` and swapping hands each pulse.
    fn diddles(mut score: Score, pulse: i64, count: i64, lead: u8) -> Score {
        for i in 0..count {
            score = score.diddle(pulse + i, if i % 2 == 0 { lead } else { other(lead) });
        }
        score
    }

    #[test]
    fn nine_stroke_roll_releases_on_the_second_beat() {
        let expected = diddles(score(), 0, 4, R).accent(4, R);
        let expected = diddles(expected, 8, 4, L).accent(12, L);
        assert_eq!(played("nine-stroke-roll"), expected.notes());
    }

    #[test]
    fn ten_stroke_roll_ends_on_two_accented_singles_and_keeps_its_lead() {
        let expected = diddles(score(), 0, 4, R).accent(4, R).accent(5, L);
        assert_eq!(played("ten-stroke-roll"), expected.notes());
    }

    #[test]
    fn eleven_stroke_roll_doubles_the_ten_strokes_first_single() {
        let expected = diddles(score(), 0, 5, R).accent(5, L);
        let expected = diddles(expected, 8, 5, L).accent(13, R);
        assert_eq!(played("eleven-stroke-roll"), expected.notes());
    }

    #[test]
    fn thirteen_stroke_roll_releases_on_the_last_eighth() {
        let expected = diddles(score(), 0, 6, R).accent(6, R);
        let expected = diddles(expected, 8, 6, L).accent(14, L);
        assert_eq!(played("thirteen-stroke-roll"), expected.notes());
    }

    #[test]
    fn fifteen_stroke_roll_releases_on_the_last_sixteenth() {
        let expected = diddles(score(), 0, 7, R).accent(7, L);
        let expected = diddles(expected, 8, 7, L).accent(15, R);
        assert_eq!(played("fifteen-stroke-roll"), expected.notes());
    }

    #[test]
    fn seventeen_stroke_roll_rolls_a_half_note_into_a_quarter() {
        let expected = diddles(score(), 0, 8, R).accent(8, R);
        let expected = diddles(expected, 12, 8, L).accent(20, L);
        assert_eq!(played("seventeen-stroke-roll"), expected.notes());
    }

    // Diddle rudiments.

    /// Singles from `pulse` in the hands given, the first accented.
    fn accented_run(mut score: Score, pulse: i64, keys: &[u8]) -> Score {
        for (i, &key) in keys.iter().enumerate() {
            let at = pulse + i as i64;
            score = if i == 0 {
                score.accent(at, key)
            } else {
                score.tap(at, key)
            };
        }
        score
    }

    #[test]
    fn single_paradiddle_accents_first_of_each_group() {
        let expected = accented_run(score(), 0, &[R, L, R, R]);
        let expected = accented_run(expected, 4, &[L, R, L, L]);
        assert_eq!(played("single-paradiddle"), expected.notes());
    }

    #[test]
    fn double_paradiddle_puts_four_singles_before_the_diddle() {
        let expected = accented_run(score(), 0, &[R, L, R, L, R, R]);
        let expected = accented_run(expected, 6, &[L, R, L, R, L, L]);
        assert_eq!(played("double-paradiddle"), expected.notes());
    }

    #[test]
    fn triple_paradiddle_puts_six_singles_before_the_diddle() {
        let expected = accented_run(score(), 0, &[R, L, R, L, R, L, R, R]);
        let expected = accented_run(expected, 8, &[L, R, L, R, L, R, L, L]);
        assert_eq!(played("triple-paradiddle"), expected.notes());
    }

    #[test]
    fn single_paradiddle_diddle_repeats_from_the_right() {
        let expected = accented_run(score(), 0, &[R, L, R, R, L, L]);
        assert_eq!(played("single-paradiddle-diddle"), expected.notes());
    }

    // Flam rudiments.

    #[test]
    fn flam_grace_comes_from_the_other_hand_each_time() {
        let expected = score().flam(0, R).tap(0, R).flam(1, L).tap(1, L);
        assert_eq!(played("flam"), expected.notes());
    }

    #[test]
    fn flam_accent_flams_the_first_of_each_triplet() {
        let expected = score()
            .flam(0, R)
            .accent(0, R)
            .tap(1, L)
            .tap(2, R)
            .flam(3, L)
            .accent(3, L)
            .tap(4, R)
            .tap(5, L);
        assert_eq!(played("flam-accent"), expected.notes());
    }

    #[test]
    fn flam_tap_grace_falls_before_the_beat() {
        let expected = score()
            .flam(0, R)
            .accent(0, R)
            .tap(1, R)
            .flam(2, L)
            .accent(2, L)
            .tap(3, L);
        assert_eq!(played("flam-tap"), expected.notes());
    }

    #[test]
    fn flamacue_accents_the_second_stroke_and_ends_on_a_flam() {
        let expected = score()
            .flam(0, R)
            .tap(0, R)
            .accent(1, L)
            .tap(2, R)
            .tap(3, L)
            .flam(4, R)
            .accent(4, R)
            .flam(8, L)
            .tap(8, L)
            .accent(9, R)
            .tap(10, L)
            .tap(11, R)
            .flam(12, L)
            .accent(12, L);
        assert_eq!(played("flamacue"), expected.notes());
    }

    #[test]
    fn flam_paradiddle_flams_the_paradiddles_accent() {
        let expected = accented_run(score().flam(0, R), 0, &[R, L, R, R]);
        let expected = accented_run(expected.flam(4, L), 4, &[L, R, L, L]);
        assert_eq!(played("flam-paradiddle"), expected.notes());
    }

    #[test]
    fn single_flammed_mill_flams_a_diddle_then_singles() {
        let expected = accented_run(score().flam(0, R), 0, &[R, R, L, R]);
        let expected = accented_run(expected.flam(4, L), 4, &[L, L, R, L]);
        assert_eq!(played("single-flammed-mill"), expected.notes());
    }

    #[test]
    fn flam_paradiddle_diddle_flams_only_the_first_stroke() {
        let expected = accented_run(score().flam(0, R), 0, &[R, L, R, R, L, L]);
        assert_eq!(played("flam-paradiddle-diddle"), expected.notes());
    }

    #[test]
    fn pataflafla_flams_the_first_and_fourth_singles() {
        let expected = score()
            .flam(0, R)
            .accent(0, R)
            .tap(1, L)
            .tap(2, R)
            .flam(3, L)
            .accent(3, L);
        assert_eq!(played("pataflafla"), expected.notes());
    }

    #[test]
    fn swiss_army_triplet_flams_into_a_right_hand_double() {
        let expected = score().flam(0, R).accent(0, R).tap(1, R).tap(2, L);
        assert_eq!(played("swiss-army-triplet"), expected.notes());
    }

    #[test]
    fn inverted_flam_tap_taps_with_the_grace_hand() {
        let expected = score()
            .flam(0, R)
            .accent(0, R)
            .tap(1, L)
            .flam(2, L)
            .accent(2, L)
            .tap(3, R);
        assert_eq!(played("inverted-flam-tap"), expected.notes());
    }

    #[test]
    fn flam_drag_doubles_the_middle_of_each_flam_accent_with_no_extra_graces() {
        // lR> LL R | rL> RR L: the only graces are the flams'.
        let expected = score()
            .flam(0, R)
            .accent(0, R)
            .diddle(1, L)
            .tap(2, R)
            .flam(3, L)
            .accent(3, L)
            .diddle(4, R)
            .tap(5, L);
        assert_eq!(played("flam-drag"), expected.notes());
    }

    // Drag rudiments.

    #[test]
    fn drag_graces_are_a_quick_diddle_before_the_stroke() {
        let expected = score().drag(0, R).tap(0, R).drag(1, L).tap(1, L);
        assert_eq!(played("drag"), expected.notes());
    }

    #[test]
    fn single_drag_tap_accents_the_tap_after_the_drag() {
        let expected = score()
            .drag(0, R)
            .tap(0, R)
            .accent(1, L)
            .drag(2, L)
            .tap(2, L)
            .accent(3, R);
        assert_eq!(played("single-drag-tap"), expected.notes());
    }

    #[test]
    fn double_drag_tap_drags_the_same_hand_twice() {
        let expected = score()
            .drag(0, R)
            .tap(0, R)
            .drag(1, R)
            .tap(1, R)
            .accent(2, L)
            .drag(3, L)
            .tap(3, L)
            .drag(4, L)
            .tap(4, L)
            .accent(5, R);
        assert_eq!(played("double-drag-tap"), expected.notes());
    }

    #[test]
    fn lesson_25_lands_on_an_accented_eighth() {
        let expected = score()
            .drag(0, R)
            .tap(0, R)
            .tap(1, L)
            .accent(2, R)
            .drag(4, L)
            .tap(4, L)
            .tap(5, R)
            .accent(6, L);
        assert_eq!(played("lesson-25"), expected.notes());
    }

    #[test]
    fn single_dragadiddle_opens_with_an_accented_diddle() {
        let expected = score()
            .accent(0, R)
            .hit(Time::new(1, 2), R, DIDDLE, 0.0)
            .tap(1, L)
            .tap(2, R)
            .tap(3, R)
            .accent(4, L)
            .hit(Time::new(9, 2), L, DIDDLE, 0.0)
            .tap(5, R)
            .tap(6, L)
            .tap(7, L);
        assert_eq!(played("single-dragadiddle"), expected.notes());
    }

    #[test]
    fn drag_paradiddle_1_drags_the_paradiddle_after_an_eighth() {
        let expected = accented_run(score().accent(0, R).drag(2, R), 2, &[R, L, R, R]);
        let expected = accented_run(expected.accent(6, L).drag(8, L), 8, &[L, R, L, L]);
        assert_eq!(played("drag-paradiddle-1"), expected.notes());
    }

    #[test]
    fn drag_paradiddle_2_adds_a_dragged_eighth() {
        let expected = score().accent(0, R).drag(2, R).tap(2, R).drag(4, R);
        let expected = accented_run(expected, 4, &[R, L, R, R]);
        let expected = expected.accent(8, L).drag(10, L).tap(10, L).drag(12, L);
        let expected = accented_run(expected, 12, &[L, R, L, L]);
        assert_eq!(played("drag-paradiddle-2"), expected.notes());
    }

    #[test]
    fn single_ratamacue_drags_the_triplet_and_accents_the_last() {
        let expected = score()
            .drag(0, R)
            .tap(0, R)
            .tap(1, L)
            .tap(2, R)
            .accent(3, L)
            .drag(6, L)
            .tap(6, L)
            .tap(7, R)
            .tap(8, L)
            .accent(9, R);
        assert_eq!(played("single-ratamacue"), expected.notes());
    }

    #[test]
    fn double_ratamacue_has_two_drags_before_the_triplet() {
        let expected = score()
            .drag(0, R)
            .tap(0, R)
            .drag(3, R)
            .tap(3, R)
            .tap(4, L)
            .tap(5, R)
            .accent(6, L)
            .drag(9, L)
            .tap(9, L)
            .drag(12, L)
            .tap(12, L)
            .tap(13, R)
            .tap(14, L)
            .accent(15, R);
        assert_eq!(played("double-ratamacue"), expected.notes());
    }

    #[test]
    fn triple_ratamacue_has_three_drags_before_the_accent() {
        let expected = score()
            .drag(0, R)
            .tap(0, R)
            .drag(3, R)
            .tap(3, R)
            .drag(6, R)
            .tap(6, R)
            .tap(7, L)
            .tap(8, R)
            .accent(9, L)
            .drag(12, L)
            .tap(12, L)
            .drag(15, L)
            .tap(15, L)
            .drag(18, L)
            .tap(18, L)
            .tap(19, R)
            .tap(20, L)
            .accent(21, R);
        assert_eq!(played("triple-ratamacue"), expected.notes());
    }

    // Timing, looping and queries.

    #[test]
    fn grace_notes_are_a_quarter_pulse_long_at_their_strokes_time() {
        let haps = pattern("flam-tap", &settings()).query(Span::new(cycles(0), Time::new(1, 16)));
        let grace = haps.iter().find(|h| h.value.velocity == GRACE);
        assert_eq!(
            grace.and_then(|h| h.whole),
            Some(Span::new(cycles(0), Time::new(1, 64)))
        );
        assert_eq!(
            grace.map(|h| (h.value.key, h.value.nudge_ms)),
            Some((L, -25.0))
        );
    }

    #[test]
    fn strokes_last_their_note_value_and_diddles_half_a_pulse() {
        let haps =
            pattern("five-stroke-roll", &settings()).query(Span::new(cycles(0), Time::new(4, 16)));
        let wholes: Vec<Span> = haps.iter().filter_map(|h| h.whole).collect();
        assert_eq!(wholes[0], Span::new(cycles(0), Time::new(1, 32)));
        assert_eq!(wholes[1], Span::new(Time::new(1, 32), Time::new(1, 16)));
        assert_eq!(wholes[4], Span::new(Time::new(2, 16), Time::new(4, 16)));
    }

    #[test]
    fn a_grace_before_the_first_beat_is_still_played_with_its_nudge() {
        // The grace shares its stroke's pattern time, so a query from 0 finds it even though it
        // sounds before 0; the engine's look-ahead plays it early.
        let notes =
            struck(&pattern("drag", &settings()).query(Span::new(cycles(0), Time::new(1, 64))));
        assert_eq!(notes, score().drag(0, R).tap(0, R).notes());
    }

    #[test]
    fn the_second_repetition_is_the_mirror_image() {
        let p = pattern("single-paradiddle", &settings());
        let first = struck(&p.query(Span::new(cycles(0), Time::new(4, 16))));
        let second = struck(&p.query(Span::new(Time::new(4, 16), Time::new(8, 16))));
        let mirrored: Vec<Struck> = first
            .iter()
            .map(|&(t, key, v, n)| (t + Time::new(4, 16), other(key), v, n))
            .collect();
        assert_eq!(second, mirrored);
        // The third is the first again.
        let third = struck(&p.query(Span::new(Time::new(8, 16), Time::new(12, 16))));
        let again: Vec<Struck> = first
            .iter()
            .map(|&(t, key, v, n)| (t + Time::new(8, 16), key, v, n))
            .collect();
        assert_eq!(third, again);
    }

    #[test]
    fn non_alternating_rudiments_repeat_on_the_same_lead() {
        let p = pattern("six-stroke-roll", &settings());
        let first = struck(&p.query(Span::new(cycles(0), Time::new(4, 16))));
        let second = struck(&p.query(Span::new(Time::new(4, 16), Time::new(8, 16))));
        let shifted: Vec<Struck> = first
            .iter()
            .map(|&(t, key, v, n)| (t + Time::new(4, 16), key, v, n))
            .collect();
        assert_eq!(second, shifted);
    }

    #[test]
    fn repeats_plays_that_many_repetitions_then_silence() {
        let three = RudimentSettings {
            repeats: Some(3),
            ..settings()
        };
        let p = pattern("flam-tap", &three);
        let notes = struck(&p.query(Span::new(cycles(-2), cycles(4))));
        let expected = score()
            .flam(0, R)
            .accent(0, R)
            .tap(1, R)
            .flam(2, L)
            .accent(2, L)
            .tap(3, L)
            .flam(4, R)
            .accent(4, R)
            .tap(5, R);
        assert_eq!(notes, expected.notes());
        let none = RudimentSettings {
            repeats: Some(0),
            ..settings()
        };
        assert!(
            pattern("flam-tap", &none)
                .query(Span::new(cycles(0), cycles(4)))
                .is_empty()
        );
    }

    #[test]
    fn looping_forever_also_runs_backwards_from_zero() {
        let notes = struck(
            &pattern("single-paradiddle", &settings())
                .query(Span::new(Time::new(-4, 16), cycles(0))),
        );
        // Repetition -1 is odd, so it is the left-hand lead.
        assert_eq!(notes, accented_run(score(), -4, &[L, R, L, L]).notes());
    }

    #[test]
    fn a_query_starting_mid_repetition_returns_the_same_events_as_the_full_one() {
        for id in [
            "triple-ratamacue",
            "seventeen-stroke-roll",
            "multiple-bounce-roll",
            "flamacue",
        ] {
            let p = pattern(id, &settings());
            let full = p.query(Span::new(cycles(0), cycles(3)));
            for cut in [
                Time::new(1, 32),
                Time::new(5, 16),
                Time::new(7, 12),
                Time::new(1, 1),
            ] {
                let tail = p.query(Span::new(cut, cycles(3)));
                let expected: Vec<Hap<Note>> = full
                    .iter()
                    .filter_map(|h| {
                        let whole = h.whole?;
                        let part = whole.intersection(&Span::new(cut, cycles(3)))?;
                        Some(Hap::new(Some(whole), part, h.value))
                    })
                    .collect();
                assert_eq!(tail, expected, "{id} from {cut}");
                // Pieces of the span strike every note of the full query exactly once.
                let head = p.query(Span::new(cycles(0), cut));
                let mut pieces = struck(&head);
                pieces.extend(struck(&tail));
                pieces.sort_by(|a, b| a.0.cmp(&b.0).then(a.3.total_cmp(&b.3)));
                assert_eq!(pieces, struck(&full), "{id} split at {cut}");
            }
        }
    }

    #[test]
    fn a_million_bars_in_it_plays_what_it_played_at_the_start() {
        // Non-alternating, and a million bars is a whole number of its periods, so the notes
        // there are exactly those at the start.
        let p = pattern(
            "single-paradiddle-diddle",
            &RudimentSettings {
                step: Time::new(1, 24),
                ..settings()
            },
        );
        let start = struck(&p.query(Span::new(cycles(0), cycles(1))));
        let far = struck(&p.query(Span::new(cycles(1_000_000), cycles(1_000_001))));
        let shifted: Vec<Struck> = start
            .iter()
            .map(|&(t, key, v, n)| (t + cycles(1_000_000), key, v, n))
            .collect();
        assert_eq!(far, shifted);
        assert_eq!(start.len(), 24);
    }

    #[test]
    fn a_point_query_finds_the_note_sounding_there() {
        let p = pattern("five-stroke-roll", &settings());
        let at_release = p.query(Span::new(Time::new(3, 16), Time::new(3, 16)));
        assert_eq!(at_release.len(), 1);
        assert_eq!(at_release[0].value.velocity, ACCENT);
        assert!(!at_release[0].has_onset());
    }

    #[test]
    fn a_point_query_hears_exactly_the_notes_sounding_at_that_instant() {
        // A paradiddle at a thirty-second per pulse: one period (both hands' halves) is a
        // quarter cycle. Sampling single instants, including each period's first, must find the
        // notes of a span query whose events hold that instant, no more and no fewer.
        let p = pattern(
            "single-paradiddle",
            &RudimentSettings {
                step: Time::new(1, 32),
                ..settings()
            },
        );
        let full = p.query(Span::new(cycles(-1), cycles(2)));
        for i in -64..128 {
            let at = Time::new(i, 64);
            let expected: Vec<Hap<Note>> = full
                .iter()
                .filter_map(|h| {
                    let whole = h.whole?;
                    (whole.begin <= at && at < whole.end)
                        .then(|| Hap::new(Some(whole), Span::new(at, at), h.value))
                })
                .collect();
            assert_eq!(expected.len(), 1, "at {at}");
            assert_eq!(p.query(Span::new(at, at)), expected, "at {at}");
        }
        // The third period opens on the right-hand accent, and its mirrored half on the left.
        let note = |at: Time| p.query(Span::new(at, at))[0].value;
        assert_eq!(
            (note(Time::new(1, 2)).key, note(Time::new(1, 2)).velocity),
            (R, ACCENT)
        );
        assert_eq!(
            (note(Time::new(5, 8)).key, note(Time::new(5, 8)).velocity),
            (L, ACCENT)
        );
    }

    #[test]
    fn a_rudiment_has_as_many_steps_per_cycle_as_pulses_fit_in_it() {
        // Its step count (Strudel's tactus) is the pulse rate: sixteen at sixteenths, twelve
        // at eighth-note triplets.
        assert_eq!(
            pattern("flam-tap", &settings()).steps(),
            Some(Time::from_integer(16))
        );
        let triplets = RudimentSettings {
            step: Time::new(1, 12),
            ..settings()
        };
        assert_eq!(
            pattern("flam-tap", &triplets).steps(),
            Some(Time::from_integer(12))
        );
    }

    #[test]
    fn a_zero_or_negative_step_is_silent() {
        for step in [cycles(0), Time::new(-1, 16)] {
            let s = RudimentSettings { step, ..settings() };
            assert!(
                pattern("flam", &s)
                    .query(Span::new(cycles(0), cycles(1)))
                    .is_empty()
            );
        }
    }

    #[test]
    fn equal_keys_put_both_hands_on_one_drum() {
        let notes = struck(
            &pattern("single-stroke-roll", &RudimentSettings::default())
                .query(Span::new(cycles(0), Time::new(2, 16))),
        );
        assert!(notes.iter().all(|n| n.1 == 38));
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn a_larger_grace_offset_spreads_a_drag() {
        let wide = RudimentSettings {
            grace_ms: 40.0,
            ..settings()
        };
        let nudges: Vec<f32> =
            struck(&pattern("drag", &wide).query(Span::new(cycles(0), Time::new(1, 16))))
                .iter()
                .map(|n| n.3)
                .collect();
        assert_eq!(nudges, vec![-80.0, -40.0, 0.0]);
    }
}
