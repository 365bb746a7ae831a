//! Turns the raw bytes of a MIDI input into [`Incoming`] messages, as the MIDI 1.0 spec reads them.
//!
//! It runs in a JACK process callback and on a MIDI input thread, so it keeps a few bytes of state
//! and never allocates, locks or panics, whatever the bytes: a cable plugged in mid-message, a
//! SysEx dump from an editor and a noisy DIN port all come through it.

use super::incoming::Incoming;

/// A MIDI 1.0 byte-stream parser: running status, interleaved real-time bytes, SysEx skipped.
#[derive(Clone, Debug)]
pub struct MidiParser {
    /// The status the next data bytes belong to: a channel status (kept for running status), a
    /// system common status still waiting for its data, or 0 for none.
    status: u8,
    /// The data bytes of the message being collected; no message has more than two.
    data: [u8; 2],
    /// How many of `data` have arrived.
    have: u8,
    /// A status byte has come and no message has completed since, so it is owed its data.
    fresh: bool,
    /// Inside a System Exclusive message, whose bytes are dropped as they come.
    in_sysex: bool,
    /// Bytes that belonged to nothing; see [`MidiParser::stray`].
    stray: u64,
    /// SysEx messages skipped; see [`MidiParser::sysex`].
    sysex: u64,
}

impl Default for MidiParser {
    fn default() -> Self {
        Self::new()
    }
}

/// How many data bytes follow a status byte that takes any.
fn data_len(status: u8) -> u8 {
    match status {
        0xC0..=0xDF | 0xF1 | 0xF3 => 1,
        _ => 2,
    }
}

impl MidiParser {
    /// A parser that has seen nothing yet, so data bytes before the first status byte are stray.
    pub const fn new() -> MidiParser {
        MidiParser {
            status: 0,
            data: [0; 2],
            have: 0,
            fresh: false,
            in_sysex: false,
            stray: 0,
            sysex: 0,
        }
    }

    /// Takes one byte and returns the message it completes, if any.
    pub fn feed(&mut self, byte: u8) -> Option<Incoming> {
        match byte {
            0xF8..=0xFF => self.real_time(byte),
            0x80..=0xF7 => {
                self.status_byte(byte);
                None
            }
            _ => self.data_byte(byte),
        }
    }

    /// Takes a buffer of bytes (one JACK event or one driver read) and hands each message to `out`.
    pub fn feed_all(&mut self, bytes: &[u8], out: &mut impl FnMut(Incoming)) {
        for &byte in bytes {
            if let Some(message) = self.feed(byte) {
                out(message);
            }
        }
    }

    /// Data bytes with no status to belong to, undefined status bytes (F4 F5 F9 FD), an End of
    /// Exclusive (F7) outside a SysEx, and messages abandoned incomplete.
    pub fn stray(&self) -> u64 {
        self.stray
    }

    /// System Exclusive messages skipped, whether ended by F7 or cut short by another status byte.
    pub fn sysex(&self) -> u64 {
        self.sysex
    }

    /// Real-time bytes are single-byte messages that may come between any two bytes, so they
    /// touch none of the state of the message around them.
    fn real_time(&mut self, byte: u8) -> Option<Incoming> {
        match byte {
            0xF8 => Some(Incoming::Clock),
            0xFA => Some(Incoming::Start),
            0xFB => Some(Incoming::Continue),
            0xFC => Some(Incoming::Stop),
            0xFE => Some(Incoming::ActiveSensing),
            0xFF => Some(Incoming::Reset),
            _ => {
                self.stray += 1;
                None
            }
        }
    }

    fn status_byte(&mut self, byte: u8) {
        if self.in_sysex {
            // Any status byte ends a SysEx; one other than F7 also starts its own message,
            // because senders that drop the F7 still expect what follows to be heard.
            self.in_sysex = false;
            if byte == 0xF7 {
                return;
            }
        } else if self.fresh || self.have > 0 {
            self.stray += 1;
        }
        self.have = 0;
        self.fresh = false;
        // Everything but a channel status cancels running status, so data bytes after a system
        // common message are never taken as notes of the channel before it.
        self.status = 0;
        match byte {
            0x80..=0xEF | 0xF1..=0xF3 => {
                self.status = byte;
                self.fresh = true;
            }
            0xF0 => {
                self.in_sysex = true;
                self.sysex += 1;
            }
            0xF6 => {}
            _ => self.stray += 1,
        }
    }

