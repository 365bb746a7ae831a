//! Turns the mini-notation tree into a pattern, with Strudel's semantics for every construct.
//!
//! It also bounds what a pattern may ask of the engine: how many events one cycle may hold and
//! how fine its time grid may get. Exact time uses 64-bit fractions; these bounds keep every
//! query far from overflow, so no input can make flam panic or hang.

use std::ops::Range;

use super::ast::{Base, Group, Op, Sequence, Step};
use crate::lang::diagnostic::Diagnostic;
use crate::pattern::{Pattern, Value, period};
use crate::theory::time::{Time, lcm, parse_decimal};

/// The most events one cycle of a pattern may hold.
pub const MAX_EVENTS_PER_CYCLE: f64 = 65_536.0;
/// How fine the time grid may get: the product of every speed-up and subdivision on the way
/// down to a step (numerators and denominators both count).
pub const MAX_GRID: f64 = (1u64 << 20) as f64;

/// A compiled mini-notation string.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// Its events.
    pub pattern: Pattern<Value>,
    /// Strudel's step count of the whole pattern; `None` where Strudel has none (random choice).
    pub steps: Option<Time>,
    /// An upper bound on how many events one cycle holds, at most [`MAX_EVENTS_PER_CYCLE`].
    pub density: f64,
}

/// What the compiler knows about a piece besides its pattern.
#[derive(Clone, Copy)]
struct Info {
    steps: Option<Time>,
    /// Whether a `^` inside makes this piece set its parent's step count.
    source: bool,
    /// An upper bound on events per cycle.
    density: f64,
}

type Out = Result<(Pattern<Value>, Info), Diagnostic>;

/// Compiles a parsed mini-notation string.
pub fn compile(group: &Group) -> Result<Compiled, Diagnostic> {
    let (pattern, info) = Compiler.group(group, 1.0)?;
    // Steps check their own density; the whole pattern is no step, so check it here.
    if info.density > MAX_EVENTS_PER_CYCLE {
        return Err(too_dense(&group_span(group), info.density));
    }
    Ok(Compiled {
        // Answered from a table of its cycles wherever it repeats: the engine asks for every
        // bar, and the tree below need not run again.
        pattern: pattern.memo(),
        steps: info.steps,
        density: info.density,
    })
}

fn one() -> Time {
    Time::from_integer(1)
}

/// How much a time factor refines the grid.
pub fn grid_cost(t: Time) -> f64 {
    (t.numer().unsigned_abs() as f64) * (*t.denom() as f64)
}

fn too_dense(span: &Range<usize>, density: f64) -> Diagnostic {
    Diagnostic::new(
        span.clone(),
        format!(
            "this pattern may play up to {} events per cycle; the limit is {}",
            density.min(1e18) as u64,
            MAX_EVENTS_PER_CYCLE as u64
        ),
        "too dense",
    )
    .with_help("use fewer subdivisions, or slow this part down with `/`")
}

/// The sequences of a group, whatever separates them.
fn group_sequences(group: &Group) -> &[Sequence] {
    match group {
        Group::Seq(s) => std::slice::from_ref(s),
        Group::Stack(s) | Group::Choose(s, _) | Group::Dots(s) => s.as_slice(),
    }
}

/// Where a group is in the source: from its first sequence to its last.
fn group_span(group: &Group) -> Range<usize> {
    let seqs = group_sequences(group);
    match (seqs.first(), seqs.last()) {
        (Some(first), Some(last)) => first.span.start..last.span.end,
        _ => 0..0,
    }
}

fn too_fine(span: &Range<usize>) -> Diagnostic {
    Diagnostic::new(
        span.clone(),
        "this pattern subdivides time too finely for flam to keep it exact",
        "too fine",
    )
    .with_help(format!(
        "the product of every `*`, `/` and subdivision down to one step must stay under {}",
        MAX_GRID as u64
    ))
}

struct Compiler;

