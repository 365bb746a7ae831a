//! The arguments the toolbox's transforms take: a number, a time or a `"pattern"` of them
//! (read per cycle, as Strudel patterns its arguments), a signal (`irand 8`,
//! `saw range 0 7 segment 8`), a rhythm of hits (`"x ~ x"`), and a scale (`c:minor`).

use super::compile::Compiler;
use super::syntax::{Statement, Token};
use super::values::err;
use crate::lang::diagnostic::Diagnostic;
use crate::pattern::{Pattern, Value, signal};
use crate::theory::scale::{RootedScale, parse_scale_parts};
use crate::theory::tempo::parse_rate;
use crate::theory::time::{Time, parse_decimal};

/// A number, or a pattern of them to read per cycle.
#[derive(Clone)]
pub(super) enum Num {
    /// One number.
    Const(f64),
    /// A mini-notation pattern of numbers.
    Pattern(Pattern<f64>),
    /// A continuous signal, sampled where it is used.
    Signal(Pattern<f64>),
}

impl Num {
    /// The numbers as a pattern.
    pub(super) fn pattern(&self) -> Pattern<f64> {
        match self {
            Num::Const(v) => Pattern::pure(*v),
            Num::Pattern(p) | Num::Signal(p) => p.clone(),
        }
    }
}

/// A time in cycles (`1/8`, `0.25`), or a pattern of them to read per cycle.
#[derive(Clone)]
pub(super) enum Span {
    /// One time.
    Const(Time),
    /// A mini-notation pattern of times.
    Pattern(Pattern<Time>),
}

impl Span {
    /// Plays `f` of each time the argument holds, read per cycle (Strudel's inner join).
    pub(super) fn each<T: crate::pattern::pattern::Payload>(
        &self,
        f: impl Fn(Time) -> Pattern<T> + Send + Sync + 'static,
    ) -> Pattern<T> {
        match self {
            Span::Const(t) => f(*t),
            Span::Pattern(p) => p.inner_bind(move |t| f(*t)),
        }
    }
}

impl Span {
    /// The largest and smallest values it holds (a pattern's, over 64 cycles: longer than
    /// any `<…>` written by hand takes to come round), for what a transform may cost.
    pub(super) fn bounds(&self) -> (Time, Time) {
        match self {
            Span::Const(t) => (*t, *t),
            Span::Pattern(p) => {
                let haps = p.query(crate::pattern::Span::new(
                    Time::ZERO,
                    Time::from_integer(64),
                ));
                let lo = haps.iter().map(|h| h.value).min().unwrap_or(Time::ZERO);
                let hi = haps.iter().map(|h| h.value).max().unwrap_or(Time::ZERO);
                (lo, hi)
            }
        }
    }
}

/// What a time argument's text means: a decimal (`0.25`) or a fraction (`1/8`, `-1/3`).
fn time_text(text: &str) -> Option<Time> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text),
    };
    let t = parse_decimal(body).or_else(|| parse_rate(body).filter(|_| body.contains('/')))?;
    Some(if neg { -t } else { t })
}

/// The signal names the toolbox knows: Strudel's continuous ones and the random choosers.
pub(super) const SIGNAL_WORDS: &[&str] = &[
    "sine", "cosine", "saw", "isaw", "tri", "square", "rand", "perlin", "irand", "choose",
    "wchoose",
];

impl Compiler {
    /// A quoted pattern's values, each checked by `read`, as a pattern of what it reads.
    fn read_pattern<U: crate::pattern::pattern::Payload>(
        &self,
        tok: &Token,
        what: &str,
        example: &str,
        read: impl Fn(&Value) -> Option<U> + Send + Sync + 'static,
    ) -> Result<Pattern<U>, Diagnostic> {
        let play = self.mini(tok)?;
        for atom in &play.atoms {
            if read(&Value::from_atom(&atom.text)).is_none() {
                let span = atom.span.start + play.offset..atom.span.end + play.offset;
                return Err(err(
                    &span,
                    format!("expected {what}, got `{}`", atom.text),
                    "not understood",
                    format!("for example `{example}`"),
                ));
            }
        }
        Ok(play
            .compiled
            .pattern
            .flat_map_values(move |v, out| out.extend(read(v))))
    }

