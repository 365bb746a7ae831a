//! Whose clock a song keeps when it plays: its own, a MIDI clock master, JACK transport or an
//! Ableton Link session. A song's `sync` line says it; `--sync` on the command line wins.

/// Whose clock to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sync {
    /// The song's own tempo.
    Internal,
    /// A MIDI clock master on the input.
    Midi,
    /// JACK transport: start, stop and position shared by the JACK clients on the machine.
    Jack,
    /// An Ableton Link session: tempo, bar lines, start and stop shared over the network.
    Link,
}

impl Sync {
    /// Every clock by the word that names it.
    pub const NAMES: &[(&str, Sync)] = &[
        ("internal", Sync::Internal),
        ("midi", Sync::Midi),
        ("jack", Sync::Jack),
        ("link", Sync::Link),
    ];

    /// The clock `word` names, in any case.
    pub fn named(word: &str) -> Option<Sync> {
        let word = word.trim().to_ascii_lowercase();
        Sync::NAMES
            .iter()
            .find(|(n, _)| *n == word)
            .map(|(_, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_clock_is_named_by_one_word_in_any_case() {
        assert_eq!(Sync::named("LINK"), Some(Sync::Link));
        assert_eq!(Sync::named(" midi "), Some(Sync::Midi));
        assert_eq!(Sync::named("ableton"), None);
    }

    #[test]
    fn a_songs_sync_line_names_its_clock_and_a_typo_gets_a_suggestion() {
        let song = crate::lang::song::compile("sync link\ntrack a\n  play \"c4\"\n").unwrap();
        assert_eq!(song.sync, Some(Sync::Link));
        let plain = crate::lang::song::compile("track a\n  play \"c4\"\n").unwrap();
        assert_eq!(plain.sync, None);
        let errors = crate::lang::song::compile("sync lnk\ntrack a\n  play \"c4\"\n").unwrap_err();
        assert_eq!(errors[0].message, "unknown clock `lnk`");
        assert_eq!(errors[0].span, 5..8);
        assert!(
            errors[0]
                .help
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean `link`?")),
            "{:?}",
            errors[0].help
        );
    }
}