impl Compiler {
    fn group(&self, group: &Group, grid: f64) -> Out {
        match group {
            Group::Seq(seq) => self.sequence(seq, grid),
            Group::Stack(seqs) => {
                let mut pats = Vec::new();
                let mut steps: Option<Time> = None;
                let mut density = 0.0;
                let mut source = false;
                for seq in seqs {
                    let (p, info) = self.sequence(seq, grid)?;
                    pats.push(p);
                    steps = stack_steps(steps, info.steps);
                    density += info.density;
                    source |= info.source;
                }
                Ok((
                    Pattern::stack(pats),
                    Info {
                        steps,
                        source,
                        density,
                    },
                ))
            }
            Group::Choose(seqs, seed) => {
                let mut pats = Vec::new();
                let mut density: f64 = 0.0;
                for seq in seqs {
                    let (p, info) = self.sequence(seq, grid)?;
                    pats.push(p);
                    density = density.max(info.density);
                }
                // The choice is new every cycle; what it chooses from repeats.
                let pats = pats.iter().map(Pattern::memo).collect();
                Ok((
                    Pattern::choose_cycle(pats, *seed),
                    Info {
                        steps: None,
                        source: false,
                        density,
                    },
                ))
            }
            Group::Dots(seqs) => {
                let n = seqs.len() as f64;
                let mut pats = Vec::new();
                let mut density = 0.0;
                for seq in seqs {
                    let (p, info) = self.sequence(seq, grid * n)?;
                    pats.push(p);
                    density += info.density;
                }
                let steps = Some(Time::from_integer(seqs.len() as i64));
                Ok((
                    Pattern::fastcat(pats),
                    Info {
                        steps,
                        source: false,
                        density,
                    },
                ))
            }
        }
    }

    fn sequence(&self, seq: &Sequence, grid: f64) -> Out {
        let total: Time = seq.steps.iter().map(|s| s.weight).sum();
        let mut parts = Vec::new();
        let mut density = 0.0;
        let mut marked_steps: Option<Time> = None;
        let mut source = seq.marked;
        for step in &seq.steps {
            let share = if total > Time::from_integer(0) {
                step.weight / total
            } else {
                one()
            };
            let (p, info) = self.step(step, grid * grid_cost(share))?;
            if info.source
                && let Some(s) = info.steps
            {
                marked_steps = Some(marked_steps.map_or(s, |m| lcm(m, s)));
                source = true;
            }
            density += info.density;
            parts.push((step.weight, p));
        }
        let steps = Some(match marked_steps {
            Some(m) => total * m,
            None => total,
        });
        debug_assert_eq!(sequence_tactus(seq), (steps, source));
        let pattern = if parts.len() == 1 {
            parts.pop().map(|(_, p)| p).unwrap_or_else(Pattern::silence)
        } else {
            Pattern::timecat(parts)
        };
        Ok((
            pattern.with_steps(steps),
            Info {
                steps,
                source,
                density,
            },
        ))
    }

    fn step(&self, step: &Step, grid: f64) -> Out {
        // The step's operators rescale everything inside it, brackets and arguments alike, so
        // all of it lives on the finer grid they make: `[[a]/3]/3` is a ninth, not a third.
        let grid = grid * step.ops.iter().map(|op| op_grid(step, op)).product::<f64>();
        if grid > MAX_GRID {
            return Err(too_fine(&step.span));
        }
        let (mut pat, mut info) = self.base(step, grid)?;
        // `a:b` of plain atoms is one constant value: folding it here saves every query a join
        // (chord symbols such as `c4:maj7` are queried many times a bar by an arpeggiator).
        let mut constant = match &step.base {
            Base::Atom(text) => Some(Value::from_atom(text)),
            _ => None,
        };
        for op in &step.ops {
            (pat, info) = self.op(step, op, pat, info, grid)?;
            constant = match (constant, op) {
                (Some(value), Op::Tail(arg)) => single_atom(arg).map(|text| {
                    let value = value.tail(&Value::from_atom(text));
                    pat = Pattern::pure(value.clone()).with_steps(pat.steps());
                    value
                }),
                _ => None,
            };
        }
        if info.density > MAX_EVENTS_PER_CYCLE {
            return Err(too_dense(&step.span, info.density));
        }
        Ok((pat, info))
    }

