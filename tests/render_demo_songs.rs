//! Every demo song renders without clipping and without silence where notes should sound.

use flam::engine::timeline;
use flam::lang::song::compile;
use flam::output::length::Length;
use flam::output::render::{self, RenderOptions};
use flam::output::soundfont::{self, Source};
use flam::theory::time::Time;

const BARS: u32 = 4;

#[test]
fn every_demo_song_renders_loud_enough_and_never_clips() {
    let font = soundfont::load(&Source::BuiltIn).unwrap();
    let rate = 48_000;
    let mut checked = 0;
    for entry in std::fs::read_dir("patterns").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "flam") {
            continue;
        }
        let song = compile(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut frames: Vec<f32> = Vec::new();
        let rendered = render::render(
            &song,
            &font,
            Length::Bars(BARS),
            &RenderOptions::new(rate),
            &mut |f| {
                frames.extend_from_slice(f);
                Ok(())
            },
            &mut |_| {},
        )
        .unwrap();
        let name = path.display();
        let peak = frames.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(peak < 1.0, "{name} clips: peak {peak}");
        assert_eq!(peak, rendered.peak);
        let bar = song.tempo.seconds_per_cycle() * f64::from(rate);
        for b in 0..BARS {
            let events = timeline::events(
                &song,
                Time::from_integer(b.into()),
                Time::from_integer(i64::from(b) + 1),
            );
            if events.is_empty() {
                continue;
            }
            let from = rendered.preroll as usize + (f64::from(b) * bar) as usize;
            let to = (rendered.preroll as usize + (f64::from(b + 1) * bar) as usize)
                .min(frames.len() / 2);
            let power: f64 = frames[2 * from..2 * to]
                .iter()
                .map(|&v| f64::from(v * v))
                .sum::<f64>()
                / (2 * (to - from)) as f64;
            let db = 10.0 * power.max(1e-20).log10();
            assert!(
                db > -40.0,
                "{name}: bar {} is nearly silent ({db:.1} dBFS RMS)",
                b + 1
            );
        }
        checked += 1;
    }
    assert!(checked >= 1, "no demo songs found");
}
