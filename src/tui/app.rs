//! The state of `flam live` and how actions change it. Nothing here draws or touches the
//! terminal, so every behaviour is testable with a silent transport.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::editor::Editor;
use super::grid::{self, Grid};
use super::keymap::{Action, Focus};
use super::strings;
use super::transport::{Route, Telemetry, Transport};
use crate::lang::diagnostic::{Diagnostic, line_col};
use crate::lang::song::Song;
use crate::lang::song::form::{Move, Placement, Spot};
use crate::output::atomic_file::write_atomically;
use crate::pattern::Span;
use crate::session::control::Control;
use crate::session::performance::Performance;
use crate::session::recovery;
use crate::theory::time::Time;
use crate::tui::learn::{Learning, MapTarget};
use crate::tui::loop_recorder::{LoopRecorder, Stage};
use crate::tui::take_settings::{ROWS, TakeSettings};

/// When an edit goes live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendMode {
    /// When the player says so (Ctrl-Enter or Alt-Enter), as in Strudel and Tidal.
    OnCommand,
    /// As soon as it compiles, after a pause in typing.
    AsYouType,
}

/// How long typing must pause before the text is compiled.
pub const COMPILE_PAUSE: Duration = Duration::from_millis(150);

/// A window over the main screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// The key list.
    Help,
    /// Unsaved changes: save, discard or stay.
    QuitConfirm,
    /// Recovered text from a crash: restore or discard.
    Recover(String),
    /// The output picker, with the choices and the highlighted one.
    Outputs(Vec<String>, usize),
    /// How the loop recorder takes, with the highlighted row.
    Record(usize),
    /// The sections to jump to, with the highlighted one.
    Sections(Vec<String>, usize),
    /// The file changed on disk since flam read or saved it: overwrite it, or not; then quit
    /// if the save was on the way out.
    ChangedOnDisk {
        /// Quit once the file is written.
        quit_after: bool,
    },
}

/// One track as the track panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackView {
    /// Its name.
    pub name: String,
    /// MIDI channel.
    pub channel: u8,
    /// General MIDI program, 0-based.
    pub program: Option<u8>,
    /// Muted in the source (`mute`).
    pub muted_in_source: bool,
    /// The output its `output` line names (`None`: the unnamed ones).
    pub output: Option<String>,
    /// Activity meter, 0–1, decaying.
    pub meter: f32,
}

/// Everything `flam live` knows.
pub struct App {
    /// The song file.
    pub path: PathBuf,
    /// The text being edited.
    pub editor: Editor,
    /// The text as last saved.
    pub saved_text: String,
    /// The file's bytes as flam last read or wrote them, to notice another program's writes.
    /// (The editor keeps lines without `\r`, so this can differ from `saved_text`.)
    disk_bytes: Vec<u8>,
    /// The file ended its lines with `\r\n`; saving keeps them that way.
    crlf: bool,
    /// The file began with a byte order mark (hidden from the editor); saving keeps it.
    bom: bool,
    /// Problems of the current text; empty when it compiles.
    pub diagnostics: Vec<Diagnostic>,
    /// The last song that compiled: what plays, from its takeover bar on.
    pub song: Option<Song>,
    /// The song still sounding until the engine's takeover bar, after an edit while playing;
    /// the grid and meters show it until then.
    pub outgoing: Option<Song>,
    /// The tracks of that song.
    pub tracks: Vec<TrackView>,
    /// Tempo, mutes and solos changed live, kept apart from the compiled song.
    pub performance: Performance,
    /// The selected track in the panel.
    pub selected: usize,
    /// Which pane has the keyboard.
    pub focus: Focus,
    /// A window over the screen.
    pub overlay: Option<Overlay>,
    /// The latest telemetry.
    pub telemetry: Telemetry,
    /// flam's own CPU use, as a share of one core (all its threads).
    pub cpu: f32,
    /// The grid for the bar under the playhead.
    pub grid: Grid,
    /// The bar the grid shows.
    pub grid_bar: i64,
    /// A short message for the status line.
    pub status: String,
    /// Set when the UI should close.
    pub quit: bool,
    /// Bumped on every edit; compile results for older text are ignored.
    pub generation: u64,
    compiled_generation: u64,
    /// When an edit goes live: on Ctrl-Enter (the default) or as soon as it compiles.
    pub send_mode: SendMode,
    /// The newest compiled version, waiting for Ctrl-Enter.
    unsent: Option<Song>,
    /// The text of the version last sent to the engine.
    sent_text: Option<String>,
    /// Ctrl-Enter came while the text was still to be compiled: send it once it compiles.
    send_asked: bool,
    /// The bar (from 0) a sent edit takes over at, while the status line says so.
    takes_over: Option<i64>,
    /// F3 wrote the live mutes into the text: clear them when that text is sent.
    live_kept: bool,
    last_edit: Instant,
    taps: Vec<Instant>,
    /// The loop recorder, while armed or recording.
    pub recorder: Option<LoopRecorder>,
    /// How the next take is recorded.
    pub take: TakeSettings,
    /// A jump asked for and not yet taken over: the section and the bar (from 0) it starts.
    pub queued: Option<(String, i64)>,
    /// Learning a map: choosing what to map, or waiting for the knob or pad.
    pub learning: Option<Learning>,
    transport: Box<dyn Transport>,
}

