//! `flam mini --draw`: a pattern as lines of text, one character per step, in the spirit of
//! Tidal's and Strudel's `drawLine`.
//!
//! Each cycle is `|` then its steps: the first character of a value where an event starts,
//! `-` while it is held, `.` where nothing sounds. The steps are the finest grid that holds
//! every start and end exactly (at most [`MAX_STEPS`] a cycle). Events that overlap go on
//! further lines. When some value is longer than one character, each value gets a letter and
//! a legend comes first (`a = bd, b = sn`).

use crate::pattern::{Pattern, Span, Value};
use crate::theory::time::{Time, lcm};

/// The most steps a cycle is drawn with; finer patterns are drawn on this grid, each event at
/// the step it starts in.
pub const MAX_STEPS: i64 = 64;

/// One event, in steps from the first cycle drawn.
struct Drawn {
    start: i64,
    end: i64,
    onset: bool,
    label: char,
}

/// The drawing of cycles `from..to` of `pattern`, as lines (legend first, if any).
pub fn draw(pattern: &Pattern<Value>, from: i64, to: i64) -> Vec<String> {
    let mut events = Vec::new();
    for cycle in from..to {
        let span = Span::new(Time::from_integer(cycle), Time::from_integer(cycle + 1));
        events.extend(pattern.query(span));
    }
    // The steps per cycle: the least common multiple of every boundary's denominator.
    let most = Time::from_integer(MAX_STEPS);
    let mut grid = Time::ONE;
    for hap in &events {
        for t in [hap.part.begin, hap.part.end] {
            grid = lcm(grid, Time::from_integer(*t.denom()));
            if grid > most {
                grid = most;
                break;
            }
        }
    }
    let steps = grid.to_integer();
    let at = |t: Time| -> i64 {
        ((t - Time::from_integer(from)) * Time::from_integer(steps))
            .floor()
            .to_integer()
    };
    let texts: Vec<String> = events.iter().map(|h| h.value.to_string()).collect();
    let mut names: Vec<&str> = Vec::new();
    for t in &texts {
        if !names.contains(&t.as_str()) {
            names.push(t);
        }
    }
    let lettered = names.iter().any(|n| n.chars().count() != 1) && names.len() <= 26;
    let label = |text: &str| -> char {
        if lettered {
            let i = names.iter().position(|n| *n == text).unwrap_or(0);
            char::from(b'a' + i as u8)
        } else {
            text.chars().next().unwrap_or('?')
        }
    };
    let mut drawn: Vec<Drawn> = events
        .iter()
        .zip(&texts)
        .map(|(h, text)| {
            let start = at(h.part.begin);
            Drawn {
                start,
                end: at(h.part.end).max(start + 1),
                onset: h.has_onset(),
                label: label(text),
            }
        })
        .collect();
    // Longer events first at the same start, so the held ones keep the top line.
    drawn.sort_by_key(|d| (d.start, std::cmp::Reverse(d.end)));
    // Each event on the first line it does not overlap.
    let cells = (to - from) * steps;
    let mut lines: Vec<Vec<char>> = Vec::new();
    for d in &drawn {
        let free = lines.iter().position(|line| {
            (d.start..d.end).all(|i| line.get(i as usize).is_some_and(|c| *c == '.'))
        });
        let line = match free {
            Some(i) => &mut lines[i],
            None => {
                lines.push(vec!['.'; cells as usize]);
                lines.last_mut().expect("a line")
            }
        };
        for i in d.start.max(0)..d.end.min(cells) {
            line[i as usize] = if i == d.start && d.onset {
                d.label
            } else {
                '-'
            };
        }
    }
    let mut out = Vec::new();
    if lettered {
        let legend: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{} = {n}", char::from(b'a' + i as u8)))
            .collect();
        out.push(legend.join(", "));
    }
    if lines.is_empty() {
        lines.push(vec!['.'; cells as usize]);
    }
    for line in lines {
        let mut text = String::new();
        for (i, c) in line.iter().enumerate() {
            if i as i64 % steps == 0 {
                text.push('|');
            }
            text.push(*c);
        }
        text.push('|');
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::mini::parse;

    fn drawing(src: &str, cycles: i64) -> Vec<String> {
        draw(&parse(src).unwrap().pattern, 0, cycles)
    }

    #[test]
    fn a_backbeat_is_one_character_a_step() {
        assert_eq!(drawing("a b a b", 2), ["|abab|abab|"]);
    }

    #[test]
    fn held_notes_rests_and_subdivisions_share_the_finest_grid() {
        assert_eq!(drawing("a@3 b", 1), ["|a--b|"]);
        assert_eq!(drawing("a ~ [b c]", 1), ["|a-..bc|"]);
    }

    #[test]
    fn alternations_change_from_cycle_to_cycle() {
        assert_eq!(drawing("a <b c>", 2), ["|ab|ac|"]);
    }

    #[test]
    fn words_get_letters_and_a_legend_and_chords_get_lines() {
        assert_eq!(
            drawing("[bd, hh hh] sn", 1),
            ["a = bd, b = hh, c = sn", "|a-c-|", "|bb..|"]
        );
    }

    #[test]
    fn an_event_across_the_cycle_line_is_held_into_the_next_cycle() {
        assert_eq!(drawing("a/2", 2), ["|a|-|"]);
    }

    #[test]
    fn silence_draws_an_empty_cycle() {
        assert_eq!(drawing("~", 2), ["|.|.|"]);
    }
}
