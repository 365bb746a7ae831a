//! JACK MIDI output: flam's own client and port, messages placed at exact frames.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jack::{AsyncClient, Client, ClientOptions, ClientStatus, MidiOut, PortFlags, PortSpec};
use rtrb::{Producer, RingBuffer};

use super::frame_cue::FrameCue;
use super::notifications::Notifications;
use super::process::Process;
use crate::engine::midi::Midi;
use crate::engine::ordered_queue::OrderedQueue;
use crate::engine::sink::{Sink, SinkError};
use crate::engine::wait::seconds_since;
use crate::output::delivery_counts::DeliveryCounts;
use crate::output::handover::hand_over;
use crate::output::output_error::{OutputError, OutputErrorKind};

/// How many messages can wait for the process callback.
const RING: usize = 8192;

/// A JACK client with one MIDI out port. The sender hands each message over a few periods
/// early with the absolute frame it must land on: the song's start frame plus
/// round(seconds × sample rate). The process callback writes it at its offset in the cycle.
pub struct JackSink {
    client: Option<AsyncClient<Notifications, Process>>,
    cues: Producer<FrameCue>,
    sample_rate: f64,
    period: f64,
    start_frame: u32,
    gone: Arc<AtomicBool>,
    counts: Arc<DeliveryCounts>,
    cycles: Arc<AtomicU64>,
    flushing: Arc<AtomicBool>,
    /// Messages the process callback holds for later frames.
    held: Arc<AtomicUsize>,
    port: String,
}

/// What to tell someone whose JACK client could not open.
pub fn describe(e: &jack::Error) -> OutputError {
    match e {
        jack::Error::LibraryError(why) => OutputError::new(
            OutputErrorKind::NoLibrary,
            format!("the JACK library could not be loaded ({why})"),
        )
        .help("install it with `sudo apt-get install libjack-jackd2-0` (or `jackd2`)"),
        jack::Error::ClientError(status)
            if status.intersects(ClientStatus::SERVER_FAILED | ClientStatus::SERVER_ERROR) =>
        {
            let server = std::env::var("JACK_DEFAULT_SERVER").unwrap_or_else(|_| "default".into());
            OutputError::new(
                OutputErrorKind::Unavailable,
                format!("no JACK server is running (server `{server}`)"),
            )
            .help("start one, e.g. `jackd -d alsa` or with qjackctl (install it with `sudo apt-get install jackd2`), or use ALSA with --out midi:PORT")
        }
        other => OutputError::new(
            OutputErrorKind::Refused,
            format!("JACK refused the client: {other}"),
        ),
    }
}

/// Opens a client on the running JACK server without starting one.
pub fn connect(name: &str) -> Result<Client, OutputError> {
    Client::new(name, ClientOptions::NO_START_SERVER)
        .map(|(c, _)| c)
        .map_err(|e| describe(&e))
}

/// Whether a JACK server is running (and libjack is installed).
pub fn running() -> bool {
    connect("flam-probe").is_ok()
}

/// The JACK MIDI ports with `flags` (inputs: where flam can send; outputs: what flam can
/// listen to).
pub fn midi_ports(client: &Client, flags: PortFlags) -> Vec<String> {
    client.ports(None, Some(MidiOut::default().jack_port_type()), flags)
}

/// Finds the MIDI port with `flags` that `wanted` names: exactly, or a unique part of its
/// name. `noun` says which kind for the error ("input", "output").
pub fn resolve(
    client: &Client,
    wanted: &str,
    flags: PortFlags,
    noun: &str,
) -> Result<String, OutputError> {
    let all = midi_ports(client, flags);
    if all.iter().any(|p| p == wanted) {
        return Ok(wanted.to_string());
    }
    let lower = wanted.to_lowercase();
    let matches: Vec<&String> = all
        .iter()
        .filter(|p| p.to_lowercase().contains(&lower))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        _ => {
            let error = if matches.is_empty() {
                OutputError::new(
                    OutputErrorKind::NotFound,
                    format!("no JACK MIDI {noun} port is called `{wanted}`"),
                )
            } else {
                OutputError::new(
                    OutputErrorKind::Ambiguous,
                    format!("`{wanted}` names more than one JACK MIDI {noun} port"),
                )
            };
            Err(if all.is_empty() {
                error.help(format!("no JACK MIDI {noun}s exist; start a synth or a controller, or leave the port out and connect flam's port later"))
            } else {
                error.help(format!(
                    "the JACK MIDI {noun}s are:\n      {}",
                    all.join("\n      ")
                ))
            })
        }
    }
}

