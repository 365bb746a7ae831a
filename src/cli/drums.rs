//! `flam drums`: the General MIDI drum names a pattern can use, and the program names.

use std::io::Write;
use std::process::ExitCode;

use super::failure::Failure;
use crate::theory::gm;

/// Prints the drum map (note, name, sound) and the 128 program names.
pub fn run() -> Result<ExitCode, Failure> {
    let mut out =
        String::from("General MIDI drums (channel 10):\n  note  name  sound                also\n");
    for key in gm::FIRST_DRUM_NOTE..=gm::LAST_DRUM_NOTE {
        if let (Some(name), Some(sound)) = (gm::drum_name(key), gm::drum_display_name(key)) {
            let also = gm::drum_aliases(key).join(", ");
            out.push_str(format!("  {key:>4}  {name:<5} {sound:<20} {also}").trim_end());
            out.push('\n');
        }
    }
    out.push_str("\nGeneral MIDI programs (`program NUMBER` or `program NAME`):\n");
    for program in 0..128u8 {
        let name = gm::program_name(program);
        out.push_str(&format!(
            "  {:>4}  {:<30} {}\n",
            u16::from(program) + 1,
            gm::kebab_case(name),
            name
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(Failure::output)?;
    Ok(ExitCode::SUCCESS)
}