    fn data_byte(&mut self, byte: u8) -> Option<Incoming> {
        if self.in_sysex {
            return None;
        }
        if self.status == 0 {
            self.stray += 1;
            return None;
        }
        if let Some(slot) = self.data.get_mut(usize::from(self.have)) {
            *slot = byte;
        }
        self.have += 1;
        if self.have < data_len(self.status) {
            return None;
        }
        self.have = 0;
        self.fresh = false;
        let status = self.status;
        if status >= 0xF0 {
            self.status = 0;
        }
        self.message(status)
    }

    /// The message a complete status and its data make; None for those flam skips.
    fn message(&self, status: u8) -> Option<Incoming> {
        let channel = (status & 0x0F) + 1;
        let [a, b] = self.data;
        Some(match status & 0xF0 {
            0x80 => Incoming::NoteOff {
                channel,
                key: a,
                velocity: b,
            },
            0x90 if b == 0 => Incoming::NoteOff {
                channel,
                key: a,
                velocity: 0,
            },
            0x90 => Incoming::NoteOn {
                channel,
                key: a,
                velocity: b,
            },
            0xA0 => Incoming::PolyPressure {
                channel,
                key: a,
                value: b,
            },
            0xB0 => Incoming::Control {
                channel,
                controller: a,
                value: b,
            },
            0xC0 => Incoming::Program {
                channel,
                program: a,
            },
            0xD0 => Incoming::ChannelPressure { channel, value: a },
            0xE0 => Incoming::PitchBend {
                channel,
                value: ((i16::from(b) << 7) | i16::from(a)) - 8192,
            },
            _ if status == 0xF2 => Incoming::SongPosition((u16::from(b) << 7) | u16::from(a)),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(bytes: &[u8]) -> (Vec<Incoming>, MidiParser) {
        let mut parser = MidiParser::new();
        let mut messages = Vec::new();
        parser.feed_all(bytes, &mut |m| messages.push(m));
        (messages, parser)
    }

    fn messages(bytes: &[u8]) -> Vec<Incoming> {
        parse(bytes).0
    }

    fn on(channel: u8, key: u8, velocity: u8) -> Incoming {
        Incoming::NoteOn {
            channel,
            key,
            velocity,
        }
    }

    fn off(channel: u8, key: u8, velocity: u8) -> Incoming {
        Incoming::NoteOff {
            channel,
            key,
            velocity,
        }
    }

    #[test]
    fn a_snare_hit_on_channel_ten_is_a_note_on() {
        assert_eq!(messages(&[0x99, 38, 100]), [on(10, 38, 100)]);
    }

    #[test]
    fn a_released_key_keeps_its_release_velocity() {
        assert_eq!(messages(&[0x80, 60, 40]), [off(1, 60, 40)]);
    }

    #[test]
    fn a_note_on_at_velocity_zero_releases_the_note() {
        assert_eq!(messages(&[0x93, 64, 0]), [off(4, 64, 0)]);
    }

    #[test]
    fn a_sustain_pedal_is_a_control_change() {
        assert_eq!(
            messages(&[0xBF, 64, 127]),
            [Incoming::Control {
                channel: 16,
                controller: 64,
                value: 127
            }]
        );
    }

    #[test]
    fn a_patch_change_takes_one_data_byte() {
        assert_eq!(
            messages(&[0xC2, 5]),
            [Incoming::Program {
                channel: 3,
                program: 5
            }]
        );
    }

    #[test]
    fn channel_aftertouch_takes_one_data_byte() {
        assert_eq!(
            messages(&[0xD0, 90]),
            [Incoming::ChannelPressure {
                channel: 1,
                value: 90
            }]
        );
    }

    #[test]
    fn poly_aftertouch_names_its_key() {
        assert_eq!(
            messages(&[0xA1, 48, 70]),
            [Incoming::PolyPressure {
                channel: 2,
                key: 48,
                value: 70
            }]
        );
    }

    #[test]
    fn the_pitch_wheel_at_rest_is_zero_and_its_extremes_are_full_scale() {
        assert_eq!(
            messages(&[0xE0, 0x00, 0x40, 0xE0, 0x00, 0x00, 0xE0, 0x7F, 0x7F]),
            [
                Incoming::PitchBend {
                    channel: 1,
                    value: 0
                },
                Incoming::PitchBend {
                    channel: 1,
                    value: -8192
                },
                Incoming::PitchBend {
                    channel: 1,
                    value: 8191
                },
            ]
        );
    }

    #[test]
    fn the_pitch_wheel_puts_the_least_significant_byte_first() {
        assert_eq!(
            messages(&[0xE5, 0x01, 0x40]),
            [Incoming::PitchBend {
                channel: 6,
                value: 1
            }]
        );
    }

    #[test]
    fn clock_and_transport_bytes_are_messages_of_their_own() {
        assert_eq!(
            messages(&[0xFA, 0xF8, 0xFC, 0xFB, 0xFE, 0xFF]),
            [
                Incoming::Start,
                Incoming::Clock,
                Incoming::Stop,
                Incoming::Continue,
                Incoming::ActiveSensing,
                Incoming::Reset
            ]
        );
    }

    #[test]
    fn song_position_counts_sixteenths_in_fourteen_bits() {
        assert_eq!(
            messages(&[0xF2, 16, 0, 0xF2, 0x7F, 0x7F]),
            [Incoming::SongPosition(16), Incoming::SongPosition(16383)]
        );
    }

    #[test]
    fn running_status_carries_a_drum_machines_hi_hat_run() {
        let (got, parser) = parse(&[0x99, 42, 100, 42, 60, 42, 0, 46, 90]);
        assert_eq!(
            got,
            [
                on(10, 42, 100),
                on(10, 42, 60),
                off(10, 42, 0),
                on(10, 46, 90),
            ]
        );
        assert_eq!(parser.stray(), 0);
    }

    #[test]
    fn running_status_carries_a_sweep_of_one_byte_messages() {
        assert_eq!(
            messages(&[0xD0, 10, 20, 30]),
            [10, 20, 30].map(|value| Incoming::ChannelPressure { channel: 1, value })
        );
    }

    #[test]
    fn a_clock_pulse_inside_a_note_on_arrives_first_and_leaves_the_note_whole() {
        let (got, parser) = parse(&[0x90, 0xF8, 60, 0xF8, 100, 0xF8, 62, 0xFE, 90]);
        assert_eq!(
            got,
            [
                Incoming::Clock,
                Incoming::Clock,
                on(1, 60, 100),
                Incoming::Clock,
                Incoming::ActiveSensing,
                on(1, 62, 90),
            ]
        );
        assert_eq!(parser.stray(), 0);
    }

    #[test]
    fn a_clock_pulse_inside_a_sysex_dump_keeps_time() {
        let (got, parser) = parse(&[
            0xF0, 0x41, 0x10, 0xF8, 0x42, 0x12, 0xFA, 0x7F, 0xF7, 0x90, 36, 127,
        ]);
        assert_eq!(got, [Incoming::Clock, Incoming::Start, on(1, 36, 127)]);
        assert_eq!((parser.sysex(), parser.stray()), (1, 0));
    }

    #[test]
    fn a_sysex_cut_short_by_a_note_on_still_plays_the_note() {
        let (got, parser) = parse(&[0xF0, 0x43, 0x10, 0x4C, 0x99, 36, 110]);
        assert_eq!(got, [on(10, 36, 110)]);
        assert_eq!((parser.sysex(), parser.stray()), (1, 0));
    }

    #[test]
    fn a_sysex_ends_running_status() {
        let (got, parser) = parse(&[0x90, 60, 100, 0xF0, 1, 2, 0xF7, 62, 100]);
        assert_eq!(got, [on(1, 60, 100)]);
        assert_eq!(parser.stray(), 2);
    }

    #[test]
    fn real_time_bytes_leave_running_status_in_place() {
        assert_eq!(
            messages(&[0x90, 60, 100, 0xF8, 0xFC, 0xFA, 64, 100]),
            [
                on(1, 60, 100),
                Incoming::Clock,
                Incoming::Stop,
                Incoming::Start,
                on(1, 64, 100),
            ]
        );
    }

    #[test]
    fn a_song_position_ends_running_status() {
        let (got, parser) = parse(&[0x90, 60, 100, 0xF2, 0, 1, 62, 100]);
        assert_eq!(got, [on(1, 60, 100), Incoming::SongPosition(128)]);
        assert_eq!(parser.stray(), 2);
    }

    #[test]
    fn timecode_song_select_and_tune_request_are_skipped_whole() {
        let (got, parser) = parse(&[0xF1, 0x23, 0xF3, 4, 0xF6, 0x90, 60, 1]);
        assert_eq!(got, [on(1, 60, 1)]);
        assert_eq!(parser.stray(), 0);
    }

    #[test]
    fn data_before_any_status_is_counted_stray() {
        let (got, parser) = parse(&[60, 100, 0x90, 60, 100]);
        assert_eq!(got, [on(1, 60, 100)]);
        assert_eq!(parser.stray(), 2);
    }

    #[test]
    fn undefined_status_bytes_are_counted_stray_and_ignored() {
        let (got, parser) = parse(&[0xF4, 0xF5, 0x90, 60, 0xF9, 0xFD, 100, 0xF7]);
        assert_eq!(got, [on(1, 60, 100)]);
        assert_eq!(parser.stray(), 5);
    }

    #[test]
    fn an_undefined_system_common_byte_ends_running_status() {
        let (got, parser) = parse(&[0x90, 60, 100, 0xF5, 62, 100]);
        assert_eq!(got, [on(1, 60, 100)]);
        assert_eq!(parser.stray(), 3);
    }

    #[test]
    fn a_note_cut_off_by_the_next_status_is_abandoned_and_counted() {
        let (got, parser) = parse(&[0x90, 60, 0xB0, 7, 100, 0xF2, 5, 0x90, 61, 90]);
        assert_eq!(
            got,
            [
                Incoming::Control {
                    channel: 1,
                    controller: 7,
                    value: 100
                },
                on(1, 61, 90),
            ]
        );
        assert_eq!(parser.stray(), 2);
    }

    #[test]
    fn a_song_position_with_no_data_at_all_is_abandoned_and_counted() {
        let (got, parser) = parse(&[0xF2, 0xC0, 3]);
        assert_eq!(
            got,
            [Incoming::Program {
                channel: 1,
                program: 3
            }]
        );
        assert_eq!(parser.stray(), 1);
    }

    #[test]
    fn a_status_byte_with_no_data_before_the_next_is_counted() {
        let (got, parser) = parse(&[0x90, 0xC0, 3, 0xB0, 0xFA, 0xF8]);
        assert_eq!(
            got,
            [
                Incoming::Program {
                    channel: 1,
                    program: 3
                },
                Incoming::Start,
                Incoming::Clock
            ]
        );
        assert_eq!(parser.stray(), 1);
    }

    #[test]
    fn every_sysex_is_counted() {
        let (_, parser) = parse(&[0xF0, 1, 0xF7, 0xF0, 0xF7, 0xF0, 2, 3]);
        assert_eq!(parser.sysex(), 3);
    }

    /// A channel message's bytes on the wire, status first.
    fn encode(message: Incoming) -> (u8, Vec<u8>) {
        match message {
            Incoming::NoteOff {
                channel,
                key,
                velocity,
            } => (0x80 | (channel - 1), vec![key, velocity]),
            Incoming::NoteOn {
                channel,
                key,
                velocity,
            } => (0x90 | (channel - 1), vec![key, velocity]),
            Incoming::PolyPressure {
                channel,
                key,
                value,
            } => (0xA0 | (channel - 1), vec![key, value]),
            Incoming::Control {
                channel,
                controller,
                value,
            } => (0xB0 | (channel - 1), vec![controller, value]),
            Incoming::Program { channel, program } => (0xC0 | (channel - 1), vec![program]),
            Incoming::ChannelPressure { channel, value } => (0xD0 | (channel - 1), vec![value]),
            Incoming::PitchBend { channel, value } => {
                let raw = (value + 8192) as u16;
                (
                    0xE0 | (channel - 1),
                    vec![(raw & 0x7F) as u8, (raw >> 7) as u8],
                )
            }
            other => panic!("{other:?} is not a channel message"),
        }
    }

    fn channel_message() -> impl Strategy<Value = Incoming> {
        // Few channels, so that running status comes up often.
        let channel = 1u8..=2;
        prop_oneof![
            (channel.clone(), 0u8..128, 0u8..128).prop_map(|(channel, key, velocity)| {
                Incoming::NoteOff {
                    channel,
                    key,
                    velocity,
                }
            }),
            (channel.clone(), 0u8..128, 0u8..128).prop_map(|(channel, key, velocity)| {
                Incoming::NoteOn {
                    channel,
                    key,
                    velocity,
                }
            }),
            (channel.clone(), 0u8..128, 0u8..128).prop_map(|(channel, key, value)| {
                Incoming::PolyPressure {
                    channel,
                    key,
                    value,
                }
            }),
            (channel.clone(), 0u8..128, 0u8..128).prop_map(|(channel, controller, value)| {
                Incoming::Control {
                    channel,
                    controller,
                    value,
                }
            }),
            (channel.clone(), 0u8..128)
                .prop_map(|(channel, program)| Incoming::Program { channel, program }),
            (channel.clone(), 0u8..128)
                .prop_map(|(channel, value)| Incoming::ChannelPressure { channel, value }),
            (channel, -8192i16..8192)
                .prop_map(|(channel, value)| Incoming::PitchBend { channel, value }),
        ]
    }

    fn is_channel_message(message: &Incoming) -> bool {
        !matches!(
            message,
            Incoming::Clock
                | Incoming::Start
                | Incoming::Continue
                | Incoming::Stop
                | Incoming::SongPosition(_)
                | Incoming::ActiveSensing
                | Incoming::Reset
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_at_all_give_well_formed_messages(
            bytes in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            let (got, parser) = parse(&bytes);
            for message in &got {
                match *message {
                    Incoming::NoteOn { channel, key, velocity } => {
                        prop_assert!((1..=16).contains(&channel) && key < 128);
                        prop_assert!((1..128).contains(&velocity));
                    }
                    Incoming::NoteOff { channel, key, velocity }
                    | Incoming::PolyPressure { channel, key, value: velocity }
                    | Incoming::Control { channel, controller: key, value: velocity } => {
                        prop_assert!((1..=16).contains(&channel) && key < 128 && velocity < 128);
                    }
                    Incoming::Program { channel, program: value }
                    | Incoming::ChannelPressure { channel, value } => {
                        prop_assert!((1..=16).contains(&channel) && value < 128);
                    }
                    Incoming::PitchBend { channel, value } => {
                        prop_assert!((1..=16).contains(&channel));
                        prop_assert!((-8192..=8191).contains(&value));
                    }
                    Incoming::SongPosition(sixteenths) => prop_assert!(sixteenths < 0x4000),
                    _ => {}
                }
            }
            prop_assert!(got.len() + parser.stray() as usize <= bytes.len());
        }

        #[test]
        fn real_time_bytes_anywhere_leave_the_channel_messages_unchanged(
            played in prop::collection::vec((channel_message(), any::<bool>()), 1..40),
            inserted in prop::collection::vec(
                (any::<prop::sample::Index>(), 0xF8u8..=0xFF),
                0..30,
            ),
        ) {
            let mut bytes = Vec::new();
            let mut running = 0;
            for &(message, use_running_status) in &played {
                let (status, data) = encode(message);
                if status != running || !use_running_status {
                    bytes.push(status);
                }
                running = status;
                bytes.extend(data);
            }
            for &(at, byte) in &inserted {
                let at = at.index(bytes.len() + 1);
                bytes.insert(at, byte);
            }
            let (got, parser) = parse(&bytes);
            let (notes, clock): (Vec<Incoming>, Vec<Incoming>) =
                got.into_iter().partition(is_channel_message);
            let expected: Vec<Incoming> = played
                .iter()
                .map(|&(message, _)| match message {
                    Incoming::NoteOn { channel, key, velocity: 0 } => off(channel, key, 0),
                    other => other,
                })
                .collect();
            prop_assert_eq!(notes, expected);
            // Each real-time byte read alone, in the order they ended up in the stream.
            let real_time: Vec<u8> = bytes.iter().copied().filter(|&byte| byte >= 0xF8).collect();
            let alone: Vec<Incoming> =
                real_time.iter().filter_map(|&byte| MidiParser::new().feed(byte)).collect();
            prop_assert_eq!(parser.stray(), (real_time.len() - alone.len()) as u64);
            prop_assert_eq!(clock, alone);
        }
    }
}
