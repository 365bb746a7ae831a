//! Scale degrees placed by a scale, as Strudel's `n(...).scale(...)` places them: degree 0
//! is the root, degrees past the end climb into the octaves above, negative ones go down,
//! and a note that is already a key snaps to the nearest note of the scale.

use super::pattern::Pattern;
use super::tone::Tone;
use crate::theory::scale::{RootedScale, ScaleId};

impl Pattern<Tone> {
    /// Places each degree by the scale `scales` holds where it starts (a scale may change
    /// per cycle: `"<c:major a:minor>"`).
    pub fn scale(&self, scales: &Pattern<RootedScale>) -> Self {
        let notes = self.clone();
        // Placing by one scale keeps the notes' period, whichever scale it is.
        let period = super::period::lcm(scales.period(), self.period());
        scales
            .inner_bind(move |&scale| notes.scale_by(scale))
            .with_period(period)
    }

    /// Places each degree by one scale.
    pub fn scale_by(&self, scale: RootedScale) -> Self {
        let id = scale.id();
        self.update_values(move |t| *t = place(*t, scale, id))
    }
}

/// One note placed by a scale.
fn place(tone: Tone, scale: RootedScale, id: Option<ScaleId>) -> Tone {
    let key = if tone.degree {
        scale.key_of(tone.pitch) + f64::from(tone.accidental)
    } else {
        scale.key_of(scale.nearest_degree(tone.pitch))
    };
    Tone {
        pitch: key,
        degree: false,
        accidental: 0,
        scale: id,
        ..tone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Span;
    use crate::theory::scale::parse_scale;
    use crate::theory::time::Time;

    fn keys(degrees: &[f64], scale: &str) -> Vec<f64> {
        let scale = Pattern::pure(parse_scale(scale).unwrap());
        degrees
            .iter()
            .map(|&d| {
                Pattern::pure(Tone::degree(d, 0, 100))
                    .scale(&scale)
                    .query(Span::new(Time::ZERO, Time::ONE))[0]
                    .value
                    .pitch
            })
            .collect()
    }

    #[test]
    fn c_minor_degrees_climb_from_c3_and_go_below_it() {
        assert_eq!(
            keys(&[0.0, 1.0, 2.0, 7.0, -1.0], "c:minor"),
            [48.0, 50.0, 51.0, 60.0, 46.0]
        );
    }

    #[test]
    fn a_degree_between_steps_rounds_up() {
        assert_eq!(keys(&[1.2, 0.0000001], "c:major"), [52.0, 50.0]);
    }

    #[test]
    fn a_note_snaps_to_the_nearest_scale_note_and_a_tie_goes_up() {
        let scale = Pattern::pure(parse_scale("c:major").unwrap());
        let snap = |k: f64| {
            Pattern::pure(Tone::key(k, 100))
                .scale(&scale)
                .query(Span::new(Time::ZERO, Time::ONE))[0]
                .value
                .pitch
        };
        assert_eq!(snap(54.0), 55.0, "f#3 between f3 and g3 goes up");
        assert_eq!(snap(52.0), 52.0, "e3 is in the scale");
        assert_eq!(snap(58.0), 59.0, "bb3 goes up to b3");
    }

    #[test]
    fn a_placed_degree_is_a_plain_key_with_no_accidental_left() {
        let scale = Pattern::pure(parse_scale("c4:major").unwrap());
        let placed = Pattern::pure(Tone::degree(2.0, 1, 100))
            .scale(&scale)
            .query(Span::new(Time::ZERO, Time::ONE))[0]
            .value;
        // The third of C major is e4 (64), sharpened once: f4.
        assert_eq!(placed.pitch, 65.0);
        assert!(!placed.degree);
        assert_eq!(placed.accidental, 0, "{placed:?}");
    }
}
