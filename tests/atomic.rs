//! Atomic writes, proven: `bsc build` is killed with SIGKILL at random moments while it
//! writes a large report, many times; the output file is always the previous complete
//! report or the new complete one, never a mix or a torn file.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A scorecard of `n` objectives whose title is `title` (the report is a few MB).
fn big(title: &str, n: usize) -> String {
    let mut s = format!(
        "@allow(focus, orphan)\nscorecard \"{title}\" {{ owner \"CEO\" period 2025-01 .. 2025-12 }}\nperspective financial {{\n"
    );
    for i in 0..n {
        s.push_str(&format!(
            "  objective o{i} \"Objective {i} with a long enough title to make the report big\" {{ owner \"x\"\n    measure m{i} \"M{i}\" {{ unit \"u\" baseline 0 target 10 threshold 5 actuals {{ 2025-01: {}, 2025-02: {} }} }} }}\n",
            i % 11,
            (i * 7) % 11
        ));
    }
    s.push_str("}\n");
    s
}

#[test]
fn a_killed_build_never_leaves_a_torn_report() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.bsc");
    let out = dir.path().join("plan.html");
    let bsc = env!("CARGO_BIN_EXE_bsc");
    let build = |title: &str| {
        std::fs::write(&plan, big(title, 1500)).unwrap();
        let status = Command::new(bsc)
            .arg("build")
            .arg(&plan)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read(&out).unwrap()
    };
    let a = build("Version A");
    let b = build("Version B");
    assert!(
        a.len() > 1_000_000,
        "the report is large enough to be caught mid-write"
    );

    // Time a full build to spread the kills over it.
    let start = Instant::now();
    build("Version A");
    let full = start.elapsed();

    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut killed_mid_run = 0;
    for round in 0..60 {
        let title = if round % 2 == 0 {
            "Version B"
        } else {
            "Version A"
        };
        std::fs::write(&plan, big(title, 1500)).unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % (full.as_micros() as u64 + 1));
        let mut child = Command::new(bsc)
            .arg("build")
            .arg(&plan)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = std::fs::read(&out).unwrap();
        assert!(
            now == a || now == b,
            "round {round}: the report is neither complete version ({} bytes)",
            now.len()
        );
    }
    assert!(
        killed_mid_run >= 10,
        "only {killed_mid_run} kills landed during a build"
    );
    // Nothing but the two files is left: the temporary file is unnamed until the moment
    // before its rename (`O_TMPFILE`), so a kill leaves no `.bsc-*.tmp` behind, except
    // one that lands in the microseconds between naming and renaming (and such a file is
    // removed by a later write once it is stale).
    let mut temps = 0;
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if name.starts_with(".bsc-") && name.ends_with(".tmp") {
            temps += 1;
            continue;
        }
        assert!(name == "plan.bsc" || name == "plan.html", "{name}");
    }
    assert!(
        temps <= 1,
        "{temps} temporary files of killed runs piled up in 60 kills"
    );
}
