//! Shared test support for tests that talk to a real JACK server: a dummy-backend `jackd`
//! per test, a recording client, scratch folders, and note bookkeeping.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flam::lang::song::compile;
use jack::{
    AsyncClient, Client, ClientOptions, Control, MidiIn, NotificationHandler, Port, ProcessHandler,
    ProcessScope,
};
use rtrb::{Consumer, Producer, RingBuffer};

pub const RATE: u32 = 48_000;

/// The dummy driver's period. 1024 frames (21 ms) give a dozen clients on two loaded cores
/// room to finish each cycle.
pub const PERIOD: u32 = 1024;

/// JACK clients in this process find their server through JACK_DEFAULT_SERVER, so tests that
/// talk to JACK take turns.
pub static JACK: Mutex<()> = Mutex::new(());

pub fn take_turn() -> std::sync::MutexGuard<'static, ()> {
    JACK.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn flam() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flam"))
}

/// Runs flam with `args`, which it must refuse as bad input (exit 2) before anything plays;
/// returns what it said.
pub fn refused(args: &[&str]) -> String {
    let out = flam().args(args).output().expect("flam runs");
    assert_eq!(out.status.code(), Some(2), "flam {}", args.join(" "));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A `jackd` with the dummy backend; stopped when dropped.
pub struct Server {
    child: Child,
}

impl Server {
    /// Starts a server with a name of its own, or returns `None` (saying so in one line) when
    /// `jackd` is not installed; in CI a missing `jackd` fails the test instead.
    pub fn start() -> Option<Server> {
        Server::start_with(&[])
    }

    /// [`Server::start`] with extra dummy-driver options (`-m` gives `system:monitor_*`
    /// ports that repeat what reaches `system:playback_*`).
    ///
    /// Every test server is synchronous (`-S`): a cycle ends only when every client has run,
    /// so a client that runs late delays the cycle (an xrun) instead of its MIDI being lost.
    /// Asynchronous JACK drops a late cycle's MIDI for the clients after it, which is JACK's
    /// behaviour, not flam's, and would make a note count depend on the machine's load.
    pub fn start_with(driver: &[&str]) -> Option<Server> {
        Server::launch(&["-S"], driver, PERIOD)
    }

    /// [`Server::start_with`] at `period` frames a cycle instead of [`PERIOD`].
    pub fn start_with_period(period: u32, driver: &[&str]) -> Option<Server> {
        Server::launch(&["-S"], driver, period)
    }

    fn launch(server: &[&str], driver: &[&str], period: u32) -> Option<Server> {
        if !crate::tool::runs("jackd", &["--version"]) || !crate::tool::runs("jack_wait", &["-h"]) {
            crate::tool::unavailable("jackd", "scripts/setup installs it: apt-get install jackd2");
            return None;
        }
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "flamtest-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        for realtime in [true, false] {
            let mut cmd = Command::new("jackd");
            cmd.args(["-n", &name]).args(server);
            if realtime {
                cmd.arg("-R");
            }
            cmd.args([
                "-d",
                "dummy",
                "-r",
                &RATE.to_string(),
                "-p",
                &period.to_string(),
            ])
            .args(driver)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            let child = cmd.spawn().expect("jackd starts");
            let server = Server { child };
            let up = Command::new("jack_wait")
                .args(["-s", &name, "-w", "-t", "10"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if up {
                // SAFETY: tests that use JACK in this process hold the JACK lock, and nothing
                // else here reads the environment concurrently.
                unsafe { std::env::set_var("JACK_DEFAULT_SERVER", &name) };
                return Some(server);
            }
            drop(server);
        }
        panic!("jackd did not start (tried with and without -R)");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM lets jackd clean up its shared memory; SIGKILL if it does not go.
        // SAFETY: kill(2) on our own child's pid has no memory-safety preconditions.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Records when the JACK server reports an xrun while a recorder runs (JACK's frame clock at
/// the report). An xrun (a cycle that some client, or the driver, did not finish in time on a
/// loaded machine) belongs to the whole graph, and JACK may drop, repeat or move that period's
/// data on any port: music playing across one cannot show frame-exact timing, whoever caused
/// it.
pub struct XrunCount(Arc<Mutex<Vec<u32>>>);

impl NotificationHandler for XrunCount {
    fn xrun(&mut self, client: &Client) -> Control {
        // JACK's notification thread, not its process thread: a lock is fine here.
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(client.frame_time());
        Control::Continue
    }
}

/// A fresh list of xruns, and the handler that fills it.
fn xrun_count() -> (Arc<Mutex<Vec<u32>>>, XrunCount) {
    let frames = Arc::new(Mutex::new(Vec::new()));
    (frames.clone(), XrunCount(frames))
}

/// The xruns in `frames` that fell while music played, from `first` to `last` (JACK frames,
/// a period of slack either side); those before the music starts (often when clients join
/// the graph) or after it ends touch no recorded frame.
pub fn xruns_between(frames: &[u32], first: u32, last: u32) -> u32 {
    let slack = 2 * PERIOD;
    frames
        .iter()
        .filter(|&&x| {
            let from_first = x.wrapping_sub(first.wrapping_sub(slack)) as i32;
            let to_last = last.wrapping_add(slack).wrapping_sub(x) as i32;
            from_first >= 0 && to_last >= 0
        })
        .count() as u32
}

/// How many times a frame-exact check is tried before a loaded machine fails it.
pub const EXACT_RUNS: u32 = 5;

/// Runs a recorded check until one run had no xruns, at most [`EXACT_RUNS`] times. `run`
/// plays and records, asserts on every run what no xrun can excuse (the notes and messages
/// that arrived, their order, nothing left sounding, All Notes Off), then returns the xruns
/// the server reported while the music played; only when there were none does it go on to
/// check exact frames and return 0. An xrun (some client or the driver missed a cycle) moves
/// a period's data, so it may excuse frame exactness in one run, never in all of them: when
/// every run had xruns the test fails, because its claim was not proven.
pub fn exact_unless_xruns(what: &str, mut run: impl FnMut() -> u32) {
    let mut seen = Vec::new();
    for attempt in 1..=EXACT_RUNS {
        let xruns = run();
        if xruns == 0 {
            return;
        }
        seen.push(xruns);
        let _ = writeln!(
            std::io::stderr(),
            "NOTICE: {what}: the JACK server reported {xruns} xruns while run {attempt} of \
             {EXACT_RUNS} played; its notes were checked, its frames will be checked on a run \
             without xruns"
        );
    }
    panic!(
        "{what}: every one of {EXACT_RUNS} runs had xruns ({seen:?}), so frame-exact timing was \
         never checked; the machine is too loaded for this test"
    );
}

/// One recorded MIDI event: which input port, its absolute frame, its bytes.
#[derive(Clone, Copy, Debug)]
pub struct Rec {
    pub port: usize,
    pub frame: u32,
    pub bytes: [u8; 3],
    pub len: usize,
}

impl Rec {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// A key struck: a note-on with a velocity (a note-on at 0 is a note-off).
    pub fn is_note_on(&self) -> bool {
        self.len == 3 && self.bytes[0] & 0xf0 == 0x90 && self.bytes[2] > 0
    }
}

pub struct Record {
    ports: Vec<Port<MidiIn>>,
    out: Producer<Rec>,
}

impl ProcessHandler for Record {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        let start = ps.last_frame_time();
        for (i, port) in self.ports.iter().enumerate() {
            for ev in port.iter(ps) {
                let mut bytes = [0u8; 3];
                let len = ev.bytes.len().min(3);
                bytes[..len].copy_from_slice(&ev.bytes[..len]);
                let _ = self.out.push(Rec {
                    port: i,
                    frame: start.wrapping_add(ev.time),
                    bytes,
                    len,
                });
            }
        }
        Control::Continue
    }
}

/// A JACK client `rec` with MIDI inputs `rec:in0`, `rec:in1`, … recording every event.
pub struct Recorder {
    _client: AsyncClient<XrunCount, Record>,
    events: Consumer<Rec>,
    seen: Vec<Rec>,
    xruns: Arc<Mutex<Vec<u32>>>,
}

impl Recorder {
    pub fn new(ports: usize) -> Recorder {
        let (client, _) = Client::new("rec", ClientOptions::NO_START_SERVER).expect("recorder");
        assert_eq!(client.sample_rate() as u64, u64::from(RATE));
        let ports = (0..ports)
            .map(|i| {
                client
                    .register_port(&format!("in{i}"), MidiIn::default())
                    .expect("port")
            })
            .collect();
        let (out, events) = RingBuffer::new(1 << 18);
        let (xruns, counter) = xrun_count();
        let client = client
            .activate_async(counter, Record { ports, out })
            .expect("activate");
        Recorder {
            _client: client,
            events,
            seen: Vec::new(),
            xruns,
        }
    }

    /// Xruns the server reported since this recorder started.
    pub fn xruns(&self) -> u32 {
        self.xrun_frames().len() as u32
    }

    /// JACK's frame clock at each xrun the server reported since this recorder started.
    pub fn xrun_frames(&self) -> Vec<u32> {
        self.xruns.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Xruns between the first and the last event recorded on any port: those before the
    /// music (often as clients join the graph) or after it touch no recorded frame.
    pub fn xruns_while_playing(&mut self) -> u32 {
        let frames = self.xrun_frames();
        let all = self.all();
        match (all.first(), all.last()) {
            (Some(first), Some(last)) => xruns_between(&frames, first.frame, last.frame),
            _ => frames.len() as u32,
        }
    }

    /// JACK's frame clock now, to relate wall-clock actions to recorded frames.
    pub fn now_frame(&self) -> u32 {
        self._client.as_client().frame_time()
    }

    /// Everything recorded so far.
    pub fn all(&mut self) -> &[Rec] {
        while let Ok(r) = self.events.pop() {
            self.seen.push(r);
        }
        &self.seen
    }

    pub fn port(&mut self, port: usize) -> Vec<Rec> {
        self.all()
            .iter()
            .filter(|r| r.port == port)
            .copied()
            .collect()
    }

    pub fn note_ons(&mut self, port: usize) -> usize {
        self.port(port)
            .iter()
            .filter(|r| r.bytes[0] & 0xf0 == 0x90)
            .count()
    }

    /// Waits until `port` has seen at least `n` note-ons.
    pub fn wait_for_notes(&mut self, port: usize, n: usize, within: Duration) {
        let deadline = Instant::now() + within;
        while self.note_ons(port) < n {
            assert!(
                Instant::now() < deadline,
                "port {port} saw only {} note-ons",
                self.note_ons(port)
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// A scratch folder for song files, removed when dropped.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn scratch(name: &str) -> Scratch {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "flam-jack-{}-{}-{name}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    Scratch(dir)
}

/// Waits for a child, killing it if it runs past `within`; returns its status and stderr.
pub fn finish(mut child: Child, within: Duration) -> (ExitStatus, String) {
    let deadline = Instant::now() + within;
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("child output");
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn play(file: &Path, args: &[&str]) -> Command {
    let mut cmd = flam();
    cmd.arg("play").arg(file).args(args);
    if let Ok(server) = std::env::var("JACK_DEFAULT_SERVER") {
        cmd.env("JACK_DEFAULT_SERVER", server);
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// Plays `file` to its end (within `within`), asserts that flam exited cleanly, and waits a
/// few cycles so a recorder has the last messages; returns what flam printed.
pub fn play_through(file: &Path, args: &[&str], within: Duration) -> String {
    let child = play(file, args).spawn().expect("flam runs");
    let (status, stderr) = finish(child, within);
    assert!(status.success(), "flam failed: {stderr}");
    println!("{stderr}");
    std::thread::sleep(Duration::from_millis(100));
    stderr
}

/// The song with its tempo raised so a bar lasts about 0.45 s, to keep the test short.
pub fn sped_up(text: &str) -> String {
    let song = compile(text).expect("example compiles");
    let quarters = 4.0 * f64::from(song.tempo.meter.beats) / f64::from(song.tempo.meter.unit);
    let bpm = (quarters * 60.0 / 0.45).round().clamp(20.0, 999.0);
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with("tempo ") {
                format!("tempo {bpm}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

pub fn is_note(bytes: &[u8]) -> bool {
    matches!(bytes[0] & 0xf0, 0x80 | 0x90)
}

/// Notes left sounding (note-ons not matched by a later note-off) per channel and key, and
/// the channels that got All Notes Off. A spare note-off (for a note-on that a stop kept from
/// going out) is harmless and not counted.
pub fn balance(recs: &[Rec]) -> (HashMap<(u8, u8), i32>, Vec<u8>) {
    let mut sounding = HashMap::new();
    let mut all_off = Vec::new();
    for r in recs {
        let b = r.bytes();
        match b[0] & 0xf0 {
            0x90 if b[2] > 0 => *sounding.entry((b[0] & 0x0f, b[1])).or_insert(0) += 1,
            0x80 | 0x90 => {
                let n = sounding.entry((b[0] & 0x0f, b[1])).or_insert(0);
                *n = (*n - 1).max(0);
            }
            0xb0 if b[1] == 123 => all_off.push((b[0] & 0x0f) + 1),
            _ => {}
        }
    }
    sounding.retain(|_, n| *n > 0);
    (sounding, all_off)
}

/// Records two JACK audio inputs, `arec:left` and `arec:right`, connected to the dummy
/// driver's monitor ports (what reaches `system:playback_*`), from the moment it starts.
pub struct AudioRecord {
    ports: [Port<jack::AudioIn>; 2],
    out: Producer<f32>,
}

impl ProcessHandler for AudioRecord {
    fn process(&mut self, _: &Client, ps: &ProcessScope) -> Control {
        let [left, right] = &self.ports;
        for (l, r) in left.as_slice(ps).iter().zip(right.as_slice(ps)) {
            let _ = self.out.push(*l);
            let _ = self.out.push(*r);
        }
        Control::Continue
    }
}

pub struct AudioRecorder {
    _client: AsyncClient<XrunCount, AudioRecord>,
    samples: Consumer<f32>,
    seen: Vec<f32>,
    xruns: Arc<Mutex<Vec<u32>>>,
}

impl AudioRecorder {
    pub fn new() -> AudioRecorder {
        let (client, _) = Client::new("arec", ClientOptions::NO_START_SERVER).expect("recorder");
        let ports = ["left", "right"].map(|n| {
            client
                .register_port(n, jack::AudioIn::default())
                .expect("port")
        });
        let (out, samples) = RingBuffer::new(RATE as usize * 2 * 40);
        let (xruns, counter) = xrun_count();
        let client = client
            .activate_async(counter, AudioRecord { ports, out })
            .expect("activate");
        for (from, to) in [
            ("system:monitor_1", "arec:left"),
            ("system:monitor_2", "arec:right"),
        ] {
            client
                .as_client()
                .connect_ports_by_name(from, to)
                .expect("connect the monitor ports");
        }
        AudioRecorder {
            _client: client,
            samples,
            seen: Vec::new(),
            xruns,
        }
    }

    /// Xruns the server reported since this recorder started.
    pub fn xruns(&self) -> u32 {
        self.xrun_frames().len() as u32
    }

    /// JACK's frame clock at each xrun the server reported since this recorder started.
    pub fn xrun_frames(&self) -> Vec<u32> {
        self.xruns.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Everything recorded so far, interleaved left and right.
    pub fn all(&mut self) -> &[f32] {
        while let Ok(x) = self.samples.pop() {
            self.seen.push(x);
        }
        &self.seen
    }

    /// Frames recorded so far.
    pub fn frames(&mut self) -> usize {
        self.all().len() / 2
    }

    /// Waits until something louder than −60 dBFS has been recorded.
    pub fn wait_for_sound(&mut self, within: Duration) {
        let deadline = Instant::now() + within;
        while peak(self.all()) < 1e-3 {
            assert!(Instant::now() < deadline, "no sound came");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

pub fn peak(interleaved: &[f32]) -> f32 {
    interleaved.iter().fold(0.0f32, |m, x| m.max(x.abs()))
}

/// The first frame louder than −60 dBFS on either side.
pub fn first_sound(interleaved: &[f32]) -> usize {
    interleaved
        .chunks_exact(2)
        .position(|f| f[0].abs().max(f[1].abs()) > 1e-3)
        .expect("some sound")
}
