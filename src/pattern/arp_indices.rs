//! Strudel's `arp("0 [1 2] 3")`: the notes of each chord, picked by their place in it (in
//! the order written, wrapping round), in the rhythm of the index pattern.

use super::hap::Hap;
use super::pattern::{Pattern, Payload};
use super::span::Span;

impl<T: Payload> Pattern<T> {
    /// Plays note `i` (modulo the chord's size) of each chord for each index `i` in
    /// `indices`; a chord is the events that share one whole.
    pub fn arp_indices(&self, indices: &Pattern<f64>) -> Self {
        let chords = self.clone();
        let indices = indices.clone();
        Pattern::new(move |span, out| {
            let mut notes = Vec::new();
            chords.query_into(span, &mut notes);
            // Group the notes by their whole, keeping the order they came in.
            let mut groups: Vec<(Option<Span>, Span, Vec<T>)> = Vec::new();
            for n in notes {
                match groups
                    .iter_mut()
                    .find(|(w, p, _)| *w == n.whole && *p == n.part)
                {
                    Some((_, _, vs)) => vs.push(n.value),
                    None => groups.push((n.whole, n.part, vec![n.value])),
                }
            }
            let mut picks = Vec::new();
            for (whole, part, values) in &groups {
                if whole.is_none() || values.is_empty() {
                    continue;
                }
                picks.clear();
                indices.query_into(*part, &mut picks);
                for pick in &picks {
                    let Some(p) = pick.part.intersection(part) else {
                        continue;
                    };
                    let i = (pick.value.floor() as i64).rem_euclid(values.len() as i64) as usize;
                    out.push(Hap::new(pick.whole, p, values[i].clone()));
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theory::time::Time;

    #[test]
    fn an_index_arp_walks_the_chord_in_the_order_written() {
        let chord = Pattern::stack(vec![
            Pattern::pure(60),
            Pattern::pure(64),
            Pattern::pure(67),
        ]);
        let idx = Pattern::fastcat(vec![
            Pattern::pure(0.0),
            Pattern::pure(1.0),
            Pattern::pure(2.0),
            Pattern::pure(4.0),
        ]);
        let notes: Vec<i32> = chord
            .arp_indices(&idx)
            .query(Span::new(Time::ZERO, Time::ONE))
            .into_iter()
            .map(|h| h.value)
            .collect();
        assert_eq!(
            notes,
            [60, 64, 67, 64],
            "index 4 wraps round to the second note"
        );
    }

    #[test]
    fn notes_sounding_together_but_struck_apart_are_separate_chords() {
        // c4 lasts the bar, e4 and g4 half of it each: in the first half c4 and e4 sound
        // together, but each is a chord of its own, so index 1 comes round to the note itself.
        let pat = Pattern::stack(vec![
            Pattern::pure(60),
            Pattern::fastcat(vec![Pattern::pure(64), Pattern::pure(67)]),
        ]);
        let notes: Vec<i32> = pat
            .arp_indices(&Pattern::pure(1.0))
            .query(Span::new(Time::ZERO, Time::new(1, 2)))
            .into_iter()
            .map(|h| h.value)
            .collect();
        assert_eq!(notes, vec![60, 64]);
    }

    #[test]
    fn a_continuous_signal_has_no_chords_to_arpeggiate() {
        let picked = crate::pattern::signal::saw()
            .arp_indices(&Pattern::pure(0.0))
            .query(Span::new(Time::ZERO, Time::ONE));
        assert!(picked.is_empty(), "{picked:?}");
    }
}
