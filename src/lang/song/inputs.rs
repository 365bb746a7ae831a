//! `input` lines: a track played from a keyboard. What they compile to is
//! [`TrackInput`](super::track_input::TrackInput), built when the track is finished.

use super::compile::Compiler;
use super::syntax::Statement;
use super::values::{arg, err, int};
use crate::lang::diagnostic::Diagnostic;

/// What an `input` line sets.
#[derive(Clone, Copy, Default)]
pub(super) struct InputDraft {
    pub(super) channel: Option<u8>,
    pub(super) latch: bool,
    pub(super) transpose: bool,
    pub(super) played_velocity: bool,
}

impl Compiler {
    /// `input [ch N] [hold|latch] [transpose] [vel played]`: the track is played from a
    /// keyboard.
    pub(super) fn input_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let args = stmt.args();
        let mut input = InputDraft::default();
        let mut i = 0;
        while let Some(tok) = args.get(i) {
            match tok.text.to_ascii_lowercase().as_str() {
                "ch" | "channel" => {
                    let c = arg(stmt, i + 1, "a channel", "input ch 1")?;
                    input.channel = Some(int(c, 1, 16, "an input channel")? as u8);
                    i += 2;
                }
                "any" => i += 1,
                "hold" => {
                    input.latch = false;
                    i += 1;
                }
                "latch" => {
                    input.latch = true;
                    i += 1;
                }
                "transpose" => {
                    input.transpose = true;
                    i += 1;
                }
                "vel" | "velocity" => {
                    let how = arg(stmt, i + 1, "`played`", "input ch 1 vel played")?;
                    if !how.text.eq_ignore_ascii_case("played") {
                        return Err(err(
                            &how.span,
                            format!(
                                "`vel` on an `input` line takes `played`, not `{}`",
                                how.text
                            ),
                            "unknown",
                            "`vel played` takes each note's velocity from the keys; leave it out for the arpeggio's own",
                        ));
                    }
                    input.played_velocity = true;
                    i += 2;
                }
                other => {
                    return Err(err(
                        &tok.span,
                        format!(
                            "`input` takes `ch N`, `hold`, `latch`, `transpose` or `vel played`, not `{other}`"
                        ),
                        "unknown setting",
                        "for example `input ch 1 latch`",
                    ));
                }
            }
        }
        if let Some(d) = self.tracks.last_mut() {
            d.input = Some((input, stmt.span.clone()));
        }
        Ok(())
    }
}
