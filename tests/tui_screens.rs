//! Screens of `flam live`, drawn with ratatui's TestBackend and snapshot-tested.

use std::path::PathBuf;

use flam::tui::app::App;
use flam::tui::draw::draw;
use flam::tui::keymap::{Action, Focus};
use flam::tui::transport::{SilentTransport, Telemetry, Transport};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

const SONG: &str = "# a groove to jam on\ntempo 96\n\ntrack kick\n  play \"bd ~ ~ bd ~ ~ bd ~\"\n  vel \"120 90\"\n\ntrack snare\n  play \"~ sn ~ sn\"\n\ntrack hats\n  play \"hh*8\"\n  vel \"100 60\"\n\ntrack keys channel 1 program epiano\n  play \"<c4:maj7 a3:m7>\"\n  arp updown rate 1/16\n";

fn app() -> App {
    let path = PathBuf::from("/nonexistent/groove.flam");
    let mut app = App::new(path, SONG, Box::new(SilentTransport::new()));
    let song = flam::lang::song::compile(SONG).unwrap();
    app.compiled(app.generation, Ok(song));
    app
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    terminal
}

/// How many steps of `track` the grid lights.
fn hits(app: &App, track: &str) -> usize {
    let row = app.grid.rows.iter().find(|r| r.label() == track).unwrap();
    row.hits()
}

fn playing(app: &mut App, position: f64) {
    app.on_telemetry(Telemetry {
        playing: true,
        position,
        notes: vec![1, 0, 1, 1],
        underruns: 0,
        load: 0.03,
        ..Telemetry::default()
    });
}

#[test]
fn playing_screen_shows_the_playhead_tracks_and_grid() {
    let mut app = app();
    playing(&mut app, 2.3);
    insta::assert_snapshot!("playing", screen(&app, 100, 30).backend());
}

#[test]
fn following_a_clock_the_top_line_says_whose_tempo_it_is() {
    let mut app = app();
    app.on_telemetry(Telemetry {
        playing: true,
        position: 1.25,
        clock: Some("following clock, 121.3 BPM".into()),
        ..Telemetry::default()
    });
    let terminal = screen(&app, 100, 30);
    let top: String = (0..100)
        .map(|x| terminal.backend().buffer()[(x, 0)].symbol())
        .collect();
    assert!(
        top.contains("following clock, 121.3 BPM  4/4  2:2"),
        "{top}"
    );
    assert!(
        !top.contains("120.0 BPM"),
        "the song's own tempo is not what plays: {top}"
    );
}

#[test]
fn the_screen_stays_usable_at_80_by_24() {
    let mut app = app();
    playing(&mut app, 0.5);
    insta::assert_snapshot!("playing_80x24", screen(&app, 80, 24).backend());
}

#[test]
fn an_error_is_underlined_in_the_editor_while_the_old_song_plays() {
    let mut app = app();
    playing(&mut app, 1.0);
    let broken = SONG.replace("~ sn ~ sn", "~ snr ~ sn");
    let errors = flam::lang::song::compile(&broken).unwrap_err();
    app.editor = flam::tui::editor::Editor::new(&broken);
    app.generation += 1;
    app.compiled(app.generation, Err(errors));
    assert!(app.song.is_some(), "the last good song is kept");
    let terminal = screen(&app, 100, 30);
    insta::assert_snapshot!("error_underlined", terminal.backend());
    // Line 9 of the song holds `snr`: its cells are red and underlined.
    let buffer = terminal.backend().buffer();
    let row = (1..30)
        .find(|&y| {
            (0..100)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("~ snr ~")
        })
        .unwrap();
    let text: String = (0..100).map(|x| buffer[(x, row)].symbol()).collect();
    let x = text.find("snr").unwrap() as u16;
    let cell = &buffer[(x, row)];
    assert!(cell.modifier.contains(Modifier::UNDERLINED));
    assert_eq!(cell.fg, Color::Red);
}

#[test]
fn muted_and_soloed_tracks_are_marked() {
    let mut app = app();
    playing(&mut app, 0.0);
    app.handle(Action::NextPane);
    assert_eq!(app.focus, Focus::Tracks);
    app.handle(Action::Mute);
    app.handle(Action::Down);
    app.handle(Action::Down);
    app.handle(Action::Solo);
    assert!(app.is_silent(0) && app.is_silent(1) && !app.is_silent(2) && app.is_silent(3));
    insta::assert_snapshot!("muted_and_soloed", screen(&app, 100, 30).backend());
}