impl App {
    /// A session on `path` holding `text`, driving `transport`.
    pub fn new(path: PathBuf, text: &str, transport: Box<dyn Transport>) -> App {
        let overlay = recovery::pending(&path).map(Overlay::Recover);
        let (bom, shown) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let editor = Editor::new(shown);
        App {
            path,
            saved_text: editor.text(),
            editor,
            disk_bytes: text.as_bytes().to_vec(),
            crlf: text.contains("\r\n"),
            bom,
            diagnostics: Vec::new(),
            song: None,
            outgoing: None,
            tracks: Vec::new(),
            performance: Performance::new(120.0),
            selected: 0,
            focus: Focus::Editor,
            overlay,
            telemetry: Telemetry::default(),
            cpu: 0.0,
            grid: Grid::default(),
            grid_bar: 0,
            status: String::new(),
            quit: false,
            generation: 1,
            compiled_generation: 0,
            send_mode: SendMode::OnCommand,
            unsent: None,
            sent_text: None,
            send_asked: false,
            takes_over: None,
            live_kept: false,
            last_edit: Instant::now() - COMPILE_PAUSE,
            taps: Vec::new(),
            recorder: None,
            learning: None,
            take: TakeSettings::default(),
            queued: None,
            transport,
        }
    }

    /// Whether the text differs from the file.
    pub fn dirty(&self) -> bool {
        self.editor.text() != self.saved_text
    }

    /// The output's name.
    pub fn output(&self) -> String {
        self.transport.output()
    }

    /// The text to compile, once typing has paused long enough.
    pub fn compile_due(&self, now: Instant) -> Option<(u64, String)> {
        (self.compiled_generation < self.generation
            && (self.send_asked || now.duration_since(self.last_edit) >= COMPILE_PAUSE))
            .then(|| (self.generation, self.editor.text()))
    }

    /// When the pending edit is due to compile, if one is pending.
    pub fn compile_deadline(&self) -> Option<Instant> {
        (self.compiled_generation < self.generation).then(|| {
            if self.send_asked {
                self.last_edit
            } else {
                self.last_edit + COMPILE_PAUSE
            }
        })
    }

    /// Marks a compile as started, so it is not asked for again.
    pub fn compile_started(&mut self, generation: u64) {
        self.compiled_generation = self.compiled_generation.max(generation);
    }

    /// Takes a compile result. Errors are shown and the old song keeps playing. A good song
    /// takes over at the next bar when the player sends it (Ctrl-Enter), or at once in
    /// [`SendMode::AsYouType`]; the first version of a session is always sent.
    pub fn compiled(&mut self, generation: u64, result: Result<Song, Vec<Diagnostic>>) {
        if generation != self.generation {
            return;
        }
        self.compiled_generation = self.compiled_generation.max(generation);
        match result {
            Ok(song) => {
                self.diagnostics.clear();
                let send = self.song.is_none()
                    || self.send_mode == SendMode::AsYouType
                    || std::mem::take(&mut self.send_asked);
                if send {
                    self.adopt(song);
                } else {
                    self.unsent = Some(song);
                    self.status = strings::EDITED_NOT_SENT.to_string();
                }
            }
            Err(errors) => {
                self.unsent = None;
                let asked = std::mem::take(&mut self.send_asked);
                self.status = if asked {
                    format!(
                        "not sent: {} error(s) — the last good song keeps playing",
                        errors.len()
                    )
                } else if self.song.is_some() {
                    format!(
                        "{} error(s) — the last good song keeps playing",
                        errors.len()
                    )
                } else {
                    format!("{} error(s)", errors.len())
                };
                self.diagnostics = errors;
            }
        }
    }

    /// Writes the live tempo and the live mutes and solos into the text (F3), as one edit:
    /// the `tempo` line, and `mute` on the `track` line of every track that is silent now.
    /// Ctrl-S then saves them.
    pub fn keep_live_changes(&mut self) {
        let Some(song) = &self.song else {
            self.status = "nothing to keep until the song compiles".to_string();
            return;
        };
        let silent: HashSet<String> = song
            .tracks
            .iter()
            .filter(|t| self.performance.silenced(t))
            .map(|t| t.name.clone())
            .collect();
        let bpm = if self.performance.bpm.fract() == 0.0 {
            format!("{}", self.performance.bpm as i64)
        } else {
            format!("{:.1}", self.performance.bpm)
        };
        let lines: Vec<String> = self.editor.lines().to_vec();
        let mut changed = 0;
        let mut change = |editor: &mut crate::tui::editor::Editor, i: usize, text: &str, insert| {
            if changed == 0 {
                editor.checkpoint();
            }
            changed += 1;
            editor.set_line(i, text, insert);
        };
        let tempo_line = lines.iter().position(|l| {
            let t = l.trim_start();
            (t.starts_with("tempo ") || t == "tempo") && l.len() == t.len()
        });
        let wanted = format!("tempo {bpm}");
        match tempo_line {
            Some(i) if lines[i].trim_end() != wanted => {
                let comment = lines[i].find('#').map(|c| format!("  {}", &lines[i][c..]));
                let line = format!("{wanted}{}", comment.unwrap_or_default());
                change(&mut self.editor, i, &line, false);
            }
            Some(_) => {}
            None if (self.performance.bpm - 120.0).abs() > f64::EPSILON => {
                change(&mut self.editor, 0, &wanted, true);
            }
            None => {}
        }
        let lines: Vec<String> = self.editor.lines().to_vec();
        for (i, line) in lines.iter().enumerate() {
            let (code, comment) = match line.find('#') {
                Some(c) => (&line[..c], &line[c..]),
                None => (line.as_str(), ""),
            };
            let words: Vec<&str> = code.split_whitespace().collect();
            if words.first() != Some(&"track") || words.len() < 2 {
                continue;
            }
            let marked = words.iter().any(|w| *w == "mute" || *w == "muted");
            let silent_now = silent.contains(words[1]);
            if marked == silent_now {
                continue;
            }
            let mut kept: Vec<&str> = words
                .iter()
                .copied()
                .filter(|w| *w != "mute" && *w != "muted")
                .collect();
            if silent_now {
                kept.push("mute");
            }
            let mut text = kept.join(" ");
            if !comment.is_empty() {
                text.push_str("  ");
                text.push_str(comment);
            }
            change(&mut self.editor, i, &text, false);
        }
        if changed == 0 {
            self.status = strings::LIVE_ALREADY_KEPT.to_string();
            return;
        }
        // Once this text plays, it says what the live controls did: they start afresh then.
        self.live_kept = true;
        self.edited();
        self.status = strings::LIVE_KEPT.to_string();
    }

