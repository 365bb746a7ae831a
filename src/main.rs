//! The `flam` command.

fn main() -> std::process::ExitCode {
    flam::cli::run()
}
