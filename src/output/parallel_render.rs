//! Renders the stems of a split render on several threads and mixes them in order.
//!
//! A render is a pipeline of rounds: every channel group renders its stem of the round (the
//! groups on any free thread, each up to [`AHEAD`] rounds ahead), the stems are summed in
//! group order, the shared effects run on the sum (on a thread, one round after another),
//! and the calling thread passes the result on. Which thread does what, and in what order
//! things finish, changes nothing: each synthesizer sees only its own messages, the sum is
//! always in group order and the effects always in round order. So the output is the same
//! for any number of threads.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crossbeam_channel::{Receiver, Sender};

use super::effects_bus::EffectsBus;
use super::stem::Stem;
use super::stem_render::StemRender;

/// What the output wants after a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Render another round.
    More,
    /// The render is complete.
    Done,
}

/// A render thread stopped without finishing its work (a bug: rendering does not fail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerLost;

/// Work for a render thread, handed back when done.
enum Job {
    /// Render a group's next round into the stem.
    Stem(usize, Box<StemRender>, Stem),
    /// Run the effects on a round's mix, with the voices stolen by the end of that round.
    Effects(Box<EffectsBus>, Stem, u64),
}

/// How many rounds a group may render ahead of the mix. Groups never wait for each other,
/// only for the mix to fall this far behind, so a thread that finishes early takes the next
/// round of any group instead of idling at a barrier.
const AHEAD: usize = 4;

/// What a render is made of: the groups' synthesizers, the effects, and the rounds.
#[derive(Debug)]
pub struct Rounds {
    /// One synthesizer per channel group, in group order.
    pub renders: Vec<StemRender>,
    /// The shared effects.
    pub bus: EffectsBus,
    /// Samples per round (a whole number of synthesizer blocks).
    pub len: usize,
    /// Whether stems carry sends to the effects.
    pub effects: bool,
    /// The most rounds to render.
    pub rounds: u64,
}

/// Renders `rounds` on up to `jobs` threads and hands each round's mix, effects added, to
/// `output` in order until it says [`Flow::Done`] or the rounds run out. Returns the voices
/// stolen up to the last round output, over all groups.
pub fn render_rounds<E: From<WorkerLost>>(
    rounds: Rounds,
    jobs: usize,
    output: &mut dyn FnMut(&mut Stem) -> Result<Flow, E>,
) -> Result<u64, E> {
    if jobs <= 1 {
        return render_here(rounds, output);
    }
    let threads = jobs.min(rounds.renders.len() + 1);
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = crossbeam_channel::unbounded::<Job>();
        let (done_tx, done_rx) = crossbeam_channel::unbounded::<Option<Job>>();
        for _ in 0..threads {
            let (jobs, done) = (job_rx.clone(), done_tx.clone());
            scope.spawn(move || work(&jobs, &done));
        }
        drop(done_tx);
        drop(job_rx);
        Pipeline::new(rounds, job_tx).run(&done_rx, output)
    })
}

/// The single-threaded render: the same rounds, one group after another.
fn render_here<E>(
    rounds: Rounds,
    output: &mut dyn FnMut(&mut Stem) -> Result<Flow, E>,
) -> Result<u64, E> {
    let Rounds {
        mut renders,
        mut bus,
        len,
        effects,
        rounds,
    } = rounds;
    let mut stems: Vec<Stem> = (0..renders.len())
        .map(|_| Stem::new(len, effects))
        .collect();
    let mut mix = Stem::new(len, effects);
    for _ in 0..rounds {
        for (render, stem) in renders.iter_mut().zip(&mut stems) {
            render.render(stem);
        }
        EffectsBus::sum(&stems, &mut mix);
        bus.apply(&mut mix);
        if output(&mut mix)? == Flow::Done {
            break;
        }
    }
    Ok(renders.iter().map(StemRender::stolen_voices).sum())
}

/// The rounds in flight on the threads, and what is ready between the stages.
struct Pipeline {
    jobs: Sender<Job>,
    /// Groups in the order they are sent out: the most notes first, since a long job
    /// started last would leave the other threads waiting for it.
    order: Vec<usize>,
    idle: Vec<Option<Box<StemRender>>>,
    /// Each group's rendered stems not yet summed, with the voices it had stolen by then.
    ahead: Vec<VecDeque<(Stem, u64)>>,
    started: Vec<u64>,
    summed: u64,
    rounds: u64,
    bus: Option<Box<EffectsBus>>,
    /// Summed rounds waiting for the effects, and rounds with effects waiting for output,
    /// each with the voices stolen by then.
    to_effect: VecDeque<(Stem, u64)>,
    effected: VecDeque<(Stem, u64)>,
    in_flight: usize,
    spare: Vec<Stem>,
    len: usize,
    effects: bool,
}