    /// Sends the edited text to the engine (Ctrl-Enter): at once if it has compiled, or as
    /// soon as it does.
    pub fn send(&mut self) {
        if self.compiled_generation < self.generation {
            self.send_asked = true;
            return;
        }
        if let Some(song) = self.unsent.take() {
            self.adopt(song);
        } else if !self.diagnostics.is_empty() {
            self.status = format!(
                "not sent: {} error(s) — the last good song keeps playing",
                self.diagnostics.len()
            );
        } else {
            self.status = strings::NOTHING_TO_SEND.to_string();
        }
    }

    /// Whether the text has changes that the engine has not been sent.
    pub fn edited_not_sent(&self) -> bool {
        self.send_mode == SendMode::OnCommand
            && self
                .sent_text
                .as_ref()
                .is_some_and(|sent| *sent != self.editor.text())
    }

    /// Makes `song` the one that plays: it takes over at the next bar.
    fn adopt(&mut self, song: Song) {
        self.unsent = None;
        if std::mem::take(&mut self.live_kept) {
            self.performance.clear_mutes();
        }
        self.sent_text = Some(self.editor.text());
        self.performance.adopt(&song);
        self.tracks = song
            .tracks
            .iter()
            .map(|t| TrackView {
                name: t.name.clone(),
                channel: t.channel,
                program: t.program,
                muted_in_source: t.muted,
                output: t.output.clone(),
                meter: self
                    .tracks
                    .iter()
                    .find(|v| v.name == t.name)
                    .map_or(0.0, |v| v.meter),
            })
            .collect();
        self.selected = self.selected.min(self.tracks.len().saturating_sub(1));
        self.transport.swap(self.performance.applied_to(&song));
        // The song that sounds now stays on screen until the bar line the new one
        // takes over at. (An edit replacing one still waiting never sounded.)
        let previous = self.song.replace(song);
        if !self.telemetry.playing {
            self.outgoing = None;
        } else if self.outgoing.is_none() {
            self.outgoing = previous;
        }
        self.telemetry.song_from_bar = None;
        self.refresh_grid(true);
        // An edit close to a bar line misses it (the engine has planned that bar).
        let next = self
            .telemetry
            .next_bar
            .unwrap_or(self.telemetry.position.floor() as i64 + 1);
        self.status = if self.telemetry.playing {
            self.takes_over = Some(next);
            format!("{} — takes over at bar {}", strings::COMPILED, next + 1)
        } else {
            strings::COMPILED.to_string()
        };
    }

    fn effective_mutes(&self) -> Vec<bool> {
        self.song
            .as_ref()
            .map_or_else(Vec::new, |song| self.performance.mutes(song))
    }

    /// Whether the track at `index` is silent, for whatever reason.
    pub fn is_silent(&self, index: usize) -> bool {
        self.effective_mutes().get(index).copied().unwrap_or(false)
    }

    /// Takes the engine's latest report.
    pub fn poll_transport(&mut self) {
        if let Some(t) = self.transport.poll() {
            self.on_telemetry(t);
        }
    }

    /// Updates the playhead and meters from a report.
    pub fn on_telemetry(&mut self, mut t: Telemetry) {
        // What the controls ask is done once the screen knows where the music is now.
        let controls = std::mem::take(&mut t.controls);
        if t.notes.is_empty() {
            t.notes = self.notes_between(self.telemetry.position, t.position);
        }
        for (view, n) in self.tracks.iter_mut().zip(&t.notes) {
            if *n > 0 {
                view.meter = 1.0;
            }
        }
        // A queued jump is shown until the playhead reaches its bar (or the music stops).
        if self
            .queued
            .as_ref()
            .is_some_and(|(_, bar)| t.position >= *bar as f64 || !t.playing)
        {
            self.queued = None;
        }
        self.telemetry = t;
        for control in controls {
            self.control(control);
        }
        self.follow_recorder();
        let bar = self.telemetry.position.max(0.0).floor() as i64;
        // "Takes over at bar N" is news only until bar N comes.
        if let Some(at) = self.takes_over
            && (bar >= at || !self.telemetry.playing)
        {
            self.takes_over = None;
            if self.status.starts_with(strings::COMPILED) {
                self.status = strings::COMPILED.to_string();
            }
        }
        if !self.telemetry.playing || self.telemetry.song_from_bar.is_some_and(|b| bar >= b) {
            self.outgoing = None;
        }
        self.refresh_grid(false);
    }

