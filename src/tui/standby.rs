//! Outputs opened ahead of a start: while the live UI is stopped, the outputs the next start
//! needs open on a thread of their own, so F5 sounds after the pre-roll alone instead of
//! after libjack has opened a client and the synth has started (tens of milliseconds).

use std::sync::Arc;
use std::thread::JoinHandle;

use rustysynth::SoundFont;

use crate::output::opened::Opened;
use crate::output::output_error::{OutputError, OutputErrorKind};
use crate::output::soundfont::{self, Source};
use crate::output::target::Target;
use crate::session::rig::{self, RigOptions};
use crate::session::rig_error::RigError;

/// What the opening thread gives back: the SoundFont as it stands (loaded there if the synth
/// needed it), and the outputs or why they could not open.
type Outcome = (Option<Arc<SoundFont>>, Result<Vec<Opened>, RigError>);

/// Outputs opening (or open) for a start to come, and the targets they are for.
pub struct Standby {
    targets: Vec<Target>,
    opening: Option<JoinHandle<Outcome>>,
}

impl Standby {
    /// Opens `targets` on a thread of its own, once the players being stopped (`stopping`)
    /// have ended: they may hold the sound card or flam's JACK client name. `font` is the
    /// SoundFont already loaded, if any.
    pub fn start(
        targets: Vec<Target>,
        font: Option<Arc<SoundFont>>,
        stopping: Vec<JoinHandle<()>>,
    ) -> Option<Standby> {
        let wanted = targets.clone();
        let opening = std::thread::Builder::new()
            .name("flam-standby".into())
            .spawn(move || {
                for handle in stopping {
                    let _ = handle.join();
                }
                let mut font = font;
                let opened = open(&wanted, &mut font);
                (font, opened)
            })
            .ok()?;
        Some(Standby {
            targets,
            opening: Some(opening),
        })
    }

    /// The outputs for `targets`, waiting for them to open: `None` when they were opened for
    /// other targets (they are closed first, so the new ones can take their names) or the
    /// thread failed.
    pub fn take(mut self, targets: &[Target]) -> Option<Outcome> {
        let opening = self.opening.take()?;
        let outcome = opening.join().ok()?;
        (self.targets == targets).then_some(outcome)
    }
}

impl Drop for Standby {
    /// Outputs no longer wanted close before anything else opens.
    fn drop(&mut self) {
        if let Some(opening) = self.opening.take() {
            let _ = opening.join();
        }
    }
}

/// Opens `targets` through the rig: for the synth, JACK audio when a server runs, else the
/// sound card, else MIDI, as `flam play` falls back. The SoundFont is loaded into `font` the
/// first time the synth needs it.
pub fn open(
    targets: &[Target],
    font: &mut Option<Arc<SoundFont>>,
) -> Result<Vec<Opened>, RigError> {
    let options = RigOptions::for_live();
    let prepared = rig::prepare(targets, &options);
    let mut notes = Vec::new();
    let mut opened = Vec::new();
    for p in prepared {
        opened.push(p.open(&options, &mut || loaded(font), &mut notes)?);
    }
    if opened.is_empty() {
        return Err(RigError::Output(OutputError::new(
            OutputErrorKind::Unavailable,
            "no output",
        )));
    }
    Ok(opened)
}

/// The SoundFont, loaded the first time the synth plays.
fn loaded(font: &mut Option<Arc<SoundFont>>) -> Result<Arc<SoundFont>, RigError> {
    if let Some(font) = font {
        return Ok(font.clone());
    }
    let env = std::env::var("FLAM_SOUNDFONT").ok();
    let new = soundfont::load(&Source::choose(None, env.as_deref()))?;
    *font = Some(new.clone());
    Ok(new)
}
