//! The grammars that cannot read `src/syntax/keywords.rs` are held to it: pest's
//! grammar, tree-sitter's, the TextMate grammar of VS Code and vim's syntax file each
//! name every keyword of the table, in the right place, and no keyword the table lacks.
//! (The direct parser and pest's behaviour are tested against the table's examples in
//! `keywords.rs` itself.)

use std::collections::BTreeSet;
use std::path::Path;

use bsc::syntax::keywords::{self, Block, Kw, Role, TABLE};

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn set<'a>(words: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    words.into_iter().map(str::to_string).collect()
}

/// The words of `role` in the table.
fn role(r: Role) -> BTreeSet<String> {
    set(keywords::words_of(r))
}

/// The words that open an item of `block`.
fn opens(block: Block) -> BTreeSet<String> {
    set(keywords::words(block))
}

fn values() -> BTreeSet<String> {
    set(keywords::all_values())
}

/// The text between `open` and its matching `close`, starting the search at `from`.
fn balanced(text: &str, from: usize, open: char, close: char) -> &str {
    let start = from + text[from..].find(open).expect("an opening bracket");
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return &text[start + 1..start + i];
            }
        }
    }
    panic!("unbalanced from {from}");
}

/// Every `q…q`-quoted lowercase word in `text`.
fn quoted(text: &str, q: char) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut parts = text.split(q);
    parts.next();
    while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
        if !inside.is_empty() && inside.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            out.insert(inside.to_string());
        }
    }
    out
}

// --- pest ---------------------------------------------------------------------------

/// The body of pest rule `name`.
fn pest_rule<'a>(grammar: &'a str, name: &str) -> &'a str {
    let at = grammar
        .find(&format!("\n{name} "))
        .unwrap_or_else(|| panic!("no rule {name}"));
    let eq = at + grammar[at..].find('=').unwrap();
    balanced(grammar, eq, '{', '}')
}

/// The keyword a pest rule starts with: its `kw_*`, or the words of an atomic rule
/// (`indicator`).
fn pest_first_keywords(grammar: &str, rule: &str) -> BTreeSet<String> {
    let body = pest_rule(grammar, rule);
    match body.split_whitespace().find(|t| t.starts_with("kw_")) {
        Some(kw) => set([kw.trim_start_matches("kw_")]),
        None => quoted(body, '"'),
    }
}

#[test]
fn pest_grammar_names_every_keyword_where_the_table_puts_it() {
    let g = read("grammar/bsc.pest");
    // One `kw_*` rule per keyword (leading/lagging are one atomic rule, bands theirs).
    let kw_rules: BTreeSet<String> = g
        .lines()
        .filter_map(|l| l.strip_prefix("kw_"))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    let mut expected = role(Role::Declaration);
    expected.extend(role(Role::Property));
    expected.extend(role(Role::Modifier));
    expected.remove("leading");
    expected.remove("lagging");
    assert_eq!(kw_rules, expected, "kw_* rules of grammar/bsc.pest");
    for kw in &kw_rules {
        let body = pest_rule(&g, &format!("kw_{kw}"));
        assert!(body.contains(&format!("\"{kw}\"")), "kw_{kw} = {body}");
    }
    // Each block's item rule: its alternatives start with the block's keywords.
    for (block, rule) in [
        (Block::Top, "top_item"),
        (Block::Scorecard, "scorecard_prop"),
        (Block::Perspective, "perspective_item"),
        (Block::Objective, "objective_item"),
        (Block::Measure, "measure_prop"),
        (Block::Initiative, "initiative_prop"),
    ] {
        let body = pest_rule(&g, rule);
        let mut found = BTreeSet::new();
        for alt in body.split(['|', '(', ')', '~', ' ', '\n']) {
            let alt = alt.trim().trim_end_matches('*');
            if alt.is_empty() || alt == "attribute" {
                continue;
            }
            found.extend(pest_first_keywords(&g, alt));
        }
        assert_eq!(found, opens(block), "{rule} in grammar/bsc.pest");
    }
    assert_eq!(
        quoted(pest_rule(&g, "band_name"), '"'),
        role(Role::Band),
        "band_name"
    );
    assert_eq!(
        quoted(pest_rule(&g, "func_name"), '"'),
        role(Role::Function),
        "func_name"
    );
    for (kw, rule) in [
        (Kw::Direction, "direction_value"),
        (Kw::Frequency, "frequency_value"),
        (Kw::Impact, "rating"),
        (Kw::Status, "status_value"),
    ] {
        assert_eq!(
            quoted(pest_rule(&g, rule), '"'),
            set(keywords::values(kw).iter().copied()),
            "{rule}"
        );
    }
}

// --- tree-sitter --------------------------------------------------------------------

/// The body of tree-sitter rule `name` (`name: $ => …,`).
fn ts_rule<'a>(grammar: &'a str, name: &str) -> &'a str {
    let at = grammar
        .find(&format!("\n    {name}: "))
        .unwrap_or_else(|| panic!("no rule {name}"));
    balanced(grammar, at + name.len() + 6, '(', ')')
}

/// `text` without the quoted names of fields (`field('key', …)` becomes `field(, …)`).
fn no_fields(text: &str) -> String {
    text.split("field('")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                &part[part.find('\'').map_or(0, |q| q + 1)..]
            }
        })
        .collect::<Vec<_>>()
        .join("field(")
}

