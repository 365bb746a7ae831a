//! `arp` lines: a track's notes played by an arpeggiator, its mode and settings.

use super::compile::Compiler;
use super::keywords::{ARP_KEYS, unknown_setting};
use super::syntax::Statement;
use super::values::{arg, err, int, next_key, rate, setting_value, share};
use crate::lang::diagnostic::Diagnostic;
use crate::pattern::arp::{ArpMode, ArpSettings};
use crate::theory::suggest;

impl Compiler {
    /// `arp MODE [octaves N] [rate R] [gate P] [swing P] [vel V V …] [reset] [seed N]`.
    pub(super) fn arp_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let meter = self.meter();
        let mode_tok = arg(stmt, 0, "a mode", "arp updown octaves 2 rate 1/16")?;
        let mode = ArpMode::from_name(&mode_tok.text).ok_or_else(|| {
            let names = ArpMode::names();
            let help = match suggest::nearest(
                &mode_tok.text.to_ascii_lowercase(),
                names.iter().copied(),
            ) {
                Some(g) => format!("did you mean `{g}`?"),
                None => format!("the modes are: {}", names.join(", ")),
            };
            err(
                &mode_tok.span,
                format!("unknown arpeggiator mode `{}`", mode_tok.text),
                "unknown mode",
                help,
            )
        })?;
        let mut settings = ArpSettings {
            mode,
            ..ArpSettings::default()
        };
        let args = stmt.args();
        let mut i = 1;
        let mut bad = Vec::new();
        while i < args.len() {
            let key = &args[i];
            let kw = key.text.to_ascii_lowercase();
            let value = |n: usize| {
                setting_value(
                    args,
                    i + n,
                    key,
                    "for example `arp up octaves 2 rate 1/16 gate 80%`",
                )
            };
            let mut setting = || -> Result<usize, Diagnostic> {
                match kw.as_str() {
                    "octaves" => {
                        settings.octaves = int(value(1)?, 1, 8, "the octave range")? as u32;
                    }
                    "rate" => settings.step = rate(value(1)?, meter, "the arp rate")?,
                    "gate" => settings.gate = share(value(1)?, 0.01, 8.0, "the arp gate")?,
                    "swing" => settings.swing = share(value(1)?, 0.5, 0.75, "the arp swing")?,
                    "seed" => settings.seed = int(value(1)?, 0, 1 << 31, "the seed")? as u64,
                    "reset" => {
                        settings.reset = true;
                        return Ok(1);
                    }
                    "vel" | "velocity" => {
                        let mut vels = Vec::new();
                        let mut j = i + 1;
                        while let Some(tok) = args.get(j).filter(|t| t.text.parse::<i64>().is_ok())
                        {
                            vels.push(int(tok, 1, 127, "an arp velocity")? as u8);
                            j += 1;
                        }
                        if vels.is_empty() {
                            return Err(err(
                                &key.span,
                                "`vel` needs one or more velocities",
                                "missing velocities",
                                "for example `vel 110 70 90 70`",
                            ));
                        }
                        settings.velocities = vels;
                        return Ok(j - i);
                    }
                    _ => return Err(unknown_setting(key, "arp", ARP_KEYS)),
                }
                Ok(2)
            };
            match setting() {
                Ok(used) => i += used,
                Err(e) => {
                    bad.push(e);
                    i = next_key(args, i + 1, ARP_KEYS);
                }
            }
        }
        if !bad.is_empty() {
            // The settings are incomplete: checking how they combine would only add noise.
            self.also.extend(bad);
            return Ok(());
        }
        settings.validate().map_err(|e| {
            err(
                &stmt.span,
                e.to_string(),
                "bad arp setting",
                "see docs/language.md, section Arpeggiator",
            )
        })?;
        if let Some(d) = self.tracks.last_mut() {
            d.arp = Some(settings);
        }
        Ok(())
    }
}