    /// The song sounding in `bar`: the outgoing one before the newest song's takeover bar.
    pub fn song_in_bar(&self, bar: i64) -> Option<&Song> {
        match (&self.outgoing, self.telemetry.song_from_bar) {
            (Some(old), None) => Some(old),
            (Some(old), Some(from)) if bar < from => Some(old),
            _ => self.song.as_ref(),
        }
    }

    /// Whether the track named `name` in the song is silent, for whatever reason.
    pub fn is_silent_named(&self, name: &str) -> bool {
        self.tracks
            .iter()
            .position(|t| t.name == name)
            .is_some_and(|i| self.is_silent(i))
    }

    /// How many notes each (sounding) track started between two playhead positions.
    fn notes_between(&self, from: f64, to: f64) -> Vec<u32> {
        if to <= from || to - from > 1.0 || to.is_nan() || from.is_nan() {
            return vec![0; self.tracks.len()];
        }
        let Some(song) = self.song_in_bar(from.max(0.0).floor() as i64) else {
            return Vec::new();
        };
        // Positions in thousandths of a bar are exact enough for a meter.
        let at = |x: f64| Time::new((x * 1000.0).round() as i64, 1000);
        let span = Span::new(at(from), at(to));
        // By name: before a takeover the sounding song's tracks may differ from the panel's.
        self.tracks
            .iter()
            .enumerate()
            .map(|(i, view)| {
                if self.is_silent(i) {
                    return 0;
                }
                song.tracks
                    .iter()
                    .find(|t| t.name == view.name)
                    .map_or(0, |t| {
                        t.pattern
                            .query(span)
                            .iter()
                            .filter(|h| h.has_onset())
                            .count() as u32
                    })
            })
            .collect()
    }

    /// Lets the meters fall back; called once per frame.
    pub fn decay_meters(&mut self, elapsed: Duration) {
        let factor = (-elapsed.as_secs_f32() * 6.0).exp();
        for v in &mut self.tracks {
            v.meter *= factor;
        }
    }

    fn refresh_grid(&mut self, force: bool) {
        let bar = self.telemetry.position.max(0.0).floor() as i64;
        if force || bar != self.grid_bar || self.grid.rows.is_empty() {
            self.grid_bar = bar;
            self.grid = self
                .song_in_bar(bar)
                .map(|s| grid::grid(s, bar))
                .unwrap_or_default();
        }
    }

    /// The outputs tracks can be sent to.
    pub fn routes(&self) -> Vec<Route> {
        self.transport.routes()
    }

    /// The output the track at `index` plays through now (`None`: the unnamed ones).
    pub fn output_of(&self, index: usize) -> Option<String> {
        let view = self.tracks.get(index)?;
        match self.performance.outputs.get(&view.name) {
            Some(chosen) => chosen.clone(),
            None => view.output.clone(),
        }
    }

    /// The outputs the track list offers: the unnamed ones (when one is open), then each
    /// name, once, in the order the outputs open.
    fn output_choices(routes: &[Route]) -> Vec<Option<String>> {
        let mut choices: Vec<Option<String>> = Vec::new();
        if routes.iter().any(|r| r.name.is_none()) {
            choices.push(None);
        }
        for name in routes.iter().filter_map(|r| r.name.clone()) {
            if !choices.contains(&Some(name.clone())) {
                choices.push(Some(name));
            }
        }
        choices
    }

    /// Where the track at `index` goes, for its line in the track list (`drums →
    /// jack:TR-8`); `None` when there is one unnamed output and no track names one, so
    /// every track goes to the output the top line shows.
    pub fn output_line(&self, index: usize) -> Option<String> {
        let routes = self.routes();
        let named = routes.iter().any(|r| r.name.is_some())
            || (0..self.tracks.len()).any(|i| self.output_of(i).is_some());
        if !named && routes.len() <= 1 {
            return None;
        }
        let output = self.output_of(index);
        let ports: Vec<&str> = routes
            .iter()
            .filter(|r| r.name.is_none() || r.name == output)
            .map(|r| r.port.as_str())
            .collect();
        Some(strings::track_output(output.as_deref(), &ports))
    }

    /// Sends the track in focus to the next open output, from the next bar line on.
    fn next_output(&mut self) {
        let Some(index) = self.track_index_in_focus() else {
            self.status = strings::NO_TRACK_TO_ROUTE.to_string();
            return;
        };
        let choices = Self::output_choices(&self.routes());
        let current = self.output_of(index);
        let next = match choices.iter().position(|c| *c == current) {
            Some(_) if choices.len() < 2 => {
                self.status = strings::ONE_OUTPUT.to_string();
                return;
            }
            Some(at) => choices[(at + 1) % choices.len()].clone(),
            None => match choices.first() {
                Some(first) => first.clone(),
                None => {
                    self.status = strings::ONE_OUTPUT.to_string();
                    return;
                }
            },
        };
        let name = self.tracks[index].name.clone();
        self.performance.outputs.insert(name.clone(), next.clone());
        self.transport.set_track_output(&name, next.clone());
        let bar = self
            .telemetry
            .next_bar
            .unwrap_or_else(|| self.telemetry.position.max(0.0).floor() as i64 + 1);
        self.status = strings::track_moved(&name, next.as_deref(), bar + 1);
    }

