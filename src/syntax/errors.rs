//! Syntax errors in words: pest's "positives at the furthest position", and the direct
//! parser's failures during recovery, described from the same rules by [`explain`], so
//! that both say the same thing the same way. No rule name ever reaches the user.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::codes::Code;
use crate::diag::{Diagnostic, did_you_mean, join_or};
use crate::span::{FileId, Span};

use super::grammar::Rule;
use super::keywords::{self, Block, Kw, or_list, words};
use super::scan::{BlockEnd, block_comment, open_braces_at};

/// What a rule means to a reader, and which keywords could have been meant there. The
/// keywords come from `keywords::TABLE`.
fn describe(rule: Rule) -> (String, Vec<&'static str>) {
    let s = |t: &str| t.to_string();
    let listed = |what: &str, block: Block| {
        let w = words(block);
        (format!("{what} ({})", or_list(&w)), w)
    };
    // A long list is shown by a few of its words.
    let some = |what: &str, block: Block, shown: &[&str]| {
        let w = words(block);
        let shown: Vec<String> = shown
            .iter()
            .filter(|k| w.contains(k))
            .map(|k| format!("`{k}`"))
            .collect();
        (format!("{what} ({}, …)", shown.join(", ")), w)
    };
    let values = |kw: Kw| {
        let v = keywords::values(kw).to_vec();
        (or_list(&v), v)
    };
    match rule {
        Rule::top_item | Rule::EOI => listed("a declaration", Block::Top),
        Rule::scorecard_prop => listed("a scorecard property", Block::Scorecard),
        Rule::perspective_item => {
            let w = words(Block::Perspective);
            (or_list(&w), w)
        }
        Rule::objective_item => {
            let w = words(Block::Objective);
            (or_list(&w), w)
        }
        Rule::measure_prop => some(
            "a measure property",
            Block::Measure,
            &["unit", "target", "actuals"],
        ),
        Rule::initiative_prop => some(
            "an initiative property",
            Block::Initiative,
            &["owner", "budget", "supports"],
        ),
        Rule::chain => (s("a link like `a -> b`"), vec![]),
        Rule::ident => (s("an id"), vec![]),
        Rule::string => (s("a string in double quotes"), vec![]),
        Rule::number => (s("a number"), vec![]),
        Rule::period => (s("a period like 2025-07"), vec![]),
        Rule::lbrace | Rule::actuals_table => (s("`{`"), vec![]),
        Rule::rbrace => (s("`}`"), vec![]),
        Rule::lparen => (s("`(`"), vec![]),
        Rule::rparen => (s("`)`"), vec![]),
        Rule::comma => (s("`,`"), vec![]),
        Rule::arrow => (s("`->`"), vec![]),
        Rule::dots => (s("`..`"), vec![]),
        Rule::colon => (s("`:`"), vec![]),
        Rule::attribute | Rule::attr_level => (s("an attribute"), vec![]),
        Rule::lint_name => (s("a check name like `orphan`"), vec![]),
        Rule::band | Rule::band_name => {
            let w = words(Block::Bands);
            (or_list(&w), w)
        }
        Rule::direction_value => values(Kw::Direction),
        Rule::frequency_value => values(Kw::Frequency),
        Rule::rating => values(Kw::Impact),
        Rule::status_value => values(Kw::Status),
        Rule::actual => (s("an actual like `2025-01: 7.1`"), vec![]),
        Rule::from_kpi => (s("`from`"), vec!["from"]),
        Rule::qualified => (
            s("a department's objective like `sales.win_accounts`"),
            vec![],
        ),
        Rule::actuals_file => (s("a string in double quotes"), vec![]),
        Rule::actuals_sql => (s("`sql`"), vec!["sql"]),
        Rule::data_sheet => (s("`sheet`"), vec!["sheet"]),
        Rule::data_column => (s("`column`"), vec!["column"]),
        Rule::data_row => (s("`row`"), vec!["row"]),
        Rule::data_key => (s("`key`"), vec!["key"]),
        Rule::expr
        | Rule::term
        | Rule::factor
        | Rule::neg
        | Rule::paren
        | Rule::call
        | Rule::unsigned => {
            let f = keywords::words_of(keywords::Role::Function);
            (
                s(
                    "an expression (a measure id, a number, `-`, `(` or a function like `growth(m, 12)`)",
                ),
                f,
            )
        }
        Rule::func_name => {
            let f = keywords::words_of(keywords::Role::Function);
            (format!("a function ({})", or_list(&f)), f)
        }
        Rule::add_op | Rule::mul_op => (s("an operator (`+`, `-`, `*` or `/`)"), vec![]),
        Rule::indicator => (s("`leading` or `lagging`"), vec!["leading", "lagging"]),
        other => {
            let name = format!("{other:?}");
            let word = name.strip_prefix("kw_").unwrap_or(&name);
            (format!("`{word}`"), vec![])
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

/// What kind of block the `{` at `open` opens, by the word that leads it.
fn block_kind(text: &str, open: usize) -> Option<Block> {
    let name = block_name(text, open);
    Some(match name.split(' ').next()? {
        "scorecard" => Block::Scorecard,
        "bands" => Block::Bands,
        "perspective" => Block::Perspective,
        "objective" => Block::Objective,
        "measure" | "kpi" | "actuals" => Block::Measure,
        "initiative" => Block::Initiative,
        "map" => Block::Map,
        _ => return None,
    })
}

/// The diagnostic of a string at `pos` that is not closed on its line, if it is one.
fn unclosed_string(file: FileId, text: &str, pos: usize) -> Option<Diagnostic> {
    let b = text.as_bytes();
    if b.get(pos) != Some(&b'"') {
        return None;
    }
    let mut i = pos + 1;
    loop {
        match b.get(i) {
            None | Some(b'\n' | b'\r') => break,
            Some(b'\\') if !matches!(b.get(i + 1), None | Some(b'\n' | b'\r')) => i += 2,
            Some(b'"') => return None,
            Some(_) => i += 1,
        }
    }
    Some(
        Diagnostic::new(Code::Syntax, Span::new(file, pos, i), "unclosed string")
            .label("this string is not closed before the end of the line")
            .help("add the closing `\"`; a string cannot span lines, write `\\n` for a line break"),
    )
}

/// A diagnostic for what the text at `pos` is, when that alone is the error: an unclosed
/// string or comment, a NUL byte.
fn bad_token(file: FileId, text: &str, pos: usize) -> Option<Diagnostic> {
    let b = text.as_bytes();
    match (b.get(pos), b.get(pos + 1)) {
        (Some(b'"'), _) => unclosed_string(file, text, pos),
        (Some(0), _) => Some(
            Diagnostic::new(
                Code::Syntax,
                Span::new(file, pos, pos + 1),
                "NUL byte in the text",
            )
            .label("a NUL byte")
            .help("a .bsc file is UTF-8 text; remove the byte or re-save the file as text"),
        ),
        (Some(b'/'), Some(b'*')) => match block_comment(b, pos) {
            BlockEnd::Closed(_) => None,
            _ => Some(
                Diagnostic::new(
                    Code::Syntax,
                    Span::new(file, pos, pos + 2),
                    "unclosed block comment",
                )
                .label("this comment is never closed")
                .help("close it with `*/` (block comments nest: each `/*` needs its own `*/`)"),
            ),
        },
        _ => None,
    }
}

/// `groth(revenue, 12)` in an expression: a word before `(` that names no function. The
/// grammar stops at the `(` (after an operand), the direct parser at the word; both say
/// this, at the word.
fn unknown_function(
    file: FileId,
    text: &str,
    pos: usize,
    found: &str,
    positives: &[Rule],
) -> Option<Diagnostic> {
    let (start, end) = if found == "`(`" && positives.contains(&Rule::add_op) {
        let end = text[..pos].trim_end().len();
        let start = text[..end]
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
            .len();
        (start, end)
    } else if positives == [Rule::func_name] {
        let (_, len) = found_at(text, pos);
        (pos, pos + len)
    } else {
        return None;
    };
    let name = &text[start..end];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        || super::expr::Func::from_name(name).is_some()
    {
        return None;
    }
    let functions = keywords::words_of(keywords::Role::Function);
    let help = match did_you_mean(name, functions.iter().copied()) {
        Some(f) => format!("did you mean `{f}`?"),
        None => format!(
            "the functions are {}",
            or_list(&functions).replace(" or ", " and ")
        ),
    };
    Some(
        Diagnostic::new(
            Code::Syntax,
            Span::new(file, start, end),
            format!("unknown function `{name}`"),
        )
        .label("not a function")
        .help(help),
    )
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
    explain(file, text, &open_braces_at(braces, pos), pos, &positives)
}

/// The syntax error at byte `pos` of `text`, where one of `positives` was expected and
/// the blocks opened at `open` (outermost first) are open: what the grammar's parse and
/// the direct parser's recovery both report, in the same words.
pub fn explain(
    file: FileId,
    text: &str,
    open: &[usize],
    pos: usize,
    positives: &[Rule],
) -> Diagnostic {
    let pos = pos.min(text.len());
    if let Some(d) = bad_token(file, text, pos) {
        return d;
    }
    let (found, len) = found_at(text, pos);
    let at = Span::new(file, pos, pos + len);

    // The file ends inside a block: say which block is unclosed.
    if len == 0 && !open.is_empty() {
        return unclosed(file, text, open, at, "the file ends here");
    }
    if found == "`}`" && open.is_empty() {
        return Diagnostic::new(Code::Syntax, at, "unexpected `}`: it closes nothing")
            .label("no block is open here")
            .help("remove this `}`, or add the `{` it was meant to close");
    }
    let word = found.trim_matches('`');
    // A declaration of an enclosing block where an item of this one was expected: this
    // block was not closed.
    if !open.is_empty() && positives.contains(&Rule::rbrace) {
        let kinds: Option<Vec<Block>> = open.iter().map(|&o| block_kind(text, o)).collect();
        if let Some(kinds) = kinds {
            if let Some(d) = keywords::enclosing_declaration(word, &kinds) {
                let label = format!("a new `{word}` starts here");
                return unclosed(file, text, &open[d..], at, &label);
            }
        }
    }

    if let Some(d) = unknown_function(file, text, pos, &found, positives) {
        return d;
    }

    if found == "`@`" && positives == [Rule::attribute] {
        return Diagnostic::new(Code::Syntax, at, "malformed attribute")
            .label("not an attribute")
            .help("an attribute is `@allow(code, …)`, `@warn(code, …)` or `@deny(code, …)`");
    }

    let mut expected: Vec<String> = Vec::new();
    let mut keywords: Vec<&str> = Vec::new();
    for rule in positives {
        if *rule == Rule::EOI && positives.contains(&Rule::top_item) {
            continue;
        }
        let (words, kws) = describe(*rule);
        if !expected.contains(&words) {
            expected.push(words);
        }
        keywords.extend(kws);
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
    if positives.contains(&Rule::period) {
        if let Some(h) = period_hint(text, pos, word) {
            help = Some(h);
        }
    }
    if let Some(h) = currency_hint(text, pos, word) {
        help = Some(h);
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

/// "expected `}` to close `…`" (the innermost of the blocks opened at `unclosed`), at
/// `at`, labelling each opener.
fn unclosed(file: FileId, text: &str, unclosed: &[usize], at: Span, label: &str) -> Diagnostic {
    let inner = unclosed
        .last()
        .map_or(String::new(), |&o| block_name(text, o));
    let mut d = Diagnostic::new(
        Code::Syntax,
        at,
        format!("expected `}}` to close `{inner}`"),
    )
    .label(label);
    for &opener in unclosed.iter().rev() {
        let name = block_name(text, opener);
        d = d.with_label(
            Span::new(file, opener, opener + 1),
            format!("`{name}` opened here"),
        );
    }
    d.help(match unclosed.len() {
        1 => "add the missing `}`".to_string(),
        n => format!("add the {n} missing `}}`"),
    })
}

/// `Q4 2025`, `H1 2025`, `W14 2025` where a period was expected: the bsc spelling.
fn period_hint(text: &str, pos: usize, word: &str) -> Option<String> {
    let part = word.to_ascii_uppercase();
    let ok = match part.as_bytes() {
        [b'Q', b'1'..=b'4'] | [b'H', b'1' | b'2'] => true,
        [b'W', rest @ ..] => {
            !rest.is_empty() && rest.len() <= 2 && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    let rest = text
        .get(pos + word.len()..)?
        .trim_start_matches([' ', '\t']);
    let year: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let year = if year.len() == 4 {
        year
    } else {
        "2025".to_string()
    };
    Some(format!("periods are written year first: `{year}-{part}`"))
}

/// A currency after a budget (`budget 10k EUR`): budgets are plain numbers.
fn currency_hint(text: &str, pos: usize, word: &str) -> Option<String> {
    let before = text[..pos].trim_end();
    let number_start = before.rfind(|c: char| c.is_whitespace())?;
    let number = &before[number_start + 1..];
    let keyword = before[..number_start].trim_end();
    let is_budget = keyword.ends_with("budget")
        && !keyword[..keyword.len() - 6].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    let looks_like_currency = word.len() == 3 && word.chars().all(|c| c.is_ascii_uppercase())
        || matches!(word, "€" | "$" | "£" | "¥");
    if !is_budget || super::lower::number_value(number).is_none() || !looks_like_currency {
        return None;
    }
    let code = match word {
        "€" => "EUR",
        "$" => "USD",
        "£" => "GBP",
        "¥" => "JPY",
        w => w,
    };
    Some(format!(
        "a budget is a plain number; say the currency once, in the scorecard: `currency \"{code}\"`"
    ))
}
