//! Following JACK transport: the shared start, stop and position of every JACK client on the
//! machine (Ardour, Hydrogen, seq66, `jack_transport`). With a timebase master the position
//! comes as bar, beat and tick at its tempo; without one, as a frame count, which flam reads
//! at the song's own tempo.

use std::time::Instant;

use jack::{Client, ClientOptions, TransportState};

use crate::engine::clock_source::{ClockReading, ClockSource};
use crate::engine::wait::seconds_since;

/// JACK transport as a clock source, read through a client of its own.
pub struct JackTransport {
    client: Client,
    /// The song's tempo in quarter notes a minute, for a transport without a timebase master.
    song_bpm: f64,
    epoch: Option<Instant>,
}

impl JackTransport {
    /// Joins the JACK server as `flam-transport`; the error says why it could not.
    pub fn open(song_bpm: f64) -> Result<JackTransport, String> {
        let (client, _status) = Client::new("flam-transport", ClientOptions::NO_START_SERVER)
            .map_err(|e| format!("cannot reach the JACK server to follow its transport ({e})"))?;
        Ok(JackTransport {
            client,
            song_bpm,
            epoch: None,
        })
    }
}

/// Where a transport position is, in quarter notes, and at what tempo (quarter notes a
/// minute): from its bar, beat and tick when a timebase master gives them, else from its
/// frame at `song_bpm`.
pub fn quarter_notes(pos: &jack::TransportPosition, song_bpm: f64) -> (f64, f64) {
    match pos.bbt() {
        Some(bbt) if bbt.sig_denom > 0.0 && bbt.ticks_per_beat > 0.0 && bbt.bpm > 0.0 => {
            // A beat is a 1/sig_denom note: four of them a whole note.
            let quarter = 4.0 / f64::from(bbt.sig_denom);
            let beats = (bbt.bar.max(1) - 1) as f64 * f64::from(bbt.sig_num)
                + (bbt.beat.max(1) - 1) as f64
                + bbt.tick as f64 / bbt.ticks_per_beat;
            (beats * quarter, bbt.bpm * quarter)
        }
        _ => {
            let rate = pos.frame_rate().filter(|r| *r > 0).unwrap_or(48_000);
            (
                f64::from(pos.frame()) / f64::from(rate) * song_bpm / 60.0,
                song_bpm,
            )
        }
    }
}

impl ClockSource for JackTransport {
    fn start(&mut self, epoch: Instant) {
        self.epoch = Some(epoch);
    }

    fn read(&mut self, now: f64) -> ClockReading {
        let Ok(q) = self.client.transport().query() else {
            return ClockReading::Lost;
        };
        let (at_cycle, bpm) = quarter_notes(&q.pos, self.song_bpm);
        match q.state {
            TransportState::Stopped => ClockReading::Stopped {
                beats: at_cycle.max(0.0),
            },
            TransportState::Rolling | TransportState::Starting => {
                // The position is that of the current cycle's first frame, stamped in JACK's
                // microsecond clock; carry it on to the moment asked about.
                let since_cycle = q
                    .pos
                    .usecs()
                    .map_or(0.0, |u| self.client.time().saturating_sub(u) as f64 / 1e6);
                let asked = self
                    .epoch
                    .map_or(0.0, |e| now - seconds_since(e, Instant::now()));
                ClockReading::Running {
                    beats: at_cycle + (since_cycle + asked) * bpm / 60.0,
                    bpm: Some(bpm),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jack::{TransportBBT, TransportPosition};

    #[test]
    fn a_timebase_masters_bar_beat_and_tick_count_in_quarter_notes() {
        let mut pos = TransportPosition::default();
        let bbt = TransportBBT {
            bar: 3,
            beat: 2,
            tick: 960,
            sig_num: 6.0,
            sig_denom: 8.0,
            ticks_per_beat: 1920.0,
            bpm: 180.0,
            bar_start_tick: 0.0,
        };
        pos.set_bbt(Some(bbt)).unwrap();
        // 6/8: two bars of six eighths, one more eighth and half of the next: 13.5 eighths.
        assert_eq!(quarter_notes(&pos, 120.0), (6.75, 90.0));
    }

    #[test]
    fn without_a_timebase_master_the_frame_is_read_at_the_songs_tempo() {
        let mut pos = TransportPosition::default();
        pos.set_frame(96_000);
        // Two seconds at 48 kHz, at 120 quarter notes a minute.
        assert_eq!(quarter_notes(&pos, 120.0), (4.0, 120.0));
    }
}