    /// The track a key means: in the editor the one under the cursor, else the selected one.
    fn track_in_focus(&self) -> Option<String> {
        self.track_index_in_focus()
            .and_then(|i| self.tracks.get(i))
            .map(|t| t.name.clone())
    }

    /// [`App::track_in_focus`]'s place in the track list.
    fn track_index_in_focus(&self) -> Option<usize> {
        let index = if self.focus == Focus::Editor {
            self.track_at_cursor()
        } else {
            Some(self.selected)
        };
        index.filter(|&i| i < self.tracks.len())
    }

    /// The track whose block holds the editor's cursor.
    fn track_at_cursor(&self) -> Option<usize> {
        let line = self.editor.cursor().line;
        let name = self.editor.lines()[..=line.min(self.editor.lines().len() - 1)]
            .iter()
            .rev()
            .find_map(|l| {
                l.trim_start()
                    .strip_prefix("track ")
                    .and_then(|r| r.split_whitespace().next())
            })?;
        self.tracks.iter().position(|t| t.name == name)
    }

    fn edited(&mut self) {
        self.generation += 1;
        self.last_edit = Instant::now();
    }

    /// Does what the user asked.
    pub fn handle(&mut self, action: Action) {
        if let Some(overlay) = self.overlay.clone() {
            return self.handle_overlay(overlay, action);
        }
        if self.learning == Some(Learning::Choosing) && self.choose_map(action) {
            return;
        }
        match action {
            Action::PlayStop => {
                // Stopped, or started again from the top: the newest song is the one to show.
                self.outgoing = None;
                if self.telemetry.playing {
                    self.transport.stop();
                    self.telemetry.playing = false;
                } else {
                    match self.transport.play() {
                        Ok(()) => self.telemetry.playing = true,
                        Err(e) => self.status = format!("cannot play: {e}"),
                    }
                }
                self.refresh_grid(true);
            }
            Action::TempoUp | Action::TempoDown => {
                let delta = if action == Action::TempoUp { 1.0 } else { -1.0 };
                self.set_tempo(self.performance.bpm + delta);
            }
            Action::TapTempo => self.tap(Instant::now()),
            Action::Mute | Action::Solo => {
                let Some(name) = self.track_in_focus() else {
                    self.status = "no track here to mute or solo".to_string();
                    return;
                };
                self.performance.toggle(&name, action == Action::Solo);
                self.transport.mute(self.effective_mutes());
            }
            Action::NextPane => {
                self.focus = if self.focus == Focus::Editor {
                    Focus::Tracks
                } else {
                    Focus::Editor
                };
            }
            Action::Outputs => {
                let outputs = self.transport.outputs();
                let current = self.transport.output();
                let at = outputs.iter().position(|o| *o == current).unwrap_or(0);
                self.overlay = Some(Overlay::Outputs(outputs, at));
            }
            Action::NextOutput => self.next_output(),
            Action::ToggleLink => {
                self.status = match self.transport.toggle_link() {
                    Ok(on) => strings::link_toggled(on).to_string(),
                    Err(why) => why,
                };
            }
            Action::Save => self.save(),
            Action::Quit => {
                if self.dirty() {
                    self.overlay = Some(Overlay::QuitConfirm);
                } else {
                    self.quit = true;
                }
            }
            Action::Panic => {
                self.transport.panic();
                self.status = "all notes off".to_string();
            }
            Action::Help => self.overlay = Some(Overlay::Help),
            Action::Record => self.record(),
            Action::RecordSettings => self.overlay = Some(Overlay::Record(0)),
            Action::Sections => match self.song.as_ref().and_then(|s| s.form.as_ref()) {
                Some(form) => {
                    let names = form.sections.iter().map(|s| s.name.clone()).collect();
                    let at = self.spot().map_or(0, |(spot, _)| spot.section);
                    self.overlay = Some(Overlay::Sections(names, at));
                }
                None => self.status = strings::NO_SECTIONS.to_string(),
            },
            Action::LoopSection => match self.spot() {
                Some((_, placement)) => {
                    self.transport.place(Move::Loop(!placement.looping));
                    self.status = if placement.looping {
                        strings::LOOP_LEFT
                    } else {
                        strings::LOOP_SET
                    }
                    .to_string();
                }
                None => self.status = strings::NO_SECTIONS.to_string(),
            },
            Action::Learn => self.start_learning(),
            Action::NextError => {
                // Each press goes on to the next error after the cursor, round to the first.
                let cursor = self.editor.cursor();
                let here = self.editor.line_offset(cursor.line)
                    + self.editor.lines()[cursor.line]
                        .chars()
                        .take(cursor.col)
                        .map(char::len_utf8)
                        .sum::<usize>();
                let mut starts: Vec<usize> =
                    self.diagnostics.iter().map(|d| d.span.start).collect();
                starts.sort_unstable();
                if let Some(&at) = starts.iter().find(|&&s| s > here).or(starts.first()) {
                    self.editor.move_to_offset(at);
                    self.focus = Focus::Editor;
                }
            }
            Action::Undo => {
                if self.editor.undo() {
                    self.edited();
                }
            }
            Action::Redo => {
                if self.editor.redo() {
                    self.edited();
                }
            }
            Action::Cancel => {}
            Action::Send => self.send(),
            Action::KeepLive => self.keep_live_changes(),
            _ if self.focus == Focus::Tracks => match action {
                Action::Up => self.selected = self.selected.saturating_sub(1),
                Action::Down => {
                    self.selected = (self.selected + 1).min(self.tracks.len().saturating_sub(1))
                }
                _ => {}
            },
            Action::Up => self.editor.move_by(-1, 0),
            Action::Down => self.editor.move_by(1, 0),
            Action::PageUp => self.editor.move_by(-20, 0),
            Action::PageDown => self.editor.move_by(20, 0),
            Action::Left => self.editor.move_by(0, -1),
            Action::Right => self.editor.move_by(0, 1),
            Action::Home => self.editor.home_end(false),
            Action::End => self.editor.home_end(true),
            Action::TextStart => self.editor.text_start_end(false),
            Action::TextEnd => self.editor.text_start_end(true),
            Action::Enter => {
                self.editor.newline();
                self.edited();
            }
            Action::Backspace => {
                self.editor.backspace();
                self.edited();
            }
            Action::Delete => {
                self.editor.delete();
                self.edited();
            }
            Action::Char(c) => {
                self.editor.insert_char(c);
                self.edited();
            }
        }
    }

