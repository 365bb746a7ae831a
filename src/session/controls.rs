//! Matches an input's messages against the song's `map` lines: a button press (a controller
//! rising past the middle, or a note-on) toggles a mute or a solo, or hits the panic key; a
//! knob or fader sets the tempo or selects a track.

use super::control::Control;
use crate::engine::incoming::Incoming;
use crate::lang::song::mapping::{MapAction, Mapping, Trigger};

/// A controller value at or over this is "pressed" (buttons send 127 and 0).
const PRESSED: u8 = 64;

/// The last value of every controller on every channel, so presses are told from holds.
pub struct Controls {
    values: [[u8; 128]; 16],
}

impl Default for Controls {
    fn default() -> Self {
        Controls {
            values: [[0; 128]; 16],
        }
    }
}

impl Controls {
    /// What `message` asks for under `maps`, in the order of the `map` lines.
    pub fn hear(&mut self, message: &Incoming, maps: &[Mapping]) -> Vec<Control> {
        let (channel, number, value, note) = match *message {
            Incoming::Control {
                channel,
                controller,
                value,
            } => (channel, controller, value, false),
            Incoming::NoteOn { channel, key, .. } => (channel, key, 127, true),
            _ => return Vec::new(),
        };
        let slot = usize::from(channel.clamp(1, 16) - 1);
        let before = if note {
            0
        } else {
            let old = self.values[slot][usize::from(number & 0x7f)];
            self.values[slot][usize::from(number & 0x7f)] = value;
            old
        };
        let pressed = value >= PRESSED && before < PRESSED;
        let share = f64::from(value) / 127.0;
        maps.iter()
            .filter(|m| match m.trigger {
                Trigger::Control {
                    channel: c,
                    controller,
                } => !note && controller == number && c.is_none_or(|c| c == channel),
                Trigger::Note { channel: c, key } => {
                    note && key == number && c.is_none_or(|c| c == channel)
                }
            })
            .filter_map(|m| match &m.action {
                MapAction::Mute(t) => pressed.then(|| Control::ToggleMute(t.clone())),
                MapAction::Solo(t) => pressed.then(|| Control::ToggleSolo(t.clone())),
                MapAction::Panic => pressed.then_some(Control::Panic),
                MapAction::Tempo(lo, hi) => Some(Control::Tempo(lo + (hi - lo) * share)),
                MapAction::Select if note => Some(Control::Select(None)),
                MapAction::Select => Some(Control::Select(Some(share))),
                MapAction::Section(name) => pressed.then(|| Control::Section(name.clone())),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::song::compile;

    fn maps() -> Vec<Mapping> {
        compile(
            "map cc 20 mute drums\nmap cc 22 tempo 60 180\nmap note 36 ch 10 panic\ntrack drums drums\n  play \"bd\"\n",
        )
        .unwrap()
        .maps
    }

    fn cc(controller: u8, value: u8) -> Incoming {
        Incoming::Control {
            channel: 1,
            controller,
            value,
        }
    }

    #[test]
    fn a_pad_mapped_to_a_section_asks_for_the_jump_on_its_press_only() {
        let maps = compile(
            "map note 40 section chorus\ntrack kick drums\n  play \"bd\"\nsection chorus\n  track kick\n",
        )
        .unwrap()
        .maps;
        let mut controls = Controls::default();
        let press = Incoming::NoteOn {
            channel: 1,
            key: 40,
            velocity: 90,
        };
        let release = Incoming::NoteOff {
            channel: 1,
            key: 40,
            velocity: 0,
        };
        assert_eq!(
            controls.hear(&press, &maps),
            vec![Control::Section("chorus".into())]
        );
        assert!(controls.hear(&release, &maps).is_empty());
    }

    #[test]
    fn a_button_toggles_on_its_press_not_while_held_or_on_release() {
        let maps = maps();
        let mut controls = Controls::default();
        assert_eq!(
            controls.hear(&cc(20, 127), &maps),
            vec![Control::ToggleMute("drums".into())]
        );
        assert!(controls.hear(&cc(20, 127), &maps).is_empty(), "held");
        assert!(controls.hear(&cc(20, 0), &maps).is_empty(), "released");
        assert_eq!(controls.hear(&cc(20, 100), &maps).len(), 1, "pressed again");
    }

    #[test]
    fn a_fader_spreads_the_tempo_over_its_range() {
        let maps = maps();
        let mut controls = Controls::default();
        assert_eq!(controls.hear(&cc(22, 0), &maps), vec![Control::Tempo(60.0)]);
        assert_eq!(
            controls.hear(&cc(22, 127), &maps),
            vec![Control::Tempo(180.0)]
        );
    }

    #[test]
    fn a_pad_on_another_channel_is_not_the_panic_key() {
        let maps = maps();
        let mut controls = Controls::default();
        let pad = |channel| Incoming::NoteOn {
            channel,
            key: 36,
            velocity: 90,
        };
        assert!(controls.hear(&pad(1), &maps).is_empty());
        assert_eq!(controls.hear(&pad(10), &maps), vec![Control::Panic]);
    }
}
