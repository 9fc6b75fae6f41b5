//! The parser's recovery on every example and the bundled library, cut short at token
//! boundaries and with one token deleted: it never panics, reports at most
//! `MAX_ERRORS` errors and one more, marks what broke, and keeps what comes before the
//! damage exactly as the whole file's tree has it.

mod common;

use bsc::span::FileId;
use bsc::syntax::ast::{File, Item, PerspectiveItem};
use bsc::syntax::{MAX_ERRORS, parse, parse_direct};

/// Boundaries tried per file (evenly spread), to keep the test quick in a debug build.
const SAMPLES: usize = 300;

/// The tokens of a bsc text as (start, end): words and numbers (with `-`, `.`, `%`),
/// strings, comments, `->`, `..`, and single characters.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_-.%".contains(&b[i])) {
                // `..` is a token of its own.
                if b[i..].starts_with(b"..") {
                    break;
                }
                i += 1;
            }
        } else if b[i..].starts_with(b"->") || b[i..].starts_with(b"..") {
            i += 2;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        out.push((start, i.min(b.len())));
    }
    out
}

/// The end of a top-level item.
fn end(item: &Item) -> usize {
    item.span().end as usize
}

/// What of `whole` lies before byte `at` is in `part` as it is in `whole`: the
/// top-level items that end by then, the objectives of the perspective that `at`
/// falls in, and the comments.
fn same_before(whole: &File, part: &File, at: usize, what: &str) {
    let k = whole.items.iter().take_while(|i| end(i) <= at).count();
    assert!(part.items.len() >= k, "{what}: items lost");
    assert_eq!(whole.items[..k], part.items[..k], "{what}");
    if let (Some(Item::Perspective(w)), Some(Item::Perspective(p))) =
        (whole.items.get(k), part.items.get(k))
    {
        let done = |items: &[PerspectiveItem]| -> Vec<PerspectiveItem> {
            items
                .iter()
                .filter(|i| match i {
                    PerspectiveItem::Objective(o) => o.span.end as usize <= at,
                    _ => false,
                })
                .cloned()
                .collect()
        };
        // The part may end inside one more objective, not closed there.
        let (wo, po) = (done(&w.node.items), done(&p.node.items));
        assert!(po.len() >= wo.len(), "{what}: objectives lost");
        assert_eq!(wo, po[..wo.len()], "{what}: objectives");
    }
    let c = whole
        .comments
        .iter()
        .take_while(|c| c.span.end as usize <= at)
        .count();
    assert_eq!(whole.comments[..c], part.comments[..c], "{what}: comments");
}

/// Parses a damaged text: no panic, a bounded number of errors, and a tree marked
/// exactly when there are errors.
fn parse_damaged(text: &str, what: &str) -> File {
    let d = parse_direct(FileId(0), text).expect("bsc text");
    assert!(
        d.errors.len() <= MAX_ERRORS + 1,
        "{what}: {} errors",
        d.errors.len()
    );
    assert_eq!(
        d.file.has_errors(),
        !d.errors.is_empty(),
        "{what}: error nodes and errors disagree"
    );
    for e in d.file.error_nodes() {
        assert!(e.span.start <= e.span.end && e.span.end as usize <= text.len());
    }
    d.file
}

#[test]
fn recovery_keeps_what_comes_before_the_damage() {
    let inputs = common::inputs(&["examples", "std"]);
    assert!(inputs.len() >= 6, "{inputs:?}");
    let mut tried = 0;
    for path in &inputs {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.display().to_string();
        let whole = parse_direct(FileId(0), &text).unwrap();
        assert!(whole.errors.is_empty(), "{name}: {:?}", whole.errors);
        let toks = tokens(&text);
        let step = toks.len().div_ceil(SAMPLES).max(1);
        for (n, &(start, end)) in toks.iter().enumerate().step_by(step) {
            let what = format!("{name} cut at byte {end}");
            let part = parse_damaged(&text[..end], &what);
            same_before(&whole.file, &part, end, &what);

            let deleted = format!("{}{}", &text[..start], &text[end..]);
            let what = format!("{name} without the token at byte {start}");
            let part = parse_damaged(&deleted, &what);
            same_before(&whole.file, &part, start, &what);

            // Now and then, the whole front end: the grammar's first error, then ours.
            if n % (step * 25) == 0 {
                let (tree, diags) = parse(FileId(0), &deleted);
                assert!(tree.is_some(), "{what}");
                assert!(diags.len() <= MAX_ERRORS + 1 + 20, "{what}");
            }
            tried += 1;
        }
    }
    assert!(tried > 1_000, "only {tried} cuts");
}

/// The words of the text that could not be read are there for whoever needs them (an
/// objective whose declaration broke is still a known name), and a declaration whose
/// head was read is kept, marked partial, with its id.
#[test]
fn error_nodes_keep_words_and_partial_declarations_keep_ids() {
    let text = "perspective p {\n  objektive grow \"Grow\" { owner \"x\" }\n  objective keep \"Keep\" {\n    owner 5\n  }\n}\nmap { grow -> keep }\n";
    let d = parse_direct(FileId(0), text).unwrap();
    assert_eq!(d.errors.len(), 2, "{:?}", d.errors);
    let words: Vec<&str> = d.file.error_words().map(|w| w.name.as_str()).collect();
    assert_eq!(words, ["objektive", "grow", "owner", "owner"]);
    let Item::Perspective(p) = &d.file.items[0] else {
        panic!("{:?}", d.file.items[0]);
    };
    assert!(p.partial);
    let objectives: Vec<(&str, bool)> = p
        .node
        .items
        .iter()
        .filter_map(|i| match i {
            PerspectiveItem::Objective(o) => Some((o.node.id.name.as_str(), o.partial)),
            _ => None,
        })
        .collect();
    assert_eq!(objectives, [("keep", true)]);
    let Item::Map(m) = &d.file.items[1] else {
        panic!()
    };
    assert!(!m.partial && m.node.chains.len() == 1);
}