    /// A number, a `"pattern"` of numbers, or a signal, starting at token `at`; returns it
    /// and the index of its last token.
    pub(super) fn num_arg(
        &self,
        stmt: &Statement,
        at: usize,
        example: &str,
    ) -> Result<(Num, usize), Diagnostic> {
        let tok = need(stmt, at, "a number", example)?;
        if tok.quoted {
            let p = self.read_pattern(tok, "a number", example, Value::as_f64)?;
            return Ok((Num::Pattern(p), at));
        }
        if let Ok(v) = tok.text.parse::<f64>()
            && v.is_finite()
        {
            return Ok((Num::Const(v), at));
        }
        if let Some(t) = time_text(&tok.text) {
            return Ok((Num::Const(t.to_f64()), at));
        }
        let (sig, last) = self.signal_arg(stmt, at, example)?;
        Ok((Num::Signal(sig), last))
    }

    /// A time in cycles or a `"pattern"` of them at token `at`.
    pub(super) fn time_arg(
        &self,
        stmt: &Statement,
        at: usize,
        example: &str,
    ) -> Result<Span, Diagnostic> {
        let tok = need(stmt, at, "a time in cycles", example)?;
        if tok.quoted {
            let p = self.read_pattern(tok, "a time in cycles", example, |v| {
                v.as_time().or_else(|| v.as_f64().and_then(time_of_float))
            })?;
            return Ok(Span::Pattern(p));
        }
        time_text(&tok.text).map(Span::Const).ok_or_else(|| {
            err(
                &tok.span,
                format!("expected a time in cycles, got `{}`", tok.text),
                "not a time",
                format!("a fraction of a cycle such as `1/8` or `0.25`, as in `{example}`"),
            )
        })
    }

    /// A whole number or a `"pattern"` of them at token `at`, each within `min..=max`.
    pub(super) fn count_arg(
        &self,
        stmt: &Statement,
        at: usize,
        (min, max): (i64, i64),
        example: &str,
    ) -> Result<Span, Diagnostic> {
        let tok = need(stmt, at, "a whole number", example)?;
        let what = format!("a whole number from {min} to {max}");
        let ok = move |v: f64| v.fract() == 0.0 && v >= min as f64 && v <= max as f64;
        if tok.quoted {
            let p = self.read_pattern(tok, &what, example, move |v| {
                v.as_f64()
                    .filter(|f| ok(*f))
                    .map(|f| Time::from_integer(f as i64))
            })?;
            return Ok(Span::Pattern(p));
        }
        let name = format!("`{}`", stmt.tokens[at - 1].text.to_ascii_lowercase());
        super::values::int(tok, min, max, &name).map(|n| Span::Const(Time::from_integer(n)))
    }

    /// A rhythm of hits at token `at`: `"x ~ x x"`, `"1 0 1 1"` or `"x(3,8)"`; `x`, `t`,
    /// `true` and non-zero numbers are hits.
    pub(super) fn hits_arg(
        &self,
        stmt: &Statement,
        at: usize,
        example: &str,
    ) -> Result<Pattern<bool>, Diagnostic> {
        let tok = need(stmt, at, "a rhythm in quotes", example)?;
        if !tok.quoted {
            return Err(err(
                &tok.span,
                format!("expected a rhythm in quotes, got `{}`", tok.text),
                "not a rhythm",
                format!("for example `{example}`"),
            ));
        }
        self.read_pattern(
            tok,
            "a hit (`x`, `1`) or a rest (`0`)",
            example,
            |v| match v {
                Value::Num { float, .. } => Some(*float != 0.0),
                Value::Word(w) => match w.as_ref() {
                    "x" | "t" | "true" => Some(true),
                    "f" | "false" => Some(false),
                    _ => None,
                },
                Value::List(_) => None,
            },
        )
    }

