//! The recovery file: unsaved text is written next to the song when flam live ends badly, and
//! offered the next time the song is opened.

use std::path::{Path, PathBuf};

use crate::output::atomic_file::write_atomically;

/// Where the recovery copy of `song` lives: `song.flam` → `song.flam.recover`.
pub fn recovery_path(song: &Path) -> PathBuf {
    let mut name = song
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".recover");
    song.with_file_name(name)
}

/// Saves unsaved `text` for `song`.
pub fn save(song: &Path, text: &str) -> std::io::Result<()> {
    write_atomically(&recovery_path(song), text.as_bytes())
}

/// The recovered text for `song`, if there is one that differs from what is on disk.
pub fn pending(song: &Path) -> Option<String> {
    let recovered = std::fs::read_to_string(recovery_path(song)).ok()?;
    let on_disk = std::fs::read_to_string(song).unwrap_or_default();
    (recovered != on_disk).then_some(recovered)
}

/// Removes the recovery file once its text was saved or discarded.
pub fn clear(song: &Path) {
    let _ = std::fs::remove_file(recovery_path(song));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsaved_text_comes_back_until_it_is_cleared() {
        let dir = std::env::temp_dir().join(format!("flam-recover-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let song = dir.join("groove.flam");
        std::fs::write(&song, "tempo 90\n").unwrap();
        assert_eq!(pending(&song), None);
        save(&song, "tempo 100\n").unwrap();
        assert_eq!(recovery_path(&song), dir.join("groove.flam.recover"));
        assert_eq!(pending(&song).as_deref(), Some("tempo 100\n"));
        clear(&song);
        assert_eq!(pending(&song), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
