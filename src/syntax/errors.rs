//! Turns pest's "positives at the furthest position" into a syntax diagnostic in words:
//! no rule name ever reaches the user.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::codes::Code;
use crate::diag::{Diagnostic, did_you_mean, join_or};
use crate::span::{FileId, Span};

use super::grammar::Rule;
use super::scan::{open_braces_at, unmatched_close};

use super::keywords::{
    INITIATIVE as INITIATIVE_PROPS, MEASURE as MEASURE_PROPS, OBJECTIVE as OBJECTIVE_ITEMS,
};
use super::keywords::{
    PERSPECTIVE as PERSPECTIVE_ITEMS, SCORECARD as SCORECARD_PROPS, TOP as TOP_ITEMS,
};

/// What a rule means to a reader, and which keywords could have been meant there.
fn describe(rule: Rule) -> (String, &'static [&'static str]) {
    let s = |t: &str| t.to_string();
    match rule {
        Rule::top_item | Rule::EOI => (
            s("a declaration (`scorecard`, `perspective`, `kpi`, `initiative`, `map` or `use`)"),
            TOP_ITEMS,
        ),
        Rule::scorecard_prop => (
            s("a scorecard property (`vision`, `mission`, `owner`, `period`, `as_of` or `bands`)"),
            SCORECARD_PROPS,
        ),
        Rule::perspective_item => (s("`objective`, `level` or `question`"), PERSPECTIVE_ITEMS),
        Rule::objective_item => (s("`measure`, `owner`, `due` or `weight`"), OBJECTIVE_ITEMS),
        Rule::measure_prop => (
            s("a measure property (`unit`, `target`, `actuals`, …)"),
            MEASURE_PROPS,
        ),
        Rule::initiative_prop => (
            s("an initiative property (`owner`, `budget`, `supports`, …)"),
            INITIATIVE_PROPS,
        ),
        Rule::chain => (s("a link like `a -> b`"), &[]),
        Rule::ident => (s("an id"), &[]),
        Rule::string => (s("a string in double quotes"), &[]),
        Rule::number => (s("a number"), &[]),
        Rule::period => (s("a period like 2025-07"), &[]),
        Rule::lbrace | Rule::actuals_table => (s("`{`"), &[]),
        Rule::rbrace => (s("`}`"), &[]),
        Rule::arrow => (s("`->`"), &[]),
        Rule::dots => (s("`..`"), &[]),
        Rule::colon => (s("`:`"), &[]),
        Rule::attribute | Rule::attr_level => (s("an attribute"), &[]),
        Rule::lint_name => (s("a check name like `orphan`"), &[]),
        Rule::band | Rule::band_name => (s("`green` or `amber`"), &["green", "amber"]),
        Rule::direction_value => (s("`up` or `down`"), &["up", "down"]),
        Rule::frequency_value => (
            s("`daily`, `weekly`, `monthly`, `quarterly` or `yearly`"),
            &["daily", "weekly", "monthly", "quarterly", "yearly"],
        ),
        Rule::rating => (s("`low`, `medium` or `high`"), &["low", "medium", "high"]),
        Rule::status_value => (
            s("`planned`, `active`, `done` or `stalled`"),
            &["planned", "active", "done", "stalled"],
        ),
        Rule::actual => (s("an actual like `2025-01: 7.1`"), &[]),
        Rule::from_kpi => (s("`from`"), &["from"]),
        Rule::indicator => (s("`leading` or `lagging`"), &["leading", "lagging"]),
        other => {
            let name = format!("{other:?}");
            let word = name.strip_prefix("kw_").unwrap_or(&name);
            (format!("`{word}`"), &[])
        }
    }
}

/// The token found at `pos`, in words.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos.min(text.len())..];
    let Some(c) = rest.chars().next() else {
        return ("end of file".into(), 0);
    };
    if c == '"' {
        let len = rest[1..]
            .find(['"', '\n', '\r'])
            .map_or(rest.len(), |i| i + 2);
        return ("a string".into(), len.min(rest.len()));
    }
    let word_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '%' | '-');
    if c.is_ascii_alphanumeric()
        || c == '_'
        || c == '-' && rest[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        let len = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| !word_char(c))
            .map_or(rest.len(), |(i, _)| i);
        let word = &rest[..len];
        let shown: String = word.chars().take(40).collect();
        let ellipsis = if shown.len() < word.len() { "…" } else { "" };
        return (format!("`{shown}{ellipsis}`"), len);
    }
    (format!("`{c}`"), c.len_utf8())
}

