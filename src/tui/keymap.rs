//! Every key the UI understands, in one place. Keys that would clash with typing use Ctrl,
//! Alt or function keys; the track list, which takes no text, uses plain letters.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start or stop the transport.
    PlayStop,
    /// Tempo up by 1 BPM.
    TempoUp,
    /// Tempo down by 1 BPM.
    TempoDown,
    /// Tap the tempo.
    TapTempo,
    /// Mute or unmute the selected track (in the editor: the track under the cursor).
    Mute,
    /// Solo or unsolo the selected track.
    Solo,
    /// Move focus to the other pane.
    NextPane,
    /// Open the output picker.
    Outputs,
    /// Send the selected track (in the editor: the track under the cursor) to the next open
    /// output, from the next bar line.
    NextOutput,
    /// Leave or join the Ableton Link session.
    ToggleLink,
    /// Save the file (atomically).
    Save,
    /// Quit (asks first when there are unsaved changes).
    Quit,
    /// End every sounding note.
    Panic,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Show or hide the help overlay.
    Help,
    /// Arm the loop recorder, pick its length while it counts in, or call a take off.
    Record,
    /// Set how the loop recorder takes: length, quantize grid and strength.
    RecordSettings,
    /// Choose a section to jump to at the next bar line.
    Sections,
    /// Loop the section playing, or go on through the arrangement.
    LoopSection,
    /// Learn a map: the next key pressed says what it does (mute, solo, tempo, panic,
    /// select), the next knob or pad moved does it (a second press calls it off).
    Learn,
    /// Jump to the first error.
    NextError,
    /// Move the selection or cursor up.
    Up,
    /// Move the selection or cursor down.
    Down,
    /// Cursor left.
    Left,
    /// Cursor right.
    Right,
    /// Cursor to line start.
    Home,
    /// Cursor to line end.
    End,
    /// Send the edited song to the engine: it takes over at the next bar.
    Send,
    /// Write the live tempo, mutes and solos into the text.
    KeepLive,
    /// Cursor to the start of the text.
    TextStart,
    /// Cursor to the end of the text.
    TextEnd,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// New line.
    Enter,
    /// Delete before the cursor.
    Backspace,
    /// Delete under the cursor.
    Delete,
    /// Close an overlay or cancel.
    Cancel,
    /// Type a character.
    Char(char),
}

/// Which pane has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The text editor.
    Editor,
    /// The track list.
    Tracks,
}

/// The action for a key in a pane; `None` for keys that do nothing.
pub fn action(key: KeyEvent, focus: Focus) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let global = match key.code {
        KeyCode::F(1) => Some(Action::Help),
        KeyCode::F(2) => Some(Action::Save),
        KeyCode::F(3) => Some(Action::KeepLive),
        KeyCode::F(4) => Some(Action::Outputs),
        KeyCode::F(5) => Some(Action::PlayStop),
        KeyCode::F(6) => Some(Action::Record),
        KeyCode::F(7) => Some(Action::TempoDown),
        KeyCode::F(8) => Some(Action::TempoUp),
        KeyCode::F(9) => Some(Action::TapTempo),
        KeyCode::F(12) => Some(Action::Panic),
        KeyCode::Tab | KeyCode::BackTab => Some(Action::NextPane),
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Char('s') if ctrl => Some(Action::Save),
        KeyCode::Char('q') if ctrl => Some(Action::Quit),
        KeyCode::Char('p') if ctrl => Some(Action::PlayStop),
        KeyCode::Char('z') if ctrl => Some(Action::Undo),
        KeyCode::Char('y') if ctrl => Some(Action::Redo),
        KeyCode::Char('e') if ctrl => Some(Action::NextError),
        KeyCode::Char('o') if ctrl => Some(Action::Outputs),
        KeyCode::Char('\\') if ctrl => Some(Action::Panic),
        KeyCode::Char('m') if alt => Some(Action::Mute),
        KeyCode::Char('s') if alt => Some(Action::Solo),
        KeyCode::Char('t') if alt => Some(Action::TapTempo),
        KeyCode::Char('l') if alt => Some(Action::Learn),
        KeyCode::Char('r') if alt => Some(Action::RecordSettings),
        KeyCode::Char('j') if alt => Some(Action::Sections),
        KeyCode::Char('o') if alt => Some(Action::LoopSection),
        KeyCode::Char('p') if alt => Some(Action::NextOutput),
        KeyCode::Char('k') if alt => Some(Action::ToggleLink),
        KeyCode::Up if ctrl => Some(Action::TempoUp),
        KeyCode::Down if ctrl => Some(Action::TempoDown),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        KeyCode::Enter if ctrl || alt => Some(Action::Send),
        KeyCode::Home if ctrl => Some(Action::TextStart),
        KeyCode::End if ctrl => Some(Action::TextEnd),
        KeyCode::Home => Some(Action::Home),
        KeyCode::End => Some(Action::End),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        _ => None,
    };
    if global.is_some() {
        return global;
    }
    if ctrl || alt {
        return None;
    }
    match (focus, key.code) {
        (Focus::Editor, KeyCode::Enter) => Some(Action::Enter),
        (Focus::Editor, KeyCode::Backspace) => Some(Action::Backspace),
        (Focus::Editor, KeyCode::Delete) => Some(Action::Delete),
        (Focus::Editor, KeyCode::Char(c)) => Some(Action::Char(c)),
        (Focus::Tracks, KeyCode::Char(' ')) => Some(Action::PlayStop),
        (Focus::Tracks, KeyCode::Char('m')) => Some(Action::Mute),
        (Focus::Tracks, KeyCode::Char('s')) => Some(Action::Solo),
        (Focus::Tracks, KeyCode::Char('+' | '=')) => Some(Action::TempoUp),
        (Focus::Tracks, KeyCode::Char('-')) => Some(Action::TempoDown),
        (Focus::Tracks, KeyCode::Char('t')) => Some(Action::TapTempo),
        (Focus::Tracks, KeyCode::Char('o')) => Some(Action::Outputs),
        (Focus::Tracks, KeyCode::Char('p')) => Some(Action::NextOutput),
        (Focus::Tracks, KeyCode::Char('K')) => Some(Action::ToggleLink),
        (Focus::Tracks, KeyCode::Char('r')) => Some(Action::Record),
        (Focus::Tracks, KeyCode::Char('R')) => Some(Action::RecordSettings),
        (Focus::Tracks, KeyCode::Char('J')) => Some(Action::Sections),
        (Focus::Tracks, KeyCode::Char('O')) => Some(Action::LoopSection),
        (Focus::Tracks, KeyCode::Char('l')) => Some(Action::Learn),
        (Focus::Tracks, KeyCode::Char('!')) => Some(Action::Panic),
        (Focus::Tracks, KeyCode::Char('?')) => Some(Action::Help),
        (Focus::Tracks, KeyCode::Char('q')) => Some(Action::Quit),
        (Focus::Tracks, KeyCode::Char('k')) => Some(Action::Up),
        (Focus::Tracks, KeyCode::Char('j')) => Some(Action::Down),
        (Focus::Tracks, KeyCode::Enter) => Some(Action::NextPane),
        _ => None,
    }
}

