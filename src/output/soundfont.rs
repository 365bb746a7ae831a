//! SoundFonts: the one built into flam, the ones installed on the system, and loading either
//! with clear errors (missing, not a SoundFont, an SF3, damaged) instead of panics.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustysynth::SoundFont;

/// flam's own General MIDI SoundFont (see `soundfonts/README.md`), built into the binary so
/// rendering works from any directory.
pub const BUILT_IN: &[u8] = include_bytes!("../../soundfonts/flam-default.sf2");

/// The name `--soundfont` accepts for the built-in SoundFont.
pub const BUILT_IN_NAME: &str = "built-in";

/// The environment variable that names the default SoundFont.
pub const ENV_VAR: &str = "FLAM_SOUNDFONT";

/// Where system SoundFonts are looked for.
pub const SYSTEM_DIR: &str = "/usr/share/sounds/sf2";

/// The system SoundFonts preferred over any other in [`SYSTEM_DIR`], best first.
pub const PREFERRED: [&str; 2] = ["FluidR3_GM.sf2", "TimGM6mb.sf2"];

/// Which SoundFont to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The one built into flam.
    BuiltIn,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// The choice for a `--soundfont` value, or when there is none, `$FLAM_SOUNDFONT`, or else
    /// the built-in one. `built-in` names the built-in one; a bare name such as `FluidR3_GM`
    /// that is not a file names an installed SoundFont (see [`discover`]).
    pub fn choose(flag: Option<&str>, env: Option<&str>) -> Source {
        match flag.or(env).map(str::trim).filter(|s| !s.is_empty()) {
            None => Source::BuiltIn,
            Some(s) if s.eq_ignore_ascii_case(BUILT_IN_NAME) || s == "default" => Source::BuiltIn,
            Some(s) => {
                let path = PathBuf::from(s);
                if !path.exists() && !s.contains(['/', '\\']) {
                    let wanted = s.trim_end_matches(".sf2").to_ascii_lowercase();
                    if let Some(found) = discover(None).into_iter().find(|f| {
                        f.path.file_stem().is_some_and(|stem| {
                            stem.to_string_lossy().to_ascii_lowercase() == wanted
                        })
                    }) {
                        return Source::File(found.path);
                    }
                }
                Source::File(path)
            }
        }
    }

    /// How to name it in messages.
    pub fn describe(&self) -> String {
        match self {
            Source::BuiltIn => "the built-in SoundFont".to_string(),
            Source::File(p) => format!("`{}`", p.display()),
        }
    }
}

/// A SoundFont file found on the system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Its path.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Why it was found: `$FLAM_SOUNDFONT` or the folder it is in.
    pub origin: String,
    /// Whether it is an SF3 (compressed samples), which flam cannot play.
    pub sf3: bool,
}

/// The SoundFonts on this system: `$FLAM_SOUNDFONT` (or `env` when given), then the
/// preferred General MIDI fonts, then any other `*.sf2`/`*.sf3` in [`SYSTEM_DIR`].
pub fn discover(env: Option<&Path>) -> Vec<Found> {
    let from_env = env
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(ENV_VAR).map(PathBuf::from));
    discover_in(from_env.as_deref(), Path::new(SYSTEM_DIR))
}

/// [`discover`] with the folder to search given, for tests.
pub fn discover_in(env: Option<&Path>, dir: &Path) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let push = |path: PathBuf, origin: String, out: &mut Vec<Found>| {
        let Ok(meta) = std::fs::metadata(&path) else {
            return;
        };
        if !meta.is_file() {
            return;
        }
        let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if out
            .iter()
            .any(|f| std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone()) == real)
        {
            return;
        }
        let sf3 = sniff(&path) == Some(Kind::Sf3);
        out.push(Found {
            path,
            size: meta.len(),
            origin,
            sf3,
        });
    };
    if let Some(p) = env {
        push(p.to_path_buf(), format!("${ENV_VAR}"), &mut out);
    }
    for name in PREFERRED {
        push(dir.join(name), dir.display().to_string(), &mut out);
    }
    let mut others: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| {
                        x.eq_ignore_ascii_case("sf2") || x.eq_ignore_ascii_case("sf3")
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    others.sort();
    for p in others {
        push(p, dir.display().to_string(), &mut out);
    }
    out
}

/// Why a SoundFont could not be loaded.
#[derive(Debug)]
pub enum FontError {
    /// The file does not exist.
    Missing(PathBuf),
    /// The file could not be read.
    Unreadable(PathBuf, std::io::Error),
    /// The file is something else (what it looks like is given).
    NotSoundFont(PathBuf, String),
    /// The file is an SF3, whose compressed samples flam's synthesizer cannot play.
    Sf3(PathBuf),
    /// The file starts like a SoundFont but is damaged or truncated.
    Corrupt(PathBuf, String),
}

