//! A JACK client `clk` that plays MIDI clock master on its port `clk:out`, frame-exact: Start,
//! 24 pulses a quarter note at a tempo the test sets (with optional jitter), Stop, Continue
//! and Song Position, as a drum machine or a DAW sends them.

// The tests and the clock-follow benchmark use different parts of this module.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use jack::{
    AsyncClient, Client, ClientOptions, Control, MidiOut, Port, ProcessHandler, ProcessScope,
    RawMidi,
};
use rtrb::{Consumer, Producer, RingBuffer};

/// What the test asks the master to do next (taken by the process callback).
const IDLE: u32 = 0;
const START: u32 = 1;
const STOP: u32 = 2;
const CONTINUE: u32 = 3;
const LOSE: u32 = 4;

/// The master's shared state: requests in, the frames it sent things on out.
#[derive(Default)]
pub struct Shared {
    request: AtomicU32,
    /// Song position to send with the next Continue, in sixteenths (u32::MAX: none).
    position: AtomicU32,
    /// Quarter notes a minute × 1000.
    milli_bpm: AtomicU64,
    /// Jitter, ± microseconds per pulse (a fixed pseudo-random sequence).
    jitter_us: AtomicU32,
    /// Frame of the first pulse after the latest Start or Continue.
    pub first_pulse: AtomicU32,
    /// Pulses sent since the latest Start or Continue.
    pub pulses: AtomicU64,
    /// Frame of the latest Stop.
    pub stopped_at: AtomicU32,
}

struct Master {
    port: Port<MidiOut>,
    /// Each pulse's ideal frame (before jitter), for a benchmark to measure against.
    ideal: Producer<f64>,
    shared: Arc<Shared>,
    running: bool,
    /// The next pulse's ideal frame, counted from the run's first pulse.
    next: f64,
    origin: u32,
    count: u64,
    seed: u64,
}

/// The next of a fixed pseudo-random sequence (xorshift64), as a share of ±`amp` seconds.
fn jitter(seed: &mut u64, amp: f64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    ((*seed % 2001) as f64 / 1000.0 - 1.0) * amp
}

impl ProcessHandler for Master {
    fn process(&mut self, client: &Client, ps: &ProcessScope) -> Control {
        let rate = f64::from(client.sample_rate());
        let start = ps.last_frame_time();
        let n = ps.n_frames();
        let mut writer = self.port.writer(ps);
        let mut at = 0u32;
        let request = self.shared.request.swap(IDLE, Ordering::AcqRel);
        match request {
            START | CONTINUE => {
                if request == CONTINUE {
                    let position = self.shared.position.swap(u32::MAX, Ordering::AcqRel);
                    if position != u32::MAX {
                        let spp = [
                            0xf2,
                            (position & 0x7f) as u8,
                            ((position >> 7) & 0x7f) as u8,
                        ];
                        let _ = writer.write(&RawMidi {
                            time: 0,
                            bytes: &spp,
                        });
                    }
                }
                let byte = if request == START { 0xfa } else { 0xfb };
                let _ = writer.write(&RawMidi {
                    time: 0,
                    bytes: &[byte],
                });
                self.running = true;
                self.origin = start;
                self.next = 0.0;
                self.count = 0;
                self.shared.first_pulse.store(start, Ordering::Release);
                self.shared.pulses.store(0, Ordering::Release);
            }
            LOSE => self.running = false,
            STOP => {
                let _ = writer.write(&RawMidi {
                    time: 0,
                    bytes: &[0xfc],
                });
                self.running = false;
                self.shared.stopped_at.store(start, Ordering::Release);
            }
            _ => {}
        }
        if self.running {
            let bpm = self.shared.milli_bpm.load(Ordering::Relaxed) as f64 / 1000.0;
            let period = rate * 60.0 / bpm / 24.0;
            let amp = f64::from(self.shared.jitter_us.load(Ordering::Relaxed)) * 1e-6;
            loop {
                let ideal = f64::from(self.origin.wrapping_sub(start) as i32) + self.next;
                let frame = (ideal + jitter(&mut self.seed, amp) * rate)
                    .round()
                    .max(f64::from(at));
                if frame >= f64::from(n) {
                    break;
                }
                at = frame.max(0.0) as u32;
                let _ = writer.write(&RawMidi {
                    time: at,
                    bytes: &[0xf8],
                });
                let _ = self.ideal.push(f64::from(start) + ideal);
                self.next += period;
                self.count += 1;
                self.shared.pulses.store(self.count, Ordering::Release);
            }
        }
        Control::Continue
    }
}

