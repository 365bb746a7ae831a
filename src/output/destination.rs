//! Where `flam render` and `flam export` write: a regular file (replaced atomically, through
//! any symlinks to it), a device or FIFO (written directly, as `sox` and `fluidsynth` do), or
//! standard output (`-o -`). A folder is refused.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::atomic_file::AtomicFile;

/// How many symlinks a path may pass through, as the kernel allows.
const MAX_LINKS: usize = 40;

/// A resolved output path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// `-`: standard output.
    Stdout,
    /// A device, FIFO or socket: written in place, never replaced.
    Stream(PathBuf),
    /// A regular file, or a name not taken yet: written to a temporary file and renamed over
    /// it, so it appears whole or not at all. Symlinks are followed to the file they name.
    File(PathBuf),
}

impl Destination {
    /// What `path` names, following symlinks; a folder is an error.
    pub fn resolve(path: &Path) -> io::Result<Destination> {
        if path.as_os_str() == "-" {
            return Ok(Destination::Stdout);
        }
        let mut at = path.to_path_buf();
        for _ in 0..MAX_LINKS {
            let meta = match fs::symlink_metadata(&at) {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Destination::File(at)),
                Err(e) => return Err(e),
            };
            let kind = meta.file_type();
            if kind.is_symlink() {
                let target = fs::read_link(&at)?;
                at = match at.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            } else if kind.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "the path is a folder",
                ));
            } else if kind.is_file() {
                return Ok(Destination::File(at));
            } else {
                return Ok(Destination::Stream(at));
            }
        }
        Err(io::Error::other("too many levels of symbolic links"))
    }

    /// Whether writing here can seek back (a WAV header is patched at the end).
    pub fn seekable(&self) -> bool {
        matches!(self, Destination::File(_))
    }

    /// Writes `bytes` whole: atomically to a file, directly to a stream or standard output.
    pub fn write_all(&self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Destination::File(path) => {
                let mut file = AtomicFile::create(path)?;
                file.write_all(bytes)?;
                file.commit()
            }
            Destination::Stream(path) => {
                let mut out = OpenOptions::new().write(true).open(path)?;
                out.write_all(bytes)?;
                out.flush()
            }
            Destination::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()
            }
        }
    }

    /// How a message names it.
    pub fn describe(&self) -> String {
        match self {
            Destination::Stdout => "standard output".to_string(),
            Destination::Stream(p) | Destination::File(p) => p.display().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("flam-dest-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_dash_is_standard_output_and_a_new_name_a_file() {
        assert_eq!(
            Destination::resolve(Path::new("-")).unwrap(),
            Destination::Stdout
        );
        let dir = scratch("new");
        let path = dir.join("song.wav");
        assert_eq!(
            Destination::resolve(&path).unwrap(),
            Destination::File(path.clone())
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_symlink_is_written_through_to_its_target_and_stays_a_link() {
        let dir = scratch("link");
        let target = dir.join("takes").join("take1.wav");
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(&target, b"old").unwrap();
        let link = dir.join("latest.wav");
        std::os::unix::fs::symlink("takes/take1.wav", &link).unwrap();
        let dest = Destination::resolve(&link).unwrap();
        assert_eq!(dest, Destination::File(dir.join("takes/take1.wav")));
        dest.write_all(b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_dangling_symlink_creates_the_file_it_names() {
        let dir = scratch("dangling");
        let link = dir.join("out.mid");
        std::os::unix::fs::symlink(dir.join("real.mid"), &link).unwrap();
        Destination::resolve(&link)
            .unwrap()
            .write_all(b"MThd")
            .unwrap();
        assert_eq!(fs::read(dir.join("real.mid")).unwrap(), b"MThd");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_folder_is_refused_and_a_loop_of_links_too() {
        let dir = scratch("folder");
        let err = Destination::resolve(&dir).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        assert!(Destination::resolve(&a).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_device_is_written_in_place_and_stays_a_device() {
        let null = Path::new("/dev/null");
        let dest = Destination::resolve(null).unwrap();
        assert_eq!(dest, Destination::Stream(null.to_path_buf()));
        assert!(!dest.seekable());
        dest.write_all(b"anything").unwrap();
        assert!(!fs::metadata(null).unwrap().is_file());
    }
}
