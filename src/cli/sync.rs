//! `--sync`: whose clock `flam play` and `flam live` keep. The flag wins over the song's own
//! `sync` line; either is checked here against what the clock needs.

use super::failure::Failure;
pub use crate::lang::song::sync::Sync;

/// Reads `--sync` (absent: none given).
pub fn parse(text: Option<&str>) -> Result<Option<Sync>, Failure> {
    let Some(text) = text else {
        return Ok(None);
    };
    Sync::named(text).map(Some).ok_or_else(|| {
        Failure::input(format!(
            "error: unknown clock `{}`\n  = help: use --sync internal (the song's tempo), --sync midi (follow a MIDI clock on --in), --sync jack (follow JACK transport) or --sync link (join an Ableton Link session)",
            text.trim()
        ))
    })
}

/// The clock to keep: `--sync`'s, else the song's `sync` line's, else the song's own tempo;
/// refused when it cannot be kept (`midi` with no input, `link` in a flam built without it).
pub fn decide(flag: Option<Sync>, song: Option<Sync>, has_input: bool) -> Result<Sync, Failure> {
    let sync = flag.or(song).unwrap_or(Sync::Internal);
    let said = if flag.is_some() {
        "--sync"
    } else {
        "the song's sync line"
    };
    if sync == Sync::Midi && !has_input {
        return Err(Failure::input(format!(
            "error: {said} midi needs an input to hear the clock on\n  = help: add --in jack:PORT or --in midi:PORT (see `flam ports`), or --in jack for flam's own port"
        )));
    }
    if sync == Sync::Link && !cfg!(feature = "link") {
        return Err(no_link(said));
    }
    Ok(sync)
}

/// Why `said` (the flag or the song's line) cannot join a Link session: this flam was built
/// without Ableton Link.
pub fn no_link(said: &str) -> Failure {
    Failure::input(format!(
        "error: {said} link needs a flam built with Ableton Link\n  = help: build with `cargo build --release --features link` (scripts/setup does; such a binary is GPL-licensed, as Link is)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn following_a_clock_needs_an_input_to_hear_it_on() {
        assert_eq!(decide(None, None, false).unwrap(), Sync::Internal);
        let midi = parse(Some("MIDI")).unwrap();
        assert_eq!(decide(midi, None, true).unwrap(), Sync::Midi);
        let no_input = decide(midi, None, false).unwrap_err();
        assert_eq!(no_input.code, 2);
        assert!(
            no_input.message.contains("--in jack:PORT"),
            "{}",
            no_input.message
        );
        let unknown = parse(Some("ableton")).unwrap_err();
        assert!(unknown.message.contains("unknown clock `ableton`"));
        assert!(unknown.message.contains("--sync link"));
    }

    #[test]
    fn the_flag_wins_over_the_songs_sync_line() {
        assert_eq!(
            decide(Some(Sync::Internal), Some(Sync::Jack), false).unwrap(),
            Sync::Internal
        );
        assert_eq!(decide(None, Some(Sync::Jack), false).unwrap(), Sync::Jack);
        let refused = decide(None, Some(Sync::Midi), false).unwrap_err();
        assert!(refused.message.contains("the song's sync line midi"));
    }

    #[test]
    fn joining_a_link_session_needs_no_input() {
        let link = decide(Some(Sync::Link), None, false);
        if cfg!(feature = "link") {
            assert_eq!(link.unwrap(), Sync::Link);
        } else {
            let refused = link.unwrap_err();
            assert_eq!(refused.code, 2);
            assert!(
                refused.message.contains("--features link"),
                "{}",
                refused.message
            );
        }
    }
}
