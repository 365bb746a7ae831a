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
use std::sync::Arc;

use super::arguments::{Num, Span};
use super::tracks::TrackDraft;
use crate::pattern::cycles::Func;
use crate::pattern::{Pattern, Tone, Value};
use crate::theory::scale::RootedScale;
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
    /// `every N f` and `first-of N f`: `f` on cycles 0, N, 2N… (Strudel's `every` is its
    /// `firstOf`); N may be a pattern.
    Every(Span, i64, Box<Transform>),
    LastOf(Span, i64, Box<Transform>),
    When(Pattern<bool>, Box<Transform>),
    WhenMod(i64, i64, Box<Transform>),
    Euclid(Span, i64, i64),
    EuclidLegato(Span, i64, i64),
    /// `degrade P`, `degrade-by P`: drops notes with chance P; `undegrade-by` keeps those.
    Degrade(Num),
    Undegrade(Num),
    Ply(Span),
    NudgeMs(f32),
    NudgeNote(Time),
    Humanize(f32, u8),
    Transpose(i32),
    /// Transforms in a row, as written in parentheses: `(add 12 degrade-by 0.5)`.
    Chain(Vec<Transform>),
    /// The scales, and the one scale when a single one is written (placed without a query).
    Scale(Pattern<RootedScale>, Option<RootedScale>),
    ScaleTranspose(Num),
    Add(Num),
    Sub(Num),
    Off(Span, Box<Transform>),
    Superimpose(Vec<Transform>),
    Layer(Vec<Transform>),
    Iter(Span, bool),
    Palindrome,
    Chunk(Span, Box<Transform>, bool),
    SometimesBy(Num, Box<Transform>),
    SomeCyclesBy(Num, Box<Transform>),
    Echo(i64, Time, f64),
    Struct(Pattern<bool>),
    Mask(Pattern<bool>),
    Segment(i64),
    Linger(Span),
    /// `inside N F`, or `outside N F` when the flag is set.
    Inside(Span, bool, Box<Transform>),
    Brak,
    Early(Span),
    Late(Span),
    SwingBy(Time, i64),
    Velocity(Num),
    Gain(Num),
    /// Strudel's `arp "0 1 2 1"`: the notes of each chord picked by index, in its rhythm.
    Arp(Pattern<f64>),
    /// `legato "<1 0.5>"`: each note lasts this share of its step (Strudel's `legato`).
    Legato(Num),
    /// `seed N`: where the song's random numbers are read (Strudel's `.seed(n)`).
    Seed(f64),
}

impl Transform {
    /// Whether this transform, or one inside it, places scale degrees.
    pub(super) fn has_scale(&self) -> bool {
        match self {
            Transform::Scale(..) => true,
            Transform::Chain(ts) | Transform::Superimpose(ts) | Transform::Layer(ts) => {
                ts.iter().any(Transform::has_scale)
            }
            Transform::Every(_, _, t)
            | Transform::LastOf(_, _, t)
            | Transform::When(_, t)
            | Transform::WhenMod(_, _, t)
            | Transform::Off(_, t)
            | Transform::Chunk(_, t, _)
            | Transform::SometimesBy(_, t)
            | Transform::SomeCyclesBy(_, t)
            | Transform::Inside(_, _, t) => t.has_scale(),
            _ => false,
        }
    }
}

impl TrackDraft {
    /// Whether the track's numbers are scale degrees: it has a `scale` line.
    pub(super) fn plays_degrees(&self) -> bool {
        self.transforms.iter().any(Transform::has_scale)
    }

    /// The scale of its first `scale` line, which an arpeggiator places degrees by.
    pub(super) fn first_scale(&self) -> Option<Pattern<RootedScale>> {
        self.transforms.iter().find_map(|t| match t {
            Transform::Scale(s, _) => Some(s.clone()),
            _ => None,
        })
    }

