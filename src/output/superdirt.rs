//! SuperDirt out: each note as Tidal sends it, an OSC bundle to `/dirt/play` stamped with its
//! time plus a latency, so SuperCollider plays flam's patterns through the user's samples.
//!
//! The sink runs on the real-time sender, which must not do I/O: it only pushes the note into a
//! wait-free ring. A plain thread takes it from there, encodes it with rosc and sends it over
//! UDP. The sender hands notes over [`SEND_AHEAD`] early; SuperCollider schedules each bundle
//! by its timetag, so the moment the packet leaves does not matter, only that it is early.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rosc::{OscBundle, OscMessage, OscPacket, OscTime, OscType};
use rtrb::{Consumer, Producer, RingBuffer};

use super::opened::Opened;
use super::output_error::{OutputError, OutputErrorKind};
use crate::engine::message::Message;
use crate::engine::midi::Midi;
use crate::engine::sink::{Sink, SinkError};
use crate::engine::voice::Voice;

/// SuperDirt's port when `--out superdirt` names none (sclang's default).
pub const DEFAULT_PORT: u16 = 57120;

/// The host when `--out superdirt` names none.
pub const DEFAULT_HOST: &str = "127.0.0.1";

/// Tidal's default latency for SuperDirt, in seconds: the timetag is the note's time plus this.
pub const DEFAULT_LATENCY: f64 = 0.2;

/// How long before a note's time the sender hands it to the OSC thread, in seconds: about a
/// frame of Tidal's clock, so a stop sends nothing further than this (plus the latency) ahead.
pub const SEND_AHEAD: f64 = 0.05;

/// Notes waiting for the OSC thread: far more than can fall within [`SEND_AHEAD`].
const RING: usize = 4096;

/// How long the OSC thread naps when there is nothing to send.
const IDLE_NAP: Duration = Duration::from_millis(1);

/// The orbits SuperDirt's usual start-up (`~dirt.start(57120, 0 ! 12)`) opens: a track's
/// orbit wraps within them, since SuperDirt drops events for an orbit it does not have.
pub const ORBITS: u16 = 12;

/// Where `--out superdirt[:HOST:PORT]` sends, and the latency its timetags carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirtTarget {
    /// The host SuperCollider runs on.
    pub host: String,
    /// sclang's UDP port.
    pub port: u16,
    /// Added to each note's time in its timetag, in microseconds (whole, so targets compare).
    pub latency_us: u32,
}

impl DirtTarget {
    /// Reads what follows `superdirt:`: nothing, `HOST:PORT`, `HOST` or `PORT`.
    pub fn parse(rest: Option<&str>) -> Result<DirtTarget, String> {
        let bad = |why: &str| {
            format!(
                "error: {why} in `--out superdirt:{}`\n  = help: use `superdirt` (127.0.0.1:57120) or `superdirt:HOST:PORT`, e.g. `superdirt:192.168.1.20:57120`",
                rest.unwrap_or("")
            )
        };
        let port = |text: &str| match text.parse::<u16>() {
            Ok(p) if p > 0 => Ok(p),
            _ => Err(bad(&format!("`{text}` is not a port (1–65535)"))),
        };
        let (host, port) = match rest.map(str::trim).filter(|r| !r.is_empty()) {
            None => (DEFAULT_HOST.to_string(), DEFAULT_PORT),
            Some(text) if text.bytes().all(|b| b.is_ascii_digit()) => {
                (DEFAULT_HOST.to_string(), port(text)?)
            }
            // `[::1]:57120` or `host:57120`; a bare IPv6 address has more than one colon.
            Some(text) => match text.rsplit_once(':') {
                Some((host, p)) if !host.contains(':') || host.ends_with(']') => {
                    (host.to_string(), port(p)?)
                }
                _ => (text.to_string(), DEFAULT_PORT),
            },
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if host.is_empty() {
            return Err(bad("the host is missing"));
        }
        Ok(DirtTarget {
            host,
            port,
            latency_us: (DEFAULT_LATENCY * 1e6) as u32,
        })
    }

    /// The same target with its latency set (seconds, from `--latency`).
    pub fn with_latency(mut self, seconds: f64) -> DirtTarget {
        self.latency_us = (seconds.clamp(0.0, 10.0) * 1e6).round() as u32;
        self
    }

    fn latency(&self) -> f64 {
        f64::from(self.latency_us) / 1e6
    }
}

/// What the sink hands the OSC thread. `Copy`, for the wait-free ring.
#[derive(Clone, Copy, Debug)]
enum Job {
    /// Play time 0 is at this instant.
    Start(Instant),
    /// A note to send.
    Note {
        at: f64,
        key: u8,
        velocity: u8,
        voice: Voice,
    },
}

/// The SuperDirt output: pushes notes to its OSC thread, which sends them.
pub struct DirtSink {
    jobs: Producer<Job>,
    /// Raised to make the OSC thread drop what it holds and end.
    quit: Arc<AtomicBool>,
    pushed: u64,
    /// How many jobs the OSC thread has taken.
    taken: Arc<AtomicU64>,
    worker: Option<JoinHandle<()>>,
}

/// Opens a UDP socket towards `target` and starts the thread that sends to it.
pub fn open(target: &DirtTarget) -> Result<Opened, OutputError> {
    let place = format!("{}:{}", target.host, target.port);
    let address = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            OutputError::new(
                OutputErrorKind::NotFound,
                format!("cannot find the SuperDirt host `{}`", target.host),
            )
            .help("give an IP address or a host name this machine can resolve, e.g. `--out superdirt:127.0.0.1:57120`")
        })?;
    let local: SocketAddr = if address.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).map_err(|e| {
        OutputError::new(
            OutputErrorKind::Refused,
            format!("cannot open a UDP socket for SuperDirt: {e}"),
        )
    })?;
    let (jobs, consumer) = RingBuffer::new(RING);
    let quit = Arc::new(AtomicBool::new(false));
    let taken = Arc::new(AtomicU64::new(0));
    let latency = target.latency();
    let worker = {
        let (quit, taken) = (quit.clone(), taken.clone());
        std::thread::Builder::new()
            .name("flam-superdirt".into())
            .spawn(move || send_loop(consumer, socket, address, latency, &quit, &taken))
            .map_err(|e| {
                OutputError::new(
                    OutputErrorKind::Refused,
                    format!("cannot start sending to SuperDirt: {e}"),
                )
            })?
    };
    Ok(Opened {
        sink: Box::new(DirtSink {
            jobs,
            quit,
            pushed: 0,
            taken,
            worker: Some(worker),
        }),
        description: format!(
            "SuperDirt at {place} (OSC /dirt/play, {} ms latency)",
            (latency * 1000.0).round()
        ),
        delivery: None,
        monitor: None,
        synth: None,
    })
}

