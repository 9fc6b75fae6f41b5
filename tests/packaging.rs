//! The crate builds from its package alone: `cargo package` takes the bundled library,
//! the grammar and the report and starter templates, and nothing the build does not need.

use std::process::Command;

#[test]
fn the_package_holds_what_the_build_reads() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<&str> = list.lines().collect();
    for needed in [
        "Cargo.lock",
        "README.md",
        "grammar/bsc.pest",
        "std/kpis.bsc",
        "src/main.rs",
        "src/emit/templates/report.html",
        "src/templates/init.bsc",
        "src/codes/explain/unknown-ref.md",
    ] {
        assert!(
            files.contains(&needed),
            "`{needed}` is not packaged: {files:?}"
        );
    }
    // Every file that `include_str!` names is in the package.
    let sources: Vec<&&str> = files.iter().filter(|f| f.ends_with(".rs")).collect();
    for src in sources {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("include_str!(\"") {
            let rest = &text[i + "include_str!(\"".len()..];
            let rel = &rest[..rest.find('"').unwrap()];
            if rel.contains('{') || rel.ends_with('/') {
                continue;
            }
            let target = path.parent().unwrap().join(rel);
            let target = target
                .canonicalize()
                .unwrap_or_else(|e| panic!("{src}: {rel}: {e}"));
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .canonicalize()
                .unwrap();
            let packaged = target
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            assert!(
                files.contains(&packaged.as_str()),
                "{src} reads `{packaged}`, which is not packaged"
            );
        }
    }
    assert!(
        !files.iter().any(|f| f.starts_with("tests/")
            || f.starts_with("editors/")
            || f.contains("node_modules")),
        "tests and editors stay out of the package"
    );
}