    /// A scale (`c:minor`, `a2:harmonic:minor`) or a `"pattern"` of them at token `at`: the
    /// scales as a pattern, and the scale itself when only one is written.
    pub(super) fn scale_arg(
        &self,
        stmt: &Statement,
        at: usize,
    ) -> Result<(Pattern<RootedScale>, Option<RootedScale>), Diagnostic> {
        let example = "scale c:minor";
        let tok = need(stmt, at, "a scale", example)?;
        let read = |v: &Value| -> Option<RootedScale> {
            match v {
                Value::List(parts) => {
                    let words: Vec<String> = parts.iter().map(value_text).collect();
                    let words: Vec<&str> = words.iter().map(String::as_str).collect();
                    parse_scale_parts(&words).ok()
                }
                other => parse_scale_parts(&[&value_text(other)]).ok(),
            }
        };
        if tok.quoted {
            let play = self.mini(tok)?;
            // A scale is several atoms (`a`, `harmonic`, `minor`), so each is checked as the
            // pattern plays it, over more cycles than any `<…>` of scales takes to come round.
            let span = crate::pattern::Span::new(Time::ZERO, Time::from_integer(64));
            for v in play.compiled.pattern.query(span) {
                if read(&v.value).is_none() {
                    return Err(scale_error(tok, &value_text(&v.value)));
                }
            }
            let scales = play
                .compiled
                .pattern
                .flat_map_values(move |v, out| out.extend(read(v)));
            return Ok((scales, None));
        }
        let parts: Vec<&str> = tok.text.split(':').collect();
        parse_scale_parts(&parts)
            .map(|scale| (Pattern::pure(scale), Some(scale)))
            .map_err(|_| scale_error(tok, &tok.text))
    }

    /// A signal at token `at` (`sine`, `irand 8`, `choose 0 2 4`), with the settings after it
    /// in the order written (`range LO HI`, `segment N`, `slow N`, `fast N`); wrapped in
    /// parentheses, it ends at the closing one. Returns it and the index of its last token.
    pub(super) fn signal_arg(
        &self,
        stmt: &Statement,
        at: usize,
        example: &str,
    ) -> Result<(Pattern<f64>, usize), Diagnostic> {
        let toks = &stmt.tokens;
        let wrapped = toks.get(at).is_some_and(|t| !t.quoted && t.text == "(");
        let mut i = if wrapped { at + 1 } else { at };
        let name_tok = need(stmt, i, "a number or a signal", example)?;
        let name = name_tok.text.to_ascii_lowercase();
        let mut sig = match name.as_str() {
            "irand" => {
                let n = number(need(stmt, i + 1, "how many values", "irand 8")?)?;
                i += 1;
                signal::rand().fmap(move |r| (r * n).trunc())
            }
            "choose" => {
                let mut xs = Vec::new();
                while let Some(t) = toks.get(i + 1).filter(|t| t.text.parse::<f64>().is_ok()) {
                    xs.push(number(t)?);
                    i += 1;
                }
                if xs.is_empty() {
                    return Err(err(
                        &name_tok.span,
                        "`choose` needs the values to choose from",
                        "nothing to choose",
                        "for example `choose 0 2 4 7`",
                    ));
                }
                signal::rand().fmap(move |r| {
                    let k = ((r * xs.len() as f64).floor() as usize).min(xs.len() - 1);
                    xs[k]
                })
            }
            "wchoose" => {
                let mut pairs = Vec::new();
                while let Some(t) = toks
                    .get(i + 1)
                    .filter(|t| !t.quoted && t.text.contains(':'))
                {
                    let pair = t
                        .text
                        .split_once(':')
                        .and_then(|(v, w)| Some((v.parse::<f64>().ok()?, w.parse::<f64>().ok()?)));
                    match pair {
                        Some((v, w)) if v.is_finite() && w.is_finite() && w >= 0.0 => {
                            pairs.push((v, w))
                        }
                        _ => {
                            return Err(err(
                                &t.span,
                                format!("expected VALUE:WEIGHT, got `{}`", t.text),
                                "not a weighted value",
                                "for example `wchoose 0.3:1 0.6:2 1:4`",
                            ));
                        }
                    }
                    i += 1;
                }
                let total: f64 = pairs.iter().map(|p| p.1).sum();
                if pairs.is_empty() || total <= 0.0 {
                    return Err(err(
                        &name_tok.span,
                        "`wchoose` needs values with weights above 0",
                        "nothing to choose",
                        "for example `wchoose 0.3:1 0.6:2 1:4`",
                    ));
                }
                // The first value whose running weight passes the roll, as Strudel picks.
                signal::rand().fmap(move |r| {
                    let goal = r * total;
                    let mut sum = 0.0;
                    for (v, w) in &pairs {
                        sum += w;
                        if sum > goal {
                            return *v;
                        }
                    }
                    pairs[pairs.len() - 1].0
                })
            }
            other => signal::named(other).ok_or_else(|| {
                let known = SIGNAL_WORDS.join(", ");
                err(
                    &name_tok.span,
                    format!(
                        "expected a number, a \"pattern\" or a signal, got `{}`",
                        name_tok.text
                    ),
                    "not a value",
                    format!("a signal is one of {known}; for example `{example}`"),
                )
            })?,
        };
        while let Some(key) = toks.get(i + 1).filter(|t| !t.quoted) {
            match key.text.to_ascii_lowercase().as_str() {
                "range" => {
                    let lo = number(need(stmt, i + 2, "a low value", "range 0 7")?)?;
                    let hi = number(need(stmt, i + 3, "a high value", "range 0 7")?)?;
                    sig = sig.fmap(move |v| v * (hi - lo) + lo);
                    i += 3;
                }
                "segment" => {
                    let tok = need(stmt, i + 2, "steps a cycle", "segment 8")?;
                    let n = super::values::int(tok, 1, 256, "steps a cycle")?;
                    sig = sig.segment(n);
                    i += 2;
                }
                "slow" | "fast" => {
                    let kw = key.text.to_ascii_lowercase();
                    let t =
                        super::transforms::speed(need(stmt, i + 2, "a factor", "slow 2")?, &kw)?;
                    sig = if kw == "fast" {
                        sig.fast(t)
                    } else {
                        sig.slow(t)
                    };
                    i += 2;
                }
                _ => break,
            }
        }
        if wrapped {
            match toks.get(i + 1) {
                Some(t) if t.text == ")" && !t.quoted => i += 1,
                _ => {
                    let end = toks.get(i).map_or(stmt.span.end, |t| t.span.end);
                    return Err(err(
                        &(end..end),
                        "this signal's parenthesis is never closed",
                        "unclosed",
                        "end it with `)`, as in `(saw range 0 1)`",
                    ));
                }
            }
        }
        Ok((sig, i))
    }
}