/// The screen's text, every row joined, with the box drawing and the spaces that pad or wrap
/// a line taken out, so a sentence wrapped over two rows reads as one.
fn words_on(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let c = buffer[(x, y)].symbol();
            text.push_str(if "│┌┐└┘─".contains(c) {
                " "
            } else {
                c
            });
        }
        text.push(' ');
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_help_overlay_lists_every_key_whole_at_100x30_and_80x24() {
    let mut app = app();
    app.handle(Action::Help);
    insta::assert_snapshot!("help", screen(&app, 100, 30).backend());
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24).backend());
    for (w, h) in [(100, 30), (80, 24)] {
        let words = words_on(&screen(&app, w, h));
        for (keys, what) in flam::tui::keymap::HELP {
            let keys = keys.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(words.contains(&keys), "{w}x{h}: `{keys}` missing");
            let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(words.contains(&what), "{w}x{h}: `{what}` cut off");
        }
    }
}

#[test]
fn the_help_shows_what_the_songs_controller_map_does() {
    let text = format!("map cc 20 mute kick\nmap note 36 ch 10 panic\n{SONG}");
    let path = PathBuf::from("/nonexistent/mapped.flam");
    let mut app = App::new(path, &text, Box::new(SilentTransport::new()));
    let song = flam::lang::song::compile(&text).unwrap();
    app.compiled(app.generation, Ok(song));
    app.handle(Action::Help);
    let words = words_on(&screen(&app, 100, 30));
    assert!(words.contains("controller cc 20 mute kick"), "{words}");
    assert!(words.contains("controller note 36 ch 10 panic"), "{words}");
}

#[test]
fn a_take_recorded_after_a_count_in_becomes_a_track_and_one_undo_takes_it_back() {
    use flam::session::control::{Control, PlayedKey};
    let mut app = app();
    playing(&mut app, 0.5);
    app.handle(Action::Record);
    assert!(
        app.status
            .contains("recording 2 bars on 1/16 at 100% from bar 3"),
        "{}",
        app.status
    );
    let before = app.editor.text();
    let key = |position: f64, key: u8, down: bool| {
        Control::Played(PlayedKey {
            position,
            channel: 2,
            key,
            velocity: if down { 96 } else { 0 },
            down,
        })
    };
    let at = |app: &mut App, position: f64, controls: Vec<Control>| {
        app.on_telemetry(Telemetry {
            playing: true,
            position,
            controls,
            ..Telemetry::default()
        })
    };
    // During the count-in: not recorded.
    at(&mut app, 1.5, vec![key(1.5, 40, true), key(1.6, 40, false)]);
    at(
        &mut app,
        2.1,
        vec![key(2.0, 48, true), key(2.25, 48, false)],
    );
    assert!(
        app.status.contains("recording bar 1 of 2"),
        "{}",
        app.status
    );
    at(
        &mut app,
        3.6,
        vec![key(3.5, 55, true), key(3.75, 55, false)],
    );
    at(&mut app, 4.01, vec![]);
    let text = app.editor.text();
    assert!(
        text.ends_with("\ntrack recorded-2 channel 2\n  play \"<[c3@4 ~@12] [~@8 g3@4 ~@4]>\"\n  vel \"<[96@4 ~@12] [~@8 96@4 ~@4]>\"\n"),
        "{text}"
    );
    assert!(app.status.contains("recorded 2 notes"), "{}", app.status);
    assert!(
        flam::lang::song::compile(&text).is_ok(),
        "the song with the take compiles"
    );
    app.handle(Action::Undo);
    assert_eq!(app.editor.text(), before, "one undo takes the take back");
}

#[test]
fn the_record_overlay_sets_an_eighth_note_grid_at_half_strength_for_the_take() {
    use flam::session::control::{Control, PlayedKey};
    let mut app = app();
    playing(&mut app, 0.5);
    app.handle(Action::RecordSettings);
    // Length stays 2 bars; the grid one left to eighths; the strength two left to 50%.
    app.handle(Action::Down);
    app.handle(Action::Left);
    app.handle(Action::Down);
    app.handle(Action::Left);
    app.handle(Action::Left);
    insta::assert_snapshot!("record_overlay", screen(&app, 80, 24).backend());
    app.handle(Action::Enter);
    assert!(app.overlay.is_none());
    assert!(
        app.status
            .contains("recording 2 bars on 1/8 at 50% from bar 3"),
        "{}",
        app.status
    );
    let key = |position: f64, key: u8, down: bool| {
        Control::Played(PlayedKey {
            position,
            channel: 2,
            key,
            velocity: if down { 96 } else { 0 },
            down,
        })
    };
    let at = |app: &mut App, position: f64, controls: Vec<Control>| {
        app.on_telemetry(Telemetry {
            playing: true,
            position,
            controls,
            ..Telemetry::default()
        })
    };
    // A note played 1/48 bar late after the downbeat of the take, held an eighth, and one
    // played 1/24 bar after the third eighth of bar 2.
    let (late, later) = (1.0 / 48.0, 1.0 / 24.0);
    at(
        &mut app,
        2.05,
        vec![key(2.0 + late, 48, true), key(2.125 + late, 48, false)],
    );
    at(
        &mut app,
        3.4,
        vec![key(3.25 + later, 55, true), key(3.375 + later, 55, false)],
    );
    at(&mut app, 4.01, vec![]);
    let text = app.editor.text();
    // Pulled half way to the eighths: each lands half as far from its step, which is not on
    // the grid, so the take is written on a grid twelve times finer than eighths.
    assert!(text.contains("\ntrack recorded-2 channel 2\n"), "{text}");
    let song = flam::lang::song::compile(&text).unwrap();
    let events = flam::engine::plan::notes(
        &song,
        flam::theory::time::Time::from_integer(0),
        flam::theory::time::Time::from_integer(2),
    );
    let starts: Vec<(u8, f64)> = events
        .iter()
        .filter_map(|t| {
            let (b, _) = t.message.bytes();
            (b[0] == 0x91 && b[2] > 0).then_some((b[1], t.seconds))
        })
        .collect();
    // At 96 BPM a bar is 2.5 s.
    let bar = 2.5;
    let want = [(48, bar * late / 2.0), (55, bar * (1.25 + later / 2.0))];
    assert_eq!(starts.len(), 2, "{starts:?}");
    for ((key, at), (want_key, want_at)) in starts.iter().zip(want) {
        assert_eq!(*key, want_key);
        assert!((at - want_at).abs() < 1e-6, "{key}: {at} vs {want_at}");
    }
}