    /// Pasted text goes in as one edit.
    pub fn paste(&mut self, text: &str) {
        if self.overlay.is_none() && self.focus == Focus::Editor {
            self.editor.insert_str(text);
            self.edited();
        }
    }

    fn handle_overlay(&mut self, overlay: Overlay, action: Action) {
        match (overlay, action) {
            (Overlay::QuitConfirm, Action::Char('y' | 'Y')) => {
                self.overlay = None;
                self.save_then(true);
            }
            (Overlay::ChangedOnDisk { quit_after }, Action::Char('y' | 'Y')) => {
                self.overlay = None;
                self.write();
                self.quit = quit_after && !self.dirty();
            }
            (Overlay::ChangedOnDisk { .. }, Action::Char('n' | 'N') | Action::Cancel) => {
                self.overlay = None;
                self.status = strings::NOT_OVERWRITTEN.to_string();
            }
            (Overlay::QuitConfirm, Action::Char('n' | 'N')) => {
                recovery::clear(&self.path);
                self.quit = true;
            }
            (Overlay::Recover(text), Action::Char('r' | 'R')) => {
                self.editor = Editor::new(&text);
                self.edited();
                self.overlay = None;
                self.status = "restored the unsaved text; save to keep it".to_string();
            }
            (Overlay::Recover(_), Action::Char('d' | 'D')) => {
                recovery::clear(&self.path);
                self.overlay = None;
            }
            (Overlay::Recover(_), _) => {}
            (Overlay::Sections(list, at), Action::Up) => {
                self.overlay = Some(Overlay::Sections(list, at.saturating_sub(1)))
            }
            (Overlay::Sections(list, at), Action::Down) => {
                let at = (at + 1).min(list.len().saturating_sub(1));
                self.overlay = Some(Overlay::Sections(list, at));
            }
            (Overlay::Sections(list, at), Action::Enter | Action::NextPane) => {
                self.overlay = None;
                if let Some(name) = list.get(at) {
                    self.jump(name);
                }
            }
            (Overlay::Record(row), Action::Up) => {
                self.overlay = Some(Overlay::Record(row.saturating_sub(1)))
            }
            (Overlay::Record(row), Action::Down) => {
                self.overlay = Some(Overlay::Record((row + 1).min(ROWS.len() - 1)))
            }
            (Overlay::Record(row), Action::Left | Action::Right) => {
                let by = if action == Action::Left { -1 } else { 1 };
                self.take.change(ROWS[row.min(ROWS.len() - 1)], by);
                self.overlay = Some(Overlay::Record(row));
            }
            (Overlay::Record(_), Action::Enter | Action::NextPane | Action::Record) => {
                self.overlay = None;
                if self.recorder.is_none() {
                    self.record();
                }
            }
            (Overlay::Record(_), Action::Cancel | Action::RecordSettings) => self.overlay = None,
            (Overlay::Outputs(list, at), Action::Up) => {
                self.overlay = Some(Overlay::Outputs(list, at.saturating_sub(1)))
            }
            (Overlay::Outputs(list, at), Action::Down) => {
                let at = (at + 1).min(list.len().saturating_sub(1));
                self.overlay = Some(Overlay::Outputs(list, at));
            }
            (Overlay::Outputs(list, at), Action::Enter | Action::NextPane) => {
                if let Some(name) = list.get(at) {
                    self.status = match self.transport.select_output(name) {
                        Ok(()) => format!("output: {name}"),
                        Err(e) => format!("cannot use {name}: {e}"),
                    };
                }
                self.overlay = None;
            }
            (_, Action::Cancel | Action::Help) => self.overlay = None,
            (_, Action::Panic) => {
                // Whatever is open, the panic key does its job.
                self.transport.panic();
                self.status = "all notes off".to_string();
            }
            _ => {}
        }
    }