    fn base(&self, step: &Step, grid: f64) -> Out {
        let unit = Info {
            steps: Some(one()),
            source: false,
            density: 1.0,
        };
        match &step.base {
            Base::Atom(text) => Ok((Pattern::pure(Value::from_atom(text)), unit)),
            Base::Rest => Ok((
                Pattern::silence().with_steps(Some(one())),
                Info {
                    density: 0.0,
                    ..unit
                },
            )),
            Base::Sub(group) => self.group(group, grid),
            Base::Alternate(group) => {
                let seqs = match group.as_ref() {
                    Group::Stack(seqs) => seqs.iter().collect::<Vec<_>>(),
                    Group::Seq(seq) => vec![seq],
                    other => {
                        let (p, info) = self.group(other, grid)?;
                        return Ok((
                            p,
                            Info {
                                steps: Some(one()),
                                ..info
                            },
                        ));
                    }
                };
                let mut pats = Vec::new();
                let mut density = 0.0;
                for seq in seqs {
                    let n = seq.steps.iter().map(|s| s.weight).sum::<Time>();
                    let (p, info) = self.sequence(seq, grid * grid_cost(n.max(one())))?;
                    let tactus = info.steps.unwrap_or(one());
                    pats.push(p.slow(tactus));
                    // `<a@0.001>` turns over a thousand times a cycle.
                    density += info.density * slowdown_speed(tactus) + 1.0;
                }
                Ok((
                    Pattern::stack(pats).with_steps(Some(one())),
                    Info {
                        steps: Some(one()),
                        source: false,
                        density,
                    },
                ))
            }
            Base::Polymeter(group, per_cycle) => {
                let seqs = match group.as_ref() {
                    Group::Stack(seqs) => seqs.iter().collect::<Vec<_>>(),
                    Group::Seq(seq) => vec![seq],
                    other => return self.group(other, grid),
                };
                let (per_cycle_pat, per_cycle_values, per_cycle_const) = match per_cycle {
                    Some(arg) => {
                        let values = numbers(arg, "`%`")?;
                        let (p, _) = self.step(arg, grid)?;
                        let constant = single_atom(arg).and(values.first().copied());
                        (Some(p), values, constant)
                    }
                    None => {
                        let s = sequence_tactus(seqs[0]).0.unwrap_or(one());
                        (None, vec![s], Some(s))
                    }
                };
                let mut pats = Vec::new();
                let mut density = 0.0;
                for seq in seqs {
                    let tactus = sequence_tactus(seq)
                        .0
                        .filter(|t| *t > Time::from_integer(0))
                        .unwrap_or(one());
                    let worst_ratio = per_cycle_values
                        .iter()
                        .map(|v| grid_cost(*v / tactus))
                        .fold(1.0, f64::max);
                    let max_speed = per_cycle_values
                        .iter()
                        .map(|v| (*v / tactus).ceil().to_integer() as f64)
                        .fold(1.0, f64::max);
                    let (p, info) = self.sequence(seq, grid * worst_ratio)?;
                    density += info.density * max_speed + 1.0;
                    let aligned = match (per_cycle_const, &per_cycle_pat) {
                        (Some(c), _) => p.fast(c / tactus),
                        (None, Some(steps)) => {
                            let period = speeds_period(
                                p.period(),
                                per_cycle_values.iter().map(|v| *v / tactus),
                                steps,
                                per_cycle.as_deref(),
                            );
                            steps
                                .inner_bind(move |v| match v.as_time() {
                                    Some(s) => p.fast(s / tactus),
                                    None => Pattern::silence(),
                                })
                                .with_period(period)
                        }
                        (None, None) => p,
                    };
                    pats.push(aligned);
                }
                let steps = per_cycle_const.or(Some(one()));
                Ok((
                    Pattern::stack(pats).with_steps(steps),
                    Info {
                        steps,
                        source: false,
                        density,
                    },
                ))
            }
        }
    }

