//! Every note starts on its own sample: a click from the built-in SoundFont (the side stick,
//! which has no attack of its own) is rendered on a grid, nudged and swung, and each onset is
//! found at exactly the sample the plan says.

use flam::engine::message::Message;
use flam::lang::song::compile;
use flam::output::length::{Length, messages};
use flam::output::render::{self, RenderOptions, frame_of, preroll};
use flam::output::soundfont::{self, Source};

fn render_left(src: &str, bars: u32, rate: u32) -> (Vec<f32>, Vec<u64>) {
    let song = compile(src).unwrap();
    let font = soundfont::load(&Source::BuiltIn).unwrap();
    let mut options = RenderOptions::new(rate);
    // Reverb would smear the silence between clicks that onset detection relies on.
    options.effects = false;
    let mut left = Vec::new();
    render::render(
        &song,
        &font,
        Length::Bars(bars),
        &options,
        &mut |frames| {
            left.extend(frames.iter().step_by(2));
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
    let (list, _) = messages(&song, Length::Bars(bars));
    let pre = preroll(&list, rate) as i64;
    let expected = list
        .iter()
        .filter(|t| matches!(t.message, Message::NoteOn { .. }))
        .map(|t| (frame_of(t.seconds, rate) + pre) as u64)
        .collect();
    (left, expected)
}

/// The first sample above the threshold after at least 20 ms below it, for each onset.
fn onsets(x: &[f32], rate: u32) -> Vec<u64> {
    let quiet_needed = rate as usize / 50;
    let mut quiet = quiet_needed;
    let mut out = Vec::new();
    for (i, v) in x.iter().enumerate() {
        if v.abs() > 0.01 {
            if quiet >= quiet_needed {
                out.push(i as u64);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    out
}

fn assert_on_their_samples(src: &str, bars: u32) {
    for rate in [44_100, 48_000] {
        let (left, expected) = render_left(src, bars, rate);
        let found = onsets(&left, rate);
        assert_eq!(
            found, expected,
            "at {rate} Hz the clicks should start exactly on their samples"
        );
        // The sample before each onset is silent: nothing starts early.
        for &s in expected.iter().filter(|&&s| s > 0) {
            assert!(
                left[s as usize - 1].abs() < 1e-6,
                "sound before onset {s} at {rate} Hz"
            );
        }
    }
}

#[test]
fn clicks_on_a_grid_land_on_their_samples() {
    // 97 BPM puts the quarter notes on fractional sample times, which round.
    assert_on_their_samples("tempo 97\ntrack click drums\n  play \"rim*4\"\n", 2);
}

#[test]
fn nudged_clicks_land_on_their_samples() {
    assert_on_their_samples(
        "tempo 90\ntrack click drums\n  play \"rim ~ rim rim\"\n  nudge 7ms\n",
        2,
    );
}

#[test]
fn swung_clicks_land_on_their_samples() {
    assert_on_their_samples(
        "tempo 45\nswing 62% 1/8\ntrack click drums\n  play \"rim*8\"\n",
        2,
    );
}

#[test]
fn claves_land_on_their_samples_too() {
    assert_on_their_samples("tempo 111\ntrack click drums\n  play \"cl cl ~ cl\"\n", 2);
}

#[test]
fn a_grace_before_the_first_beat_is_heard_after_a_preroll() {
    let src = "tempo 90\ntrack click drums\n  play \"rim ~ ~ ~\"\n  nudge -20ms\n";
    let (left, expected) = render_left(src, 1, 48_000);
    assert_eq!(expected, vec![0], "the earliest note starts the render");
    assert_eq!(onsets(&left, 48_000), expected);
}
