//! What a track may cost: after its transforms, swing, rudiments and arpeggio, a track (and
//! the whole song) is held to the limits of one mini-notation pattern, in events per cycle and
//! in how finely it divides time.

use super::compile::Compiler;
use super::tracks::TrackDraft;
use super::transforms::{Factor, Transform};
use super::values::err;
use crate::lang::diagnostic::Diagnostic;
use crate::lang::mini::compile::{MAX_EVENTS_PER_CYCLE, MAX_GRID, grid_cost};
use crate::pattern::arp::ArpMode;
use crate::pattern::find_rudiment_step;
use crate::theory::time::Time;

/// What a transform may do to a track's events per cycle and to its time grid, so a track
/// is held to the same limits as one mini-notation pattern.
#[derive(Clone, Copy)]
pub(super) struct Cost {
    /// Events per cycle afterwards are at most `scale` times those before, plus `extra`.
    pub(super) scale: f64,
    pub(super) extra: f64,
    /// How much finer the time grid gets.
    pub(super) grid: f64,
}

impl Cost {
    const NONE: Cost = Cost {
        scale: 1.0,
        extra: 0.0,
        grid: 1.0,
    };
}

/// How many times faster `fast x` (or `slow x`) plays, at least once: `slow 1/8` is eight.
pub(super) fn speed_up(x: Time, fast: bool) -> f64 {
    let speed = if fast { x } else { x.recip() };
    speed.ceil().to_f64().max(1.0)
}

/// What a transform may cost a track: see [`Cost`].
fn cost(t: &Transform) -> Cost {
    match t {
        Transform::Fast(Factor::Const(x)) | Transform::Slow(Factor::Const(x)) => Cost {
            scale: speed_up(*x, matches!(t, Transform::Fast(_))),
            extra: 1.0,
            grid: grid_cost(*x),
        },
        Transform::Fast(Factor::Pattern(_, c)) | Transform::Slow(Factor::Pattern(_, c)) => *c,
        // Only some cycles or notes change, so the worse of changed and unchanged holds.
        Transform::Every(_, _, inner)
        | Transform::LastOf(_, _, inner)
        | Transform::When(_, inner)
        | Transform::WhenMod(_, _, inner)
        | Transform::SometimesBy(_, inner)
        | Transform::SomeCyclesBy(_, inner) => either(cost(inner)),
        // A hit on each step may cut the notes it overlaps.
        Transform::Euclid(_, n, _) | Transform::EuclidLegato(_, n, _) => Cost {
            scale: 1.0,
            extra: *n as f64,
            grid: *n as f64,
        },
        Transform::Segment(n) => Cost {
            scale: 1.0,
            extra: *n as f64,
            grid: *n as f64,
        },
        Transform::Ply(n) => {
            let n = n.bounds().1.to_f64().max(1.0);
            Cost {
                scale: n,
                extra: 0.0,
                grid: n,
            }
        }
        // A shifted cycle holds parts of two; a shift only adds its denominator to the grid.
        Transform::NudgeNote(t) => shifted(*t),
        Transform::Early(by) | Transform::Late(by) | Transform::Off(by, _) => {
            let (lo, hi) = by.bounds();
            let c = Cost {
                scale: 2.0,
                extra: 0.0,
                grid: (*lo.denom()).max(*hi.denom()) as f64,
            };
            match t {
                Transform::Off(_, inner) => both(&[Cost::NONE, then(c, cost(inner))]),
                _ => c,
            }
        }
        Transform::Chain(ts) => ts.iter().fold(Cost::NONE, |c, t| then(c, cost(t))),
        Transform::Superimpose(ts) => {
            let mut all: Vec<Cost> = ts.iter().map(cost).collect();
            all.push(Cost::NONE);
            both(&all)
        }
        Transform::Layer(ts) => both(&ts.iter().map(cost).collect::<Vec<_>>()),
        Transform::Echo(n, time, _) => Cost {
            scale: 2.0 * *n as f64,
            extra: 0.0,
            grid: *time.denom() as f64,
        },
        // Pieces of a cycle moved about: each piece may cut a note in two.
        Transform::Iter(n, _) => {
            let n = n.bounds().1.to_f64().max(1.0);
            Cost {
                scale: 2.0,
                extra: 0.0,
                grid: n,
            }
        }
        Transform::Chunk(n, inner, _) => {
            let n = n.bounds().1.to_f64().max(1.0);
            let c = either(cost(inner));
            Cost {
                scale: c.scale * 2.0,
                extra: c.extra + n,
                grid: c.grid * n,
            }
        }
        Transform::Linger(by) => {
            let (lo, hi) = by.bounds();
            let least = lo.abs().min(hi.abs());
            let times = if least.is_zero() {
                1.0
            } else {
                least.recip().ceil().to_f64()
            };
            Cost {
                scale: times,
                extra: times,
                grid: (*lo.denom()).max(*hi.denom()) as f64,
            }
        }
        Transform::Inside(by, _, inner) => {
            let (lo, hi) = by.bounds();
            // The most a bar is stretched or squeezed, either way.
            let n = hi.max(lo.recip());
            let c = cost(inner);
            Cost {
                scale: c.scale * 2.0,
                extra: c.extra * n.ceil().to_f64().max(1.0),
                grid: c.grid * (*n.numer()).max(*n.denom()) as f64,
            }
        }
        Transform::Brak => Cost {
            scale: 2.0,
            extra: 0.0,
            grid: 4.0,
        },
        Transform::SwingBy(amount, n) => Cost {
            scale: 2.0,
            extra: 0.0,
            grid: (*amount.denom() * 2 * *n) as f64,
        },
        Transform::Struct(_) | Transform::Mask(_) | Transform::Arp(_) => Cost {
            scale: 2.0,
            extra: 16.0,
            grid: 16.0,
        },
        Transform::Rev
        | Transform::Palindrome
        | Transform::Degrade(_)
        | Transform::Undegrade(_)
        | Transform::NudgeMs(_)
        | Transform::Humanize(..)
        | Transform::Transpose(_)
        | Transform::Scale(..)
        | Transform::ScaleTranspose(_)
        | Transform::Add(_)
        | Transform::Sub(_)
        | Transform::Velocity(_)
        | Transform::Gain(_)
        | Transform::Legato(_)
        | Transform::Seed(_) => Cost::NONE,
    }
}