    /// Applies one operator; `grid` already counts what every operator of the step refines.
    fn op(&self, step: &Step, op: &Op, pat: Pattern<Value>, info: Info, grid: f64) -> Out {
        match op {
            Op::Fast(arg) | Op::Slow(arg) => {
                let fast = matches!(op, Op::Fast(_));
                let symbol = if fast { "`*`" } else { "`/`" };
                // A speed-up past the number limit is too dense before it is too large: say
                // so as `bd*65536` does, not that it is no number.
                if fast && let Some(huge) = largest_atom(arg).filter(|v| *v > 65_536.0) {
                    return Err(too_dense(&step.span, info.density * huge + 1.0));
                }
                let values = numbers(arg, symbol)?;
                let speed = values
                    .iter()
                    .map(|v| {
                        if fast {
                            v.ceil().to_integer() as f64
                        } else {
                            slowdown_speed(*v)
                        }
                    })
                    .fold(1.0, f64::max);
                let density = info.density * speed + 1.0;
                let out = match single_atom(arg).and(values.first().copied()) {
                    Some(v) if fast => pat.fast(v),
                    Some(v) => pat.slow(v),
                    None => {
                        let (factor, _) = self.step(arg, grid)?;
                        let period = speeds_period(
                            pat.period(),
                            values.iter().map(|v| if fast { *v } else { v.recip() }),
                            &factor,
                            Some(arg),
                        );
                        factor
                            .inner_bind(move |v| match v.as_time() {
                                Some(f) if fast => pat.fast(f),
                                Some(f) => pat.slow(f),
                                None => Pattern::silence(),
                            })
                            .with_period(period)
                    }
                };
                Ok((out, Info { density, ..info }))
            }
            Op::Degrade(amount, seed, _) => {
                // The dice fall anew every cycle; what they thin out repeats.
                Ok((pat.memo().degrade_by(amount.unwrap_or(0.5), *seed), info))
            }
            Op::Tail(arg) => {
                let (other, other_info) = self.step(arg, grid)?;
                let density = info.density * other_info.density.max(1.0);
                Ok((
                    pat.app_left(&other, |a, b| a.tail(b)),
                    Info { density, ..info },
                ))
            }
            Op::Range(arg) => {
                numbers(arg, "`..`")?;
                let (other, other_info) = self.step(arg, grid)?;
                // A range plays every whole step from its start to its end, so both bound how
                // many numbers it holds; `99999 .. 0` holds a hundred thousand.
                let widest = range_width(step, arg);
                let density = info.density * other_info.density.max(1.0) * widest;
                if density > MAX_EVENTS_PER_CYCLE {
                    return Err(too_dense(&step.span, density));
                }
                // Every range repeats each cycle, so the ends' periods are the whole's.
                let period = period::lcm(pat.period(), other.period());
                let out = pat
                    .squeeze_bind(move |a| {
                        let a = a.as_f64();
                        other.bind(move |b| match (a, b.as_f64()) {
                            (Some(a), Some(b)) => Pattern::fastcat(range_values(a, b)),
                            _ => Pattern::silence(),
                        })
                    })
                    .with_period(period);
                Ok((out, Info { density, ..info }))
            }
            Op::Euclid(k, n, r) => {
                let ks = integers(k, "the number of hits")?;
                let ns = integers(n, "the number of steps")?;
                let rs = match r {
                    Some(r) => integers(r, "the rotation")?,
                    None => vec![0],
                };
                if let Some(bad) = ns.iter().find(|n| !(1..=4096).contains(*n)) {
                    return Err(Diagnostic::new(
                        n.span.clone(),
                        format!("a Euclidean rhythm needs from 1 to 4096 steps, got {bad}"),
                        "bad step count",
                    )
                    .with_help("in `bd(3,8)` the 8 is the number of steps"));
                }
                let max_n = ns.iter().copied().max().unwrap_or(1) as f64;
                let density = max_n * info.density.max(1.0);
                let constant = |s: &Sequence, v: &[i64]| {
                    (s.steps.len() == 1 && single_atom(&s.steps[0]).is_some()).then(|| v[0])
                };
                let kc = constant(k, &ks);
                let nc = constant(n, &ns);
                let rc = match r {
                    Some(r) => constant(r, &rs),
                    None => Some(0),
                };
                let out = match (kc, nc, rc) {
                    (Some(k), Some(n), Some(r)) => pat.euclid(k, n, r),
                    _ => {
                        let (kp, _) = self.sequence(k, grid)?;
                        let (np, _) = self.sequence(n, grid)?;
                        let rp = match r {
                            Some(r) => self.sequence(r, grid)?.0,
                            None => Pattern::pure(Value::number(0.0)),
                        };
                        let args = kp
                            .app_left(&np, |a, b| (a.clone(), b.clone()))
                            .app_left(&rp, |(a, b), c| (a.clone(), b.clone(), c.clone()));
                        // Every rhythm repeats each cycle; the values it keeps, with the pattern.
                        let period = period::lcm(args.period(), pat.period());
                        args.inner_bind(move |(k, n, r)| match (int_of(k), int_of(n), int_of(r)) {
                            (Some(k), Some(n), Some(r)) => pat.euclid(k, n, r),
                            _ => Pattern::silence(),
                        })
                        .with_period(period)
                    }
                };
                Ok((out, Info { density, ..info }))
            }
        }
    }
}

