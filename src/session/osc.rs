//! OSC control: a UDP listener on a thread of its own that turns messages into the same live
//! changes the keys of `flam live` make, and answers mistakes on `/flam/error`.
//!
//! It is a controller like the live UI: it keeps the song's text and its own live performance
//! (tempo, mutes, solos), and hands the player whole songs and flags through the player's
//! channels. It never touches a real-time thread, so a flood of packets costs this thread's
//! time and nothing else.

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rosc::{OscMessage, OscPacket, OscType};

use super::performance::Performance;
use super::player::Remote;
use crate::lang::song::Song;
use crate::lang::song::form::Move;

/// The largest packet read: no command needs more, and a bigger one is dropped unread rather
/// than decoded (and a bundle nested hundreds deep fits in no fewer bytes).
pub const MAX_PACKET: usize = 8192;

/// Bundles nested deeper than this are dropped: nobody sends them but a fuzzer.
const MAX_DEPTH: usize = 8;

/// How often the listener looks up from the socket to see whether it should end.
const POLL: Duration = Duration::from_millis(100);

/// The most `/flam/error` answers a second: a flood of bad messages is counted, not echoed.
const ANSWERS_PER_SECOND: u32 = 100;

/// The lowest and highest tempo a song may have (as `tempo` in the language).
const TEMPO_RANGE: std::ops::RangeInclusive<f64> = 20.0..=999.0;

/// One thing an OSC message asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Go on from where the music stopped.
    Play,
    /// Stop where the music is: every sounding note ends, the place is kept.
    Stop,
    /// End `flam play`, releasing every note.
    Quit,
    /// Answer with the counts on `/flam/status`.
    Status,
    /// Play at this tempo, in quarter notes a minute.
    Tempo(f64),
    /// Mute (true) or unmute a track.
    Mute(String, bool),
    /// Solo (true) or unsolo a track.
    Solo(String, bool),
    /// Jump to a section at the next bar line.
    Section(String),
    /// A new pattern for a track from the next bar line.
    Pattern {
        /// The track's name.
        track: String,
        /// Its new `play` pattern, mini-notation without the quotes.
        pattern: String,
    },
    /// Play another song file from the next bar line.
    Load(PathBuf),
}

/// Reads a message as a command, or says what is wrong with it (the text `/flam/error` carries).
pub fn command(message: &OscMessage) -> Result<Command, String> {
    let address = message.addr.as_str();
    let args = message.args.as_slice();
    let wants = |shape: &str| {
        format!(
            "error: OSC {address} takes {shape}, got {}\n  = help: see docs/osc.md for every address and its arguments\n",
            described(args)
        )
    };
    if let Some(rest) = address.strip_prefix("/flam/track/") {
        let Some(track) = rest.strip_suffix("/play").filter(|t| !t.is_empty()) else {
            return Err(unknown(address));
        };
        return match args {
            [OscType::String(pattern)] => Ok(Command::Pattern {
                track: track.to_string(),
                pattern: pattern.clone(),
            }),
            _ => Err(wants("a pattern (s)")),
        };
    }
    match (address, args) {
        ("/flam/play", []) => Ok(Command::Play),
        ("/flam/stop", []) => Ok(Command::Stop),
        ("/flam/quit", []) => Ok(Command::Quit),
        ("/flam/status", []) => Ok(Command::Status),
        ("/flam/play" | "/flam/stop" | "/flam/quit" | "/flam/status", _) => {
            Err(wants("no arguments"))
        }
        ("/flam/tempo", [bpm]) => match number(bpm) {
            Some(bpm) if TEMPO_RANGE.contains(&bpm) => Ok(Command::Tempo(bpm)),
            Some(bpm) => Err(format!(
                "error: OSC /flam/tempo {bpm}: a tempo is 20–999 BPM\n  = help: send a number of quarter notes a minute, e.g. 120\n"
            )),
            None => Err(wants("a tempo in BPM (f or i)")),
        },
        ("/flam/tempo", _) => Err(wants("a tempo in BPM (f or i)")),
        ("/flam/mute" | "/flam/solo", [OscType::String(track), on]) => match switch(on) {
            Some(on) if address == "/flam/mute" => Ok(Command::Mute(track.clone(), on)),
            Some(on) => Ok(Command::Solo(track.clone(), on)),
            None => Err(wants("a track name and on or off (s i)")),
        },
        ("/flam/mute" | "/flam/solo", _) => Err(wants("a track name and on or off (s i)")),
        ("/flam/section", [OscType::String(name)]) => Ok(Command::Section(name.clone())),
        ("/flam/section", _) => Err(wants("a section name (s)")),
        ("/flam/load", [OscType::String(path)]) => Ok(Command::Load(PathBuf::from(path))),
        ("/flam/load", _) => Err(wants("a song file's path (s)")),
        _ => Err(unknown(address)),
    }
}