/// The key bindings as the help overlay lists them: keys, then what they do.
pub const HELP: &[(&str, &str)] = &[
    ("F5  Ctrl-P  (tracks: Space)", "play / stop"),
    (
        "Ctrl-Enter  Alt-Enter",
        "send the edit: it takes over at the next bar",
    ),
    ("Ctrl-↑ Ctrl-↓  F8 F7  (tracks: + -)", "tempo up / down"),
    ("F9  Alt-T  (tracks: t)", "tap tempo"),
    ("F6  (tracks: r)", "record a take from the input"),
    ("Alt-R  (tracks: R)", "take length, quantize grid, strength"),
    (
        "Alt-L  (tracks: l)",
        "learn: a key, then a knob or pad to do it",
    ),
    (
        "Alt-M  Alt-S  (tracks: m s)",
        "mute / solo the track at the cursor",
    ),
    (
        "Alt-J Alt-O Alt-K  (tracks: J O K)",
        "jump to a section / loop it / Link on/off",
    ),
    ("Tab", "switch between editor and tracks"),
    ("F4  Ctrl-O  (tracks: o)", "choose the output"),
    (
        "Alt-P  (tracks: p)",
        "track at the cursor to the next output",
    ),
    ("F3", "keep live tempo, mutes, solos in the song"),
    ("Ctrl-S  F2", "save (atomic write)"),
    ("Ctrl-Z  Ctrl-Y", "undo / redo"),
    ("Ctrl-E", "jump to the next error"),
    ("Ctrl-Home  Ctrl-End", "to the start / end of the song"),
    ("F12  Ctrl-\\  (tracks: !)", "panic: all notes off"),
    (
        "Ctrl-Q  (tracks: q)",
        "quit (asks when there are unsaved changes)",
    ),
    ("F1  (tracks: ?)", "this help; Esc closes it"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn letters_type_in_the_editor_but_mute_and_solo_in_the_track_list() {
        let m = key(KeyCode::Char('m'), KeyModifiers::NONE);
        assert_eq!(action(m, Focus::Editor), Some(Action::Char('m')));
        assert_eq!(action(m, Focus::Tracks), Some(Action::Mute));
        assert_eq!(
            action(key(KeyCode::Char('m'), KeyModifiers::ALT), Focus::Editor),
            Some(Action::Mute)
        );
    }

    #[test]
    fn save_quit_and_play_work_from_either_pane() {
        for focus in [Focus::Editor, Focus::Tracks] {
            assert_eq!(
                action(key(KeyCode::Char('s'), KeyModifiers::CONTROL), focus),
                Some(Action::Save)
            );
            assert_eq!(
                action(key(KeyCode::Char('q'), KeyModifiers::CONTROL), focus),
                Some(Action::Quit)
            );
            assert_eq!(
                action(key(KeyCode::F(5), KeyModifiers::NONE), focus),
                Some(Action::PlayStop)
            );
        }
    }

    #[test]
    fn alt_k_leaves_or_joins_the_link_session_from_either_pane() {
        for focus in [Focus::Editor, Focus::Tracks] {
            assert_eq!(
                action(key(KeyCode::Char('k'), KeyModifiers::ALT), focus),
                Some(Action::ToggleLink)
            );
        }
        assert_eq!(
            action(key(KeyCode::Char('K'), KeyModifiers::NONE), Focus::Tracks),
            Some(Action::ToggleLink)
        );
    }
}