/// A float time as an exact one, when it is a plain fraction of a small denominator.
fn time_of_float(f: f64) -> Option<Time> {
    (1..=1000)
        .find(|d| ((f * *d as f64).round() - f * *d as f64).abs() < 1e-9)
        .map(|d| Time::new((f * d as f64).round() as i64, d))
}

/// The text of a value, as written.
fn value_text(v: &Value) -> String {
    match v {
        Value::Word(w) => w.to_string(),
        Value::Num { float, .. } => float.to_string(),
        Value::List(parts) => parts.iter().map(value_text).collect::<Vec<_>>().join(":"),
    }
}

/// The scale parser's error about `text`, at `tok`.
fn scale_error(tok: &Token, text: &str) -> Diagnostic {
    let parts: Vec<&str> = text.split(':').collect();
    let e = parse_scale_parts(&parts).err();
    let (message, hint) = match e {
        Some(e) => (e.message, e.hint),
        None => (
            format!("`{text}` is not a scale"),
            "for example `c:minor`".to_string(),
        ),
    };
    err(&tok.span, message, "not a scale", hint)
}

/// A plain number token.
fn number(tok: &Token) -> Result<f64, Diagnostic> {
    tok.text
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            err(
                &tok.span,
                format!("expected a number, got `{}`", tok.text),
                "not a number",
                "for example `range 0 7`",
            )
        })
}

/// Token `at` of the statement, or an error at the line's end saying what is missing.
pub(super) fn need<'a>(
    stmt: &'a Statement,
    at: usize,
    what: &str,
    example: &str,
) -> Result<&'a Token, Diagnostic> {
    stmt.tokens.get(at).ok_or_else(|| {
        let end = stmt.tokens.last().map_or(stmt.span.end, |t| t.span.end);
        err(
            &(end..end),
            format!(
                "`{}` needs {what}",
                stmt.tokens[at.min(stmt.tokens.len()).saturating_sub(1)].text
            ),
            "missing value",
            format!("for example `{example}`"),
        )
    })
}
