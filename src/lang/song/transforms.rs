//! Transforms: the track lines that change what a track plays (`fast`, `slow`, `rev`,
//! `every`, `euclid`, `degrade`, `ply`, `nudge`, `humanize`, `transpose`, `octave`), read into
//! [`Transform`]s and applied in order. What each may cost is in [`limits`](super::limits).

use super::compile::Compiler;
use super::keywords::keyword_help;
use super::limits::{Cost, speed_up};
use super::syntax::{Statement, Token};
use super::values::{err, int, ms_value, share};
use crate::lang::diagnostic::Diagnostic;
use crate::lang::mini::compile::grid_cost;
use crate::pattern::{Note, Pattern, Value};
use crate::theory::tempo::parse_rate;
use crate::theory::time::{Time, parse_decimal};

/// The most a track-level `fast` or `slow` may speed up or slow down.
const MAX_SPEED: i64 = 64;

/// The most transforms one track may have. Each wraps the track's pattern once more and a
/// query recurses through every layer, so thousands of `rev` lines overflowed the stack.
const MAX_TRANSFORMS: usize = 16;

/// A transform written in a track, applied to what the track plays, in order.
#[derive(Clone)]
pub(super) enum Transform {
    Fast(Factor),
    Slow(Factor),
    Rev,
    Every(i64, Box<Transform>),
    Euclid(i64, i64, i64),
    Degrade(f64),
    Ply(i64),
    NudgeMs(f32),
    NudgeNote(Time),
    Humanize(f32, u8),
    Transpose(i32),
}

/// A speed: a constant or a mini-notation pattern of numbers (`fast "<1 2>"`).
#[derive(Clone)]
pub(super) enum Factor {
    Const(Time),
    /// The pattern, with what it may cost the track.
    Pattern(Pattern<Value>, Cost),
}

impl Compiler {
    /// A line starting with a transform, added to the track's.
    pub(super) fn transform_line(&mut self, stmt: &Statement) -> Result<(), Diagnostic> {
        let (t, used) = self.transform(stmt, 0)?;
        self.no_more(stmt, used)?;
        if let Some(d) = self.tracks.last_mut() {
            if d.transforms.len() >= MAX_TRANSFORMS {
                return Err(err(
                    &stmt.span,
                    format!("a track may have at most {MAX_TRANSFORMS} transforms"),
                    "too many transforms",
                    "combine them, as in `fast 4` for `fast 2` twice",
                ));
            }
            d.transforms.push(t);
        }
        Ok(())
    }