impl JackSink {
    /// Opens the client `flam` with a MIDI out port called `port_name`, activates it, and
    /// connects it to `target` when given.
    pub fn open(port_name: &str, target: Option<&str>) -> Result<(JackSink, String), OutputError> {
        let refused = |what: String| OutputError::new(OutputErrorKind::Refused, what);
        let client = connect("flam")?;
        let port = client
            .register_port(port_name, MidiOut::default())
            .map_err(|e| refused(format!("cannot make the JACK port `{port_name}`: {e}")))?;
        let ours = port
            .name()
            .map_err(|e| refused(format!("cannot name the JACK port: {e}")))?;
        let target = match target {
            Some(t) => Some(resolve(&client, t, PortFlags::IS_INPUT, "input")?),
            None => None,
        };
        let sample_rate = f64::from(client.sample_rate().max(1));
        let period = f64::from(client.buffer_size().max(1)) / sample_rate;
        let (producer, consumer) = RingBuffer::new(RING);
        let gone = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(DeliveryCounts::default());
        let cycles = Arc::new(AtomicU64::new(0));
        let flushing = Arc::new(AtomicBool::new(false));
        let held = Arc::new(AtomicUsize::new(0));
        let process = Process {
            flushing: flushing.clone(),
            port,
            cues: consumer,
            waiting: OrderedQueue::with_capacity(RING),
            held: held.clone(),
            counts: counts.clone(),
            cycles: cycles.clone(),
        };
        let notifications = Notifications {
            gone: gone.clone(),
            ours: ours.clone(),
            target: target.clone(),
        };
        let active = client
            .activate_async(notifications, process)
            .map_err(|e| refused(format!("cannot start the JACK client: {e}")))?;
        let description = match &target {
            Some(t) => {
                active
                    .as_client()
                    .connect_ports_by_name(&ours, t)
                    .map_err(|e| refused(format!("cannot connect `{ours}` to `{t}`: {e}")))?;
                format!("JACK port {ours} → {t}")
            }
            None => format!("JACK port {ours} (connect it with `jack_connect {ours} PORT`)"),
        };
        Ok((
            JackSink {
                client: Some(active),
                cues: producer,
                sample_rate,
                period,
                start_frame: 0,
                gone,
                counts,
                cycles,
                flushing,
                held,
                port: ours,
            },
            description,
        ))
    }

    /// What the process callback counts about messages that missed their frame.
    pub fn delivery(&self) -> Arc<DeliveryCounts> {
        self.counts.clone()
    }

    /// flam's port's full name.
    pub fn port(&self) -> &str {
        &self.port
    }
}

impl JackSink {
    /// Waits (up to two seconds) until the process callback has written every queued message:
    /// the ring empty, then a whole cycle after that (so the count of messages it holds for
    /// later frames is complete), then that count down to none.
    fn drain(&mut self) {
        let give_up = Instant::now() + Duration::from_secs(2);
        let waiting = |this: &Self| Instant::now() < give_up && !this.gone.load(Ordering::Acquire);
        while self.cues.slots() < self.cues.buffer().capacity() && waiting(self) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let seen = self.cycles.load(Ordering::Acquire);
        while (self.cycles.load(Ordering::Acquire) <= seen || self.held.load(Ordering::Acquire) > 0)
            && waiting(self)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Sink for JackSink {
    fn lead(&self) -> f64 {
        // The callback for the cycle holding a frame runs up to a period before it. Taking
        // messages well ahead (at least 80 ms) keeps them on their frame even when a loaded
        // machine wakes the sender late; on a stop the callback drops what was handed over
        // for later, so the early hand-over never makes a stop sloppy.
        (3.0 * self.period + 0.005).max(0.08)
    }

    fn start_lead(&self) -> f64 {
        // The callback for the cycle holding a frame runs up to a period before it.
        self.period
    }

    fn start(&mut self, epoch: Instant) {
        if let Some(client) = &self.client {
            let now = client.as_client().frame_time();
            let ahead = -seconds_since(epoch, Instant::now());
            let frames = (ahead * self.sample_rate).round() as i64;
            self.start_frame = now.wrapping_add(frames as u32);
        }
    }

    fn send(&mut self, midi: Midi, at: f64) -> Result<(), SinkError> {
        let (bytes, len) = midi.bytes();
        let asap = !at.is_finite();
        if asap {
            // Only the end of play sends "at once": from here on nothing queued for later starts.
            self.flushing.store(true, Ordering::Release);
        }
        let offset = if asap {
            0
        } else {
            (at * self.sample_rate).round() as i64
        };
        let cue = FrameCue {
            frame: self.start_frame.wrapping_add(offset as u32),
            asap,
            bytes,
            len: len as u8,
        };
        if hand_over(&mut self.cues, cue, &self.gone) {
            Ok(())
        } else {
            Err(SinkError(
                "the JACK output stopped taking messages (its process callback has not run for a second)",
            ))
        }
    }

    fn healthy(&self) -> Result<(), SinkError> {
        if self.gone.load(Ordering::Acquire) {
            Err(SinkError("the JACK port flam was sending to went away"))
        } else {
            Ok(())
        }
    }

    fn settle(&mut self) {
        self.drain();
    }

    fn finish(&mut self) {
        // Wait for the callback to take everything, then more cycles so the last messages
        // have left the port before the client closes.
        self.drain();
        let give_up = Instant::now() + Duration::from_secs(2);
        let seen = self.cycles.load(Ordering::Acquire);
        while self.cycles.load(Ordering::Acquire) < seen + 3 && Instant::now() < give_up {
            if self.gone.load(Ordering::Acquire) {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if let Some(client) = self.client.take() {
            let _ = client.deactivate();
        }
    }
}