/// Learns one map in `app`: Alt-L, the key that says what, then the controller `moved`.
fn learn(app: &mut App, key: Action, moved: flam::session::control::Control) -> String {
    app.handle(Action::Learn);
    assert!(app.status.contains("press what to map"), "{}", app.status);
    app.handle(key);
    let asked = app.status.clone();
    app.on_telemetry(Telemetry {
        controls: vec![moved],
        ..Telemetry::default()
    });
    assert!(app.learning.is_none(), "one knob, one map");
    asked
}

#[test]
fn alt_l_then_a_key_then_a_knob_writes_the_map_line_for_what_the_key_does() {
    use flam::session::control::{Control, PlayedKey};
    let knob = |controller| Control::Moved {
        channel: 1,
        controller,
    };
    let mut app = app();
    app.focus = flam::tui::keymap::Focus::Tracks;
    app.selected = 2;
    let asked = learn(&mut app, Action::Mute, knob(21));
    assert!(asked.contains("to mute hats"), "{asked}");
    let asked = learn(&mut app, Action::Solo, knob(22));
    assert!(asked.contains("to solo hats"), "{asked}");
    let asked = learn(&mut app, Action::TempoUp, knob(23));
    assert!(asked.contains("tempo (66–126 BPM)"), "{asked}");
    learn(&mut app, Action::Down, knob(24));
    let pad = Control::Played(PlayedKey {
        position: 0.0,
        channel: 10,
        key: 36,
        velocity: 100,
        down: true,
    });
    learn(&mut app, Action::Panic, pad);
    assert_eq!(app.selected, 2, "choosing select moved nothing");
    let text = app.editor.text();
    assert!(
        text.starts_with(
            "map note 36 ch 10 panic\nmap cc 24 ch 1 select\nmap cc 23 ch 1 tempo 66 126\n\
             map cc 22 ch 1 solo hats\nmap cc 21 ch 1 mute hats\n"
        ),
        "{text}"
    );
    let song = flam::lang::song::compile(&text).unwrap();
    let maps: Vec<String> = song.maps.iter().map(|m| m.to_string()).collect();
    assert_eq!(
        maps,
        [
            "note 36 ch 10 panic",
            "cc 24 ch 1 select",
            "cc 23 ch 1 tempo 66 126",
            "cc 22 ch 1 solo hats",
            "cc 21 ch 1 mute hats"
        ]
    );
}

#[test]
fn while_learning_waits_for_its_key_typing_still_types_and_alt_l_calls_it_off() {
    let mut app = app();
    let before = app.editor.text();
    app.handle(Action::Learn);
    app.handle(Action::Char('x'));
    assert_ne!(
        app.editor.text(),
        before,
        "a letter is not a choice: it types"
    );
    app.handle(Action::Learn);
    assert!(app.learning.is_none());
    assert!(app.status.contains("called off"), "{}", app.status);
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut app = app();
    app.handle(Action::Char('x'));
    app.handle(Action::Quit);
    assert!(!app.quit);
    insta::assert_snapshot!("unsaved_prompt", screen(&app, 80, 24).backend());
    app.handle(Action::Cancel);
    assert!(app.overlay.is_none() && !app.quit);
}

#[test]
fn an_edit_just_before_a_bar_line_says_it_takes_over_at_the_bar_after() {
    let mut app = app();
    // Near the end of bar 4 (from 1): the engine has already planned bar 5.
    app.on_telemetry(Telemetry {
        playing: true,
        position: 3.95,
        next_bar: Some(5),
        ..Telemetry::default()
    });
    let song = flam::lang::song::compile(SONG).unwrap();
    app.compiled(app.generation, Ok(song));
    app.handle(Action::Send);
    assert!(
        app.status.ends_with("takes over at bar 6"),
        "{}",
        app.status
    );
}

