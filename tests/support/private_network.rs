//! A private network namespace with only loopback, multicast routed to it (`unshare -n`, as
//! root): Ableton Link finds its peers by multicast on every interface, so its tests and bench
//! run in one, and no packet leaves the machine.

// The bench uses part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// Set in the copy of a test or bench that runs inside the private network.
pub const INSIDE: &str = "FLAM_LINK_PRIVATE_NETWORK";

/// Whether this process runs inside the private network.
pub fn inside() -> bool {
    std::env::var_os(INSIDE).is_some()
}

/// Whether a private network namespace can be made here (root can).
pub fn possible() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// `exe` with `args`, run again inside a new private network.
pub fn again(exe: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("unshare");
    cmd.args([
        "-n",
        "sh",
        "-c",
        "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec \"$0\" \"$@\"",
    ])
    .arg(exe)
    .args(args)
    .env(INSIDE, "1");
    cmd
}
