//! Song settings: `tempo`, `meter`, `title`, `sync` and the song's `swing`, which come before
//! the first track.

use super::compile::Compiler;
use super::sync::Sync;
use super::syntax::Statement;
use super::values::{arg, err, rate, share};
use crate::lang::diagnostic::Diagnostic;
use crate::theory::suggest;
use crate::theory::tempo::Meter;
use crate::theory::time::Time;

impl Compiler {
    /// `tempo BPM` (or `bpm BPM`).
    pub(super) fn tempo_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        self.song_only(stmt)?;
        let tok = arg(stmt, 0, "a tempo in BPM", "tempo 120")?;
        let bpm = tok
            .text
            .parse::<f64>()
            .ok()
            .filter(|b| (20.0..=999.0).contains(b))
            .ok_or_else(|| {
                err(
                    &tok.span,
                    format!("tempo must be from 20 to 999 BPM, got `{}`", tok.text),
                    "out of range",
                    "tempo counts quarter notes per minute, as in `tempo 120`",
                )
            })?;
        self.bpm = Some(bpm);
        self.no_more(stmt, 1)
    }

    /// `meter BEATS/UNIT` (or `time BEATS/UNIT`).
    pub(super) fn meter_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        self.song_only(stmt)?;
        let tok = arg(stmt, 0, "a time signature", "meter 3/4")?;
        let meter = tok
            .text
            .split_once('/')
            .and_then(|(b, u)| Some((b.parse::<u32>().ok()?, u.parse::<u32>().ok()?)))
            .ok_or_else(|| {
                err(
                    &tok.span,
                    format!("a meter is written beats/unit, got `{}`", tok.text),
                    "not a meter",
                    "for example `meter 4/4`, `meter 7/8`",
                )
            })
            .and_then(|(b, u)| {
                Meter::new(b, u).map_err(|e| {
                    err(
                        &tok.span,
                        e.to_string(),
                        "out of range",
                        "for example `meter 4/4`, `meter 7/8`",
                    )
                })
            })?;
        self.meter = Some(meter);
        self.no_more(stmt, 1)
    }

    /// `sync internal|midi|jack|link`: whose clock the song keeps when it plays.
    pub(super) fn sync_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        self.song_only(stmt)?;
        let tok = arg(stmt, 0, "a clock", "sync link")?;
        let sync = Sync::named(&tok.text).ok_or_else(|| {
            let names: Vec<&str> = Sync::NAMES.iter().map(|(n, _)| *n).collect();
            let help = match suggest::nearest(&tok.text, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? The clocks: {}", names.join(", ")),
                None => format!("the clocks: {}", names.join(", ")),
            };
            err(
                &tok.span,
                format!("unknown clock `{}`", tok.text),
                "not a clock",
                help,
            )
        })?;
        self.sync = Some(sync);
        self.no_more(stmt, 1)
    }

    /// `swing AMOUNT [STEP]` before the first track: every track's swing unless it has its own.
    pub(super) fn song_swing_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        self.swing = Some(self.swing_args(stmt)?);
        Ok(())
    }

    /// Refuses a song setting once a track has started.
    pub(super) fn song_only(&self, stmt: &Statement) -> Result<(), Diagnostic> {
        if self.tracks.is_empty() {
            return Ok(());
        }
        Err(err(
            &stmt.tokens[0].span,
            format!(
                "`{}` is a song setting and must come before the first track",
                stmt.keyword()
            ),
            "inside a track",
            "move this line to the top of the file",
        ))
    }

    /// `output NAME PORT` before the tracks: where the tracks with `output NAME` go when the
    /// command line names no output (the port is checked when the song plays).
    pub(super) fn output_binding(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let name = arg(stmt, 0, "an output's name", "output drums jack:TR-8")?;
        let port = arg(stmt, 1, "where it goes", "output drums jack:TR-8")?;
        if let Some((_, _, line)) = self.outputs.iter().find(|o| o.0 == name.text) {
            return Err(err(
                &name.span,
                format!("output `{}` is already set (line {line})", name.text),
                "set twice",
                "give each output one port",
            ));
        }
        self.outputs
            .push((name.text.clone(), port.text.clone(), stmt.line));
        self.no_more(stmt, 2)
    }

    /// The amount and step of a `swing` line, song or track.
    pub(super) fn swing_args(&self, stmt: &Statement) -> Result<(Time, Time), Diagnostic> {
        let amount = share(arg(stmt, 0, "an amount", "swing 58%")?, 0.5, 0.75, "swing")?;
        let step = match stmt.args().get(1) {
            Some(tok) => rate(tok, self.meter(), "the swing step")?,
            None => self.meter().note_value_to_cycles(Time::new(1, 16)),
        };
        self.no_more(stmt, 2)?;
        Ok((amount, step))
    }
}