/// A running clock master; closed when dropped.
pub struct ClockMaster {
    _client: AsyncClient<(), Master>,
    ideal: Consumer<f64>,
    /// What it did, for the test to compare with.
    pub shared: Arc<Shared>,
}

impl ClockMaster {
    /// A master at `bpm`, not yet started.
    pub fn new(bpm: f64) -> ClockMaster {
        let (client, _) = Client::new("clk", ClientOptions::NO_START_SERVER).expect("clock client");
        let port = client
            .register_port("out", MidiOut::default())
            .expect("port");
        let shared = Arc::new(Shared::default());
        shared.position.store(u32::MAX, Ordering::Relaxed);
        shared
            .milli_bpm
            .store((bpm * 1000.0) as u64, Ordering::Relaxed);
        let (producer, ideal) = RingBuffer::new(1 << 16);
        let master = Master {
            port,
            ideal: producer,
            shared: shared.clone(),
            running: false,
            next: 0.0,
            origin: 0,
            count: 0,
            seed: 0x9e37_79b9_7f4a_7c15,
        };
        let client = client.activate_async((), master).expect("activate");
        ClockMaster {
            _client: client,
            ideal,
            shared,
        }
    }

    /// Sends Start and runs from the next cycle on.
    pub fn start(&self) {
        self.shared.request.store(START, Ordering::Release);
    }

    /// Sends Stop.
    pub fn stop(&self) {
        self.shared.request.store(STOP, Ordering::Release);
    }

    /// Sends Song Position `sixteenths`, then Continue.
    pub fn continue_from(&self, sixteenths: Option<u32>) {
        if let Some(s) = sixteenths {
            self.shared.position.store(s, Ordering::Release);
        }
        self.shared.request.store(CONTINUE, Ordering::Release);
    }

    /// Stops sending pulses without a Stop, as a pulled cable does.
    pub fn lose(&self) {
        self.shared.request.store(LOSE, Ordering::Release);
    }

    /// Whether `port` listens to `clk:out`.
    pub fn connected_to(&self, port: &str) -> bool {
        self._client
            .as_client()
            .port_by_name("clk:out")
            .is_some_and(|p| p.get_connections().iter().any(|c| c == port))
    }

    /// Sets the tempo from now on (a ramp is many small steps).
    pub fn set_bpm(&self, bpm: f64) {
        self.shared
            .milli_bpm
            .store((bpm * 1000.0) as u64, Ordering::Relaxed);
    }

    /// The ideal (unjittered) frame of every pulse sent since the last call, in order; frames
    /// are JACK's frame clock, unwrapped to f64.
    pub fn ideal_pulses(&mut self) -> Vec<f64> {
        let mut out = Vec::new();
        while let Ok(f) = self.ideal.pop() {
            out.push(f);
        }
        out
    }

    /// Jitters every pulse by up to ± `micros`.
    pub fn jitter(&self, micros: u32) {
        self.shared.jitter_us.store(micros, Ordering::Relaxed);
    }

    /// Frame of the first pulse after the latest Start or Continue, once it has been sent.
    pub fn first_pulse(&self) -> u32 {
        self.shared.first_pulse.load(Ordering::Acquire)
    }
}