#[test]
fn tree_sitter_grammar_names_every_keyword_where_the_table_puts_it() {
    let g = read("editors/tree-sitter-bsc/grammar.js");
    let rules = no_fields(&g[g.find("rules: {").unwrap()..]);
    let mut all = TABLE
        .iter()
        .map(|k| k.word.to_string())
        .collect::<BTreeSet<_>>();
    all.extend(values());
    let in_grammar = quoted(&rules, '\'');
    assert_eq!(in_grammar, all, "quoted words of grammar.js");
    for (block, rule, nested) in [
        (Block::Scorecard, "_scorecard_property", None),
        (
            Block::Perspective,
            "_perspective_property",
            Some("objective"),
        ),
        (Block::Objective, "_objective_property", Some("measure")),
        (Block::Measure, "_measure_property", None),
        (Block::Initiative, "_initiative_property", None),
    ] {
        let mut found = quoted(&no_fields(ts_rule(&g, rule)), '\'');
        found.retain(|w| !role(Role::Modifier).contains(w));
        if let Some(decl) = nested {
            found.insert(decl.to_string());
        }
        assert_eq!(found, opens(block), "{rule} in grammar.js");
    }
    for decl in role(Role::Declaration) {
        let rule = match decl.as_str() {
            "use" => "use_declaration".to_string(),
            other => other.to_string(),
        };
        assert!(
            ts_rule(&g, &rule).contains(&format!("'{decl}',")),
            "{rule} does not start with '{decl}'"
        );
    }
    for (kw, rule) in [
        (Kw::Direction, "_direction"),
        (Kw::Frequency, "_frequency"),
        (Kw::Impact, "_rating"),
        (Kw::Status, "_status"),
    ] {
        assert_eq!(
            quoted(ts_rule(&g, rule), '\''),
            set(keywords::values(kw).iter().copied()),
            "{rule}"
        );
    }
}

// --- TextMate -----------------------------------------------------------------------

#[test]
fn textmate_grammar_names_every_keyword() {
    let g: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/syntaxes/bsc.tmLanguage.json")).unwrap();
    let patterns = g["repository"]["keywords"]["patterns"].as_array().unwrap();
    let words = |scope: &str| -> BTreeSet<String> {
        let p = patterns
            .iter()
            .find(|p| p["name"] == scope)
            .unwrap_or_else(|| panic!("no pattern {scope}"));
        let m = p["match"].as_str().unwrap();
        let inner = m
            .strip_prefix("\\b(?:")
            .and_then(|m| m.strip_suffix(")\\b"))
            .unwrap_or_else(|| panic!("{m}"));
        inner.split('|').map(str::to_string).collect()
    };
    assert_eq!(words("keyword.declaration.bsc"), role(Role::Declaration));
    let mut props = role(Role::Property);
    props.extend(role(Role::Modifier));
    props.extend(role(Role::Band));
    assert_eq!(words("keyword.other.property.bsc"), props);
    assert_eq!(words("constant.language.bsc"), values());
    let functions = patterns
        .iter()
        .find(|p| p["name"] == "support.function.bsc")
        .and_then(|p| p["match"].as_str())
        .expect("a pattern for the functions");
    let inner = functions
        .strip_prefix("\\b(?:")
        .and_then(|m| m.split_once(')'))
        .map(|(w, _)| w)
        .unwrap_or_else(|| panic!("{functions}"));
    assert_eq!(set(inner.split('|')), role(Role::Function), "functions");
}

// --- vim ----------------------------------------------------------------------------

#[test]
fn vim_syntax_names_every_keyword() {
    let v = read("editors/vim/syntax/bsc.vim");
    let group = |name: &str| -> BTreeSet<String> {
        v.lines()
            .filter_map(|l| l.strip_prefix("syn keyword "))
            .filter_map(|l| l.strip_prefix(name))
            .filter(|l| l.starts_with(' '))
            .flat_map(|l| l.split_whitespace())
            .filter(|w| !w.contains('=') && *w != "skipwhite" && *w != "skipnl")
            .map(str::to_string)
            .collect()
    };
    // `map` is the start of the map region, not a keyword (keywords would win over it).
    let mut decls = group("bscDecl");
    assert!(v.contains(r"start=/\<map\>"), "the map region");
    decls.insert("map".into());
    assert_eq!(decls, role(Role::Declaration), "bscDecl");
    // `from` and `supports` have groups of their own (what follows them is an id).
    let mut props = group("bscProperty");
    props.extend(group("bscFrom"));
    props.extend(group("bscSupports"));
    let mut expected = role(Role::Property);
    expected.extend(role(Role::Modifier));
    expected.extend(role(Role::Band));
    assert_eq!(props, expected, "bscProperty");
    assert_eq!(group("bscEnum"), values(), "bscEnum");
    let functions = v
        .lines()
        .find_map(|l| l.strip_prefix("syn match   bscFunction /\\<\\%("))
        .and_then(|l| l.split_once("\\)"))
        .map(|(w, _)| w)
        .expect("syn match bscFunction");
    assert_eq!(
        set(functions.split("\\|")),
        role(Role::Function),
        "bscFunction"
    );
}