    /// A transform starting at argument `at` of `stmt` (the keyword when `at` is 0); returns it
    /// and how many arguments it used.
    fn transform(&self, stmt: &Statement, at: usize) -> Result<(Transform, usize), Diagnostic> {
        let key = &stmt.tokens[at];
        let kw = key.text.to_ascii_lowercase();
        let args = &stmt.tokens[at + 1..];
        let need = |i: usize, what: &str, example: &str| {
            args.get(i).ok_or_else(|| {
                let end = args
                    .get(i.wrapping_sub(1))
                    .map_or(key.span.end, |t| t.span.end);
                err(
                    &(end..end),
                    format!("`{kw}` needs {what}"),
                    "missing value",
                    format!("for example `{example}`"),
                )
            })
        };
        let used = at;
        match kw.as_str() {
            "fast" | "slow" => {
                let tok = need(0, "a factor", "fast 2")?;
                let factor = if tok.quoted {
                    let play = self.mini(tok)?;
                    let mut cost = Cost {
                        scale: 1.0,
                        // Each change of speed may cut a note in two.
                        extra: play.compiled.density + 1.0,
                        grid: 1.0,
                    };
                    for atom in &play.atoms {
                        let ok = parse_decimal(&atom.text).is_some_and(|t| {
                            t > Time::from_integer(0) && t <= Time::from_integer(MAX_SPEED)
                        });
                        if !ok {
                            let span = atom.span.start + play.offset..atom.span.end + play.offset;
                            return Err(err(
                                &span,
                                format!(
                                    "`{kw}` takes numbers above 0 and up to {MAX_SPEED}, got `{}`",
                                    atom.text
                                ),
                                "not a factor",
                                "for example `fast \"<1 2>\"`",
                            ));
                        }
                        if let Some(t) = parse_decimal(&atom.text) {
                            cost.grid = cost.grid.max(grid_cost(t));
                            cost.scale = cost.scale.max(speed_up(t, kw == "fast"));
                        }
                    }
                    Factor::Pattern(play.compiled.pattern, cost)
                } else {
                    Factor::Const(speed(tok, &kw)?)
                };
                Ok((
                    if kw == "fast" {
                        Transform::Fast(factor)
                    } else {
                        Transform::Slow(factor)
                    },
                    used + 1,
                ))
            }
            "rev" => Ok((Transform::Rev, used)),
            "every" => {
                let n = int(
                    need(0, "a number of cycles and a transform", "every 4 rev")?,
                    1,
                    1024,
                    "`every`",
                )?;
                need(1, "a transform after the number", "every 4 rev")?;
                let inner_at = at + 2;
                let inner_kw = stmt.tokens[inner_at].text.to_ascii_lowercase();
                if matches!(
                    inner_kw.as_str(),
                    "every" | "gate" | "legato" | "swing" | "play" | "vel" | "velocity" | "mute"
                ) {
                    return Err(err(
                        &stmt.tokens[inner_at].span,
                        format!("`{inner_kw}` cannot be used inside `every`"),
                        "not a transform",
                        "every N takes a transform such as rev, fast 2, degrade 0.5, transpose 12",
                    ));
                }
                let (inner, inner_used) = self.transform(stmt, inner_at)?;
                Ok((Transform::Every(n, Box::new(inner)), inner_used))
            }
            "euclid" => {
                let k = int(
                    need(0, "hits and steps", "euclid 3 8")?,
                    -4096,
                    4096,
                    "the number of hits",
                )?;
                let n = int(
                    need(1, "a number of steps", "euclid 3 8")?,
                    1,
                    4096,
                    "the number of steps",
                )?;
                let (r, extra) = match args.get(2).filter(|t| t.text.parse::<i64>().is_ok()) {
                    Some(tok) => (int(tok, -4096, 4096, "the rotation")?, 1),
                    None => (0, 0),
                };
                Ok((Transform::Euclid(k, n, r), used + 2 + extra))
            }
            "degrade" => match args.first() {
                Some(tok) => Ok((
                    Transform::Degrade(
                        share(tok, 0.0, 1.0, "the share of notes to drop")?.to_f64(),
                    ),
                    used + 1,
                )),
                None => Ok((Transform::Degrade(0.5), used)),
            },
            "ply" => {
                let n = int(need(0, "a number of repeats", "ply 2")?, 1, 16, "`ply`")?;
                Ok((Transform::Ply(n), used + 1))
            }
            "nudge" => {
                let tok = need(0, "an offset", "nudge -10ms")?;
                let t = if let Some(ms) = tok.text.strip_suffix("ms") {
                    Transform::NudgeMs(ms_value(tok, ms, 1000.0)?)
                } else {
                    let (neg, body) = match tok.text.strip_prefix('-') {
                        Some(b) => (true, b),
                        None => (false, tok.text.as_str()),
                    };
                    let v = parse_rate(body).map(|v| self.meter().note_value_to_cycles(v)).ok_or_else(|| {
                        err(&tok.span, format!("a nudge is milliseconds (`-10ms`) or a note value (`1/32`), got `{}`", tok.text), "not an offset", "positive is later, negative earlier")
                    })?;
                    Transform::NudgeNote(if neg { -v } else { v })
                };
                Ok((t, used + 1))
            }
            "humanize" => {
                let tok = need(0, "a timing range", "humanize 8ms 10")?;
                let ms = ms_value(tok, tok.text.strip_suffix("ms").unwrap_or(&tok.text), 100.0)?;
                let (vel, extra) = match args
                    .get(1)
                    .filter(|t| !t.quoted && t.text.parse::<i64>().is_ok())
                {
                    Some(tok) => (int(tok, 0, 64, "the velocity range")? as u8, 1),
                    None => (0, 0),
                };
                Ok((Transform::Humanize(ms.abs(), vel), used + 1 + extra))
            }
            "transpose" | "octave" => {
                let (min, max) = if kw == "octave" {
                    (-10, 10)
                } else {
                    (-127, 127)
                };
                let n = int(
                    need(
                        0,
                        "an amount",
                        if kw == "octave" {
                            "octave -1"
                        } else {
                            "transpose 12"
                        },
                    )?,
                    min,
                    max,
                    &format!("`{kw}`"),
                )? as i32;
                Ok((
                    Transform::Transpose(if kw == "octave" { n * 12 } else { n }),
                    used + 1,
                ))
            }
            _ => Err(err(
                &key.span,
                format!("unknown track setting `{}`", key.text),
                "unknown keyword",
                keyword_help(&kw, true),
            )),
        }
    }
}