    /// Writes the map line for `trigger` when learning waits for a knob or pad.
    fn learn(&mut self, trigger: &str) {
        let Some(Learning::Waiting(target)) = self.learning.take() else {
            return;
        };
        let line = target.line(trigger);
        self.editor.text_start_end(false);
        self.editor.insert_str(&format!("{line}\n"));
        self.edited();
        self.status = strings::learned(&line);
    }

    /// Starts learning a map (the next key pressed says what it does), or calls it off.
    fn start_learning(&mut self) {
        if self.learning.take().is_some() {
            self.status = strings::LEARN_CANCELLED.to_string();
            return;
        }
        self.status = strings::LEARN_CHOOSE.to_string();
        self.learning = Some(Learning::Choosing);
    }

    /// While learning waits for its key: takes a key that says what to map, and tells
    /// whether it did (other keys do their usual job).
    fn choose_map(&mut self, action: Action) -> bool {
        let target = match action {
            Action::Mute | Action::Solo => {
                let Some(name) = self.track_in_focus() else {
                    self.status = strings::NO_TRACK_TO_MAP.to_string();
                    return true;
                };
                if action == Action::Mute {
                    MapTarget::Mute(name)
                } else {
                    MapTarget::Solo(name)
                }
            }
            Action::TempoUp | Action::TempoDown | Action::TapTempo => {
                MapTarget::tempo_around(self.performance.bpm)
            }
            Action::Panic => {
                // The panic key keeps its job even here: it is what a musician hits in trouble.
                self.transport.panic();
                MapTarget::Panic
            }
            Action::Up | Action::Down if self.focus == Focus::Tracks => MapTarget::Select,
            _ => return false,
        };
        self.status = strings::learning(&target.describe());
        self.learning = Some(Learning::Waiting(target));
        true
    }

    /// Arms the loop recorder (one bar of count-in, then the take), picks the next length
    /// while it counts in, or calls off a take being recorded.
    fn record(&mut self) {
        let position = self.telemetry.position;
        match self.recorder.as_mut() {
            None if !self.telemetry.playing => {
                self.status = strings::RECORD_NEEDS_PLAY.to_string();
            }
            None => {
                let recorder = LoopRecorder::arm(position, self.take.bars);
                self.status = strings::record_armed(recorder.start + 1, &self.take.describe());
                self.recorder = Some(recorder);
            }
            Some(recorder) if recorder.stage(position) == Stage::CountIn => {
                self.take.next_length();
                recorder.bars = self.take.bars;
                self.status = strings::record_armed(recorder.start + 1, &self.take.describe());
            }
            Some(_) => {
                self.recorder = None;
                self.status = strings::RECORD_CANCELLED.to_string();
            }
        }
    }

    /// Moves the loop recorder on with the playhead: says when the take begins, and when it
    /// is over adds it to the song as one edit (one undo takes it back).
    fn follow_recorder(&mut self) {
        let position = self.telemetry.position;
        let Some(recorder) = &self.recorder else {
            return;
        };
        if !self.telemetry.playing {
            self.recorder = None;
            self.status = strings::RECORD_CANCELLED.to_string();
            return;
        }
        if !recorder.done(position) {
            if recorder.stage(position) == Stage::Recording {
                let bar = (position.floor() as i64 - recorder.start + 1).max(1);
                self.status = strings::recording(bar, recorder.bars);
            }
            return;
        }
        let Some(recorder) = self.recorder.take() else {
            return;
        };
        let meter = self
            .song
            .as_ref()
            .map(|s| (s.tempo.meter.beats, s.tempo.meter.unit))
            .unwrap_or((4, 4));
        // A grid that does not fit the bar (eighths in 5/16) falls back to the bar's pulse.
        let steps = self
            .take
            .grid
            .steps_per_bar(meter.0, meter.1)
            .unwrap_or(meter.0)
            .max(1);
        let strength = f64::from(self.take.strength) / 100.0;
        let names: Vec<String> = self
            .song
            .as_ref()
            .map(|s| s.tracks.iter().map(|t| t.name.clone()).collect())
            .unwrap_or_default();
        let (text, notes) = recorder.finish(self.performance.bpm, meter, (steps, strength), &|n| {
            names.iter().any(|t| t == n)
        });
        if notes == 0 {
            self.status = strings::RECORDED_NOTHING.to_string();
            return;
        }
        self.editor.text_start_end(true);
        self.editor.insert_str(&text);
        self.edited();
        self.status = strings::recorded(notes);
    }

    /// Where the arrangement is at the playhead: the spot, and the placement it was read
    /// from; `None` for a song without sections or before its music.
    pub fn spot(&self) -> Option<(Spot, Placement)> {
        let bar = self.telemetry.position.max(0.0).floor() as i64;
        let form = self.song_in_bar(bar)?.form.as_ref()?;
        let placement = self.telemetry.placement.unwrap_or(form.placement);
        form.spot_placed(placement, bar)
            .map(|spot| (spot, placement))
    }

