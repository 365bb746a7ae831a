//! Hot reload: watch a song file and call back, debounced, when it changes.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long a file must stay quiet before it is read: editors write in several steps.
const DEBOUNCE: Duration = Duration::from_millis(75);

/// Watches the folder holding `path` (so saves that replace the file by renaming it are seen)
/// and calls `changed` on a background thread once the file has been quiet for a moment.
/// Keep the returned watcher alive for as long as the watch should last.
pub fn watch(
    path: &Path,
    mut changed: impl FnMut() + Send + 'static,
) -> Result<RecommendedWatcher, String> {
    let file: PathBuf = path.file_name().map(PathBuf::from).unwrap_or_default();
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        if event
            .paths
            .iter()
            .any(|p| p.file_name() == Some(file.as_os_str()))
        {
            let _ = tx.send(());
        }
    })
    .map_err(|e| format!("error: cannot watch `{}`: {e}", path.display()))?;
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(|e| format!("error: cannot watch `{}`: {e}", folder.display()))?;
    std::thread::Builder::new()
        .name("flam-watch".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                // Wait until the saves stop coming.
                while rx.recv_timeout(DEBOUNCE).is_ok() {}
                changed();
            }
        })
        .map_err(|e| format!("error: cannot start the file watcher: {e}"))?;
    Ok(watcher)
}