#[test]
fn an_edit_while_playing_shows_in_the_grid_from_the_bar_it_takes_over_at() {
    let mut app = app();
    playing(&mut app, 2.3);
    assert_eq!(hits(&app, "snare"), 2);
    // A third snare hit, compiled in bar 3 (from 1): bar 3 goes on sounding as it was.
    let edited = SONG.replace("~ sn ~ sn", "~ sn ~ [sn sn]");
    app.compiled(
        app.generation,
        Ok(flam::lang::song::compile(&edited).unwrap()),
    );
    app.handle(Action::Send);
    assert_eq!(
        hits(&app, "snare"),
        2,
        "the grid changed before the engine took the edit"
    );
    // The engine takes it for bar 4 (from 1): still the old bar 3 until the playhead gets there.
    let at = |position: f64| Telemetry {
        playing: true,
        position,
        song_from_bar: Some(3),
        ..Telemetry::default()
    };
    app.on_telemetry(at(2.6));
    assert_eq!(
        hits(&app, "snare"),
        2,
        "the grid changed before the bar line"
    );
    app.on_telemetry(at(3.01));
    assert_eq!(
        hits(&app, "snare"),
        3,
        "the grid shows the edit from its bar on"
    );
    assert!(app.outgoing.is_none());
}

#[test]
fn after_a_stop_an_edit_shows_in_the_grid_at_once() {
    let mut app = app();
    playing(&mut app, 2.3);
    let edited = SONG.replace("~ sn ~ sn", "~ sn ~ [sn sn]");
    app.compiled(
        app.generation,
        Ok(flam::lang::song::compile(&edited).unwrap()),
    );
    app.handle(Action::Send);
    // Stopped before the engine took the edit: nothing sounds, so the grid shows the text.
    app.handle(Action::PlayStop);
    assert!(!app.telemetry.playing);
    assert_eq!(hits(&app, "snare"), 3);
    app.compiled(app.generation, Ok(flam::lang::song::compile(SONG).unwrap()));
    app.handle(Action::Send);
    assert_eq!(hits(&app, "snare"), 2);
}

/// A song file of its own in a fresh folder, removed when dropped.
struct SongFile(PathBuf);

impl SongFile {
    fn new(name: &str) -> SongFile {
        let dir = std::env::temp_dir().join(format!("flam-screens-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("groove.flam");
        std::fs::write(&path, SONG).unwrap();
        SongFile(path)
    }
}

impl Drop for SongFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
    }
}

#[test]
fn saving_over_a_file_changed_on_disk_asks_before_overwriting_it() {
    let file = SongFile::new("changed");
    let mut app = App::new(file.0.clone(), SONG, Box::new(SilentTransport::new()));
    app.compiled(app.generation, Ok(flam::lang::song::compile(SONG).unwrap()));
    app.handle(Action::Char('#'));
    // Another editor (or a git checkout) rewrites the file meanwhile.
    let theirs = SONG.replace("tempo 96", "tempo 100");
    std::fs::write(&file.0, &theirs).unwrap();

    app.handle(Action::Save);
    insta::assert_snapshot!("changed_on_disk", screen(&app, 80, 24).backend());
    app.handle(Action::Char('n'));
    assert_eq!(std::fs::read_to_string(&file.0).unwrap(), theirs);
    assert!(
        app.dirty() && app.status.starts_with("not saved"),
        "{}",
        app.status
    );

    app.handle(Action::Save);
    app.handle(Action::Char('y'));
    assert_eq!(
        std::fs::read_to_string(&file.0).unwrap(),
        format!("#{SONG}")
    );
    assert!(!app.dirty());
    // Saved once, the file is ours again: the next save does not ask.
    app.handle(Action::Char('#'));
    app.handle(Action::Save);
    assert!(app.overlay.is_none());
    assert_eq!(
        std::fs::read_to_string(&file.0).unwrap(),
        format!("##{SONG}")
    );
}

#[test]
fn save_and_quit_over_a_changed_file_quits_once_overwriting_is_confirmed() {
    let file = SongFile::new("quit");
    let mut app = App::new(file.0.clone(), SONG, Box::new(SilentTransport::new()));
    app.handle(Action::Char('#'));
    std::fs::write(&file.0, "# theirs\n").unwrap();
    app.handle(Action::Quit);
    app.handle(Action::Char('y'));
    assert!(!app.quit, "quit before asking about the changed file");
    app.handle(Action::Char('y'));
    assert!(app.quit);
    assert_eq!(
        std::fs::read_to_string(&file.0).unwrap(),
        format!("#{SONG}")
    );
}

