//! Renders the stems of a split render on several threads, a round at a time, and hands
//! each round's stems to the mixer in group order.
//!
//! Which thread renders which group, and in what order they finish, changes nothing: each
//! group's synthesizer sees only its own messages, and the mixer always gets the stems in
//! group order. So the output is the same for any number of threads.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crossbeam_channel::{Receiver, Sender};

use super::stem::Stem;
use super::stem_render::StemRender;

/// What the mixer wants after a round.
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

/// What a render thread is given: a group's number, its synthesizer and a stem to fill.
type Job = (usize, StemRender, Stem);

/// Renders rounds of `stem_len` samples of every group in `renders`, on up to `jobs`
/// threads, handing each round's stems in group order to `mix` until it says
/// [`Flow::Done`]. Returns the voices stolen up to that round, over all groups.
pub fn render_rounds<E: From<WorkerLost>>(
    renders: Vec<StemRender>,
    jobs: usize,
    stem_len: usize,
    effects: bool,
    mix: &mut dyn FnMut(&[Stem]) -> Result<Flow, E>,
) -> Result<u64, E> {
    if jobs <= 1 || renders.len() <= 1 {
        return render_here(renders, stem_len, effects, mix);
    }
    let groups = renders.len();
    let threads = jobs.min(groups);
    std::thread::scope(|scope| {
        let (job_tx, job_rx) = crossbeam_channel::unbounded::<Job>();
        let (done_tx, done_rx) = crossbeam_channel::unbounded::<Option<Job>>();
        for _ in 0..threads {
            let (jobs, done) = (job_rx.clone(), done_tx.clone());
            scope.spawn(move || work(&jobs, &done));
        }
        drop(done_tx);
        drop(job_rx);
        // Two stems per group: one set mixed while the other renders the next round.
        let mut spare: Vec<Stem> = (0..2 * groups)
            .map(|_| Stem::new(stem_len, effects))
            .collect();
        let mut order: Vec<usize> = (0..groups).collect();
        order.sort_by_key(|&g| std::cmp::Reverse(renders[g].notes()));
        let mut idle: Vec<Option<StemRender>> = renders.into_iter().map(Some).collect();
        let mut stolen = vec![0u64; groups];
        dispatch(&job_tx, &order, &mut idle, &mut spare)?;
        loop {
            let mut round: Vec<Option<Stem>> = (0..groups).map(|_| None).collect();
            for _ in 0..groups {
                let Ok(Some((group, render, stem))) = done_rx.recv() else {
                    return Err(WorkerLost.into());
                };
                stolen[group] = render.stolen_voices();
                idle[group] = Some(render);
                round[group] = Some(stem);
            }
            let stems: Vec<Stem> = round.into_iter().flatten().collect();
            // The next round renders while this one is mixed; after the last one it is
            // thrown away.
            dispatch(&job_tx, &order, &mut idle, &mut spare)?;
            let flow = mix(&stems)?;
            spare.extend(stems);
            if flow == Flow::Done {
                return Ok(stolen.iter().sum());
            }
        }
    })
}

/// The single-threaded render: the same rounds, one group after another.
fn render_here<E>(
    mut renders: Vec<StemRender>,
    stem_len: usize,
    effects: bool,
    mix: &mut dyn FnMut(&[Stem]) -> Result<Flow, E>,
) -> Result<u64, E> {
    let mut stems: Vec<Stem> = (0..renders.len())
        .map(|_| Stem::new(stem_len, effects))
        .collect();
    loop {
        for (render, stem) in renders.iter_mut().zip(&mut stems) {
            render.render(stem);
        }
        if mix(&stems)? == Flow::Done {
            return Ok(renders.iter().map(StemRender::stolen_voices).sum());
        }
    }
}

/// Sends every idle group to the threads with a spare stem each, the groups with the most
/// notes first: a long job started last would leave the other threads waiting for it.
fn dispatch(
    jobs: &Sender<Job>,
    order: &[usize],
    idle: &mut [Option<StemRender>],
    spare: &mut Vec<Stem>,
) -> Result<(), WorkerLost> {
    for &group in order {
        let (Some(render), Some(stem)) = (idle.get_mut(group).and_then(Option::take), spare.pop())
        else {
            return Err(WorkerLost);
        };
        jobs.send((group, render, stem)).map_err(|_| WorkerLost)?;
    }
    Ok(())
}

/// A render thread: renders each job it is given and sends it back, until the jobs end or
/// rendering panics (then it says so with `None`, so the mixer stops instead of waiting).
fn work(jobs: &Receiver<Job>, done: &Sender<Option<Job>>) {
    for (group, mut render, mut stem) in jobs.iter() {
        let rendered = catch_unwind(AssertUnwindSafe(|| render.render(&mut stem))).is_ok();
        let reply = rendered.then_some((group, render, stem));
        if done.send(reply).is_err() || !rendered {
            return;
        }
    }
}