/// The step count of layers stacked so far, with one more layer's.
fn stack_steps(so_far: Option<Time>, layer: Option<Time>) -> Option<Time> {
    match (so_far, layer) {
        (Some(a), Some(b)) if a > Time::from_integer(0) && b > Time::from_integer(0) => {
            Some(lcm(a, b))
        }
        (None, b) => b,
        (a, _) => a,
    }
}

/// A sequence's step count and whether a `^` inside marks it, as compiling it reports them,
/// without compiling it. A polymeter needs its parts' step counts before it compiles them;
/// compiling each part an extra time took time exponential in how deeply `{ }` nest.
fn sequence_tactus(seq: &Sequence) -> (Option<Time>, bool) {
    let total: Time = seq.steps.iter().map(|s| s.weight).sum();
    let mut marked_steps: Option<Time> = None;
    let mut source = seq.marked;
    for step in &seq.steps {
        // Operators keep the step count of the step they follow.
        if let (Some(s), true) = base_tactus(step) {
            marked_steps = Some(marked_steps.map_or(s, |m| lcm(m, s)));
            source = true;
        }
    }
    (Some(marked_steps.map_or(total, |m| total * m)), source)
}

fn base_tactus(step: &Step) -> (Option<Time>, bool) {
    match &step.base {
        Base::Atom(_) | Base::Rest | Base::Alternate(_) => (Some(one()), false),
        Base::Sub(group) => group_tactus(group),
        Base::Polymeter(group, per_cycle) => {
            let first = match group.as_ref() {
                Group::Stack(seqs) => &seqs[0],
                Group::Seq(seq) => seq,
                other => return group_tactus(other),
            };
            let steps = match per_cycle {
                Some(arg) => single_atom(arg)
                    .and(numbers(arg, "`%`").ok())
                    .and_then(|v| v.first().copied()),
                None => Some(sequence_tactus(first).0.unwrap_or(one())),
            };
            (steps.or(Some(one())), false)
        }
    }
}

fn group_tactus(group: &Group) -> (Option<Time>, bool) {
    match group {
        Group::Seq(seq) => sequence_tactus(seq),
        Group::Stack(seqs) => seqs.iter().fold((None, false), |(steps, source), seq| {
            let (s, marked) = sequence_tactus(seq);
            (stack_steps(steps, s), source || marked)
        }),
        Group::Choose(..) => (None, false),
        Group::Dots(seqs) => (Some(Time::from_integer(seqs.len() as i64)), false),
    }
}

/// How much finer one operator makes the time grid of its step. An argument that is not a
/// number costs nothing here; the operator itself reports it.
fn op_grid(step: &Step, op: &Op) -> f64 {
    match op {
        Op::Fast(arg) | Op::Slow(arg) => numbers(arg, "").map_or(1.0, |values| {
            values.iter().map(|v| grid_cost(*v)).fold(1.0, f64::max)
        }),
        Op::Range(arg) => range_width(step, arg),
        Op::Euclid(_, n, _) => integers(n, "").map_or(1.0, |ns| {
            ns.iter()
                .map(|n| n.unsigned_abs() as f64)
                .fold(1.0, f64::max)
        }),
        Op::Degrade(..) | Op::Tail(_) => 1.0,
    }
}

/// The most numbers one range in `step` may count through, up to the end `arg`.
fn range_width(step: &Step, arg: &Step) -> f64 {
    // A range plays every whole step from its start to its end, so both bound how many
    // numbers it holds; `99999 .. 0` holds a hundred thousand.
    (largest_value(step) + largest_value(arg)).ceil() + 1.0
}

/// The largest magnitude among the numbers a step can play: its atoms, and the ends of the
/// ranges inside it (a range plays numbers between its start and its end).
fn largest_value(step: &Step) -> f64 {
    let base = match &step.base {
        Base::Atom(text) => Value::from_atom(text).as_f64().map_or(0.0, f64::abs),
        Base::Rest => 0.0,
        Base::Sub(g) | Base::Alternate(g) | Base::Polymeter(g, _) => group_sequences(g)
            .iter()
            .flat_map(|s| &s.steps)
            .map(largest_value)
            .fold(0.0, f64::max),
    };
    step.ops.iter().fold(base, |largest, op| match op {
        Op::Range(end) => largest.max(largest_value(end)),
        _ => largest,
    })
}