#[test]
fn a_song_saved_by_a_windows_editor_opens_clean_and_saves_back_the_same_way() {
    // CRLF line endings, and a byte order mark the editor never shows.
    let file = SongFile::new("windows");
    let windows = format!("\u{feff}{}", SONG.replace('\n', "\r\n"));
    std::fs::write(&file.0, &windows).unwrap();
    let mut app = App::new(file.0.clone(), &windows, Box::new(SilentTransport::new()));
    assert!(!app.dirty(), "nothing was edited yet");
    assert!(app.editor.text().starts_with("# a groove"));
    app.handle(Action::Char('#'));
    app.handle(Action::Save);
    assert!(app.overlay.is_none() && !app.dirty());
    assert_eq!(
        std::fs::read_to_string(&file.0).unwrap(),
        windows.replacen("# a groove", "## a groove", 1)
    );
}

#[test]
fn the_file_name_and_the_unsaved_marker_keep_their_place_on_a_narrow_screen() {
    let mut app = app();
    app.handle(Action::Char('x'));
    for width in [60, 80, 100] {
        let terminal = screen(&app, width, 24);
        let top: String = (0..width)
            .map(|x| terminal.backend().buffer()[(x, 0)].symbol().to_string())
            .collect();
        assert!(
            top.trim_end().ends_with("groove.flam  ● unsaved"),
            "{width} columns: {top}"
        );
        assert!(top.contains("▶") || top.contains("■"), "{top}");
    }
}

/// The cells of the grid row labelled `label` as drawn: one string per step.
fn drawn_row(terminal: &Terminal<TestBackend>, label: &str) -> Option<Vec<String>> {
    let buffer = terminal.backend().buffer();
    let width = buffer.area.width;
    (0..buffer.area.height).find_map(|y| {
        let line: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        let rest = line
            .strip_prefix("│")?
            .strip_prefix(&format!("{label:<10}"))?;
        Some(
            rest.trim_end_matches(['│', ' '])
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        )
    })
}

#[test]
fn the_twelve_eight_bell_is_drawn_on_twelve_steps_and_the_bass_shows_its_notes() {
    let song = std::fs::read_to_string("patterns/polyrhythm.flam").unwrap();
    let mut app = App::new(
        PathBuf::from("/nonexistent/polyrhythm.flam"),
        &song,
        Box::new(SilentTransport::new()),
    );
    app.compiled(
        app.generation,
        Ok(flam::lang::song::compile(&song).unwrap()),
    );
    let bell = drawn_row(&screen(&app, 100, 30), "bell").expect("the bell's row");
    let hits: Vec<usize> = bell
        .iter()
        .enumerate()
        .filter(|(_, c)| *c != "·")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(bell.len(), 12, "{bell:?}");
    assert_eq!(hits, [0, 2, 3, 5, 7, 8, 10], "x.xx.x.xx.x.");

    let tune = "track bass channel 2\n  play \"c2 [e2 g2] c3 ~\"\ntrack hats drums\n  play \"hh hh oh hh\"\n";
    let mut app = App::new(
        PathBuf::from("/nonexistent/tune.flam"),
        tune,
        Box::new(SilentTransport::new()),
    );
    app.compiled(app.generation, Ok(flam::lang::song::compile(tune).unwrap()));
    let terminal = screen(&app, 100, 30);
    let bass = drawn_row(&terminal, "bass").expect("the bass row");
    let notes: Vec<&str> = bass
        .iter()
        .map(String::as_str)
        .filter(|c| *c != "·")
        .collect();
    assert_eq!(notes, ["c2", "e2", "g2", "c3"]);
    let closed = drawn_row(&terminal, "hats hh").expect("a row for the closed hat");
    let open = drawn_row(&terminal, "hats oh").expect("a row for the open hat");
    assert_eq!(closed.iter().filter(|c| *c != "·").count(), 3);
    assert_eq!(open.iter().filter(|c| *c != "·").count(), 1);
}

#[test]
fn with_more_tracks_than_fit_the_grid_scrolls_to_the_selected_one() {
    let mut song = String::new();
    for i in 1..=14 {
        song.push_str(&format!("track t{i} drums\n  play \"bd*{i}\"\n"));
    }
    let mut app = App::new(
        PathBuf::from("/nonexistent/many.flam"),
        &song,
        Box::new(SilentTransport::new()),
    );
    app.compiled(
        app.generation,
        Ok(flam::lang::song::compile(&song).unwrap()),
    );
    let top = screen(&app, 100, 30);
    assert!(drawn_row(&top, "t1").is_some());
    assert!(drawn_row(&top, "t14").is_none(), "not every row fits");
    assert!(
        words_on(&top).contains("rows 1–"),
        "the title says rows are hidden"
    );
    app.handle(Action::NextPane);
    for _ in 0..13 {
        app.handle(Action::Down);
    }
    let bottom = screen(&app, 100, 30);
    assert!(
        drawn_row(&bottom, "t14").is_some(),
        "the selected track is shown"
    );
    assert!(words_on(&bottom).contains("of 14"), "{}", words_on(&bottom));
}

