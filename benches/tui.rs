//! `flam live` costs, printed as numbers: the time to draw a frame, the UI's CPU use while it
//! sits idle, and the time from a keystroke to the screen (through a real terminal, tmux).
//!
//! Run with `cargo bench --bench tui` (needs tmux for the last two).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use flam::tui::app::App;
use flam::tui::draw::draw;
use flam::tui::transport::{SilentTransport, Telemetry};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let song = std::fs::read_to_string(format!(
        "{}/patterns/house.flam",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_default();
    let mut app = App::new(
        PathBuf::from("house.flam"),
        &song,
        Box::new(SilentTransport::new()),
    );
    if let Ok(s) = flam::lang::song::compile(&song) {
        app.compiled(app.generation, Ok(s));
    }
    let mut terminal = match Terminal::new(TestBackend::new(120, 40)) {
        Ok(t) => t,
        Err(e) => return eprintln!("no test terminal: {e}"),
    };
    let frames = 2_000;
    let start = Instant::now();
    for i in 0..frames {
        app.on_telemetry(Telemetry {
            playing: true,
            position: i as f64 / 60.0,
            notes: vec![1; 6],
            underruns: 0,
            load: 0.0,
            ..Telemetry::default()
        });
        let _ = terminal.draw(|f| draw(f, &app));
    }
    let per_frame = start.elapsed().as_secs_f64() / frames as f64;
    println!(
        "draw one 120x40 frame (with grid refresh): {:.1} µs = {:.2}% of a 30 fps frame budget",
        per_frame * 1e6,
        per_frame * 30.0 * 100.0
    );

    if Command::new("tmux").arg("-V").output().is_err() {
        return println!("tmux not installed: skipping the terminal measurements");
    }
    let dir = std::env::temp_dir().join(format!("flam-tui-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("house.flam");
    let _ = std::fs::write(&file, &song);
    let session = format!("flam-bench-{}", std::process::id());
    let bin = format!("{}/target/release/flam", env!("CARGO_MANIFEST_DIR"));
    let _ = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "120",
            "-y",
            "40",
            &format!("{bin} live {}", file.display()),
        ])
        .status();
    std::thread::sleep(Duration::from_millis(800));
    let capture = || {
        Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &session])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let pid = Command::new("pgrep")
        .args(["-f", &format!("^{bin} live")])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_default();
    let cpu = |pid: &str| -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let ticks: f64 = fields.get(11).and_then(|u| u.parse().ok()).unwrap_or(0.0)
            + fields.get(12).and_then(|s| s.parse().ok()).unwrap_or(0.0);
        ticks / 100.0
    };
    let before = cpu(&pid);
    std::thread::sleep(Duration::from_secs(5));
    let after = cpu(&pid);
    println!(
        "UI process CPU while idle at 30 fps: {:.1}% of one core (5 s)",
        (after - before) / 5.0 * 100.0
    );

    let mut latencies = Vec::new();
    for i in 0..20 {
        let marker = format!("#k{i:02}");
        let start = Instant::now();
        let _ = Command::new("tmux")
            .args(["send-keys", "-t", &session, "-l", &marker])
            .status();
        while !capture().contains(&marker) && start.elapsed() < Duration::from_secs(2) {}
        latencies.push(start.elapsed().as_secs_f64() * 1e3);
        let _ = Command::new("tmux")
            .args(["send-keys", "-t", &session, "Enter"])
            .status();
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "keystroke to screen through tmux: median {:.1} ms, p95 {:.1} ms (includes tmux's own send/capture round trip)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95)
    );
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    let _ = std::fs::remove_dir_all(&dir);
}
