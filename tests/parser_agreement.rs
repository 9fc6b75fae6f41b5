//! The direct parser (`syntax::parse_direct`) against the grammar's parse
//! (`syntax::parse_with_grammar`, pest, generated from `grammar/bsc.pest`): on every file
//! of the repository and on thousands of near-misses made from the smaller ones — a byte
//! deleted, doubled or replaced, the text cut short — the two agree on whether the text
//! parses; where it does, on the tree, spans and comments included, and on every
//! diagnostic; where it does not, the direct parser finds its first error no later than
//! the grammar, reports at most 50 and one more, and `syntax::parse` reports the
//! grammar's error first (`bsc::fuzzing::agree`).

mod common;

use std::path::PathBuf;

/// Bytes that matter to the grammar, used as replacements.
const PROBES: &[u8] = b" \n\r\t\0{}()\",:.-_%@/*0a9kMBHQWe";

/// Near-misses of `text`: at up to `budget` positions spread over the text, the byte
/// deleted, doubled, and replaced by each probe; and the text cut at those positions.
fn mutations(text: &[u8], budget: usize) -> Vec<Vec<u8>> {
    let step = (text.len() / budget).max(1);
    let mut out = Vec::new();
    for i in (0..text.len()).step_by(step) {
        let mut v = text.to_vec();
        v.remove(i);
        out.push(v);
        let mut v = text.to_vec();
        v.insert(i, text[i]);
        out.push(v);
        out.push(text[..i].to_vec());
        for &p in PROBES {
            let mut v = text.to_vec();
            v[i] = p;
            out.push(v);
        }
    }
    out
}

/// Checks each file and its near-misses; counts the near-misses that parsed and that
/// did not (not those that are not text).
fn agree_on(inputs: &[PathBuf]) -> (usize, usize) {
    let (mut parsed, mut rejected) = (0, 0);
    for p in inputs {
        let text = std::fs::read(p).unwrap();
        bsc::fuzzing::agree(&text);
        // Large files cost much per mutation and add few new shapes.
        if text.len() > 6_000 {
            continue;
        }
        for m in mutations(&text, 20) {
            match bsc::fuzzing::agree(&m) {
                Some(true) => parsed += 1,
                Some(false) => rejected += 1,
                None => {}
            }
        }
    }
    (parsed, rejected)
}

/// Trivia at the edges of what the pre-pass allows, which near-misses rarely reach.
#[test]
fn parsers_agree_on_trivia_at_the_limits() {
    let deep = |n: usize| format!("{}{}", "/*".repeat(n), "*/".repeat(n));
    let cases = [
        "/* a \0 b */ kpi k \"K\" {}".to_string(),
        "// a \0 b\nkpi k \"K\" {}".to_string(),
        "kpi k \"K\0\" {}".to_string(),
        "kpi k \"K\\\0\" {}".to_string(),
        format!("{} kpi k \"K\" {{}}", deep(64)),
        format!("{} kpi k \"K\" {{}}", deep(65)),
        "/// doc\r\n//// four\r\n// line\r\nkpi k \"K\" { unit \"%\" // tail\r\n}".to_string(),
        "/* unclosed /* */ kpi k \"K\" {}".to_string(),
        "kpi k \"K\" { unit \"x\" } //".to_string(),
        "initiative i \"I\" { supports a, /* c */ b, // d\n }".to_string(),
        "initiative i \"I\" { supports a, /* c */ b // d\n }".to_string(),
        "\r\n\t kpi k \"K\" {/**/}/**/".to_string(),
    ];
    let verdicts: Vec<bool> = cases
        .iter()
        .map(|c| bsc::fuzzing::agree(c.as_bytes()) == Some(true))
        .collect();
    // Both parsers read NUL in a block comment but not in a line comment or a string
    // (escaped, it is a bad escape in a file that parses), 64 nested comments but not
    // 65, and reject an unclosed comment and a dangling `,`.
    assert_eq!(
        verdicts,
        [
            true, false, false, true, true, false, true, false, true, false, true, true
        ]
    );
}

#[test]
fn parsers_agree_on_every_file_and_its_near_misses() {
    let inputs = common::inputs(&[
        "examples",
        "std",
        "tests/fixtures",
        "fuzz/regressions",
        "src/templates",
    ]);
    assert!(inputs.len() > 150, "found only {} files", inputs.len());
    // Two halves side by side: this is the slowest test.
    let half = inputs.len() / 2;
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| agree_on(&inputs[..half]));
        let b = s.spawn(|| agree_on(&inputs[half..]));
        (a.join().unwrap(), b.join().unwrap())
    });
    let (parsed, rejected) = (a.0 + b.0, a.1 + b.1);
    // The near-misses exercise both sides of the language.
    assert!(
        parsed > 10_000 && rejected > 10_000,
        "{parsed} parsed, {rejected} rejected"
    );
}

/// Expressions made of the tokens that nest (`-`, `(`, calls) and those that do not,
/// around the nesting limit: both parsers and the pre-pass agree on each.
#[test]
fn parsers_agree_on_expressions_at_the_nesting_limit() {
    const TOKENS: &[&str] = &[
        "-", "- ", "(", ")", "a", "sum(", "lag (", ", 1)", "1", "+", "*", "/", " ", "2%", "ytd(",
    ];
    // A small deterministic generator (xorshift), so that a failure is reproducible.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut accepted = 0;
    for case in 0..3000 {
        let mut expr = String::new();
        // Runs of one nesting token push the depth past the limit now and then.
        let len = (next() % 160) as usize;
        while expr.len() < len {
            let t = TOKENS[(next() % TOKENS.len() as u64) as usize];
            let times = if next() % 4 == 0 { 1 + next() % 40 } else { 1 };
            for _ in 0..times {
                expr.push_str(t);
            }
        }
        if case % 3 == 0 {
            // A balanced, valid one, as deep as the case number makes it.
            let depth = case % 70;
            expr = format!("{}a{}", "-(".repeat(depth / 2), ")".repeat(depth / 2));
        }
        let text = format!(
            "perspective p {{ objective o \"O\" {{ measure a \"A\" {{ compute {expr} }} }} }}\n"
        );
        if bsc::fuzzing::agree(text.as_bytes()) == Some(true) {
            accepted += 1;
        }
    }
    assert!(accepted > 500, "only {accepted} valid expressions");
}
