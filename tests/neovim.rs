//! A real editor client: Neovim's built-in LSP client (Debian's Neovim 0.7, headless,
//! scripted in Lua: tests/neovim/session.lua) opens a copy of the split example and
//! checks diagnostics, hover, definition into another file and into `std/`, references
//! and rename from a library file (then `bsc check` of the project is clean),
//! completion after `from ` and after `a -> ` in a half-typed file, a quick fix applied,
//! and formatting. test.sh installs Neovim; without it the test says so and passes.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn an_editing_session_in_neovim() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("note: no nvim on PATH, the Neovim session is skipped (test.sh installs it)");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::Builder::new().prefix("nvim").tempdir().unwrap();
    let project = tmp.path().join("project");
    copy_dir(&repo.join("examples/project"), &project);
    let out = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            repo.join("tests/neovim/session.lua").display()
        ))
        .env("BSC", env!("CARGO_BIN_EXE_bsc"))
        .env("PROJECT", &project)
        .env("HOME", tmp.path())
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .env("XDG_CACHE_HOME", tmp.path().join("cache"))
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.contains(" passed, 0 failed"),
        "{text}"
    );
}