/// `a .. b` as Strudel counts it: whole steps from `a` towards `b`.
fn range_values(a: f64, b: f64) -> Vec<Pattern<Value>> {
    let len = ((b - a).abs() + 1.0).floor().clamp(0.0, 65_536.0) as usize;
    (0..len)
        .map(|i| {
            let v = if a < b { a + i as f64 } else { a - i as f64 };
            Pattern::pure(Value::number(v))
        })
        .collect()
}

fn int_of(v: &Value) -> Option<i64> {
    v.as_time()
        .filter(|t| t.is_integer())
        .map(|t| t.to_integer())
}

/// The step's value when it is a single plain atom.
fn single_atom(step: &Step) -> Option<&str> {
    match (&step.base, step.ops.is_empty()) {
        (Base::Atom(a), true) => Some(a),
        _ => None,
    }
}

/// The largest plain number among an operator argument's atoms, if any parses.
fn largest_atom(step: &Step) -> Option<f64> {
    let mut largest: Option<f64> = None;
    let _ = collect_atoms(step, &mut |text, _| {
        if let Ok(v) = text.parse::<f64>()
            && v.is_finite()
        {
            largest = Some(largest.map_or(v.abs(), |l| l.max(v.abs())));
        }
        Ok(())
    });
    largest
}

/// Every atom in an operator's argument, as exact numbers; an error names the first that is not.
fn numbers(step: &Step, what: &str) -> Result<Vec<Time>, Diagnostic> {
    let mut out = Vec::new();
    collect_atoms(step, &mut |text, span| match parse_decimal(text) {
        Some(t) if t.abs() <= Time::from_integer(1 << 16) => {
            out.push(t.abs());
            Ok(())
        }
        Some(_) => Err(Diagnostic::new(
            span.clone(),
            format!("{what} takes numbers up to 65536, got `{text}`"),
            "too large",
        )
        .with_help("write a plain decimal from 0 to 65536, such as `2`, `1.5` or `<2 3>`")),
        None => Err(Diagnostic::new(
            span.clone(),
            format!("{what} takes numbers, got `{text}`"),
            "not a number",
        )
        .with_help("write a plain decimal from 0 to 65536, such as `2`, `1.5` or `<2 3>`")),
    })?;
    Ok(out)
}

fn integers(seq: &Sequence, what: &str) -> Result<Vec<i64>, Diagnostic> {
    let mut out = Vec::new();
    for step in &seq.steps {
        collect_atoms(step, &mut |text, span| {
            match text.parse::<i64>() {
            Ok(n) if n.abs() <= 4096 => {
                out.push(n);
                Ok(())
            }
            _ => Err(Diagnostic::new(
                span.clone(),
                format!("{what} of a Euclidean rhythm must be a whole number from -4096 to 4096, got `{text}`"),
                "not a whole number",
            )
            .with_help("write `bd(3,8)` for 3 hits over 8 steps")),
        }
        })?;
    }
    Ok(out)
}

/// How many times a cycle a pattern slowed by `factor` repeats: slowing by a fraction speeds
/// up (`/0.001` plays a thousand times a cycle); zero and negative factors play nothing.
fn slowdown_speed(factor: Time) -> f64 {
    if factor > Time::ZERO {
        (1.0 / factor.to_f64()).ceil().max(1.0)
    } else {
        1.0
    }
}

/// Called with each atom's text and span; an error stops the walk.
type AtomVisitor<'a> = dyn FnMut(&str, &Range<usize>) -> Result<(), Diagnostic> + 'a;

/// The period of a pattern of period `period` played at the speed `argument` gives each
/// cycle, one of `speeds` (the argument `written` says which): when the argument and every
/// speed have come round. A range in the argument takes speeds that are not written, so
/// then the period is unknown.
fn speeds_period(
    period: Option<i64>,
    speeds: impl Iterator<Item = Time>,
    argument: &Pattern<Value>,
    written: Option<&Step>,
) -> Option<i64> {
    let argument = argument
        .period()
        .filter(|_| !written.is_some_and(has_range));
    period::lcm_all(
        speeds
            .map(|speed| period::of_fast(period, speed))
            .chain([argument]),
    )
}