/// A constant `fast` or `slow` factor: a number or a fraction, above 0 and up to [`MAX_SPEED`].
pub(super) fn speed(tok: &Token, kw: &str) -> Result<Time, Diagnostic> {
    let max = Time::from_integer(MAX_SPEED);
    match parse_decimal(&tok.text)
        .or_else(|| parse_rate(&tok.text).filter(|_| tok.text.contains('/')))
    {
        Some(t) if t > Time::from_integer(0) && t <= max && *t.denom() <= 1000 => Ok(t),
        _ => Err(err(
            &tok.span,
            format!(
                "`{kw}` takes a number above 0 and up to {MAX_SPEED}, got `{}`",
                tok.text
            ),
            "not a factor",
            format!("for example `{kw} 2`, `{kw} 1.5` or `{kw} \"<1 2>\"`"),
        )),
    }
}

/// Applies one transform to what a track plays; `seed` is the track's own random stream.
pub(super) fn apply(t: &Transform, p: &Pattern<Note>, seed: u32) -> Pattern<Note> {
    match t {
        Transform::Fast(f) | Transform::Slow(f) => {
            let fast = matches!(t, Transform::Fast(_));
            match f {
                Factor::Const(x) if fast => p.fast(*x),
                Factor::Const(x) => p.slow(*x),
                Factor::Pattern(factors, _) => {
                    let p = p.clone();
                    factors.inner_bind(move |v| match v.as_time() {
                        Some(x) if fast => p.fast(x),
                        Some(x) => p.slow(x),
                        None => Pattern::silence(),
                    })
                }
            }
        }
        Transform::Rev => p.rev(),
        Transform::Every(n, inner) => p.every(*n, |q| apply(inner, q, seed)),
        Transform::Euclid(k, n, r) => p.euclid(*k, *n, *r),
        Transform::Degrade(amount) => p.degrade_by(*amount, seed),
        Transform::Ply(n) => p.ply(*n),
        Transform::NudgeMs(ms) => p.nudge_ms(*ms),
        Transform::NudgeNote(t) => p.late(*t),
        Transform::Humanize(ms, vel) => p.humanize(*ms, *vel, seed),
        Transform::Transpose(n) => p.transpose(*n),
    }
}

#[cfg(test)]
mod tests {
    use super::MAX_TRANSFORMS;
    use crate::lang::song::compile;

    #[test]
    fn thousands_of_transforms_are_refused_rather_than_overflowing_the_stack() {
        let track = "track t\n  play \"bd sn\"\n";
        assert!(compile(&format!("{track}{}", "  rev\n".repeat(MAX_TRANSFORMS))).is_ok());
        let errors = compile(&format!("{track}{}", "  rev\n".repeat(10_000))).unwrap_err();
        assert!(
            errors[0].message.contains("at most 16 transforms"),
            "{errors:?}"
        );
    }
}