impl Sink for DirtSink {
    fn lead(&self) -> f64 {
        SEND_AHEAD
    }

    fn start(&mut self, epoch: Instant) {
        if self.jobs.push(Job::Start(epoch)).is_ok() {
            self.pushed += 1;
        }
    }

    /// Only notes with a voice sound through SuperDirt: note-offs, controllers and clock have
    /// nothing to say to it (each note carries its own length).
    fn send(&mut self, _midi: Midi, _at: f64) -> Result<(), SinkError> {
        Ok(())
    }

    fn send_voiced(&mut self, midi: Midi, voice: &Voice, at: f64) -> Result<(), SinkError> {
        if let Midi::Channel(Message::NoteOn { key, velocity, .. }) = midi
            && voice.is_some()
            && at.is_finite()
        {
            let job = Job::Note {
                at,
                key,
                velocity,
                voice: *voice,
            };
            // A full ring means the OSC thread is stuck; the note is dropped, not waited for.
            if self.jobs.push(job).is_ok() {
                self.pushed += 1;
            }
        }
        Ok(())
    }

    fn settle(&mut self) {
        // At the natural end every note handed over is still sent; the bound only keeps a
        // stuck network from holding the end of play.
        let limit = Instant::now() + Duration::from_secs(2);
        while self.taken.load(Ordering::Acquire) < self.pushed && Instant::now() < limit {
            std::thread::sleep(IDLE_NAP);
        }
    }

