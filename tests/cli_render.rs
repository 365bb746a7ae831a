//! `flam render`, `flam export` and `flam soundfonts` from the command line: good files,
//! bad SoundFonts (clear errors, non-zero exit), and outputs that cannot be written (nothing
//! left behind).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flam::output::soundfont::{self, FontError, Source};

fn flam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flam"))
        .args(args)
        .env_remove("FLAM_SOUNDFONT")
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flam-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SONG: &str = "patterns/boom-bap.flam";

#[test]
fn render_writes_a_wav_in_each_format() {
    let dir = scratch("formats");
    for (format, bits) in [("16", 16), ("24", 24), ("float", 32)] {
        let out = dir.join(format!("{format}.wav"));
        let o = flam(&[
            "render",
            SONG,
            "-o",
            out.to_str().unwrap(),
            "--bars",
            "1",
            "--sample-rate",
            "44100",
            "--format",
            format,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let r = hound::WavReader::open(&out).unwrap();
        assert_eq!(r.spec().bits_per_sample, bits);
        assert_eq!(r.spec().sample_rate, 44100);
        assert_eq!(r.spec().channels, 2);
        assert!(r.duration() > 44100, "one bar at 90 BPM plus a tail");
    }
}

#[test]
fn render_at_a_low_sample_rate_works_through_the_decimator() {
    let dir = scratch("low");
    let out = dir.join("low.wav");
    let o = flam(&[
        "render",
        SONG,
        "-o",
        out.to_str().unwrap(),
        "--seconds",
        "1.5",
        "--sample-rate",
        "8000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = hound::WavReader::open(&out).unwrap();
    assert_eq!(r.spec().sample_rate, 8000);
    let peak = r
        .into_samples::<i16>()
        .map(|s| s.unwrap().unsigned_abs())
        .max()
        .unwrap();
    assert!(peak > 1000);
}

#[test]
fn a_sample_rate_out_of_range_is_refused_with_the_range() {
    let o = flam(&[
        "render",
        SONG,
        "-o",
        "/tmp/never.wav",
        "--sample-rate",
        "4000",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("8000..=192000"), "{}", stderr(&o));
}

#[test]
fn rendering_into_a_missing_folder_fails_and_leaves_nothing() {
    let dir = scratch("missing");
    let out = dir.join("no/such/folder/song.wav");
    let o = flam(&["render", SONG, "-o", out.to_str().unwrap(), "--bars", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn ctrl_c_during_a_render_leaves_the_old_file_and_no_temporary_one() {
    let dir = scratch("interrupted");
    let out = dir.join("take.wav");
    std::fs::write(&out, b"the last good take").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_flam"))
        .args([
            "render",
            SONG,
            "-o",
            out.to_str().unwrap(),
            "--bars",
            "1000",
        ])
        .env_remove("FLAM_SOUNDFONT")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the render is writing its temporary file.
    let writing = || {
        std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !writing() {
        assert!(
            std::time::Instant::now() < deadline,
            "the render never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut message = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut message).unwrap();
    assert_eq!(status.code(), Some(130), "{message}");
    assert!(message.contains("render interrupted"), "{message}");
    assert_eq!(std::fs::read(&out).unwrap(), b"the last good take");
    assert!(!writing(), "a temporary file was left behind");
}

#[test]
fn exporting_into_a_missing_folder_fails_and_leaves_nothing() {
    let dir = scratch("missing-mid");
    let out = dir.join("nope/song.mid");
    let o = flam(&["export", SONG, "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn export_writes_a_midi_file() {
    let dir = scratch("export");
    let out = dir.join("song.mid");
    let o = flam(&["export", SONG, "-o", out.to_str().unwrap(), "--bars", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"MThd"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temp file left"
    );
}

#[test]
fn soundfonts_lists_the_built_in_one() {
    let o = flam(&["soundfonts"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.lines().next().unwrap().starts_with("* built-in"),
        "{text}"
    );
    assert!(text.contains("MB"));
}

/// Bad SoundFont files, made from the built-in one.
fn bad_fonts(dir: &Path) -> Vec<(&'static str, PathBuf, &'static str)> {
    let good = soundfont::BUILT_IN;
    let mut out = Vec::new();
    let mut put = |name: &'static str, bytes: &[u8], says: &'static str| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        out.push((name, p, says));
    };
    put(
        "notes.sf2",
        b"just some text, not a SoundFont\n",
        "not a SoundFont",
    );
    put(
        "song.sf2",
        b"MThd\0\0\0\x06\0\x01\0\x02\x01\xe0",
        "MIDI file",
    );
    let mut wav = good[..64].to_vec();
    wav[8..12].copy_from_slice(b"WAVE");
    put("sound.sf2", &wav, "WAV");
    put("truncated.sf2", &good[..good.len() / 2], "damaged");
    // An SF3: version 3 in `ifil` (the first INFO sub-chunk sits at byte 24).
    let mut sf3 = good.to_vec();
    assert_eq!(&sf3[24..28], b"ifil");
    sf3[32] = 3;
    put("compressed.sf3", &sf3, "SF3");
    let mut wrong_size = good.to_vec();
    // The sdta list's size made far too large.
    let sdta = good.windows(4).position(|w| w == b"sdta").unwrap() - 8;
    wrong_size[sdta + 4..sdta + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    put("wrong-size.sf2", &wrong_size, "damaged");
    out
}

#[test]
fn bad_soundfonts_give_clear_errors_and_exit_codes() {
    let dir = scratch("badfonts");
    let out = dir.join("out.wav");
    for (name, path, says) in bad_fonts(&dir) {
        let o = flam(&[
            "render",
            SONG,
            "-o",
            out.to_str().unwrap(),
            "--bars",
            "1",
            "--soundfont",
            path.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(says),
            "{name} should say `{says}`: {}",
            stderr(&o)
        );
        assert!(!out.exists(), "{name}: no output written");
    }
    let o = flam(&[
        "render",
        SONG,
        "-o",
        out.to_str().unwrap(),
        "--soundfont",
        "/no/such/font.sf2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
}

#[test]
fn a_damaged_soundfont_never_panics_the_loader() {
    let dir = scratch("fuzz");
    let good = soundfont::BUILT_IN;
    let path = dir.join("f.sf2");
    // Truncations at many points and bytes flipped in the headers and preset data.
    let pdta = good.windows(4).rposition(|w| w == b"pdta").unwrap();
    let mut cases: Vec<Vec<u8>> = (0..40)
        .map(|i| good[..i * 37 % good.len()].to_vec())
        .collect();
    for i in 0..200usize {
        let mut b = good.to_vec();
        let at = if i % 2 == 0 {
            i * 7 % 64
        } else {
            pdta + (i * 131) % (good.len() - pdta)
        };
        b[at] ^= 0x5a ^ (i as u8);
        cases.push(b);
    }
    for (i, bytes) in cases.iter().enumerate() {
        std::fs::write(&path, bytes).unwrap();
        // Ok or an error, but no panic.
        let _ = std::panic::catch_unwind(|| soundfont::load_file(&path))
            .unwrap_or_else(|_| panic!("case {i} panicked"));
    }
}

#[test]
fn installed_soundfonts_load_when_present() {
    for found in soundfont::discover_in(None, Path::new(soundfont::SYSTEM_DIR)) {
        if found.size > 20_000_000 || found.sf3 {
            continue;
        }
        soundfont::load(&Source::File(found.path.clone()))
            .unwrap_or_else(|e| panic!("{}: {e}", found.path.display()));
    }
    assert!(matches!(
        soundfont::load_file(Path::new("/no/such.sf2")),
        Err(FontError::Missing(_))
    ));
}

fn is_kind(path: &Path, kind: fn(&std::fs::FileType) -> bool) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| kind(&m.file_type()))
}

#[test]
fn render_and_export_write_to_standard_output_with_a_dash() {
    let wav = flam(&["render", SONG, "-o", "-", "--bars", "1"]);
    assert!(wav.status.success(), "{}", stderr(&wav));
    assert!(
        stderr(&wav).contains("wrote standard output"),
        "{}",
        stderr(&wav)
    );
    let r = hound::WavReader::new(std::io::Cursor::new(&wav.stdout)).unwrap();
    assert_eq!(r.spec().channels, 2);
    assert!(r.duration() > 48000, "one bar at 90 BPM");
    let mid = flam(&["export", SONG, "-o", "-", "--bars", "2"]);
    assert!(mid.status.success(), "{}", stderr(&mid));
    let smf = midly::Smf::parse(&mid.stdout).unwrap();
    assert_eq!(smf.tracks.len(), 5, "a tempo track and four tracks");
}

#[test]
fn render_and_export_write_through_a_symlink_and_keep_it() {
    let dir = scratch("symlink");
    std::fs::create_dir_all(dir.join("takes")).unwrap();
    for (command, name) in [("render", "take.wav"), ("export", "take.mid")] {
        let target = dir.join("takes").join(name);
        std::fs::write(&target, b"old take").unwrap();
        let link = dir.join(format!("latest-{name}"));
        std::os::unix::fs::symlink(format!("takes/{name}"), &link).unwrap();
        let o = flam(&[command, SONG, "-o", link.to_str().unwrap(), "--bars", "1"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            is_kind(&link, |t| t.is_symlink()),
            "{command}: the link stays"
        );
        let bytes = std::fs::read(&target).unwrap();
        assert_ne!(bytes, b"old take", "{command}: the target is rewritten");
        let temporary = std::fs::read_dir(dir.join("takes"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with('.')
            })
            .count();
        assert_eq!(temporary, 0, "{command}: no temporary file left");
    }
}

#[test]
fn render_and_export_write_into_a_fifo_without_replacing_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = scratch("fifo");
    for (command, name) in [("render", "pipe.wav"), ("export", "pipe.mid")] {
        let fifo = dir.join(name);
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo(3) with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let o = flam(&[command, SONG, "-o", fifo.to_str().unwrap(), "--bars", "1"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = reader.join().unwrap();
        match command {
            "render" => assert_eq!(&bytes[..4], b"RIFF"),
            _ => assert_eq!(&bytes[..4], b"MThd"),
        }
        assert!(is_kind(&fifo, |t| t.is_fifo()), "{command}: still a FIFO");
    }
}

#[test]
fn a_full_device_is_reported_and_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    assert!(
        is_kind(full, |t| t.is_char_device()),
        "this test needs /dev/full"
    );
    for command in ["render", "export"] {
        let o = flam(&[command, SONG, "-o", "/dev/full", "--bars", "1"]);
        assert_eq!(o.status.code(), Some(1), "{command}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write `/dev/full`"),
            "{}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("full"), "{}", stderr(&o));
        assert!(
            is_kind(full, |t| t.is_char_device()),
            "{command}: /dev/full is still a device"
        );
    }
    let o = flam(&["export", SONG, "-o", "/dev/null", "--bars", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(is_kind(Path::new("/dev/null"), |t| t.is_char_device()));
}

#[test]
fn a_folder_as_the_output_is_refused() {
    let dir = scratch("folder");
    for command in ["render", "export"] {
        let o = flam(&[command, SONG, "-o", dir.to_str().unwrap(), "--bars", "1"]);
        assert_eq!(o.status.code(), Some(1), "{command}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("give a file name, not a folder"),
            "{}",
            stderr(&o)
        );
        assert!(dir.is_dir());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }
}