impl FontError {
    /// The problem, one line, without `error: `.
    pub fn problem(&self) -> String {
        match self {
            FontError::Missing(p) => format!("SoundFont `{}` does not exist", p.display()),
            FontError::Unreadable(p, e) => {
                format!("cannot read SoundFont `{}`: {e}", p.display())
            }
            FontError::NotSoundFont(p, what) => {
                format!("`{}` is not a SoundFont: {what}", p.display())
            }
            FontError::Sf3(p) => format!(
                "`{}` is an SF3 SoundFont (compressed samples), which flam cannot play",
                p.display()
            ),
            FontError::Corrupt(p, why) => {
                format!("SoundFont `{}` is damaged: {why}", p.display())
            }
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            FontError::Missing(_) => {
                "check the path, or run `flam soundfonts` to list the installed ones"
            }
            FontError::Unreadable(..) => "check that the path names a readable file",
            FontError::NotSoundFont(..) => {
                "give a .sf2 file (SoundFont 2), or leave out --soundfont to use the built-in one"
            }
            FontError::Sf3(_) => {
                "convert it to SF2 (for example with Polyphone), or use an .sf2 file"
            }
            FontError::Corrupt(..) => "download or copy the file again",
        }
    }
}

impl fmt::Display for FontError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}\n  = help: {}", self.problem(), self.help())
    }
}

impl std::error::Error for FontError {}

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sf2,
    Sf3,
}

fn sniff(path: &Path) -> Option<Kind> {
    let mut file = File::open(path).ok()?;
    check_structure(&mut file, u64::MAX).ok()
}

/// Loads a SoundFont, checking its structure first so damaged files give an error instead
/// of a huge allocation or a panic.
pub fn load(source: &Source) -> Result<Arc<SoundFont>, FontError> {
    match source {
        Source::BuiltIn => {
            let here = PathBuf::from(BUILT_IN_NAME);
            let mut cursor = std::io::Cursor::new(BUILT_IN);
            parse(&here, &mut cursor, BUILT_IN.len() as u64)
        }
        Source::File(path) => load_file(path),
    }
}

/// Loads a SoundFont file.
pub fn load_file(path: &Path) -> Result<Arc<SoundFont>, FontError> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FontError::Missing(path.to_path_buf()),
        _ => FontError::Unreadable(path.to_path_buf(), e),
    })?;
    let len = file
        .metadata()
        .map_err(|e| FontError::Unreadable(path.to_path_buf(), e))?
        .len();
    if path.is_dir() {
        return Err(FontError::NotSoundFont(
            path.to_path_buf(),
            "it is a folder".to_string(),
        ));
    }
    let mut reader = BufReader::with_capacity(1 << 16, file);
    parse(path, &mut reader, len)
}

fn parse<R: Read + Seek>(
    path: &Path,
    reader: &mut R,
    len: u64,
) -> Result<Arc<SoundFont>, FontError> {
    match check_structure(reader, len) {
        Ok(Kind::Sf2) => {}
        Ok(Kind::Sf3) => return Err(FontError::Sf3(path.to_path_buf())),
        Err(Problem::Not(what)) => return Err(FontError::NotSoundFont(path.to_path_buf(), what)),
        Err(Problem::Damaged(why)) => return Err(FontError::Corrupt(path.to_path_buf(), why)),
        Err(Problem::Io(e)) => return Err(FontError::Unreadable(path.to_path_buf(), e)),
    }
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| FontError::Unreadable(path.to_path_buf(), e))?;
    // The structure was checked above and rustysynth's indexing is patched to return errors
    // (vendor/rustysynth/FLAM.md); a panic still left in it must not take flam down.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| SoundFont::new(reader)))
        .map_err(|_| {
            FontError::Corrupt(
                path.to_path_buf(),
                "its preset data is inconsistent".to_string(),
            )
        })?;
    match parsed {
        Ok(font) => Ok(Arc::new(font)),
        Err(rustysynth::SoundFontError::UnsupportedSampleFormat) => {
            Err(FontError::Sf3(path.to_path_buf()))
        }
        Err(e) => Err(FontError::Corrupt(path.to_path_buf(), e.to_string())),
    }
}

enum Problem {
    Not(String),
    Damaged(String),
    Io(std::io::Error),
}

impl From<std::io::Error> for Problem {
    fn from(e: std::io::Error) -> Problem {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Problem::Damaged("the file ends too early (truncated?)".to_string())
        } else {
            Problem::Io(e)
        }
    }
}

fn read4<R: Read>(r: &mut R) -> std::io::Result<[u8; 4]> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(b)
}

fn read_u32<R: Read>(r: &mut R) -> std::io::Result<u32> {
    Ok(u32::from_le_bytes(read4(r)?))
}