fn unknown(address: &str) -> String {
    format!(
        "error: OSC {address}: flam has no such address\n  = help: flam answers /flam/play, /flam/stop, /flam/tempo, /flam/mute, /flam/solo, /flam/section, /flam/track/NAME/play, /flam/load, /flam/status and /flam/quit (see docs/osc.md)\n"
    )
}

/// The arguments' OSC type tags, for messages: `(s i)`, or `nothing`.
fn described(args: &[OscType]) -> String {
    if args.is_empty() {
        return "nothing".into();
    }
    let tags: Vec<&str> = args
        .iter()
        .map(|a| match a {
            OscType::Int(_) => "i",
            OscType::Float(_) => "f",
            OscType::String(_) => "s",
            OscType::Blob(_) => "b",
            OscType::Time(_) => "t",
            OscType::Long(_) => "h",
            OscType::Double(_) => "d",
            OscType::Char(_) => "c",
            OscType::Color(_) => "r",
            OscType::Midi(_) => "m",
            OscType::Bool(true) => "T",
            OscType::Bool(false) => "F",
            OscType::Array(_) => "[]",
            OscType::Nil => "N",
            OscType::Inf => "I",
        })
        .collect();
    format!("({})", tags.join(" "))
}

fn number(arg: &OscType) -> Option<f64> {
    let n = match *arg {
        OscType::Float(f) => f64::from(f),
        OscType::Double(d) => d,
        OscType::Int(i) => f64::from(i),
        OscType::Long(l) => l as f64,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

/// On or off: a number (0 is off) or a boolean, as control surfaces send them.
fn switch(arg: &OscType) -> Option<bool> {
    match *arg {
        OscType::Bool(b) => Some(b),
        _ => number(arg).map(|n| n != 0.0),
    }
}

/// Compiles song text as if read from the file at the path: the song, or `flam check`'s report.
pub type Compile = Box<dyn Fn(&Path, &str) -> Result<Song, String> + Send>;

/// Reads a song file: its text, or `flam check`'s error.
pub type Read = Box<dyn Fn(&Path) -> Result<String, String> + Send>;

/// How the listener turns song text into songs, so its errors are `flam check`'s own.
pub struct Songs {
    /// Compiles song text as if read from the file at the path: the song ready to play, or
    /// the report `flam check` prints.
    pub compile: Compile,
    /// Reads a song file: its text, or the error `flam check` prints.
    pub read: Read,
}

/// The song the listener changes: where it came from, its text, and the text compiled.
pub struct Score {
    /// The song file (names the song in error messages).
    pub path: PathBuf,
    /// The text playing, with every pattern change made over OSC.
    pub text: String,
    /// That text compiled.
    pub song: Song,
}

/// What the commands act on: the player, the song, and the live changes made over OSC.
pub struct Desk {
    remote: Remote,
    songs: Songs,
    score: Score,
    performance: Performance,
    following: bool,
}

impl Desk {
    /// A desk for `score` playing through `remote`; `following` when a master clock starts
    /// and stops the music (then `/flam/play` and `/flam/stop` are refused).
    pub fn new(remote: Remote, songs: Songs, score: Score, following: bool) -> Desk {
        let mut performance = Performance::new(score.song.tempo.bpm);
        performance.adopt(&score.song);
        Desk {
            remote,
            songs,
            score,
            performance,
            following,
        }
    }

    /// Does what `command` asks; a mistake is answered with `flam check`'s text and changes
    /// nothing.
    fn obey(&mut self, command: Command) -> Result<(), String> {
        match command {
            Command::Play | Command::Stop if self.following => Err(
                "error: OSC /flam/play and /flam/stop: flam follows a master clock (--sync), which starts and stops the music\n  = help: start and stop the master instead\n"
                    .into(),
            ),
            Command::Play => {
                self.remote.resume();
                Ok(())
            }
            Command::Stop => {
                self.remote.pause();
                Ok(())
            }
            Command::Quit => {
                self.remote.stop();
                Ok(())
            }
            // Answered by the listener, which keeps the counts.
            Command::Status => Ok(()),
            Command::Tempo(bpm) => {
                self.performance.bpm = bpm;
                self.remote.set_tempo(bpm);
                Ok(())
            }
            Command::Mute(track, on) => self.set_mute(&track, false, on),
            Command::Solo(track, on) => self.set_mute(&track, true, on),
            Command::Section(name) => {
                let form = self.score.song.form.as_ref();
                match form.and_then(|f| f.entry_named(&name)) {
                    Some(entry) => {
                        self.remote.place(Move::Jump(entry));
                        Ok(())
                    }
                    None => Err(self.no_section(&name)),
                }
            }
            Command::Pattern { track, pattern } => self.retrack(&track, &pattern),
            Command::Load(path) => {
                let text = (self.songs.read)(&path)?;
                let song = (self.songs.compile)(&path, &text)?;
                self.play(Score { path, text, song });
                Ok(())
            }
        }
    }

    fn set_mute(&mut self, track: &str, solo: bool, on: bool) -> Result<(), String> {
        if !self.score.song.tracks.iter().any(|t| t.name == track) {
            return Err(self.no_track(track));
        }
        self.performance.set(track, solo, on);
        self.remote
            .set_mutes(self.performance.mutes(&self.score.song));
        Ok(())
    }

    /// The song with `track` playing `pattern`: its `play` line rewritten and the whole text
    /// compiled again, as a save of the file would be.
    fn retrack(&mut self, track: &str, pattern: &str) -> Result<(), String> {
        if pattern.contains(['"', '\n', '\r']) {
            return Err(format!(
                "error: OSC /flam/track/{track}/play: a pattern cannot hold a double quote or a line break\n  = help: send the pattern alone, e.g. \"bd [~ bd] sn\" without the outer quotes\n"
            ));
        }
        let Some(line) = self
            .score
            .song
            .tracks
            .iter()
            .find(|t| t.name == track)
            .map(|t| t.line)
        else {
            return Err(self.no_track(track));
        };
        let text = with_pattern(&self.score.text, track, line, pattern);
        let song = (self.songs.compile)(&self.score.path, &text)?;
        let path = self.score.path.clone();
        self.play(Score { path, text, song });
        Ok(())
    }

    /// Hands `score` to the player, with the live tempo, mutes and solos on top.
    fn play(&mut self, score: Score) {
        self.performance.adopt(&score.song);
        self.remote.swap(self.performance.applied_to(&score.song));
        self.score = score;
    }

    fn no_track(&self, name: &str) -> String {
        let names: Vec<&str> = self
            .score
            .song
            .tracks
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        format!(
            "error: {}: no track is named `{name}`\n  = help: its tracks are {}\n",
            self.score.path.display(),
            listed(&names)
        )
    }

    fn no_section(&self, name: &str) -> String {
        let names: Vec<&str> = self
            .score
            .song
            .form
            .iter()
            .flat_map(|f| f.sections.iter().map(|s| s.name.as_str()))
            .collect();
        if names.is_empty() {
            return format!(
                "error: {}: no section is named `{name}`: the song has no sections\n  = help: `section NAME [BARS]` lines after the tracks make them (see docs/language.md)\n",
                self.score.path.display()
            );
        }
        format!(
            "error: {}: no section is named `{name}` in the arrangement\n  = help: its sections are {}\n",
            self.score.path.display(),
            listed(&names)
        )
    }
}

fn listed(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` with the track starting on line `line` (from 1) playing `pattern`: its first `play`
/// line (above the sections) rewritten and any later one there dropped, or one added under
/// the `track` line when it has none.
pub fn with_pattern(text: &str, track: &str, line: usize, pattern: &str) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let is_header = |l: &str| {
        let mut words = l.split_whitespace();
        words.next() == Some("track") && words.next() == Some(track)
    };
    let header = match lines.get(line.wrapping_sub(1)) {
        Some(l) if is_header(l) => line - 1,
        _ => match lines.iter().position(|l| is_header(l)) {
            Some(i) => i,
            None => return text.to_string(),
        },
    };
    let keyword = |l: &str| {
        l.split_whitespace()
            .next()
            .map(str::to_ascii_lowercase)
            .unwrap_or_default()
    };
    let end = (header + 1..lines.len())
        .find(|&i| matches!(keyword(&lines[i]).as_str(), "track" | "section" | "arrange"))
        .unwrap_or(lines.len());
    let plays: Vec<usize> = (header + 1..end)
        .filter(|&i| keyword(&lines[i]) == "play")
        .collect();
    match plays.split_first() {
        Some((&first, rest)) => {
            let indent: String = lines[first]
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            lines[first] = format!("{indent}play \"{pattern}\"\n");
            for &i in rest.iter().rev() {
                lines.remove(i);
            }
        }
        None => {
            if !lines[header].ends_with('\n') {
                lines[header].push('\n');
            }
            lines.insert(header + 1, format!("  play \"{pattern}\"\n"));
        }
    }
    lines.concat()
}

/// What the listener has seen, counted as it goes.
#[derive(Debug, Default)]
pub struct OscCounts {
    /// Messages done (a `/flam/status` question is not counted).
    pub done: AtomicU64,
    /// Messages answered on `/flam/error`: a mistake in them, nothing done.
    pub refused: AtomicU64,
    /// Packets that were not OSC (truncated, wrong type tags, too big) and were dropped.
    pub dropped: AtomicU64,
}

impl OscCounts {
    /// The line said at the end when something went wrong, or `None`.
    pub fn report(&self) -> Option<String> {
        let done = self.done.load(Ordering::Relaxed);
        let refused = self.refused.load(Ordering::Relaxed);
        let dropped = self.dropped.load(Ordering::Relaxed);
        (refused + dropped > 0).then(|| {
            format!(
                "flam: OSC: {done} messages done, {refused} refused (answered on /flam/error), {dropped} packets dropped (not OSC, or over {MAX_PACKET} bytes)"
            )
        })
    }
}

/// The OSC listener's thread; it ends when dropped.
pub struct OscListener {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    counts: Arc<OscCounts>,
    address: SocketAddr,
}

impl OscListener {
    /// Binds a UDP socket at `address`, or says why it cannot.
    pub fn bind(address: SocketAddr) -> Result<UdpSocket, String> {
        let socket = UdpSocket::bind(address).map_err(|e| {
            format!(
                "error: cannot listen for OSC on {address}: {e}\n  = help: choose another --osc port (0 lets the system pick one), or check --osc-bind"
            )
        })?;
        socket
            .set_read_timeout(Some(POLL))
            .map_err(|e| format!("error: cannot listen for OSC on {address}: {e}"))?;
        Ok(socket)
    }

    /// Starts listening on `socket` (from [`OscListener::bind`]) for commands to `desk`.
    pub fn start(socket: UdpSocket, desk: Desk) -> Result<OscListener, String> {
        let address = socket
            .local_addr()
            .map_err(|e| format!("error: cannot listen for OSC: {e}"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(OscCounts::default());
        let (flag, counted) = (stop.clone(), counts.clone());
        let thread = std::thread::Builder::new()
            .name("flam-osc".into())
            .spawn(move || listen(socket, desk, &flag, &counted))
            .map_err(|e| format!("error: cannot start the OSC listener: {e}"))?;
        Ok(OscListener {
            stop,
            thread: Some(thread),
            counts,
            address,
        })
    }

    /// Where it listens (with the port the system chose for `--osc 0`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// What it has seen so far.
    pub fn counts(&self) -> &OscCounts {
        &self.counts
    }
}

impl Drop for OscListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The listener's loop: one packet at a time, in the order they came.
fn listen(socket: UdpSocket, mut desk: Desk, stop: &AtomicBool, counts: &OscCounts) {
    // One more byte than the largest packet taken, so a bigger one shows as too big.
    let mut buffer = vec![0u8; MAX_PACKET + 1];
    let mut answers = Answers::new();
    while !stop.load(Ordering::Acquire) {
        let (size, from) = match socket.recv_from(&mut buffer) {
            Ok(got) => got,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            // An ICMP error from an earlier answer (the sender has gone) and the like: not
            // worth ending control for, and the timeout keeps this from spinning.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
        };
        let Some(bytes) = buffer.get(..size).filter(|_| size <= MAX_PACKET) else {
            counts.dropped.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        let mut messages = Vec::new();
        let whole = match rosc::decoder::decode_udp(bytes) {
            Ok((_, packet)) => flatten(packet, 0, &mut messages),
            Err(_) => false,
        };
        if !whole {
            counts.dropped.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        for message in messages {
            let outcome = command(&message).and_then(|c| {
                let status = c == Command::Status;
                desk.obey(c).map(|()| status)
            });
            match outcome {
                // A status question is not counted, so asking twice reads the same.
                Ok(true) => answer(&socket, from, status_of(counts)),
                Ok(false) => {
                    counts.done.fetch_add(1, Ordering::Relaxed);
                }
                Err(text) => {
                    counts.refused.fetch_add(1, Ordering::Relaxed);
                    if answers.allow(Instant::now()) {
                        answer(&socket, from, error(text));
                    }
                }
            }
        }
    }
}

/// A bundle's messages in order (time tags are not waited for: every command takes hold as it
/// comes); `false` for one nested too deep.
fn flatten(packet: OscPacket, depth: usize, out: &mut Vec<OscMessage>) -> bool {
    match packet {
        OscPacket::Message(m) => {
            out.push(m);
            true
        }
        OscPacket::Bundle(b) if depth < MAX_DEPTH => {
            b.content.into_iter().all(|p| flatten(p, depth + 1, out))
        }
        OscPacket::Bundle(_) => false,
    }
}

fn error(text: String) -> OscMessage {
    OscMessage {
        addr: "/flam/error".into(),
        args: vec![OscType::String(text)],
    }
}

fn status_of(counts: &OscCounts) -> OscMessage {
    let count = |c: &AtomicU64| OscType::Long(c.load(Ordering::Relaxed) as i64);
    OscMessage {
        addr: "/flam/status".into(),
        args: vec![
            count(&counts.done),
            count(&counts.refused),
            count(&counts.dropped),
        ],
    }
}

/// Sends `message` to `to`; an answer that cannot go is not worth more than trying.
fn answer(socket: &UdpSocket, to: SocketAddr, message: OscMessage) {
    if let Ok(bytes) = rosc::encoder::encode(&OscPacket::Message(message)) {
        let _ = socket.send_to(&bytes, to);
    }
}

/// Keeps the answers to [`ANSWERS_PER_SECOND`] in any one second.
struct Answers {
    since: Instant,
    sent: u32,
}

impl Answers {
    fn new() -> Answers {
        Answers {
            since: Instant::now(),
            sent: 0,
        }
    }

    fn allow(&mut self, now: Instant) -> bool {
        if now.duration_since(self.since) >= Duration::from_secs(1) {
            self.since = now;
            self.sent = 0;
        }
        self.sent += 1;
        self.sent <= ANSWERS_PER_SECOND
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn message(addr: &str, args: Vec<OscType>) -> OscMessage {
        OscMessage {
            addr: addr.into(),
            args,
        }
    }

    const BAND: &str = "tempo 100\ntrack drums drums\n  play \"bd sn\"\n  vel \"100\"\ntrack bass channel 2\n  play \"c2\"\n  play \"e2\"\nsection a 2\n  track drums\n    play \"hh*8\"\n";

    #[test]
    fn a_fader_sends_the_tempo_as_a_float_or_an_int() {
        let tempo = |arg| command(&message("/flam/tempo", vec![arg]));
        assert_eq!(tempo(OscType::Float(128.0)), Ok(Command::Tempo(128.0)));
        assert_eq!(tempo(OscType::Int(90)), Ok(Command::Tempo(90.0)));
        let why = tempo(OscType::String("fast".into())).unwrap_err();
        assert!(
            why.contains("takes a tempo in BPM (f or i), got (s)"),
            "{why}"
        );
        let why = tempo(OscType::Float(5000.0)).unwrap_err();
        assert!(why.contains("20–999"), "{why}");
        assert!(tempo(OscType::Float(f32::NAN)).is_err());
    }

    #[test]
    fn a_mute_button_sends_a_track_and_on_or_off() {
        let mute = |args| command(&message("/flam/mute", args));
        let drums = || OscType::String("drums".into());
        assert_eq!(
            mute(vec![drums(), OscType::Int(1)]),
            Ok(Command::Mute("drums".into(), true))
        );
        assert_eq!(
            mute(vec![drums(), OscType::Float(0.0)]),
            Ok(Command::Mute("drums".into(), false))
        );
        assert_eq!(
            mute(vec![drums(), OscType::Bool(true)]),
            Ok(Command::Mute("drums".into(), true))
        );
        let why = mute(vec![OscType::Int(1), drums()]).unwrap_err();
        assert!(why.contains("got (i s)"), "{why}");
    }

    #[test]
    fn a_new_pattern_goes_to_the_track_its_address_names() {
        let sent = command(&message(
            "/flam/track/drums/play",
            vec![OscType::String("bd*4".into())],
        ));
        assert_eq!(
            sent,
            Ok(Command::Pattern {
                track: "drums".into(),
                pattern: "bd*4".into()
            })
        );
        assert!(command(&message("/flam/track//play", vec![])).is_err());
        assert!(command(&message("/flam/track/drums/stop", vec![])).is_err());
        let why = command(&message("/flam/drop/the/bass", vec![])).unwrap_err();
        assert!(why.contains("no such address"), "{why}");
    }

    #[test]
    fn a_new_pattern_replaces_the_tracks_play_lines_above_the_sections_only() {
        let song = crate::lang::song::compile(BAND).unwrap();
        let bass = song.tracks.iter().find(|t| t.name == "bass").unwrap();
        let text = with_pattern(BAND, "bass", bass.line, "g1 ~ g1");
        assert_eq!(
            text,
            BAND.replace("  play \"c2\"\n  play \"e2\"\n", "  play \"g1 ~ g1\"\n")
        );
        let drums = song.tracks.iter().find(|t| t.name == "drums").unwrap();
        let text = with_pattern(BAND, "drums", drums.line, "bd*4");
        assert!(text.contains("drums\n  play \"bd*4\"\n  vel"), "{text}");
        assert!(
            text.contains("    play \"hh*8\""),
            "the section keeps its own: {text}"
        );
        crate::lang::song::compile(&text).unwrap();
    }

    #[test]
    fn a_track_without_a_play_line_gets_one() {
        let text = "track keys channel 3";
        assert_eq!(
            with_pattern(text, "keys", 1, "c4 e4"),
            "track keys channel 3\n  play \"c4 e4\"\n"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever arrives, decoding and reading it never panics (a panic anywhere would stop
        /// the music through the player's panic hook).
        #[test]
        fn no_junk_packet_panics_the_listener(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Ok((_, packet)) = rosc::decoder::decode_udp(&bytes) {
                let mut messages = Vec::new();
                flatten(packet, 0, &mut messages);
                for m in &messages {
                    let _ = command(m);
                }
            }
        }

        /// Good packets cut short or with a byte changed: the way a broken sender goes wrong.
        #[test]
        fn no_mangled_packet_panics_the_listener(cut in 0usize..64, at in 0usize..64, byte in any::<u8>()) {
            let packet = OscPacket::Message(message(
                "/flam/mute",
                vec![OscType::String("drums".into()), OscType::Int(1)],
            ));
            let mut bytes = rosc::encoder::encode(&packet).unwrap();
            if let Some(b) = bytes.get_mut(at) {
                *b = byte;
            }
            bytes.truncate(cut.min(bytes.len()));
            if let Ok((_, packet)) = rosc::decoder::decode_udp(&bytes) {
                let mut messages = Vec::new();
                flatten(packet, 0, &mut messages);
                for m in &messages {
                    let _ = command(m);
                }
            }
        }
    }
}