/// Types `text` inside the quotes at the end of the snare's pattern line.
fn type_in_the_snare_pattern(app: &mut App, text: &str) {
    for _ in 0..8 {
        app.handle(Action::Down);
    }
    app.handle(Action::End);
    app.handle(Action::Left);
    for c in text.chars() {
        app.handle(Action::Char(c));
    }
}

/// Runs the compile that is due at `when`, as the UI's compile thread would.
fn compile_due_at(app: &mut App, when: std::time::Instant) {
    let (generation, text) = app.compile_due(when).expect("a compile is due");
    app.compile_started(generation);
    app.compiled(generation, flam::lang::song::compile(&text));
}

/// Adds a third snare hit and lets the compile finish after the typing pause.
fn type_a_third_snare(app: &mut App) {
    type_in_the_snare_pattern(app, " sn");
    compile_due_at(
        app,
        std::time::Instant::now() + std::time::Duration::from_secs(1),
    );
}

#[test]
fn an_edit_waits_for_ctrl_enter_and_says_so() {
    let mut app = app();
    type_a_third_snare(&mut app);
    assert_eq!(
        hits(&app, "snare"),
        2,
        "not sent: the grid shows what plays"
    );
    assert!(app.edited_not_sent());
    let terminal = screen(&app, 100, 30);
    assert!(
        words_on(&terminal).contains("edited, not sent"),
        "{}",
        words_on(&terminal)
    );
    app.handle(Action::Send);
    assert!(!app.edited_not_sent());
    assert_eq!(hits(&app, "snare"), 3, "sent: it plays");
    assert!(!words_on(&screen(&app, 100, 30)).contains("not sent"));
    // Nothing new: Ctrl-Enter says so and changes nothing.
    app.handle(Action::Send);
    assert!(app.status.contains("nothing new to send"), "{}", app.status);
}

#[test]
fn ctrl_enter_before_the_compile_sends_the_edit_as_soon_as_it_compiles() {
    let mut app = app();
    type_in_the_snare_pattern(&mut app, " sn");
    app.handle(Action::Send);
    // No typing pause is waited for once the player asked to send.
    compile_due_at(&mut app, std::time::Instant::now());
    assert_eq!(hits(&app, "snare"), 3);
    assert!(!app.edited_not_sent());
}

#[test]
fn a_broken_edit_is_not_sent_and_the_old_song_plays_on() {
    let mut app = app();
    type_in_the_snare_pattern(&mut app, "x");
    app.handle(Action::Send);
    compile_due_at(&mut app, std::time::Instant::now());
    assert!(
        app.status.starts_with("not sent: 1 error(s)"),
        "{}",
        app.status
    );
    assert_eq!(hits(&app, "snare"), 2);
}

#[test]
fn as_you_type_sends_every_edit_that_compiles() {
    let mut app = app();
    app.send_mode = flam::tui::app::SendMode::AsYouType;
    type_a_third_snare(&mut app);
    assert_eq!(hits(&app, "snare"), 3);
    assert!(!app.edited_not_sent());
}

#[test]
fn takes_over_at_bar_n_goes_once_bar_n_has_come() {
    let mut app = app();
    playing(&mut app, 2.3);
    type_a_third_snare(&mut app);
    app.handle(Action::Send);
    assert!(
        app.status.ends_with("takes over at bar 4"),
        "{}",
        app.status
    );
    playing(&mut app, 2.9);
    assert!(
        app.status.ends_with("takes over at bar 4"),
        "{}",
        app.status
    );
    playing(&mut app, 3.05);
    assert_eq!(app.status, "✓ compiled");
}

#[test]
fn the_key_hints_fit_an_80_column_terminal() {
    let terminal = screen(&app(), 80, 24);
    let buffer = terminal.backend().buffer();
    let last: String = (0..80).map(|x| buffer[(x, 23)].symbol()).collect();
    assert!(last.trim_end().ends_with("F12 panic"), "{last}");
}

#[test]
fn ctrl_e_steps_through_every_error_and_round_again() {
    let text = "tempo 96\ntrack a\n  play \"bd snx\"\ntrack b\n  play \"hx sn\"\n  gate 900%\n";
    let mut app = App::new(
        PathBuf::from("/nonexistent/e.flam"),
        text,
        Box::new(SilentTransport::new()),
    );
    app.compiled(app.generation, flam::lang::song::compile(text));
    assert_eq!(app.diagnostics.len(), 3);
    let mut lines = Vec::new();
    for _ in 0..4 {
        app.handle(Action::NextError);
        let c = app.editor.cursor();
        lines.push((c.line + 1, c.col + 1));
    }
    assert_eq!(lines, [(3, 12), (5, 9), (6, 8), (3, 12)]);
}

