//! The JACK process callback of flam's MIDI input: parses what arrives and stamps each
//! message with the moment its frame sounded.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jack::{Client, Control, MidiIn, Port, ProcessHandler, ProcessScope};
use rtrb::Producer;

use crate::engine::midi_parser::MidiParser;
use crate::engine::stamped::Stamped;
use crate::output::input_counts::InputCounts;
use crate::output::input_feed::feed;

/// Owns flam's MIDI in port, a parser and the producer end of the input ring. Runs in JACK's
/// real-time thread: it neither allocates nor locks.
pub struct InputProcess {
    /// flam's MIDI input port.
    pub port: Port<MidiIn>,
    /// Turns bytes into messages (running status, SysEx and stray bytes handled).
    pub parser: MidiParser,
    /// Where the messages go, for the session to take.
    pub out: Producer<Stamped>,
    /// An instant and JACK's microsecond clock at the same moment, to turn one into the other.
    pub base: (Instant, u64),
    /// What went wrong with the input, counted.
    pub counts: Arc<InputCounts>,
}

impl InputProcess {
    /// The instant JACK's clock reads `usecs`.
    fn instant(&self, usecs: u64) -> Instant {
        let (instant, base) = self.base;
        if usecs >= base {
            instant + Duration::from_micros(usecs - base)
        } else {
            instant
                .checked_sub(Duration::from_micros(base - usecs))
                .unwrap_or(instant)
        }
    }
}

impl ProcessHandler for InputProcess {
    fn process(&mut self, client: &Client, ps: &ProcessScope) -> Control {
        let rate = f64::from(client.sample_rate().max(1));
        let start = match ps.cycle_times() {
            Ok(t) => t.current_usecs,
            Err(_) => client.time(),
        };
        for event in self.port.iter(ps) {
            let at = self.instant(start + (f64::from(event.time) * 1e6 / rate) as u64);
            feed(
                &mut self.parser,
                event.bytes,
                at,
                &mut self.out,
                &self.counts,
            );
        }
        Control::Continue
    }
}