/// The worse of a changed and an unchanged pattern.
fn either(c: Cost) -> Cost {
    Cost {
        scale: c.scale.max(1.0),
        extra: c.extra.max(0.0),
        grid: c.grid.max(1.0),
    }
}

/// Layers played together: their events add up, their grids combine.
fn both(layers: &[Cost]) -> Cost {
    Cost {
        scale: layers.iter().map(|c| c.scale).sum(),
        extra: layers.iter().map(|c| c.extra).sum(),
        grid: layers.iter().map(|c| c.grid).fold(1.0, f64::max),
    }
}

/// One cost after another.
fn then(a: Cost, b: Cost) -> Cost {
    Cost {
        scale: a.scale * b.scale,
        extra: a.extra * b.scale + b.extra,
        grid: a.grid * b.grid,
    }
}

/// A shift by `t`: parts of two cycles in one.
fn shifted(t: Time) -> Cost {
    Cost {
        scale: 2.0,
        extra: 0.0,
        grid: *t.denom() as f64,
    }
}

impl Compiler {
    /// Checks that a track, after its transforms and swing, stays within the limits of one
    /// mini-notation pattern, and that the song does; returns the track's events per cycle.
    pub(super) fn check_cost(
        &self,
        draft: &TrackDraft,
        swing: Option<(Time, Time)>,
        song_density: f64,
    ) -> Result<f64, Diagnostic> {
        let plays: f64 = draft.plays.iter().map(|p| p.compiled.density).sum();
        // A rudiment step plays up to one stroke per pulse, each with up to two graces or
        // four buzz bounces; an arpeggiator plays one step per rate (all held notes in
        // `chord` mode), over every octave.
        let rudiments = draft
            .plays
            .iter()
            .flat_map(|p| p.atoms.iter())
            .any(|a| find_rudiment_step(&a.text).is_some());
        let rate = draft.rudiment.rate.unwrap_or(Time::new(1, 32));
        let strokes = if rudiments {
            plays * (Time::ONE / rate).to_f64().max(32.0) * 4.0
        } else {
            0.0
        };
        let arp = draft.arp.as_ref().map_or(0.0, |a| {
            let held = if a.mode == ArpMode::Chord {
                plays.max(1.0) * f64::from(a.octaves)
            } else {
                1.0
            };
            (Time::ONE / a.step).to_f64() * held
        });
        let mut density = plays + strokes + arp + draft.velocity_density;
        let mut grid = 1.0;
        // Swing moves each time within its pair of steps by the amount, so it refines the grid
        // by the amount's denominator within the pair's own grid.
        let swing = swing.map(|(amount, step)| Cost {
            scale: 1.0,
            extra: 1.0,
            grid: *amount.denom() as f64 * grid_cost(step * 2),
        });
        for cost in draft.transforms.iter().map(cost).chain(swing) {
            density = density * cost.scale + cost.extra;
            grid *= cost.grid;
        }
        let name = &draft.name;
        let limit = MAX_EVENTS_PER_CYCLE;
        if density > limit || song_density + density > limit {
            let whole = if density > limit { "track" } else { "song" };
            return Err(err(
                &draft.header,
                format!(
                    "with track `{name}` the {whole} may play up to {} events per cycle; the \
                     limit is {}",
                    (density.max(song_density + density)).min(1e18) as u64,
                    limit as u64
                ),
                "too dense",
                "use sparser patterns, or smaller `fast`, `ply` and `euclid`",
            ));
        }
        if grid > MAX_GRID {
            return Err(err(
                &draft.header,
                format!("track `{name}` divides time too finely for flam to keep it exact"),
                "too fine",
                format!(
                    "the track's `fast`, `slow`, `ply`, `euclid`, `nudge` and `swing` multiply \
                     their numerators and denominators; keep that under {}",
                    MAX_GRID as u64
                ),
            ));
        }
        Ok(density)
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::song::compile;

    #[test]
    fn track_transforms_are_held_to_the_limits_of_one_pattern() {
        let track = "track t\n  play \"bd*16\"\n";
        assert!(compile(&format!("{track}  fast 64\n  ply 8\n  swing 57% 1/16\n")).is_ok());
        // Each `fast 64` used to pass on its own: five of them asked for 17 billion events
        // per cycle, and a hundred wrapped 64-bit time.
        for body in [
            "  fast 64\n".repeat(5),
            "  fast 64\n".repeat(100),
            "  ply 16\n".repeat(5),
            "  every 1 fast 64\n".repeat(5),
            "  slow 1/1000\n".repeat(2),
            "  slow \"<2 0.001>\"\n".repeat(2),
            "  fast \"<64 1>\"\n".repeat(5),
        ] {
            let errors = compile(&format!("{track}{body}")).unwrap_err();
            assert!(errors[0].message.contains("events per cycle"), "{errors:?}");
        }
        for body in [
            "  slow 1023/1000\n".repeat(3),
            "  swing 0.500000001 1/16\n".to_string(),
        ] {
            let errors = compile(&format!("{track}{body}")).unwrap_err();
            assert!(errors[0].message.contains("too finely"), "{errors:?}");
        }
        let song: String = (0..65)
            .map(|i| format!("track t{i}\n  play \"bd*1024\"\n"))
            .collect();
        let errors = compile(&song).unwrap_err();
        assert!(
            errors[0].message.contains("the song may play"),
            "{errors:?}"
        );
    }
}
