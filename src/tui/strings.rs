//! Every piece of text the UI shows, in one place.

/// The editor pane's title.
pub const EDITOR: &str = " song ";
/// The track pane's title.
pub const TRACKS: &str = " tracks ";
/// The grid's title.
pub const GRID: &str = " this bar ";
/// The help overlay's title.
pub const HELP_TITLE: &str = " keys ";

/// The key column of a `map` line in the help: the controller does it.
pub const MAP_KEY: &str = "controller";
/// The output picker's title.
pub const OUTPUTS_TITLE: &str = " output: ↑↓ choose, Enter select, Esc cancel ";
/// Asked when quitting with unsaved changes.
pub const QUIT_PROMPT: &str =
    "Unsaved changes. Save and quit (y), quit without saving (n), or keep jamming (Esc)?";
/// Asked when saving over a file that changed on disk since flam read it.
pub const CHANGED_ON_DISK_PROMPT: &str = "The file changed on disk since flam read it (another editor? git?). Overwrite it with your text (y), or leave it alone (n)?";
/// Said when the user chose not to overwrite a file changed on disk.
pub const NOT_OVERWRITTEN: &str =
    "not saved: the file on disk was left alone; your text is still here";
/// Asked when a recovery file exists.
pub const RECOVER_PROMPT: &str =
    "flam found unsaved text from a session that ended badly. Restore it (r) or discard it (d)?";
/// The hint line at the bottom.
pub const HINTS: &str =
    "F1 help  F5 play/stop  Alt-Enter send  Ctrl-S save  Ctrl-Q quit  F12 panic";
/// Shown while an edit waits to be compiled.
pub const COMPILING: &str = "…";
/// Shown when an edit compiled but waits for Ctrl-Enter.
pub const EDITED_NOT_SENT: &str =
    "✓ compiled — edited, not sent (Ctrl-Enter or Alt-Enter sends it)";
/// Shown beside the status while the text differs from what plays.
pub const NOT_SENT_MARK: &str = "  · edited, not sent";
/// Said when Ctrl-Enter has nothing new to send.
pub const NOTHING_TO_SEND: &str = "nothing new to send: the engine plays this text";
/// Said when F3 wrote the live tempo and mutes into the text.
pub const LIVE_KEPT: &str = "live tempo and mutes written into the song; Ctrl-S saves them";
/// Said when F3 found the text already saying what plays.
pub const LIVE_ALREADY_KEPT: &str = "the song already says this tempo and these mutes";
/// Shown when the song compiled.
pub const COMPILED: &str = "✓ compiled";
/// The transport states.
pub const PLAYING: &str = "▶ playing";
/// The transport states.
pub const STOPPED: &str = "■ stopped";

/// The loop recorder needs the music running to count in against.
pub const RECORD_NEEDS_PLAY: &str = "press F5 to play first: the take counts in against the music";

/// A take called off.
pub const RECORD_CANCELLED: &str = "recording called off";

/// A take with no notes in it.
pub const RECORDED_NOTHING: &str = "nothing was played in the take; the song is unchanged";

/// The recorder armed: where the take starts (a bar number from 1) and how it is taken.
pub fn record_armed(bar: i64, take: &str) -> String {
    format!("count-in: recording {take} from bar {bar} (F6 again: another length; Alt-R: grid)")
}

/// The section picker's title.
pub const SECTIONS_TITLE: &str = " jump to a section at the next bar ";

/// Asked for a section with a song that has none.
pub const NO_SECTIONS: &str =
    "the song has no sections: write `section NAME BARS` lines and an `arrange` line";

/// Learning chose mute or solo with no track under the cursor.
pub const NO_TRACK_TO_MAP: &str = "no track here to map";

/// A jump to a section the arrangement does not play.
pub fn not_arranged(section: &str) -> String {
    format!("section `{section}` is not in the arrangement")
}

/// Alt-K with no Link session to toggle.
pub const NO_LINK: &str = "no Link session: start flam live with --sync link to join one";

/// Alt-K: flam keeps the Link session's time, or its own.
pub fn link_toggled(on: bool) -> &'static str {
    if on {
        "Link on: joining the session at its next bar line"
    } else {
        "Link off: flam keeps its own time from the next bar"
    }
}

/// Alt-O: the section playing loops.
pub const LOOP_SET: &str = "this section loops from the next bar";

/// Alt-O again: the loop is left.
pub const LOOP_LEFT: &str = "the arrangement goes on from the next bar";

/// A jump queued: the section and the bar (from 1) it starts on.
pub fn jump_queued(section: &str, bar: i64) -> String {
    format!("→ {section} at bar {bar}")
}

/// Where the arrangement is: the section, its bar of how many, whether it loops.
pub fn section_spot(section: &str, bar: i64, bars: u32, looping: bool) -> String {
    let looped = if looping { " ⟳" } else { "" };
    format!("{section} {bar}/{bars}{looped}")
}

/// The record overlay's title.
pub const RECORD_TITLE: &str = " record a take ";

/// The record overlay's last line.
pub const RECORD_KEYS: &str = "↑↓ choose  ←→ change  Enter arm  Esc close";

/// Recording: which bar of the take, of how many.
pub fn recording(bar: i64, bars: u32) -> String {
    format!("● recording bar {bar} of {bars}")
}

/// A take added to the song.
pub fn recorded(notes: usize) -> String {
    format!(
        "recorded {notes} notes into a new track at the end (Ctrl-Z takes it back; Ctrl-Enter sends it)"
    )
}

/// Learning called off.
pub const LEARN_CANCELLED: &str = "map learning called off";

/// Learning started: the next key says what the map does.
pub const LEARN_CHOOSE: &str = "learn: press what to map: Alt-M mute or Alt-S solo (this track), F7/F8 tempo, F12 panic, ↑/↓ in tracks: select (Alt-L calls it off)";

/// Waiting for a knob or pad to map to what was chosen.
pub fn learning(what: &str) -> String {
    format!("learn: move a knob or press a pad to {what} (Alt-L again calls it off)")
}

/// A map line written.
pub fn learned(line: &str) -> String {
    format!("wrote `{line}` at the top (Ctrl-Enter sends it; Ctrl-Z takes it back)")
}

/// What the track list calls the outputs without a name, which take every track.
pub const MAIN_OUTPUT: &str = "main";

/// Where a track's output goes when no open output takes it.
pub const NOT_OPEN: &str = "not open";

/// A track's output under its name in the track list: `drums → jack:TR-8`.
pub fn track_output(output: Option<&str>, ports: &[&str]) -> String {
    let name = output.unwrap_or(MAIN_OUTPUT);
    if ports.is_empty() {
        format!("{name} → {NOT_OPEN}")
    } else {
        format!("{name} → {}", ports.join(", "))
    }
}

/// A track sent to another output: where, and the bar (from 1) it moves at.
pub fn track_moved(track: &str, output: Option<&str>, bar: i64) -> String {
    let name = output.unwrap_or(MAIN_OUTPUT);
    format!("{track} → {name} from bar {bar}")
}

/// Asked to send a track to the next output with only one open.
pub const ONE_OUTPUT: &str =
    "one output is open: name more with --out NAME=PORT or `output NAME PORT` lines";

/// Asked to send no track anywhere.
pub const NO_TRACK_TO_ROUTE: &str = "no track here to send to another output";
