//! Whatever a musician types into `flam live`, in whatever order, the UI stays whole: no
//! panic (which would end the session and its music), the cursor stays inside the text,
//! undoing every edit gives the file back, and every screen size draws.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use flam::tui::app::App;
use flam::tui::draw::draw;
use flam::tui::keymap::Action;
use flam::tui::transport::{SilentTransport, Telemetry};
use proptest::prelude::*;
use proptest::sample::select;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SONG: &str = "tempo 120\n\ntrack kick\n  play \"bd ~ bd ~\"\n\ntrack keys channel 1 program epiano\n  play \"<c4:maj7 a3:m7>\"\n  arp updown rate 1/16\n";

/// Keys a player reaches for, weighted toward typing and moving about.
fn action() -> impl Strategy<Value = Action> {
    let typed = select(vec![
        'a', 'b', 'd', 's', 'n', 'h', 'c', '4', '~', ' ', '"', '[', ']', '<', '>', '*', '(', ',',
        ')', ':', '#', '\t', 'é', '日', '🥁', '\u{301}', '\u{200b}', 'q', 'y', 'n', 'r',
    ])
    .prop_map(Action::Char);
    let other = select(vec![
        Action::PlayStop,
        Action::TempoUp,
        Action::TempoDown,
        Action::TapTempo,
        Action::Mute,
        Action::Solo,
        Action::NextPane,
        Action::Outputs,
        Action::NextOutput,
        Action::Quit,
        Action::Panic,
        Action::Undo,
        Action::Redo,
        Action::Help,
        Action::NextError,
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::Home,
        Action::End,
        Action::PageUp,
        Action::PageDown,
        Action::Enter,
        Action::Backspace,
        Action::Delete,
        Action::Cancel,
    ]);
    prop_oneof![3 => typed, 2 => other]
}

/// One step of a session: a key, a compile of the text so far, or a report from the engine.
#[derive(Clone, Debug)]
enum Step {
    Key(Action),
    Compile,
    Playhead(f64, Option<i64>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => action().prop_map(Step::Key),
        1 => Just(Step::Compile),
        1 => (0.0f64..64.0, proptest::option::of(0i64..64)).prop_map(|(p, b)| Step::Playhead(p, b)),
    ]
}

/// A fixed seed, so CI gives the same verdict every run; `PROPTEST_RNG_SEED` picks another
/// and `FLAM_FUZZ_SCALE=10` runs ten times as many sessions, for a longer hunt.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let scale: u32 = std::env::var("FLAM_FUZZ_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    ProptestConfig {
        cases: 128 * scale,
        failure_persistence: None,
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            default.rng_seed
        } else {
            proptest::test_runner::RngSeed::Fixed(0xF1A3)
        },
        ..default
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_keys_in_any_order_leave_the_editor_and_screen_whole(
        steps in proptest::collection::vec(step(), 0..120),
        width in 1u16..140,
        height in 1u16..50,
    ) {
        // A file that cannot be written: saving must fail politely.
        let path = PathBuf::from("/nonexistent/dir/jam.flam");
        let mut app = App::new(path, SONG, Box::new(SilentTransport::new()));
        app.compiled(app.generation, flam::lang::song::compile(SONG));
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        for step in steps {
            match step {
                Step::Key(action) => app.handle(action),
                Step::Compile => {
                    let later = Instant::now() + Duration::from_secs(1);
                    if let Some((generation, text)) = app.compile_due(later) {
                        app.compile_started(generation);
                        app.compiled(generation, flam::lang::song::compile(&text));
                    }
                }
                Step::Playhead(position, song_from_bar) => app.on_telemetry(Telemetry {
                    playing: app.telemetry.playing,
                    position,
                    song_from_bar,
                    ..Telemetry::default()
                }),
            }
            let cursor = app.editor.cursor();
            let lines = app.editor.lines();
            prop_assert!(cursor.line < lines.len(), "cursor on line {} of {}", cursor.line, lines.len());
            prop_assert!(cursor.col <= lines[cursor.line].chars().count());
            terminal.draw(|f| draw(f, &app)).unwrap();
            if app.quit {
                break;
            }
        }
        // Undo all the way back: the file as it was opened.
        while app.editor.undo() {}
        prop_assert_eq!(app.editor.text(), SONG);
    }
}