/// The words before the `{` at `open`: `perspective financial`, `measure downtime`, `actuals`.
fn block_name(text: &str, open: usize) -> String {
    let line_start = text[..open]
        .rfind(['\n', '\r', '{', '}'])
        .map_or(0, |i| i + 1);
    let head = text[line_start..open].trim();
    let mut words = head.split_whitespace().filter(|w| !w.starts_with('@'));
    match words.next() {
        Some(kw @ ("perspective" | "objective" | "measure" | "kpi" | "initiative")) => {
            match words.next() {
                Some(id) if !id.starts_with('"') => format!("{kw} {id}"),
                _ => kw.to_string(),
            }
        }
        Some(kw) => kw.chars().take(40).collect(),
        None => "block".to_string(),
    }
}

/// A syntax diagnostic for a pest failure in `text` (file `file`).
pub fn syntax_error(
    file: FileId,
    text: &str,
    braces: &[(usize, bool)],
    err: &Error<Rule>,
) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let (found, len) = found_at(text, pos);
    let at = Span::new(file, pos, pos + len);

    // The file ends inside a block: say which block is unclosed.
    let open = open_braces_at(braces, pos);
    if len == 0 {
        if let Some(&opener) = open.last() {
            let name = block_name(text, opener);
            return Diagnostic::new(Code::Syntax, at, format!("expected `}}` to close `{name}`"))
                .label("the file ends here")
                .with_label(
                    Span::new(file, opener, opener + 1),
                    format!("`{name}` opened here"),
                )
                .help("add the missing `}`");
        }
    }
    if found == "`}`" && unmatched_close(braces, pos) == Some(pos) {
        return Diagnostic::new(Code::Syntax, at, "unexpected `}`: it closes nothing")
            .label("no block is open here")
            .help("remove this `}`, or add the `{` it was meant to close");
    }

    let mut expected: Vec<String> = Vec::new();
    let mut keywords: Vec<&str> = Vec::new();
    for rule in &positives {
        if *rule == Rule::EOI && positives.contains(&Rule::top_item) {
            continue;
        }
        let (words, kws) = describe(*rule);
        if !expected.contains(&words) {
            expected.push(words);
        }
        keywords.extend_from_slice(kws);
    }
    // `}` is always possible inside a block: name it only when nothing else is.
    if expected.len() > 1 {
        expected.retain(|e| e != "`}`");
    }
    if expected.is_empty() {
        expected.push("something else".into());
    }
    let mut message = format!("expected {}, found {found}", join_or(&expected));
    let label = match open.last() {
        Some(&opener) => format!("not valid here in `{}`", block_name(text, opener)),
        None => "not valid at the top level".to_string(),
    };
    let mut help = None;
    let word = found.trim_matches('`');
    if !keywords.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        if let Some(kw) = did_you_mean(word, keywords.iter().copied()) {
            help = Some(format!("did you mean `{kw}`?"));
        } else if keywords.len() > 2 {
            help = Some(format!("expected one of: {}", keywords.join(", ")));
        }
    }
    if text[..pos].trim_end().ends_with(')')
        && text[..pos].contains('@')
        && found != "`}`"
        && !positives.contains(&Rule::rbrace)
    {
        help = Some("an attribute must be followed by a declaration; attributes cannot stand before a property".into());
    }
    let numeric = word.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    if numeric && word.contains(['e', 'E']) && positives.contains(&Rule::number) {
        help = Some(
            "numbers have no exponent; write the digits, or use a `k`, `M` or `B` suffix".into(),
        );
    }
    if found == "`@`" && !open.is_empty() && !positives.contains(&Rule::attribute) {
        message = format!("expected {}, found an attribute", join_or(&expected));
        help = Some(
            "attributes can only stand before a declaration (`objective`, `measure`, …)".into(),
        );
    }
    Diagnostic::new(Code::Syntax, at, message)
        .label(label)
        .maybe_help(help)
}