/// Whether `step` holds a range (`0 .. 4`), whose numbers are not all written out.
fn has_range(step: &Step) -> bool {
    let group = |g: &Group| {
        group_sequences(g)
            .iter()
            .flat_map(|s| &s.steps)
            .any(has_range)
    };
    let in_base = match &step.base {
        Base::Atom(_) | Base::Rest => false,
        Base::Sub(g) | Base::Alternate(g) => group(g),
        Base::Polymeter(g, per_cycle) => group(g) || per_cycle.as_deref().is_some_and(has_range),
    };
    in_base
        || step.ops.iter().any(|op| match op {
            Op::Range(_) => true,
            Op::Fast(arg) | Op::Slow(arg) | Op::Tail(arg) => has_range(arg),
            Op::Euclid(k, n, r) => [Some(k), Some(n), r.as_ref()]
                .into_iter()
                .flatten()
                .flat_map(|s| &s.steps)
                .any(has_range),
            Op::Degrade(..) => false,
        })
}

fn collect_atoms(step: &Step, f: &mut AtomVisitor) -> Result<(), Diagnostic> {
    let group = |g: &Group, f: &mut AtomVisitor| {
        for s in group_sequences(g) {
            for st in &s.steps {
                collect_atoms(st, f)?;
            }
        }
        Ok(())
    };
    match &step.base {
        Base::Atom(text) => f(text, &step.span)?,
        Base::Rest => {}
        Base::Sub(g) | Base::Alternate(g) | Base::Polymeter(g, _) => group(g, f)?,
    }
    for op in &step.ops {
        if let Op::Fast(arg) | Op::Slow(arg) = op {
            collect_atoms(arg, f)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lang::mini::parse;
    use crate::pattern::Span;
    use crate::theory::time::Time;

    #[test]
    fn the_whole_pattern_is_held_to_the_density_limit_too() {
        assert!(parse(&"a ".repeat(65_536)).is_ok());
        let err = parse(&"[a b]*64 ".repeat(2_000)).unwrap_err();
        assert!(err.message.contains("events per cycle"), "{err:?}");
        assert_eq!(err.span.start, 0);
        let err = parse(&vec!["a"; 70_000].join(", ")).unwrap_err();
        assert!(err.message.contains("events per cycle"), "{err:?}");
    }

    #[test]
    fn slowing_by_a_fraction_counts_as_the_speed_up_it_is() {
        let events = |src: &str| {
            let p = parse(src).unwrap().pattern;
            p.query(Span::new(Time::ZERO, Time::from_integer(1))).len()
        };
        assert_eq!(events("a/0.5"), 2);
        assert_eq!(events("[a b]/<0.25 2>"), 8);
        assert_eq!(events("<a@0.25>"), 4);
        for src in [
            "[a!1024]/0.001",
            "a!1024/0.001",
            "a/<1 0.00001>",
            "<a@0.000000001>",
            "<<<<0 .. 8>@2>@0.000000001>@2>@2",
        ] {
            let err = parse(src).unwrap_err();
            assert!(err.message.contains("events per cycle"), "{src}: {err:?}");
        }
    }

    #[test]
    fn a_range_is_as_wide_as_its_start_and_end_allow() {
        assert!(parse("0 .. 7").is_ok());
        assert!(parse("-3 .. 3").is_ok());
        for src in [
            "99999 .. 0",
            "1e308 .. 0",
            "[0 .. 200] .. 0 .. 0 .. 0",
            "[0 .. 256]*256",
        ] {
            let err = parse(src).unwrap_err();
            assert!(
                ["too dense", "too fine"].contains(&err.label.as_str()),
                "{src}: {err:?}"
            );
        }
    }

    #[test]
    fn speed_changes_on_nested_brackets_multiply_into_the_grid() {
        // Each `/3` only looked at itself, so forty of them nested reached 3^40, past 64 bits.
        assert!(parse("[[a . b]/3]/3").is_ok());
        let src = format!("{}a{}", "[".repeat(40), "]/3".repeat(40));
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("too finely"), "{err:?}");
        let err = parse("[a:[b c]/1024]/1024").unwrap_err();
        assert!(err.message.contains("too finely"), "{err:?}");
    }

    #[test]
    fn deeply_nested_polymeters_compile_each_part_once() {
        // Compiling every part of every `{ }` twice more to learn its step count took 3^64
        // steps here.
        let src = format!("{}a b{}", "{".repeat(64), "}".repeat(64));
        assert!(parse(&src).is_ok());
        let src = format!("{}a b{}", "{c, ".repeat(64), "}".repeat(64));
        assert!(parse(&src).is_ok());
    }
}

#[cfg(test)]
mod strudel_edges {
    use crate::lang::mini::parse;
    use crate::pattern::Span;
    use crate::theory::time::Time;

    /// The onsets of the first cycle, as (begin, value) text.
    fn bar(src: &str) -> Vec<(Time, String)> {
        let p = parse(src).unwrap().pattern;
        let mut haps = p.query(Span::new(Time::ZERO, Time::from_integer(1)));
        haps.sort_by_key(|h| h.part.begin);
        haps.iter()
            .map(|h| (h.part.begin, format!("{:?}", h.value)))
            .collect()
    }

    #[test]
    fn a_speed_up_past_the_limit_is_too_dense_however_it_is_written() {
        for src in ["bd*65536", "bd*70000", "bd*<2 1e9>", "[bd sn]*40000"] {
            let err = parse(src)
                .err()
                .unwrap_or_else(|| panic!("`{src}` was accepted"));
            assert_eq!(err.label, "too dense", "{src}: {err:?}");
            assert!(err.message.contains("events per cycle"), "{src}: {err:?}");
        }
        let err = parse("bd/70000").err().unwrap();
        assert_eq!(err.label, "too large", "{err:?}");
    }

    #[test]
    fn a_pattern_knows_how_many_cycles_it_takes_to_come_round() {
        let period = |src: &str| crate::lang::mini::parse(src).unwrap().pattern.period();
        assert_eq!(period("bd sn"), Some(1));
        assert_eq!(period("<a b c>*2"), Some(3));
        assert_eq!(period("[a b]/2.5"), Some(5));
        assert_eq!(period("<a b>*<2 3>"), Some(2));
        assert_eq!(period("<a b>, <c d e>"), Some(6));
        assert_eq!(period("a(<3 5>, 8, <0 2 4>)"), Some(6));
        // The dice fall anew every cycle, and a range's numbers are not all written.
        assert_eq!(period("a?"), None);
        assert_eq!(period("a | b"), None);
        assert_eq!(period("a*[1 .. 3]"), None);
    }

    #[test]
    fn bangs_add_up_as_in_strudel() {
        for (src, copies) in [
            ("a!!", 3),
            ("a!!!", 4),
            ("a!3!", 4),
            ("a ! !", 3),
            ("a!", 2),
        ] {
            let got = bar(src);
            assert_eq!(got.len(), copies, "{src}");
            let steps = parse(src).unwrap().steps;
            assert_eq!(steps, Some(Time::from_integer(copies as i64)), "{src}");
            for (i, (at, _)) in got.iter().enumerate() {
                assert_eq!(*at, Time::new(i as i64, copies as i64), "{src} copy {i}");
            }
        }
        assert_eq!(bar("a!! b").len(), 4);
    }

    #[test]
    fn a_caret_before_a_top_level_group_marks_the_whole_sequence() {
        let marked = parse("^[a b c] [d [e f]]").unwrap();
        assert_eq!(marked.steps, Some(Time::from_integer(2)));
        assert_eq!(bar("^[a b c] [d [e f]]"), bar("[a b c] [d [e f]]"));
    }

    #[test]
    fn empty_feet_layers_choices_and_groups_are_refused_as_strudel_refuses_them() {
        for src in [
            "bd . . sn",
            ". a",
            "a .",
            "a, , b",
            "a |",
            "| a",
            "[]",
            "a <> b",
            "{}%4",
        ] {
            let err = parse(src)
                .err()
                .unwrap_or_else(|| panic!("`{src}` was accepted"));
            assert!(
                err.label == "empty part" || err.label == "empty group",
                "{src}: {err:?}"
            );
        }
        assert!(parse("bd . ~ . sn").is_ok());
        assert!(parse("[~]").is_ok());
    }
}