impl Pipeline {
    fn new(rounds: Rounds, jobs: Sender<Job>) -> Pipeline {
        let groups = rounds.renders.len();
        let mut order: Vec<usize> = (0..groups).collect();
        order.sort_by_key(|&g| std::cmp::Reverse(rounds.renders[g].notes()));
        Pipeline {
            jobs,
            order,
            idle: rounds
                .renders
                .into_iter()
                .map(|r| Some(Box::new(r)))
                .collect(),
            ahead: (0..groups).map(|_| VecDeque::new()).collect(),
            started: vec![0; groups],
            summed: 0,
            rounds: rounds.rounds,
            bus: Some(Box::new(rounds.bus)),
            to_effect: VecDeque::new(),
            effected: VecDeque::new(),
            in_flight: 0,
            spare: Vec::new(),
            len: rounds.len,
            effects: rounds.effects,
        }
    }

    fn run<E: From<WorkerLost>>(
        mut self,
        done: &Receiver<Option<Job>>,
        output: &mut dyn FnMut(&mut Stem) -> Result<Flow, E>,
    ) -> Result<u64, E> {
        let mut stolen = 0;
        for group in self.order.clone() {
            self.start(group)?;
        }
        loop {
            // The earliest stage first: output, then effects, then the sum.
            if let Some((mut mix, voices)) = self.effected.pop_front() {
                stolen = voices;
                let flow = output(&mut mix)?;
                self.spare.push(mix);
                if flow == Flow::Done {
                    return Ok(stolen);
                }
                continue;
            }
            if self.bus.is_some()
                && let Some((mix, stolen)) = self.to_effect.pop_front()
                && let Some(bus) = self.bus.take()
            {
                self.send(Job::Effects(bus, mix, stolen))?;
                continue;
            }
            if self.summed < self.rounds
                && self.to_effect.len() < AHEAD
                && self.ahead.iter().all(|a| !a.is_empty())
            {
                self.sum()?;
                continue;
            }
            if self.in_flight == 0 {
                return Ok(stolen);
            }
            match done.recv() {
                Ok(Some(Job::Stem(group, render, stem))) => {
                    self.in_flight -= 1;
                    let voices = render.stolen_voices();
                    self.ahead[group].push_back((stem, voices));
                    self.idle[group] = Some(render);
                    self.start(group)?;
                }
                Ok(Some(Job::Effects(bus, mix, voices))) => {
                    self.in_flight -= 1;
                    self.bus = Some(bus);
                    self.effected.push_back((mix, voices));
                }
                _ => return Err(WorkerLost.into()),
            }
        }
    }

    /// Sums the next round's stems in group order and queues it for the effects.
    fn sum(&mut self) -> Result<(), WorkerLost> {
        let (stems, voices): (Vec<Stem>, Vec<u64>) = self
            .ahead
            .iter_mut()
            .filter_map(VecDeque::pop_front)
            .unzip();
        let mut mix = self.stem();
        EffectsBus::sum(&stems, &mut mix);
        self.spare.extend(stems);
        self.summed += 1;
        self.to_effect.push_back((mix, voices.iter().sum()));
        for group in self.order.clone() {
            self.start(group)?;
        }
        Ok(())
    }

    /// Sends `group` to the threads for its next round if it is idle, not too far ahead of
    /// the mix and not past the last round.
    fn start(&mut self, group: usize) -> Result<(), WorkerLost> {
        if self.ahead[group].len() >= AHEAD || self.started[group] >= self.rounds {
            return Ok(());
        }
        let Some(render) = self.idle[group].take() else {
            return Ok(());
        };
        self.started[group] += 1;
        let stem = self.stem();
        self.send(Job::Stem(group, render, stem))
    }

    fn stem(&mut self) -> Stem {
        self.spare
            .pop()
            .unwrap_or_else(|| Stem::new(self.len, self.effects))
    }

    fn send(&mut self, job: Job) -> Result<(), WorkerLost> {
        self.in_flight += 1;
        self.jobs.send(job).map_err(|_| WorkerLost)
    }
}

/// A render thread: does each job it is given and sends it back, until the jobs end or one
/// panics (then it says so with `None`, so the pipeline stops instead of waiting).
fn work(jobs: &Receiver<Job>, done: &Sender<Option<Job>>) {
    for mut job in jobs.iter() {
        let finished = catch_unwind(AssertUnwindSafe(|| match &mut job {
            Job::Stem(_, render, stem) => render.render(stem),
            Job::Effects(bus, mix, _) => bus.apply(mix),
        }))
        .is_ok();
        if done.send(finished.then_some(job)).is_err() || !finished {
            return;
        }
    }
}