    fn finish(&mut self) {
        self.quit.store(true, Ordering::Release);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Drop for DirtSink {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The OSC thread: sends each note as it comes until told to quit (then what is left is
/// dropped, so a stop sends nothing more).
fn send_loop(
    mut jobs: Consumer<Job>,
    socket: UdpSocket,
    address: SocketAddr,
    latency: f64,
    quit: &AtomicBool,
    taken: &AtomicU64,
) {
    let mut epoch = SystemTime::now();
    while !quit.load(Ordering::Acquire) {
        let Ok(job) = jobs.pop() else {
            std::thread::sleep(IDLE_NAP);
            continue;
        };
        match job {
            Job::Start(at) => epoch = wall_clock(at),
            Job::Note {
                at,
                key,
                velocity,
                voice,
            } => {
                if let Some(bytes) = bundle(epoch, at + latency, key, velocity, &voice) {
                    // Nothing listening is not an error worth stopping for: Tidal goes on too,
                    // and SuperDirt may be started later.
                    let _ = socket.send_to(&bytes, address);
                }
            }
        }
        taken.fetch_add(1, Ordering::Release);
    }
}

/// The wall-clock time of `at`, for timetags: SuperCollider schedules by the system clock.
fn wall_clock(at: Instant) -> SystemTime {
    let (now, wall) = (Instant::now(), SystemTime::now());
    match at.checked_duration_since(now) {
        Some(ahead) => wall + ahead,
        None => wall - now.duration_since(at),
    }
}

/// The timetag `seconds` after `epoch` (which may be before it).
fn timetag(epoch: SystemTime, seconds: f64) -> Option<OscTime> {
    let moment = if seconds >= 0.0 {
        epoch.checked_add(Duration::try_from_secs_f64(seconds).ok()?)?
    } else {
        epoch.checked_sub(Duration::try_from_secs_f64(-seconds).ok()?)?
    };
    OscTime::try_from(moment).ok()
}

/// One note as Tidal sends it: a bundle stamped `seconds` after `epoch` holding a
/// `/dirt/play` message of name–value pairs (in Tidal's order: by name).
pub fn bundle(
    epoch: SystemTime,
    seconds: f64,
    key: u8,
    velocity: u8,
    voice: &Voice,
) -> Option<Vec<u8>> {
    let velocity = f32::from(velocity) / 127.0;
    let mut args = vec![
        ("cps", OscType::Float(voice.cps as f32)),
        ("cycle", OscType::Float(voice.cycle as f32)),
        ("delta", OscType::Float(voice.delta as f32)),
        // SuperDirt ignores velocity for samples and plays gain⁴: a square-root curve makes
        // the amplitude follow velocity² as a GM synth does, and full velocity unity gain.
        ("gain", OscType::Float(velocity.sqrt())),
        ("n", OscType::Float(0.0)),
    ];
    if !voice.drum {
        // SuperDirt's pitches are semitones from c5 (MIDI 60).
        args.push(("note", OscType::Float(f32::from(key) - 60.0)));
    }
    args.extend([
        ("orbit", OscType::Int(i32::from(voice.track % ORBITS))),
        ("s", OscType::String(voice.sound.to_string())),
        ("velocity", OscType::Float(velocity)),
    ]);
    let message = OscMessage {
        addr: "/dirt/play".to_string(),
        args: args
            .into_iter()
            .flat_map(|(name, value)| [OscType::String(name.to_string()), value])
            .collect(),
    };
    let packet = OscPacket::Bundle(OscBundle {
        timetag: timetag(epoch, seconds)?,
        content: vec![OscPacket::Message(message)],
    });
    rosc::encoder::encode(&packet).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superdirt_is_found_where_tidal_looks_by_default() {
        let t = DirtTarget::parse(None).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 57120));
        assert_eq!(t.latency_us, 200_000);
        let t = DirtTarget::parse(Some("192.168.1.20:57121")).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("192.168.1.20", 57121));
        let t = DirtTarget::parse(Some("[::1]:6010")).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 6010));
        assert_eq!(DirtTarget::parse(Some("6010")).unwrap().port, 6010);
        assert_eq!(DirtTarget::parse(Some("studio")).unwrap().port, 57120);
    }

    #[test]
    fn a_bad_port_for_superdirt_is_refused_with_help() {
        for bad in ["host:99999", "host:0", "host:x", ":57120"] {
            let e = DirtTarget::parse(Some(bad)).unwrap_err();
            assert!(e.contains("superdirt:HOST:PORT"), "{e}");
        }
    }

    #[test]
    fn a_kick_is_sent_as_bd_on_its_tracks_orbit() {
        let voice = Voice {
            sound: "bd",
            drum: true,
            track: 13,
            cycle: 2.25,
            delta: 0.125,
            cps: 0.5,
        };
        let bytes = bundle(SystemTime::now(), 0.2, 36, 127, &voice).unwrap();
        let (_, OscPacket::Bundle(b)) = rosc::decoder::decode_udp(&bytes).unwrap() else {
            panic!("not a bundle");
        };
        let OscPacket::Message(m) = &b.content[0] else {
            panic!("not a message");
        };
        assert_eq!(m.addr, "/dirt/play");
        let pairs: Vec<_> = m.args.chunks(2).collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|p| p[0] == OscType::String(name.into()))
                .map(|p| p[1].clone())
        };
        assert_eq!(get("s"), Some(OscType::String("bd".into())));
        assert_eq!(get("orbit"), Some(OscType::Int(1)));
        assert_eq!(get("cycle"), Some(OscType::Float(2.25)));
        assert_eq!(get("gain"), Some(OscType::Float(1.0)));
        assert_eq!(get("note"), None, "a drum keeps its sample's pitch");
    }
}