    /// Where the arrangement is, for the top line: `verse 2/4`, and a jump waiting.
    pub fn arrangement_line(&self) -> Option<String> {
        let (spot, placement) = self.spot()?;
        let form = self.song.as_ref()?.form.as_ref()?;
        let section = form.sections.get(spot.section)?;
        let mut line =
            strings::section_spot(&section.name, spot.bar + 1, section.bars, placement.looping);
        if let Some((name, bar)) = &self.queued {
            line.push_str(&format!("  {}", strings::jump_queued(name, bar + 1)));
        }
        Some(line)
    }

    /// Jumps to section `name` at the next bar line the engine can take.
    fn jump(&mut self, name: &str) {
        let entry = self
            .song
            .as_ref()
            .and_then(|s| s.form.as_ref())
            .and_then(|f| f.entry_named(name));
        let Some(entry) = entry else {
            self.status = strings::not_arranged(name);
            return;
        };
        self.transport.place(Move::Jump(entry));
        let bar = self
            .telemetry
            .next_bar
            .unwrap_or_else(|| self.telemetry.position.max(0.0).floor() as i64 + 1);
        self.status = strings::jump_queued(name, bar + 1);
        self.queued = Some((name.to_string(), bar));
    }

    /// Does what a controller's `map` line asked, as the matching key would.
    fn control(&mut self, control: Control) {
        let solo = matches!(control, Control::ToggleSolo(_));
        match control {
            Control::ToggleMute(name) | Control::ToggleSolo(name) => {
                let on = self.performance.toggle(&name, solo);
                self.transport.mute(self.effective_mutes());
                let what = match (solo, on) {
                    (false, true) => "muted",
                    (false, false) => "unmuted",
                    (true, true) => "soloed",
                    (true, false) => "unsoloed",
                };
                self.status = format!("{name} {what} from the controller");
            }
            Control::Tempo(bpm) => self.set_tempo(bpm),
            Control::Section(name) => self.jump(&name),
            Control::Panic => {
                self.transport.panic();
                self.status = "all notes off".to_string();
            }
            Control::Played(played) => {
                if played.down {
                    self.learn(&format!("note {} ch {}", played.key, played.channel));
                }
                if let Some(recorder) = self.recorder.as_mut() {
                    recorder.hear(&played);
                }
            }
            Control::Moved {
                channel,
                controller,
            } => {
                self.learn(&format!("cc {controller} ch {channel}"));
            }
            Control::Select(share) => {
                let count = self.tracks.len();
                if count > 0 {
                    self.selected = match share {
                        Some(share) => ((share * count as f64) as usize).min(count - 1),
                        None => (self.selected + 1) % count,
                    };
                }
            }
        }
    }

    fn set_tempo(&mut self, bpm: f64) {
        self.performance.bpm = bpm.clamp(20.0, 999.0);
        self.transport.set_tempo(self.performance.bpm);
        self.status = format!("tempo {:.1} BPM", self.performance.bpm);
    }

    /// Counts a tap; after two taps the tempo follows the average gap of the last four.
    pub fn tap(&mut self, now: Instant) {
        self.taps
            .retain(|t| now.duration_since(*t) < Duration::from_secs(2));
        self.taps.push(now);
        if self.taps.len() > 4 {
            self.taps.remove(0);
        }
        if let (Some(first), Some(last)) = (self.taps.first(), self.taps.last())
            && self.taps.len() >= 2
        {
            let gap = last.duration_since(*first).as_secs_f64() / (self.taps.len() - 1) as f64;
            if gap > 0.0 {
                self.set_tempo((60.0 / gap * 10.0).round() / 10.0);
            }
        }
    }

    /// Saves atomically, unless the file changed on disk since it was read or saved: then it
    /// asks first, so neither version is lost without a word. The status line says how it went.
    pub fn save(&mut self) {
        self.save_then(false);
    }

    fn save_then(&mut self, quit_after: bool) {
        let changed = match std::fs::read(&self.path) {
            Ok(on_disk) => on_disk != self.disk_bytes,
            // Gone (or unreadable): writing it is what the user asked for.
            Err(_) => false,
        };
        if changed {
            self.overlay = Some(Overlay::ChangedOnDisk { quit_after });
            return;
        }
        self.write();
        self.quit = quit_after && !self.dirty();
    }

    /// Writes the text to the file atomically.
    fn write(&mut self) {
        let text = self.editor.text();
        let mut bytes = if self.bom {
            "\u{feff}".as_bytes().to_vec()
        } else {
            Vec::new()
        };
        if self.crlf {
            bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        } else {
            bytes.extend_from_slice(text.as_bytes());
        }
        match write_atomically(&self.path, &bytes) {
            Ok(()) => {
                self.disk_bytes = bytes;
                self.saved_text = text;
                recovery::clear(&self.path);
                self.status = format!("saved {}", self.path.display());
            }
            Err(e) => {
                self.status = format!(
                    "could not save {}: {e} — your text is still here",
                    self.path.display()
                )
            }
        }
    }

    /// `line:col` of the first error, for the status line.
    pub fn first_error(&self) -> Option<(usize, usize, &Diagnostic)> {
        let d = self.diagnostics.first()?;
        let at = line_col(&self.editor.text(), d.span.start);
        Some((at.line, at.col, d))
    }

    /// Stops the transport (ending every note) before the UI closes.
    pub fn shutdown(&mut self) {
        self.transport.shutdown();
    }
}