#[test]
fn f3_writes_the_live_tempo_mutes_and_solos_into_the_song_as_one_edit() {
    let mut app = app();
    app.handle(Action::NextPane);
    // Solo the keys (track 4): the other three fall silent; then a faster tempo.
    for _ in 0..3 {
        app.handle(Action::Down);
    }
    app.handle(Action::Solo);
    app.handle(Action::TempoUp);
    app.handle(Action::TempoUp);
    let before = app.editor.text();
    app.handle(Action::KeepLive);
    let text = app.editor.text();
    assert!(text.contains("\ntempo 98\n"), "{text}");
    for track in ["track kick mute", "track snare mute", "track hats mute"] {
        assert!(text.contains(track), "{track}: {text}");
    }
    assert!(
        text.contains("track keys channel 1 program epiano\n"),
        "{text}"
    );
    // What plays does not change: the written mutes are what the solo did.
    compile_due_at(
        &mut app,
        std::time::Instant::now() + std::time::Duration::from_secs(1),
    );
    app.handle(Action::Send);
    assert!((0..3).all(|i| app.is_silent(i)) && !app.is_silent(3));
    // Unmuting from the text is an edit again; F3 once more changes nothing.
    app.handle(Action::KeepLive);
    assert!(app.status.contains("already says"), "{}", app.status);
    // One undo takes the whole of it back.
    app.handle(Action::NextPane);
    app.handle(Action::Undo);
    assert_eq!(app.editor.text(), before);
}

#[test]
fn a_long_output_name_is_shortened_never_the_file_name_or_the_unsaved_marker() {
    let mut transport = SilentTransport::new();
    transport
        .select_output(
            "the synth on JACK (flam:out_left → system:playback_1; \
             flam:out_right → system:playback_2; 48000 Hz, 256-frame periods)",
        )
        .unwrap();
    let mut app = App::new(
        PathBuf::from("/nonexistent/groove.flam"),
        SONG,
        Box::new(transport),
    );
    app.compiled(app.generation, Ok(flam::lang::song::compile(SONG).unwrap()));
    app.handle(Action::Char('x'));
    let terminal = screen(&app, 80, 24);
    let top: String = (0..80)
        .map(|x| terminal.backend().buffer()[(x, 0)].symbol().to_string())
        .collect();
    assert!(top.contains("out: the synth on JACK"), "{top}");
    assert!(top.contains('…'), "the output name is shortened: {top}");
    assert!(top.trim_end().ends_with("groove.flam  ● unsaved"), "{top}");
}

/// A song in three sections: intro 1 bar, verse 4, chorus 2.
const ARRANGED: &str = "tempo 120\ntrack kick drums\n  play \"bd*4\"\ntrack bass channel 2\n  play \"c2*4\"\nsection intro\n  track kick\nsection verse 4\n  track kick\n  track bass\nsection chorus 2\n  track kick\n    play \"bd*8\"\n  track bass\narrange intro, verse, chorus\n";

fn arranged() -> App {
    let path = PathBuf::from("/nonexistent/arranged.flam");
    let mut app = App::new(path, ARRANGED, Box::new(SilentTransport::new()));
    let song = flam::lang::song::compile(ARRANGED).unwrap();
    app.compiled(app.generation, Ok(song));
    app
}

/// The top line as drawn.
fn top(app: &App) -> String {
    let terminal = screen(app, 100, 30);
    let buffer = terminal.backend().buffer();
    (0..buffer.area.width)
        .map(|x| buffer[(x, 0)].symbol().to_string())
        .collect()
}

#[test]
fn the_top_line_says_which_section_plays_and_which_of_its_bars() {
    let mut app = arranged();
    playing(&mut app, 2.5);
    // Bar 3 of the song is the second bar of the verse.
    assert!(top(&app).contains("verse 2/4"), "{}", top(&app));
}

#[test]
fn alt_j_lists_the_sections_and_enter_queues_a_jump_shown_until_it_lands() {
    let mut app = arranged();
    app.on_telemetry(Telemetry {
        playing: true,
        position: 2.5,
        next_bar: Some(4),
        ..Telemetry::default()
    });
    app.handle(Action::Sections);
    insta::assert_snapshot!("sections_overlay", screen(&app, 80, 24).backend());
    // The verse is highlighted (it plays); one down is the chorus.
    app.handle(Action::Down);
    app.handle(Action::Enter);
    assert!(app.overlay.is_none());
    assert!(top(&app).contains("→ chorus at bar 5"), "{}", top(&app));
    // The engine took it: bar 4 (from 0) is the chorus now.
    app.on_telemetry(Telemetry {
        playing: true,
        position: 4.1,
        placement: Some(flam::lang::song::form::Placement {
            at: 4,
            from: 2,
            looping: false,
            round: true,
        }),
        ..Telemetry::default()
    });
    let line = top(&app);
    assert!(line.contains("chorus 1/2") && !line.contains('→'), "{line}");
}

