//! Following JACK transport: the shared start, stop and position of every JACK client on the
//! machine (Ardour, Hydrogen, seq66, `jack_transport`). With a timebase master the position
//! comes as bar, beat and tick at its tempo; without one, as a frame count, which flam reads
//! at the song's own tempo. flam can be the timebase master itself, so the others follow its
//! tempo and meter.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

use jack::jack_sys as j;
use jack::{AsyncClient, Client, ClientOptions, TransportState};

use crate::engine::clock_source::{ClockReading, ClockSource};
use crate::engine::wait::seconds_since;

/// Ticks in a beat, as Ardour and Hydrogen count them.
const TICKS_PER_BEAT: f64 = 1920.0;

/// The tempo and meter the timebase callback hands out, shared without a lock: the callback
/// runs on JACK's real-time thread.
struct Timebase {
    /// Quarter notes a minute, as f64 bits.
    bpm: AtomicU64,
    /// Beats a bar, as f32 bits.
    beats_per_bar: AtomicU32,
    /// The note value of a beat (4 a quarter), as f32 bits.
    beat_type: AtomicU32,
}

/// The client that reads the transport: plain while following, active while it is also the
/// timebase master (JACK calls a master's callback only while it is active).
enum Link {
    Plain(Client),
    Master {
        client: AsyncClient<(), ()>,
        /// What the callback reads; dropped after the client, which is released first.
        _timebase: Box<Timebase>,
    },
}

/// JACK transport as a clock source, read through a client of its own.
pub struct JackTransport {
    link: Link,
    /// The song's tempo in quarter notes a minute, for a transport without a timebase master.
    song_bpm: f64,
    epoch: Option<Instant>,
}

impl JackTransport {
    /// Joins the JACK server as `flam-transport`; the error says why it could not.
    pub fn open(song_bpm: f64) -> Result<JackTransport, String> {
        Ok(JackTransport {
            link: Link::Plain(join()?),
            song_bpm,
            epoch: None,
        })
    }

    /// [`JackTransport::open`], and flam becomes the timebase master: every client reads its
    /// bar, beat and tick at `song_bpm` in `beats`/`unit` time.
    pub fn master(song_bpm: f64, beats: u32, unit: u32) -> Result<JackTransport, String> {
        let client = join()?;
        let timebase = Box::new(Timebase {
            bpm: AtomicU64::new(song_bpm.to_bits()),
            beats_per_bar: AtomicU32::new((beats as f32).to_bits()),
            beat_type: AtomicU32::new((unit as f32).to_bits()),
        });
        let arg = &*timebase as *const Timebase as *mut libc::c_void;
        // SAFETY: the client is live; `arg` points into a box kept with the client and freed
        // only after the callback is released and the client closed (see Drop).
        let taken =
            unsafe { j::jack_set_timebase_callback(client.raw(), 0, Some(timebase_callback), arg) };
        if taken != 0 {
            return Err("another client is the JACK timebase master".to_string());
        }
        let active = client
            .activate_async((), ())
            .map_err(|e| format!("cannot start the JACK timebase client ({e})"))?;
        Ok(JackTransport {
            link: Link::Master {
                client: active,
                _timebase: timebase,
            },
            song_bpm,
            epoch: None,
        })
    }

    fn client(&self) -> &Client {
        match &self.link {
            Link::Plain(c) => c,
            Link::Master { client, .. } => client.as_client(),
        }
    }
}

impl Drop for JackTransport {
    fn drop(&mut self) {
        if let Link::Master { client, .. } = &self.link {
            // SAFETY: the client is still open; releasing stops the callbacks before the
            // shared tempo is freed.
            unsafe { j::jack_release_timebase(client.as_client().raw()) };
        }
    }
}

/// Joins the JACK server as `flam-transport`.
fn join() -> Result<Client, String> {
    Client::new("flam-transport", ClientOptions::NO_START_SERVER)
        .map(|(c, _)| c)
        .map_err(|e| format!("cannot reach the JACK server to follow its transport ({e})"))
}

/// JACK asks the timebase master for the bar, beat and tick of each cycle's position; flam
/// answers from its tempo and meter, on JACK's real-time thread, with arithmetic only.
unsafe extern "C" fn timebase_callback(
    _state: j::jack_transport_state_t,
    _nframes: j::jack_nframes_t,
    pos: *mut j::jack_position_t,
    _new_pos: libc::c_int,
    arg: *mut libc::c_void,
) {
    if pos.is_null() || arg.is_null() {
        return;
    }
    // SAFETY: JACK passes the position it asks about and the argument given with the
    // callback, a `Timebase` that outlives the callback.
    let (pos, tb) = unsafe { (&mut *pos, &*(arg as *const Timebase)) };
    let quarter_bpm = f64::from_bits(tb.bpm.load(Ordering::Relaxed));
    let per_bar = f32::from_bits(tb.beats_per_bar.load(Ordering::Relaxed)).max(1.0);
    let beat_type = f32::from_bits(tb.beat_type.load(Ordering::Relaxed)).max(1.0);
    let beat_bpm = quarter_bpm * f64::from(beat_type) / 4.0;
    let rate = f64::from(pos.frame_rate.max(1));
    let beats = f64::from(pos.frame) / rate * beat_bpm / 60.0;
    let bar = (beats / f64::from(per_bar)).floor();
    let in_bar = beats - bar * f64::from(per_bar);
    let beat = in_bar.floor();
    pos.valid |= j::JackPositionBBT;
    pos.bar = bar as i32 + 1;
    pos.beat = beat as i32 + 1;
    pos.tick = ((in_bar - beat) * TICKS_PER_BEAT) as i32;
    pos.bar_start_tick = bar * f64::from(per_bar) * TICKS_PER_BEAT;
    pos.beats_per_bar = per_bar;
    pos.beat_type = beat_type;
    pos.ticks_per_beat = TICKS_PER_BEAT;
    pos.beats_per_minute = beat_bpm;
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
        _ => frame_quarter_notes(pos, song_bpm),
    }
}

/// Where a transport position's frame is, in quarter notes at `song_bpm`.
fn frame_quarter_notes(pos: &jack::TransportPosition, song_bpm: f64) -> (f64, f64) {
    let rate = pos.frame_rate().filter(|r| *r > 0).unwrap_or(48_000);
    (
        f64::from(pos.frame()) / f64::from(rate) * song_bpm / 60.0,
        song_bpm,
    )
}

impl ClockSource for JackTransport {
    fn start(&mut self, epoch: Instant) {
        self.epoch = Some(epoch);
    }

    fn read(&mut self, now: f64) -> ClockReading {
        let client = self.client();
        let Ok(q) = client.transport().query() else {
            return ClockReading::Lost;
        };
        // As the master, flam's own bar, beat and tick come from the frame at the song's tempo;
        // JACK hands them back a cycle behind that frame, so the frame itself is read.
        let (at_cycle, bpm) = match self.link {
            Link::Master { .. } => frame_quarter_notes(&q.pos, self.song_bpm),
            Link::Plain(_) => quarter_notes(&q.pos, self.song_bpm),
        };
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
                    .map_or(0.0, |u| client.time().saturating_sub(u) as f64 / 1e6);
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
