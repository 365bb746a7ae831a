//! Loading the synth's SoundFont on its own thread while the song compiles.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustysynth::SoundFont;

use super::failure::Failure;
use super::soundfonts;
use crate::output::soundfont::Source;

/// What the loading thread gives back: the SoundFont (or why not) and how long it took.
type Loaded = (Result<(Source, Arc<SoundFont>), Failure>, Duration);

/// The SoundFont for the synth: loading in the background until first needed, then kept for
/// the whole session (reloads and swaps never load it again).
pub struct FontPreload {
    loading: Option<JoinHandle<Loaded>>,
    loaded: Option<(Source, Arc<SoundFont>, Duration)>,
}

impl FontPreload {
    /// Starts loading the SoundFont `--soundfont` names (or the default) on its own thread.
    pub fn start(flag: Option<String>) -> FontPreload {
        let loading = std::thread::Builder::new()
            .name("flam-soundfont".into())
            .spawn(move || {
                let started = Instant::now();
                let font = soundfonts::load(flag.as_deref());
                (font, started.elapsed())
            })
            .ok();
        FontPreload {
            loading,
            loaded: None,
        }
    }

    /// The SoundFont, waiting for the load to finish the first time.
    pub fn get(&mut self) -> Result<Arc<SoundFont>, Failure> {
        if let Some(handle) = self.loading.take() {
            let (font, took) = handle.join().unwrap_or_else(|_| {
                (
                    Err(Failure::io(
                        "error: loading the SoundFont stopped on an internal error",
                    )),
                    Duration::ZERO,
                )
            });
            let (source, font) = font?;
            self.loaded = Some((source, font, took));
        }
        match &self.loaded {
            Some((_, font, _)) => Ok(font.clone()),
            None => Err(Failure::io(
                "error: the SoundFont could not be loaded (no thread for it)\n  = help: the system is out of threads; close some programs and try again",
            )),
        }
    }

    /// Which SoundFont was loaded and how long it took, once [`FontPreload::get`] has run.
    pub fn loaded(&self) -> Option<(&Source, Duration)> {
        self.loaded.as_ref().map(|(s, _, took)| (s, *took))
    }
}
