//! `flam soundfonts`: the SoundFonts flam can use, and which one `render` takes by default;
//! and loading the one `--soundfont` names.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use rustysynth::SoundFont;

use super::failure::Failure;
use crate::output::soundfont::{self, FontError, Source};

/// Lists the built-in SoundFont and the installed ones, with sizes.
pub fn run() -> Result<ExitCode, Failure> {
    let env = std::env::var(soundfont::ENV_VAR).ok();
    let chosen = Source::choose(None, env.as_deref());
    let found = soundfont::discover(None);
    let mark = |s: &Source| if *s == chosen { "*" } else { " " };
    let mut out = String::new();
    out.push_str(&format!(
        "{} {:<44} {:>9}  {}\n",
        mark(&Source::BuiltIn),
        soundfont::BUILT_IN_NAME,
        soundfont::human_size(soundfont::BUILT_IN.len() as u64),
        "flam's own General MIDI set"
    ));
    for f in &found {
        let mut note = f.origin.clone();
        if f.sf3 {
            note.push_str(" (SF3: compressed samples, cannot be used)");
        }
        out.push_str(&format!(
            "{} {:<44} {:>9}  {note}\n",
            mark(&Source::File(f.path.clone())),
            f.path.display(),
            soundfont::human_size(f.size),
        ));
    }
    if let (Some(e), Source::File(p)) = (&env, &chosen)
        && !found.iter().any(|f| &f.path == p)
    {
        out.push_str(&format!(
            "* {:<44} {:>9}  ${} (not found)\n",
            e,
            "",
            soundfont::ENV_VAR
        ));
    }
    out.push_str(&format!(
        "* marks the default; choose with --soundfont PATH, a name such as FluidR3_GM, or `{}`; ${} sets the default\n",
        soundfont::BUILT_IN_NAME,
        soundfont::ENV_VAR
    ));
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(Failure::output)?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the SoundFont named by `--soundfont`, `$FLAM_SOUNDFONT`, or the built-in one.
pub fn load(flag: Option<&str>) -> Result<(Source, Arc<SoundFont>), Failure> {
    let env = std::env::var(soundfont::ENV_VAR).ok();
    let source = Source::choose(flag, env.as_deref());
    let font = soundfont::load(&source).map_err(|e| {
        let mut message = e.to_string();
        if flag.is_none() && env.is_some() {
            message.push_str(&format!(
                "\n  = note: the SoundFont came from ${}",
                soundfont::ENV_VAR
            ));
        }
        match e {
            FontError::Unreadable(..) => Failure::io(message),
            _ => Failure::input(message),
        }
    })?;
    Ok((source, font))
}