/// Walks the RIFF chunks: `RIFF sfbk` holding `LIST INFO` (with `ifil`), `LIST sdta` and
/// `LIST pdta`, every size inside its parent and the file. `len` is the file's length
/// (`u64::MAX` when unknown, which skips the size checks).
fn check_structure<R: Read + Seek>(r: &mut R, len: u64) -> Result<Kind, Problem> {
    let mut head = [0u8; 12];
    let mut got = 0;
    while got < head.len() {
        match r.read(&mut head[got..])? {
            0 => break,
            n => got += n,
        }
    }
    if got < 12 {
        if head[..got].starts_with(b"MThd") {
            return Err(Problem::Not("it is a MIDI file".to_string()));
        }
        return Err(Problem::Not(format!("it is only {got} bytes long")));
    }
    let id = &head[0..4];
    let form = &head[8..12];
    if id != b"RIFF" {
        let what = if id == b"MThd" {
            "it is a MIDI file".to_string()
        } else if id == b"OggS" {
            "it is an Ogg audio file".to_string()
        } else if head
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
        {
            "it looks like a text file".to_string()
        } else {
            "it does not start with `RIFF`".to_string()
        };
        return Err(Problem::Not(what));
    }
    if form != b"sfbk" {
        let what = match form {
            b"WAVE" => "it is a WAV audio file".to_string(),
            b"DLS " => "it is a DLS file".to_string(),
            _ => format!(
                "it is a RIFF file of type `{}`, not `sfbk`",
                String::from_utf8_lossy(form)
            ),
        };
        return Err(Problem::Not(what));
    }
    let riff_size = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    let end = 8 + riff_size;
    if len != u64::MAX && end > len {
        return Err(Problem::Damaged(format!(
            "it says it is {end} bytes long but the file has {len} (truncated?)"
        )));
    }
    let mut pos = 12u64;
    let mut seen = (false, false, false);
    let mut kind = Kind::Sf2;
    while pos + 8 <= end {
        r.seek(SeekFrom::Start(pos))?;
        let id = read4(r)?;
        let size = u64::from(read_u32(r)?);
        let chunk_end = pos + 8 + size;
        if chunk_end > end {
            return Err(Problem::Damaged(format!(
                "chunk `{}` at byte {pos} runs past the end of the file",
                String::from_utf8_lossy(&id)
            )));
        }
        if &id == b"LIST" {
            if size < 4 {
                return Err(Problem::Damaged(format!("empty LIST chunk at byte {pos}")));
            }
            let list = read4(r)?;
            match &list {
                b"INFO" => {
                    seen.0 = true;
                    if let Some(major) = info_version(r, pos + 12, chunk_end)?
                        && major >= 3
                    {
                        kind = Kind::Sf3;
                    }
                }
                b"sdta" => {
                    seen.1 = true;
                    check_children(r, pos + 12, chunk_end, &mut |id, r, at, _size| {
                        if id == b"smpl" {
                            r.seek(SeekFrom::Start(at))?;
                            let mut magic = [0u8; 4];
                            if r.read_exact(&mut magic).is_ok() && &magic == b"OggS" {
                                kind = Kind::Sf3;
                            }
                        }
                        Ok(())
                    })?;
                }
                b"pdta" => {
                    seen.2 = true;
                    check_children(r, pos + 12, chunk_end, &mut |_, _, _, _| Ok(()))?;
                }
                _ => {}
            }
        }
        // Chunks are padded to an even size.
        pos = chunk_end + (size & 1);
    }
    match seen {
        (true, true, true) => Ok(kind),
        _ if kind == Kind::Sf3 => Ok(kind),
        (false, _, _) => Err(Problem::Damaged("the INFO list is missing".to_string())),
        (_, false, _) => Err(Problem::Damaged(
            "the sample data (sdta) is missing".to_string(),
        )),
        (_, _, false) => Err(Problem::Damaged(
            "the preset data (pdta) is missing".to_string(),
        )),
    }
}

type ChildCheck<'a, R> = dyn FnMut(&[u8; 4], &mut R, u64, u64) -> Result<(), Problem> + 'a;

fn check_children<R: Read + Seek>(
    r: &mut R,
    start: u64,
    end: u64,
    each: &mut ChildCheck<'_, R>,
) -> Result<(), Problem> {
    let mut pos = start;
    while pos + 8 <= end {
        r.seek(SeekFrom::Start(pos))?;
        let id = read4(r)?;
        let size = u64::from(read_u32(r)?);
        if pos + 8 + size > end {
            return Err(Problem::Damaged(format!(
                "chunk `{}` at byte {pos} runs past the end of its list",
                String::from_utf8_lossy(&id)
            )));
        }
        each(&id, r, pos + 8, size)?;
        pos += 8 + size + (size & 1);
    }
    Ok(())
}

/// The major version in `ifil`, if the INFO list has one.
fn info_version<R: Read + Seek>(r: &mut R, start: u64, end: u64) -> Result<Option<u16>, Problem> {
    let mut version = None;
    check_children(r, start, end, &mut |id, r, at, size| {
        if id == b"ifil" && size >= 4 {
            r.seek(SeekFrom::Start(at))?;
            let mut b = [0u8; 2];
            r.read_exact(&mut b)?;
            version = Some(u16::from_le_bytes(b));
        }
        Ok(())
    })?;
    Ok(version)
}

/// Sizes as people read them: `148.4 MB`, `712 kB`.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{} kB", b / 1000),
        b => format!("{b} B"),
    }
}