#[test]
fn a_pad_mapped_to_a_section_queues_the_same_jump() {
    let mut app = arranged();
    app.on_telemetry(Telemetry {
        playing: true,
        position: 1.2,
        next_bar: Some(2),
        controls: vec![flam::session::control::Control::Section("chorus".into())],
        ..Telemetry::default()
    });
    assert!(app.status.contains("→ chorus at bar 3"), "{}", app.status);
}

#[test]
fn loop_and_jump_keys_say_so_when_the_song_has_no_sections() {
    let mut app = app();
    playing(&mut app, 0.5);
    app.handle(Action::Sections);
    assert!(app.overlay.is_none());
    assert!(app.status.contains("no sections"), "{}", app.status);
    app.handle(Action::LoopSection);
    assert!(app.status.contains("no sections"), "{}", app.status);
}

#[test]
fn alt_o_loops_the_section_playing_and_the_top_line_marks_it() {
    let mut app = arranged();
    playing(&mut app, 2.5);
    app.handle(Action::LoopSection);
    assert!(app.status.contains("loops"), "{}", app.status);
    app.on_telemetry(Telemetry {
        playing: true,
        position: 3.5,
        placement: Some(flam::lang::song::form::Placement {
            at: 1,
            from: 1,
            looping: true,
            round: true,
        }),
        ..Telemetry::default()
    });
    assert!(top(&app).contains("verse 3/4 ⟳"), "{}", top(&app));
}

/// A rig of hardware boxes: drums on a TR-8, the bass on a Volca, the keys on the synth.
const RIG: &str = "tempo 120\n\ntrack kick\n  output drums\n  play \"bd*4\"\n\ntrack hats\n  output drums\n  play \"hh*8\"\n\ntrack bass channel 2\n  output bass\n  play \"c2 e2\"\n\ntrack keys channel 3\n  output keys\n  play \"c4:maj7\"\n";

/// The live UI on [`RIG`], its transport pretending to have `routes` open.
fn rig(routes: &[(Option<&str>, &str)]) -> App {
    use flam::tui::transport::Route;
    let mut transport = SilentTransport::new();
    transport.routes = routes
        .iter()
        .map(|(name, port)| Route {
            name: name.map(str::to_string),
            port: port.to_string(),
        })
        .collect();
    let path = PathBuf::from("/nonexistent/rig.flam");
    let mut app = App::new(path, RIG, Box::new(transport));
    let song = flam::lang::song::compile(RIG).unwrap();
    app.compiled(app.generation, Ok(song));
    app
}

const BOXES: &[(Option<&str>, &str)] = &[
    (Some("drums"), "jack:TR-8"),
    (Some("bass"), "midi:Volca Bass"),
    (Some("keys"), "synth"),
];

#[test]
fn each_track_shows_the_box_it_plays_and_p_sends_the_bass_to_the_next_one_from_the_next_bar() {
    let mut app = rig(BOXES);
    playing(&mut app, 1.5);
    app.telemetry.next_bar = Some(2);
    app.handle(Action::NextPane);
    app.handle(Action::Down);
    app.handle(Action::Down);
    app.handle(Action::NextOutput);
    assert_eq!(app.status, "bass → keys from bar 3");
    assert_eq!(app.output_of(2).as_deref(), Some("keys"));
    insta::assert_snapshot!("routed_tracks", screen(&app, 100, 30).backend());
    // Round the named outputs and back to the Volca.
    app.handle(Action::NextOutput);
    app.handle(Action::NextOutput);
    assert_eq!(app.output_of(2).as_deref(), Some("bass"));
}

#[test]
fn beside_an_output_without_a_name_a_track_shows_it_plays_there_too_and_can_go_only_there() {
    let mut app = rig(&[(Some("drums"), "jack:TR-8"), (None, "synth")]);
    assert_eq!(
        app.output_line(0).as_deref(),
        Some("drums → jack:TR-8, synth")
    );
    // `bass` and `keys` name outputs that are not open: the synth still plays them.
    assert_eq!(app.output_line(2).as_deref(), Some("bass → synth"));
    app.handle(Action::NextPane);
    app.handle(Action::NextOutput);
    assert_eq!(
        app.output_of(0),
        None,
        "from drums round to the main output"
    );
    assert_eq!(app.output_line(0).as_deref(), Some("main → synth"));
    app.handle(Action::NextOutput);
    assert_eq!(app.output_of(0).as_deref(), Some("drums"));
}

#[test]
fn with_one_output_the_track_list_stays_as_it_was_and_p_says_why_nothing_moves() {
    let mut app = app();
    assert_eq!(app.output_line(0), None);
    app.handle(Action::NextPane);
    app.handle(Action::NextOutput);
    assert!(
        app.status.starts_with("one output is open"),
        "{}",
        app.status
    );
}