    /// The seed its random transforms read (`seed N`; Strudel's default 0).
    pub(super) fn chance_seed(&self) -> f64 {
        self.transforms
            .iter()
            .rev()
            .find_map(|t| match t {
                Transform::Seed(s) => Some(*s),
                _ => None,
            })
            .unwrap_or(0.0)
    }
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
        if stmt.keyword() == "scale-transpose"
            && !self
                .tracks
                .last()
                .is_some_and(|d| d.transforms.iter().any(Transform::has_scale))
        {
            return Err(err(
                &stmt.tokens[0].span,
                "`scale-transpose` steps along a scale, and no `scale` line comes before it",
                "no scale yet",
                "put a line such as `scale c:minor` above it",
            ));
        }
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
            "fast" | "slow" | "hurry" => {
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
                            cost.scale = cost.scale.max(speed_up(t, kw != "slow"));
                        }
                    }
                    Factor::Pattern(play.compiled.pattern, cost)
                } else {
                    Factor::Const(speed(tok, &kw)?)
                };
                Ok((
                    if kw == "slow" {
                        Transform::Slow(factor)
                    } else {
                        Transform::Fast(factor)
                    },
                    used + 1,
                ))
            }
            "rev" => Ok((Transform::Rev, used)),
            "every" | "first-of" | "last-of" => {
                let example = format!("{kw} 4 rev");
                let n = self.count_arg(stmt, at + 1, (1, 1024), &example)?;
                need(1, "a transform after the number", &example)?;
                // A second number shifts which cycle of each group changes (`every 4 1 rev`).
                let (offset, f_at) = match args.get(1).filter(|t| !t.quoted) {
                    Some(tok) if tok.text.parse::<i64>().is_ok() => {
                        (int(tok, 0, 1023, "the offset")?, at + 3)
                    }
                    _ => (0, at + 2),
                };
                need(f_at - at - 1, "a transform after the offset", &example)?;
                let (inner, last) = self.func(stmt, f_at)?;
                Ok((
                    if kw == "last-of" {
                        Transform::LastOf(n, offset, Box::new(inner))
                    } else {
                        Transform::Every(n, offset, Box::new(inner))
                    },
                    last,
                ))
            }
            "when" => {
                let switch = self.hits_arg(stmt, at + 1, "when \"<0 0 1 1>\" rev")?;
                need(1, "a transform after the pattern", "when \"<0 0 1 1>\" rev")?;
                let (inner, last) = self.func(stmt, at + 2)?;
                Ok((Transform::When(switch, Box::new(inner)), last))
            }
            "whenmod" => {
                let example = "whenmod 4 2 rev";
                let a = int(
                    need(0, "a cycle count and a start", example)?,
                    1,
                    1024,
                    "the cycle count",
                )?;
                let b = int(
                    need(1, "the cycle to start on", example)?,
                    0,
                    1024,
                    "the start",
                )?;
                need(2, "a transform", example)?;
                let (inner, last) = self.func(stmt, at + 3)?;
                Ok((Transform::WhenMod(a, b, Box::new(inner)), last))
            }
            "off" => {
                let example = "off 1/8 (add 7)";
                let t = self.time_arg(stmt, at + 1, example)?;
                need(1, "a transform after the time", example)?;
                let (inner, last) = self.func(stmt, at + 2)?;
                Ok((Transform::Off(t, Box::new(inner)), last))
            }
            "superimpose" | "layer" => {
                let example = format!("{kw} (add 12) (fast 2)");
                need(0, "one or more transforms", &example)?;
                let mut fs = Vec::new();
                let mut last = at;
                while last + 1 < stmt.tokens.len() && stmt.tokens[last + 1].text != ")" {
                    let (f, l) = self.func(stmt, last + 1)?;
                    fs.push(f);
                    last = l;
                }
                Ok((
                    if kw == "layer" {
                        Transform::Layer(fs)
                    } else {
                        Transform::Superimpose(fs)
                    },
                    last,
                ))
            }
            "iter" | "iter-back" => {
                let n = self.count_arg(stmt, at + 1, (1, 64), &format!("{kw} 4"))?;
                Ok((Transform::Iter(n, kw == "iter-back"), at + 1))
            }
            "palindrome" => Ok((Transform::Palindrome, at)),
            "id" => Ok((Transform::Chain(Vec::new()), at)),
            "brak" => Ok((Transform::Brak, at)),
            "chunk" | "chunk-back" => {
                let example = format!("{kw} 4 (add 7)");
                let n = self.count_arg(stmt, at + 1, (1, 64), &example)?;
                need(1, "a transform", &example)?;
                let (inner, last) = self.func(stmt, at + 2)?;
                Ok((
                    Transform::Chunk(n, Box::new(inner), kw == "chunk-back"),
                    last,
                ))
            }
            "sometimes-by" | "some-cycles-by" => {
                let example = format!("{kw} 0.3 (velocity 0.5)");
                let (p, at_p) = self.num_arg(stmt, at + 1, &example)?;
                chance_ok(stmt, at + 1, &p)?;
                need(at_p - at, "a transform after the chance", &example)?;
                let (inner, last) = self.func(stmt, at_p + 1)?;
                Ok((
                    if kw == "some-cycles-by" {
                        Transform::SomeCyclesBy(p, Box::new(inner))
                    } else {
                        Transform::SometimesBy(p, Box::new(inner))
                    },
                    last,
                ))
            }
            "sometimes" | "often" | "rarely" | "almost-never" | "almost-always" | "always"
            | "never" | "some-cycles" => {
                let example = format!("{kw} (velocity 0.5)");
                need(0, "a transform", &example)?;
                let (inner, last) = self.func(stmt, at + 1)?;
                let chance = match kw.as_str() {
                    "often" => 0.75,
                    "rarely" => 0.25,
                    "almost-never" => 0.1,
                    "almost-always" => 0.9,
                    _ => 0.5,
                };
                Ok((
                    match kw.as_str() {
                        "always" => inner,
                        "never" => Transform::Chain(Vec::new()),
                        "some-cycles" => {
                            Transform::SomeCyclesBy(Num::Const(chance), Box::new(inner))
                        }
                        _ => Transform::SometimesBy(Num::Const(chance), Box::new(inner)),
                    },
                    last,
                ))
            }
            "echo" | "stut" => {
                let example = if kw == "echo" {
                    "echo 3 1/8 0.6"
                } else {
                    "stut 3 0.6 1/8"
                };
                let count = int(
                    need(0, "a number of echoes", example)?,
                    1,
                    16,
                    "the number of echoes",
                )?;
                let (time_at, fb_at) = if kw == "echo" { (1, 2) } else { (2, 1) };
                let time = match self.time_arg(stmt, at + 1 + time_at, example)? {
                    Span::Const(t) => t,
                    Span::Pattern(_) => {
                        return Err(err(
                            &stmt.tokens[at + 1 + time_at].span,
                            "an echo's time is one number",
                            "not a time",
                            format!("for example `{example}`"),
                        ));
                    }
                };
                let fb_tok = need(fb_at, "a feedback (0 to 1)", example)?;
                let fb = share(fb_tok, 0.0, 1.0, "the feedback")?.to_f64();
                Ok((Transform::Echo(count, time, fb), at + 3))
            }
            "struct" | "mask" => {
                let example = format!("{kw} \"x ~ x x\"");
                let hits = self.hits_arg(stmt, at + 1, &example)?;
                Ok((
                    if kw == "mask" {
                        Transform::Mask(hits)
                    } else {
                        Transform::Struct(hits)
                    },
                    at + 1,
                ))
            }
            "segment" => {
                let n = int(
                    need(0, "steps a cycle", "segment 8")?,
                    1,
                    256,
                    "steps a cycle",
                )?;
                Ok((Transform::Segment(n), at + 1))
            }
            "linger" => {
                let t = self.time_arg(stmt, at + 1, "linger 1/4")?;
                if let Span::Const(t) = &t
                    && (t.is_zero() || t.abs() > Time::ONE)
                {
                    return Err(err(
                        &stmt.tokens[at + 1].span,
                        "`linger` takes a part of a cycle, from -1 to 1 and not 0",
                        "not a part",
                        "for example `linger 1/4`",
                    ));
                }
                Ok((Transform::Linger(t), at + 1))
            }
            "inside" | "outside" => {
                let example = format!("{kw} 4 rev");
                let tok = need(0, "a factor", &example)?;
                let n = if tok.quoted {
                    match self.time_arg(stmt, at + 1, &example)? {
                        Span::Pattern(p) => Span::Pattern(p.filter_values(|t| *t > Time::ZERO)),
                        c => c,
                    }
                } else {
                    Span::Const(speed(tok, &kw)?)
                };
                need(1, "a transform", &example)?;
                let (inner, last) = self.func(stmt, at + 2)?;
                Ok((Transform::Inside(n, kw == "outside", Box::new(inner)), last))
            }
            "early" | "late" => {
                let t = self.time_arg(stmt, at + 1, &format!("{kw} 1/8"))?;
                Ok((
                    if kw == "early" {
                        Transform::Early(t)
                    } else {
                        Transform::Late(t)
                    },
                    at + 1,
                ))
            }
            "swing" => {
                let n = int(need(0, "steps a cycle", "swing 4")?, 1, 64, "steps a cycle")?;
                Ok((Transform::SwingBy(Time::new(1, 3), n), at + 1))
            }
            "swing-by" => {
                let example = "swing-by 1/3 4";
                let amount = match self.time_arg(stmt, at + 1, example)? {
                    Span::Const(t) => t,
                    Span::Pattern(_) => {
                        return Err(err(
                            &stmt.tokens[at + 1].span,
                            "a swing amount is one number",
                            "not an amount",
                            format!("for example `{example}`"),
                        ));
                    }
                };
                let n = int(need(1, "steps a cycle", example)?, 1, 64, "steps a cycle")?;
                Ok((Transform::SwingBy(amount, n), at + 2))
            }
            "velocity" | "gain" => {
                let example = format!("{kw} 0.5");
                let (v, last) = self.num_arg(stmt, at + 1, &example)?;
                if let Num::Const(x) = v
                    && !(0.0..=if kw == "gain" { 4.0 } else { 1.0 }).contains(&x)
                {
                    return Err(err(
                        &stmt.tokens[at + 1].span,
                        format!(
                            "`{kw}` here is a fraction, from 0 to 1, got `{}`",
                            stmt.tokens[at + 1].text
                        ),
                        "not a fraction",
                        format!("for example `{example}`"),
                    ));
                }
                Ok((
                    if kw == "gain" {
                        Transform::Gain(v)
                    } else {
                        Transform::Velocity(v)
                    },
                    last,
                ))
            }
            "add" | "sub" => {
                let example = format!("{kw} 7");
                let (v, last) = self.num_arg(stmt, at + 1, &example)?;
                Ok((
                    if kw == "sub" {
                        Transform::Sub(v)
                    } else {
                        Transform::Add(v)
                    },
                    last,
                ))
            }
            "scale" => {
                let (scales, only) = self.scale_arg(stmt, at + 1)?;
                Ok((Transform::Scale(scales, only), at + 1))
            }
            "scale-transpose" => {
                let (v, last) = self.num_arg(stmt, at + 1, "scale-transpose 2")?;
                Ok((Transform::ScaleTranspose(v), last))
            }
            "arp" => {
                let tok = need(0, "the chord notes to play, by number", "arp \"0 1 2 1\"")?;
                if !tok.quoted {
                    return Err(err(
                        &tok.span,
                        "inside a transform, `arp` takes the chord notes by number in quotes",
                        "not a pattern",
                        "for example `arp \"0 [1 2] 1\"`; the arpeggiator's modes (`arp up`) go on their own line",
                    ));
                }
                let (v, _) = self.num_arg(stmt, at + 1, "arp \"0 1 2 1\"")?;
                Ok((Transform::Arp(v.pattern()), at + 1))
            }
            "legato" => {
                let (v, last) = self.num_arg(stmt, at + 1, "legato \"<1 0.5>\"")?;
                Ok((Transform::Legato(v), last))
            }
            "seed" => {
                let n = int(need(0, "a number", "seed 3")?, 0, 1_000_000, "a seed")?;
                Ok((Transform::Seed(n as f64), at + 1))
            }
            "(" => {
                let (t, last) = self.func(stmt, at)?;
                Ok((t, last))
            }
            "euclid" | "euclid-rot" | "euclid-legato" => {
                let hits = need(0, "hits and steps", "euclid 3 8")?;
                let k = if hits.quoted {
                    self.count_arg(stmt, at + 1, (-4096, 4096), "euclid \"<3 5>\" 8")?
                } else {
                    Span::Const(Time::from_integer(int(
                        hits,
                        -4096,
                        4096,
                        "the number of hits",
                    )?))
                };
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
                Ok((
                    if kw == "euclid-legato" {
                        Transform::EuclidLegato(k, n, r)
                    } else {
                        Transform::Euclid(k, n, r)
                    },
                    used + 2 + extra,
                ))
            }
            "degrade" | "degrade-by" | "undegrade-by" => {
                let given = args
                    .first()
                    .filter(|t| t.quoted || t.text.parse::<f64>().is_ok() || t.text.ends_with('%'));
                let (p, last) = match given {
                    Some(t) if t.text.ends_with('%') && !t.quoted => (
                        Num::Const(share(t, 0.0, 1.0, "the share of notes to drop")?.to_f64()),
                        at + 1,
                    ),
                    Some(_) => self.num_arg(stmt, at + 1, &format!("{kw} 0.5"))?,
                    None if kw == "degrade" => (Num::Const(0.5), at),
                    None => {
                        need(0, "a chance from 0 to 1", &format!("{kw} 0.5"))?;
                        (Num::Const(0.5), at)
                    }
                };
                chance_ok(stmt, at + 1, &p)?;
                Ok((
                    if kw == "undegrade-by" {
                        Transform::Undegrade(p)
                    } else {
                        Transform::Degrade(p)
                    },
                    last,
                ))
            }
            "ply" => {
                let n = self.count_arg(stmt, at + 1, (1, 16), "ply 2")?;
                Ok((Transform::Ply(n), at + 1))
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

impl Compiler {
    /// A transform given to another (`every 4 rev`, `off 1/8 (add 7)`): one transform, or
    /// transforms in a row inside parentheses. Returns it and the index of its last token.
    fn func(&self, stmt: &Statement, at: usize) -> Result<(Transform, usize), Diagnostic> {
        let open = &stmt.tokens[at];
        if open.quoted || open.text != "(" {
            let kw = open.text.to_ascii_lowercase();
            if !open.quoted && NOT_INSIDE.contains(&kw.as_str()) {
                return Err(err(
                    &open.span,
                    format!(
                        "`{kw}` cannot be used inside `{}`",
                        stmt.tokens[at.saturating_sub(2)].text.to_ascii_lowercase()
                    ),
                    "not a transform",
                    "every N takes a transform such as rev, fast 2, degrade 0.5, transpose 12",
                ));
            }
            return self.transform(stmt, at);
        }
        let mut chain = Vec::new();
        let mut last = at;
        loop {
            match stmt.tokens.get(last + 1) {
                Some(t) if !t.quoted && t.text == ")" => {
                    if chain.is_empty() {
                        return Err(err(
                            &(open.span.start..t.span.end),
                            "these parentheses hold no transform",
                            "empty",
                            "write a transform inside them, as in `(add 7)`",
                        ));
                    }
                    let t = if chain.len() == 1 {
                        chain.remove(0)
                    } else {
                        Transform::Chain(chain)
                    };
                    return Ok((t, last + 1));
                }
                Some(_) => {
                    let (t, l) = self.transform(stmt, last + 1)?;
                    chain.push(t);
                    last = l;
                }
                None => {
                    return Err(err(
                        &open.span,
                        "this parenthesis is never closed",
                        "unclosed",
                        "end the transforms it holds with `)` on the same line",
                    ));
                }
            }
        }
    }
}

/// Lines that are not transforms, so cannot be given to one.
const NOT_INSIDE: &[&str] = &["every", "gate", "legato", "swing", "play", "vel", "mute"];

/// A chance argument must lie from 0 to 1.
fn chance_ok(stmt: &Statement, at: usize, p: &Num) -> Result<(), Diagnostic> {
    match p {
        Num::Const(x) if !(0.0..=1.0).contains(x) => Err(err(
            &stmt.tokens[at].span,
            format!("a chance is from 0 to 1, got `{}`", stmt.tokens[at].text),
            "not a chance",
            "for example `0.25` for one note in four",
        )),
        _ => Ok(()),
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

/// What a track's transforms need besides the pattern: its humanize seed, and the seed its
/// chances read (Strudel's, 0 unless `seed N`).
#[derive(Clone, Copy)]
pub(super) struct Context {
    pub(super) humanize: u32,
    pub(super) chance: f64,
}

/// A transform as a function, to hand to another transform.
fn func(t: &Transform, cx: Context) -> Func<Tone> {
    let t = t.clone();
    Arc::new(move |p: &Pattern<Tone>| apply(&t, p, cx))
}

/// Applies one transform to what a track plays.
pub(super) fn apply(t: &Transform, p: &Pattern<Tone>, cx: Context) -> Pattern<Tone> {
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
        Transform::Every(n, offset, inner) | Transform::LastOf(n, offset, inner) => {
            let f = func(inner, cx);
            let (p, offset) = (p.clone(), *offset);
            let last = matches!(t, Transform::LastOf(..));
            n.each(move |n| {
                let n = n.to_integer();
                p.one_of(n, if last { n - 1 + offset } else { offset }, &f)
            })
        }
        Transform::When(switch, inner) => p.when_true(switch, &func(inner, cx)),
        Transform::WhenMod(a, b, inner) => p.when_mod(*a, *b, &func(inner, cx)),
        Transform::Euclid(k, n, r) | Transform::EuclidLegato(k, n, r) => {
            let (p, n, r) = (p.clone(), *n, *r);
            let legato = matches!(t, Transform::EuclidLegato(..));
            k.each(move |k| {
                if legato {
                    p.euclid_legato(k.to_integer(), n, r)
                } else {
                    p.euclid(k.to_integer(), n, r)
                }
            })
        }
        Transform::Degrade(chance) | Transform::Undegrade(chance) => {
            let undo = matches!(t, Transform::Undegrade(_));
            per_number(chance, p, move |p, x| {
                if undo {
                    p.undegrade_chance(x, cx.chance)
                } else {
                    p.degrade_chance(x, cx.chance)
                }
            })
        }
        Transform::Ply(n) => {
            let p = p.clone();
            n.each(move |n| p.ply(n.to_integer()))
        }
        Transform::NudgeMs(ms) => p.nudge_ms(*ms),
        Transform::NudgeNote(t) => p.late(*t),
        Transform::Humanize(ms, vel) => p.humanize(*ms, *vel, cx.humanize),
        Transform::Transpose(n) => p.transpose(*n),
        Transform::Chain(ts) => ts.iter().fold(p.clone(), |p, t| apply(t, &p, cx)),
        Transform::Scale(_, Some(scale)) => p.scale_by(*scale),
        Transform::Scale(scales, None) => p.scale(scales),
        Transform::ScaleTranspose(steps) => {
            arithmetic(p, &seeded(steps, cx.chance), |tone, k| match tone.scale {
                Some(id) => Tone {
                    pitch: {
                        let scale = id.rooted();
                        scale.key_of(scale.nearest_degree(tone.pitch) + k)
                    },
                    ..tone
                },
                None => tone,
            })
        }
        Transform::Add(v) => arithmetic(p, &seeded(v, cx.chance), |tone, x| Tone {
            pitch: tone.pitch + x,
            ..tone
        }),
        Transform::Sub(v) => arithmetic(p, &seeded(v, cx.chance), |tone, x| Tone {
            pitch: tone.pitch - x,
            ..tone
        }),
        Transform::Velocity(v) => arithmetic(p, &seeded(v, cx.chance), |tone, x| Tone {
            velocity: x,
            ..tone
        }),
        Transform::Gain(v) => {
            arithmetic(p, &seeded(v, cx.chance), |tone, x| Tone { gain: x, ..tone })
        }
        Transform::Off(time, inner) => {
            let f = func(inner, cx);
            let p = p.clone();
            time.each(move |t| p.off(t, &f))
        }
        Transform::Superimpose(ts) | Transform::Layer(ts) => {
            let fs: Vec<Func<Tone>> = ts.iter().map(|t| func(t, cx)).collect();
            if matches!(t, Transform::Layer(_)) {
                p.layer(&fs)
            } else {
                p.superimpose(&fs)
            }
        }
        Transform::Iter(n, back) => {
            let (p, back) = (p.clone(), *back);
            n.each(move |n| p.iter_by(n.to_integer(), back))
        }
        Transform::Palindrome => {
            p.last_of(2, &(Arc::new(|p: &Pattern<Tone>| p.rev()) as Func<Tone>))
        }
        Transform::Chunk(n, inner, back) => {
            let (f, p, back) = (func(inner, cx), p.clone(), *back);
            n.each(move |n| p.chunk(n.to_integer(), &f, back))
        }
        Transform::SometimesBy(chance, inner) | Transform::SomeCyclesBy(chance, inner) => {
            let f = func(inner, cx);
            let cycles = matches!(t, Transform::SomeCyclesBy(..));
            per_number(chance, p, move |p, x| {
                if cycles {
                    p.some_cycles_by(x, &f, cx.chance)
                } else {
                    p.sometimes_by(x, &f, cx.chance)
                }
            })
        }
        Transform::Echo(count, time, feedback) => p.echo(*count, *time, *feedback),
        Transform::Struct(hits) => p.structure(hits),
        Transform::Mask(hits) => p.mask(hits),
        Transform::Segment(n) => p.segment(*n),
        Transform::Linger(t) => {
            let p = p.clone();
            t.each(move |t| p.linger(t))
        }
        Transform::Inside(n, outside, inner) => {
            let (f, p, outside) = (func(inner, cx), p.clone(), *outside);
            n.each(move |n| p.inside(if outside { n.recip() } else { n }, &f))
        }
        Transform::Brak => p.brak(),
        Transform::Early(by) | Transform::Late(by) => {
            let (p, early) = (p.clone(), matches!(t, Transform::Early(_)));
            by.each(move |t| if early { p.early(t) } else { p.late(t) })
        }
        Transform::SwingBy(amount, n) => {
            let half = *amount / Time::from_integer(2);
            let shift = Span::Pattern(Pattern::fastcat(vec![
                Pattern::pure(Time::ZERO),
                Pattern::pure(half),
            ]));
            let f: Func<Tone> = Arc::new(move |p: &Pattern<Tone>| {
                let p = p.clone();
                shift.each(move |t| p.late(t))
            });
            p.inside(Time::from_integer(*n), &f)
        }
        Transform::Arp(indices) => p.arp_indices(indices),
        Transform::Legato(lengths) => {
            let tones = p.fmap(|t| (*t, 1.0));
            let with = match lengths {
                Num::Const(x) => {
                    let x = *x;
                    tones.fmap(move |(t, _)| (*t, x))
                }
                Num::Pattern(xs) => tones.app_left_discrete(xs, |(t, _), x| (*t, *x)),
                Num::Signal(xs) => tones.app_left(xs, |(t, _), x| (*t, *x)),
            };
            with.flat_map_haps(|h, out| {
                let Some(whole) = h.whole else {
                    out.push(h.with_value(h.value.0));
                    return;
                };
                let Some(share) = exact(h.value.1).filter(|s| *s > Time::ZERO) else {
                    return;
                };
                let end = whole.begin + whole.duration() * share;
                let whole = crate::pattern::Span::new(whole.begin, end);
                if let Some(part) = h.part.intersection(&whole).filter(|p| p.begin < p.end) {
                    out.push(crate::pattern::Hap::new(Some(whole), part, h.value.0));
                }
            })
        }
        Transform::Seed(_) => p.clone(),
    }
}

/// A share as an exact time, to a thousandth.
fn exact(x: f64) -> Option<Time> {
    x.is_finite()
        .then(|| Time::new((x * 1000.0).round() as i64, 1000))
}

/// `f` of the pattern with each number `n` holds: one number, or read per cycle.
fn per_number(
    n: &Num,
    p: &Pattern<Tone>,
    f: impl Fn(&Pattern<Tone>, f64) -> Pattern<Tone> + Send + Sync + 'static,
) -> Pattern<Tone> {
    match n {
        Num::Const(x) => f(p, *x),
        Num::Pattern(xs) | Num::Signal(xs) => {
            let p = p.clone();
            xs.inner_bind(move |x| f(&p, *x))
        }
    }
}

/// Each note combined with the number `v` holds where the note starts; the notes keep their
/// own rhythm (Strudel's arithmetic and its controls such as `velocity`).
fn arithmetic(
    p: &Pattern<Tone>,
    v: &Num,
    f: impl Fn(Tone, f64) -> Tone + Send + Sync + 'static,
) -> Pattern<Tone> {
    match v {
        Num::Const(x) => {
            let x = *x;
            p.update_values(move |t| *t = f(*t, x))
        }
        Num::Pattern(xs) => p.app_left_discrete(xs, move |t, x| f(*t, *x)),
        Num::Signal(xs) => p.app_left(xs, move |t, x| f(*t, *x)),
    }
}

/// A signal read from where the song's seed puts Strudel's dice: `seed N` adds N to the time
/// random signals read at. The other signals repeat every cycle, so a whole-cycle shift
/// leaves them as they are.
fn seeded(v: &Num, seed: f64) -> Num {
    match v {
        Num::Signal(xs) if seed != 0.0 => Num::Signal(xs.early(Time::from_integer(seed as i64))),
        other => other.clone(),
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
