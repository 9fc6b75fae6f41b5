//! Builds AST nodes from what a parser matched: resolves string escapes, scales
//! numbers, validates periods (`invalid-period`) and attaches `///` doc comments. The
//! literal and declaration builders serve both parsers; the rest lowers the pairs of
//! the grammar's parse (`syntax::parse_with_grammar`).

use pest::iterators::Pair;

use crate::codes::{Code, Level};
use crate::diag::Diagnostic;
use crate::period::{Frequency, Period};
use crate::span::{FileId, Span, Spanned};

use super::ast::*;
use super::expr::{BinOp, Call, Expr, ExprKind, Func};
use super::grammar::Rule;

/// Lowering state for one file.
pub struct Lower<'a> {
    pub file: FileId,
    pub text: &'a str,
    /// Every comment of the file so far, in source order.
    pub comments: Vec<Comment>,
    pub diags: Vec<Diagnostic>,
}

type P<'i> = Pair<'i, Rule>;

impl<'a> Lower<'a> {
    /// Lowering state for `text` (file `file`) with its comments.
    pub fn new(file: FileId, text: &'a str, comments: Vec<Comment>) -> Self {
        Lower {
            file,
            text,
            comments,
            diags: Vec::new(),
        }
    }
}

fn is_punct(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::lbrace
            | Rule::rbrace
            | Rule::lparen
            | Rule::rparen
            | Rule::comma
            | Rule::arrow
            | Rule::dots
            | Rule::colon
            | Rule::EOI
    ) || is_keyword(rule)
}

/// The keyword rules (`kw_*`, one per keyword of `keywords::TABLE`, as
/// `tests/keywords.rs` checks), which carry no meaning of their own once matched.
fn is_keyword(rule: Rule) -> bool {
    static KEYWORD_RULES: std::sync::OnceLock<Vec<bool>> = std::sync::OnceLock::new();
    let table = KEYWORD_RULES.get_or_init(|| {
        let rules = Rule::all_rules();
        let mut v = vec![false; rules.iter().map(|r| *r as usize + 1).max().unwrap_or(0)];
        for r in rules {
            v[*r as usize] = format!("{r:?}").starts_with("kw_");
        }
        v
    });
    table.get(rule as usize).copied().unwrap_or(false)
}

/// The meaningful children of a pair (no punctuation, no keywords).
fn kids<'i>(pair: &P<'i>) -> impl Iterator<Item = P<'i>> + use<'i> {
    pair.clone().into_inner().filter(|p| !is_punct(p.as_rule()))
}

impl<'a> Lower<'a> {
    /// The span of a pair without trailing whitespace or comments: pest includes what
    /// it skipped before an optional part that did not match (`target 10 // note`).
    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        let bytes = self.text.as_bytes();
        let mut end = s.end();
        loop {
            // A comment ending here is trailing trivia; look for one before trimming
            // whitespace, which may be the end of the comment itself (`// note `).
            let i = self
                .comments
                .partition_point(|c| (c.span.end as usize) < end);
            match self.comments.get(i) {
                Some(c) if c.span.end as usize == end && c.span.start as usize >= s.start() => {
                    end = c.span.start as usize
                }
                _ if end > s.start() && bytes[end - 1].is_ascii_whitespace() => end -= 1,
                _ => break,
            }
        }
        Span::new(self.file, s.start(), end)
    }

    fn err(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.diags.push(
            Diagnostic::new(code, span, message)
                .label(label)
                .maybe_help(help),
        );
    }

    /// The doc comment right before byte offset `start` (only whitespace between).
    fn doc_before(&self, start: usize) -> Option<String> {
        let idx = self
            .comments
            .partition_point(|c| (c.span.end as usize) <= start);
        let mut lines = Vec::new();
        let mut cursor = start;
        for c in self.comments[..idx].iter().rev() {
            let between = &self.text[c.span.end as usize..cursor];
            if c.kind != CommentKind::Doc || !between.trim().is_empty() {
                break;
            }
            let body = self.text[c.span.range()][3..].trim_end();
            lines.push(body.strip_prefix(' ').unwrap_or(body).to_string());
            cursor = c.span.start as usize;
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        Some(lines.join("\n"))
    }

    /// Lowers the `file` pair.
    pub fn file(&mut self, pair: P<'_>) -> Vec<Item> {
        kids(&pair).filter_map(|p| self.top_item(p)).collect()
    }

    fn attrs_and_rest<'i>(&mut self, pair: &P<'i>) -> (Vec<Attribute>, Option<P<'i>>) {
        let mut attrs = Vec::new();
        let mut rest = None;
        for p in kids(pair) {
            if p.as_rule() == Rule::attribute {
                attrs.push(self.attribute(p));
            } else {
                rest = Some(p);
            }
        }
        (attrs, rest)
    }

    fn decl<T>(&mut self, outer: &P<'_>, attrs: Vec<Attribute>, head: Span, node: T) -> Decl<T> {
        let span = self.span(outer);
        self.decl_at(span, attrs, head, node)
    }

    /// A declaration spanning `span`, with the doc comment right before it.
    pub fn decl_at<T>(&self, span: Span, attrs: Vec<Attribute>, head: Span, node: T) -> Decl<T> {
        Decl {
            doc: self.doc_before(span.start as usize),
            attrs,
            span,
            head,
            node,
            partial: false,
        }
    }

    fn top_item(&mut self, pair: P<'_>) -> Option<Item> {
        let (attrs, decl) = self.attrs_and_rest(&pair);
        let decl = decl?;
        let mut inner = decl.clone().into_inner();
        let kw = inner.next().map(|k| self.span(&k))?;
        let rule = decl.as_rule();
        let node_span = |l: &Self, p: Option<P<'_>>| p.map_or(kw, |p| kw.to(l.span(&p)));
        Some(match rule {
            Rule::use_decl => {
                let path = self.string(kids(&decl).next()?);
                let head = kw.to(path.span);
                Item::Use(self.decl(&pair, attrs, head, Use { path }))
            }
            Rule::cascade_decl => {
                let mut ks = kids(&decl);
                let id = self.ident(ks.next()?);
                let path = self.string(ks.next()?);
                let head = kw.to(id.span);
                Item::Cascade(self.decl(&pair, attrs, head, Cascade { id, path }))
            }
            Rule::align_decl => {
                let mut ks = kids(&decl);
                let mut q = ks.next()?.into_inner();
                let department = self.ident(q.next()?);
                let source = self.ident(q.next()?);
                let objective = self.ident(ks.next()?);
                let mut weight = None;
                let mut rationale = None;
                for p in ks {
                    match p.as_rule() {
                        Rule::number => weight = Some(self.number(p)),
                        _ => rationale = Some(self.string(p)),
                    }
                }
                let head = kw.to(objective.span);
                let node = Align {
                    department,
                    source,
                    objective,
                    weight,
                    rationale,
                };
                Item::Align(self.decl(&pair, attrs, head, node))
            }
            Rule::scorecard => {
                let mut ks = kids(&decl);
                let title = self.string(ks.next()?);
                let props = ks.filter_map(|p| self.scorecard_prop(p)).collect();
                let head = kw.to(title.span);
                Item::Scorecard(self.decl(&pair, attrs, head, Scorecard { title, props }))
            }
            Rule::perspective => {
                let mut ks = kids(&decl).peekable();
                let id = self.ident(ks.next()?);
                let title = ks
                    .next_if(|p| p.as_rule() == Rule::string)
                    .map(|p| self.string(p));
                let items = ks.filter_map(|p| self.perspective_item(p)).collect();
                let head = node_span(self, None).to(id.span);
                Item::Perspective(self.decl(&pair, attrs, head, Perspective { id, title, items }))
            }
            Rule::kpi => {
                let m = self.measure_body(&decl)?;
                let head = kw.to(m.id.span);
                Item::Kpi(self.decl(&pair, attrs, head, m))
            }
            Rule::initiative => {
                let mut ks = kids(&decl);
                let id = self.ident(ks.next()?);
                let title = self.string(ks.next()?);
                let props = ks.filter_map(|p| self.initiative_prop(p)).collect();
                let head = kw.to(id.span);
                Item::Initiative(self.decl(&pair, attrs, head, Initiative { id, title, props }))
            }
            Rule::map_block => {
                let chains = kids(&decl).map(|p| self.chain(p)).collect();
                Item::Map(self.decl(
                    &pair,
                    attrs,
                    kw,
                    MapBlock {
                        chains,
                        errors: Vec::new(),
                    },
                ))
            }
            _ => return None,
        })
    }

    fn attribute(&mut self, pair: P<'_>) -> Attribute {
        let span = self.span(&pair);
        let mut level = Level::Warning;
        let mut codes = Vec::new();
        for p in kids(&pair) {
            match p.as_rule() {
                Rule::attr_level => {
                    level = match p.as_str() {
                        "@allow" => Level::Allow,
                        "@deny" => Level::Error,
                        _ => Level::Warning,
                    }
                }
                Rule::lint_name => codes.push(self.ident(p)),
                _ => {}
            }
        }
        Attribute { level, codes, span }
    }

    fn scorecard_prop(&mut self, pair: P<'_>) -> Option<Spanned<ScorecardProp>> {
        let span = self.span(&pair);
        let prop = kids(&pair).next()?;
        let mut ks = kids(&prop);
        let node = match prop.as_rule() {
            Rule::vision => ScorecardProp::Vision(self.string(ks.next()?)),
            Rule::mission => ScorecardProp::Mission(self.string(ks.next()?)),
            Rule::owner => ScorecardProp::Owner(self.string(ks.next()?)),
            Rule::as_of => ScorecardProp::AsOf(self.period(ks.next()?)),
            Rule::currency => ScorecardProp::Currency(self.string(ks.next()?)),
            Rule::period_range => {
                let a = self.period(ks.next()?);
                let b = self.period(ks.next()?);
                ScorecardProp::Period(a, b)
            }
            Rule::bands => ScorecardProp::Bands(
                ks.filter_map(|b| {
                    let mut bk = kids(&b);
                    let name = self.ident(bk.next()?);
                    let value = self.number(bk.next()?);
                    Some(Band { name, value })
                })
                .collect(),
            ),
            _ => return None,
        };
        Some(Spanned::new(node, span))
    }

    fn perspective_item(&mut self, pair: P<'_>) -> Option<PerspectiveItem> {
        let span = self.span(&pair);
        let (attrs, rest) = self.attrs_and_rest(&pair);
        let p = rest?;
        Some(match p.as_rule() {
            Rule::objective => {
                let mut ks = kids(&p);
                let id = self.ident(ks.next()?);
                let title = self.string(ks.next()?);
                let items = ks.filter_map(|k| self.objective_item(k)).collect();
                let head = self.span(&p.clone().into_inner().next()?).to(id.span);
                PerspectiveItem::Objective(self.decl(
                    &pair,
                    attrs,
                    head,
                    Objective { id, title, items },
                ))
            }
            Rule::level => {
                PerspectiveItem::Level(Spanned::new(self.number(kids(&p).next()?), span))
            }
            Rule::question => {
                PerspectiveItem::Question(Spanned::new(self.string(kids(&p).next()?), span))
            }
            _ => return None,
        })
    }

    fn objective_item(&mut self, pair: P<'_>) -> Option<ObjectiveItem> {
        let span = self.span(&pair);
        let (attrs, rest) = self.attrs_and_rest(&pair);
        let p = rest?;
        Some(match p.as_rule() {
            Rule::measure => {
                let m = self.measure_body(&p)?;
                let head = self.span(&p.clone().into_inner().next()?).to(m.id.span);
                ObjectiveItem::Measure(self.decl(&pair, attrs, head, m))
            }
            Rule::owner => ObjectiveItem::Owner(Spanned::new(self.string(kids(&p).next()?), span)),
            Rule::due => ObjectiveItem::Due(Spanned::new(self.period(kids(&p).next()?), span)),
            Rule::weight => {
                ObjectiveItem::Weight(Spanned::new(self.number(kids(&p).next()?), span))
            }
            _ => return None,
        })
    }

    /// The body shared by `measure` and `kpi`.
    fn measure_body(&mut self, pair: &P<'_>) -> Option<Measure> {
        let mut ks = kids(pair).peekable();
        let id = self.ident(ks.next()?);
        let title = self.string(ks.next()?);
        let from = ks
            .next_if(|p| p.as_rule() == Rule::from_kpi)
            .and_then(|p| kids(&p).next())
            .map(|p| self.ident(p));
        let props = ks.filter_map(|p| self.measure_prop(p)).collect();
        Some(Measure {
            id,
            title,
            from,
            props,
        })
    }

    fn measure_prop(&mut self, pair: P<'_>) -> Option<Spanned<MeasureProp>> {
        let span = self.span(&pair);
        let prop = kids(&pair).next()?;
        let mut ks = kids(&prop);
        let node = match prop.as_rule() {
            Rule::unit => MeasureProp::Unit(self.string(ks.next()?)),
            Rule::direction => {
                let v = ks.next()?;
                let d = if v.as_str() == "up" {
                    Direction::Up
                } else {
                    Direction::Down
                };
                MeasureProp::Direction(Spanned::new(d, self.span(&v)))
            }
            Rule::baseline | Rule::target => {
                let n = self.number(ks.next()?);
                let at = ks.next().map(|p| self.period(p));
                if prop.as_rule() == Rule::baseline {
                    MeasureProp::Baseline(n, at)
                } else {
                    MeasureProp::Target(n, at)
                }
            }
            Rule::threshold => MeasureProp::Threshold(self.number(ks.next()?)),
            Rule::frequency => {
                let v = ks.next()?;
                MeasureProp::Frequency(Spanned::new(
                    Frequency::from_word(v.as_str())?,
                    self.span(&v),
                ))
            }
            Rule::indicator => {
                let i = if prop.as_str() == "leading" {
                    Indicator::Leading
                } else {
                    Indicator::Lagging
                };
                MeasureProp::Indicator(Spanned::new(i, span))
            }
            Rule::owner => MeasureProp::Owner(self.string(ks.next()?)),
            Rule::source => MeasureProp::Source(self.string(ks.next()?)),
            Rule::formula => MeasureProp::Formula(self.string(ks.next()?)),
            Rule::weight => MeasureProp::Weight(self.number(ks.next()?)),
            Rule::note => {
                let period = self.period(ks.next()?);
                MeasureProp::Note(period, self.string(ks.next()?))
            }
            Rule::compute => MeasureProp::Compute(self.expr(ks.next()?)?),
            Rule::actuals => {
                let v = ks.next()?;
                if v.as_rule() == Rule::actuals_file {
                    let mut fk = kids(&v);
                    let mut file = DataFile {
                        path: self.string(fk.next()?),
                        sheet: None,
                        column: None,
                        row: None,
                        key: None,
                    };
                    for opt in fk {
                        let rule = opt.as_rule();
                        let value = Some(self.string(kids(&opt).next()?));
                        match rule {
                            Rule::data_sheet => file.sheet = value,
                            Rule::data_column => file.column = value,
                            Rule::data_row => file.row = value,
                            _ => file.key = value,
                        }
                    }
                    MeasureProp::ActualsFile(file)
                } else if v.as_rule() == Rule::actuals_sql {
                    let mut sk = kids(&v);
                    MeasureProp::ActualsSql {
                        db: self.string(sk.next()?),
                        query: self.string(sk.next()?),
                    }
                } else {
                    let entries = kids(&v)
                        .filter_map(|a| {
                            let sp = self.span(&a);
                            let mut ak = kids(&a);
                            let period = self.period(ak.next()?);
                            let value = self.number(ak.next()?);
                            Some(ActualEntry {
                                period,
                                value,
                                span: sp,
                            })
                        })
                        .collect();
                    MeasureProp::ActualsTable(entries)
                }
            }
            _ => return None,
        };
        Some(Spanned::new(node, span))
    }

    /// `expr`, `term` and `factor`: left-associative chains of operators.
    fn expr(&mut self, pair: P<'_>) -> Option<Expr> {
        match pair.as_rule() {
            Rule::expr | Rule::term => {
                let span = self.span(&pair);
                let mut ks = pair.into_inner();
                let first = self.expr(ks.next()?)?;
                let mut rest = Vec::new();
                while let Some(op) = ks.next() {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        _ => BinOp::Div,
                    };
                    rest.push((op, self.expr(ks.next()?)?));
                }
                Some(if rest.is_empty() {
                    first
                } else {
                    Expr {
                        kind: ExprKind::Chain(Box::new(first), rest),
                        span,
                    }
                })
            }
            Rule::factor => {
                let span = self.span(&pair);
                let mut ks = pair.into_inner();
                let first = ks.next()?;
                if first.as_rule() == Rule::neg {
                    let inner = self.expr(ks.next()?)?;
                    return Some(Expr {
                        kind: ExprKind::Neg(Box::new(inner)),
                        span,
                    });
                }
                self.expr(first)
            }
            Rule::paren => {
                let span = self.span(&pair);
                let inner = self.expr(kids(&pair).next()?)?;
                Some(Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span,
                })
            }
            Rule::call => {
                let span = self.span(&pair);
                let mut ks = kids(&pair);
                let name = ks.next()?;
                let func = Func::from_name(name.as_str())?;
                let name = self.span(&name);
                let arg = Box::new(self.expr(ks.next()?)?);
                let window = ks.next().map(|n| self.number(n));
                Some(Expr {
                    kind: ExprKind::Call(Call {
                        func,
                        name,
                        arg,
                        window,
                    }),
                    span,
                })
            }
            Rule::unsigned => {
                let n = self.number(pair);
                Some(Expr {
                    span: n.span,
                    kind: ExprKind::Number(n),
                })
            }
            Rule::ident => {
                let id = self.ident(pair);
                Some(Expr {
                    span: id.span,
                    kind: ExprKind::Ref(id),
                })
            }
            _ => None,
        }
    }

    fn initiative_prop(&mut self, pair: P<'_>) -> Option<Spanned<InitiativeProp>> {
        let span = self.span(&pair);
        let prop = kids(&pair).next()?;
        let mut ks = kids(&prop);
        let rating = |l: &Self, p: P<'_>| {
            let r = match p.as_str() {
                "low" => Rating::Low,
                "medium" => Rating::Medium,
                _ => Rating::High,
            };
            Spanned::new(r, l.span(&p))
        };
        let node = match prop.as_rule() {
            Rule::owner => InitiativeProp::Owner(self.string(ks.next()?)),
            Rule::budget => InitiativeProp::Budget(self.number(ks.next()?)),
            Rule::start => InitiativeProp::Start(self.period(ks.next()?)),
            Rule::end => InitiativeProp::End(self.period(ks.next()?)),
            Rule::impact => InitiativeProp::Impact(rating(self, ks.next()?)),
            Rule::feasibility => InitiativeProp::Feasibility(rating(self, ks.next()?)),
            Rule::status => {
                let v = ks.next()?;
                let s = match v.as_str() {
                    "planned" => InitiativeStatus::Planned,
                    "active" => InitiativeStatus::Active,
                    "done" => InitiativeStatus::Done,
                    _ => InitiativeStatus::Stalled,
                };
                InitiativeProp::Status(Spanned::new(s, self.span(&v)))
            }
            Rule::progress => InitiativeProp::Progress(self.number(ks.next()?)),
            Rule::spent => InitiativeProp::Spent(self.number(ks.next()?)),
            Rule::supports => InitiativeProp::Supports(ks.map(|p| self.ident(p)).collect()),
            _ => return None,
        };
        Some(Spanned::new(node, span))
    }

    fn chain(&mut self, pair: P<'_>) -> Chain {
        let span = self.span(&pair);
        let mut nodes = Vec::new();
        let mut rationale = None;
        for p in kids(&pair) {
            match p.as_rule() {
                Rule::ident => nodes.push(self.ident(p)),
                Rule::string => rationale = Some(self.string(p)),
                _ => {}
            }
        }
        Chain {
            nodes,
            rationale,
            span,
        }
    }

    fn ident(&mut self, pair: P<'_>) -> Ident {
        self.ident_at(self.span(&pair))
    }

    fn string(&mut self, pair: P<'_>) -> Str {
        self.string_at(self.span(&pair))
    }

    fn number(&mut self, pair: P<'_>) -> Number {
        self.number_at(self.span(&pair))
    }

    fn period(&mut self, pair: P<'_>) -> PeriodLit {
        self.period_at(self.span(&pair))
    }

    /// The name written at `span`.
    pub fn ident_at(&self, span: Span) -> Ident {
        Ident {
            name: self.text[span.range()].to_string(),
            span,
        }
    }

    /// The string literal at `span` (quotes included): escapes resolved, bad escapes
    /// reported at their place.
    pub fn string_at(&mut self, span: Span) -> Str {
        let raw = &self.text[span.range()];
        let body = &raw[1..raw.len() - 1];
        if !body.contains('\\') {
            return Str {
                value: body.to_string(),
                span,
            };
        }
        let base = span.start as usize + 1;
        let mut value = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                '\\' => value.push('\\'),
                '"' => value.push('"'),
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let rest = &body[i + 2..];
                    let close = rest.find('}');
                    let hex = close.filter(|_| rest.starts_with('{')).map(|c| &rest[1..c]);
                    let esc_end = base + i + 2 + close.map_or(0, |c| c + 1);
                    let esc = Span::new(self.file, base + i, esc_end.max(base + i + 2));
                    match hex {
                        Some(h)
                            if !h.is_empty()
                                && h.len() <= 6
                                && h.chars().all(|c| c.is_ascii_hexdigit()) =>
                        {
                            let n = u32::from_str_radix(h, 16).unwrap_or(u32::MAX);
                            match char::from_u32(n) {
                                Some(ch) => value.push(ch),
                                None => self.err(
                                    Code::Syntax,
                                    esc,
                                    format!("`\\u{{{h}}}` is not a Unicode character"),
                                    "not a Unicode scalar value",
                                    Some("Unicode escapes run from `\\u{0}` to `\\u{10FFFF}`, without the surrogates D800–DFFF".into()),
                                ),
                            }
                            for _ in 0..h.len() + 2 {
                                chars.next();
                            }
                        }
                        _ => self.err(
                            Code::Syntax,
                            esc,
                            "malformed Unicode escape",
                            "expected `\\u{HEX}` with 1 to 6 hex digits",
                            Some("write a Unicode escape as `\\u{1F600}`".into()),
                        ),
                    }
                }
                other => {
                    let esc = Span::new(self.file, base + i, base + i + 1 + other.len_utf8());
                    self.err(
                        Code::Syntax,
                        esc,
                        format!("unknown escape `\\{other}`"),
                        "not an escape",
                        Some("the escapes are `\\\\`, `\\\"`, `\\n`, `\\t` and `\\u{HEX}`".into()),
                    );
                }
            }
        }
        Str { value, span }
    }

    /// The number literal at `span`; out-of-range values are reported and read as 0.
    pub fn number_at(&mut self, span: Span) -> Number {
        let text = &self.text[span.range()];
        let percent = text.ends_with('%');
        match number_value(text) {
            Some((value, _)) => Number {
                value,
                percent,
                span,
            },
            None => {
                self.err(
                    Code::Syntax,
                    span,
                    "number out of range",
                    "too large to be a value",
                    Some("numbers must lie within ±1,000,000,000,000,000".into()),
                );
                Number {
                    value: 0.0,
                    percent,
                    span,
                }
            }
        }
    }

    /// The period literal at `span`, validated against the calendar.
    pub fn period_at(&mut self, span: Span) -> PeriodLit {
        match Period::parse(&self.text[span.range()]) {
            Ok(p) => PeriodLit {
                period: Some(p),
                span,
            },
            Err(e) => {
                let bad = Span::new(
                    self.file,
                    span.start as usize + e.start,
                    span.start as usize + e.end,
                );
                self.diags.push(
                    Diagnostic::new(Code::InvalidPeriod, bad, e.message)
                        .label("not on the calendar")
                        .help(e.help),
                );
                PeriodLit { period: None, span }
            }
        }
    }
}

/// The value of a number written as bsc writes numbers (`-1_000.5`, `150k`, `12%`):
/// `(value, percent)`, or `None` if the text is not such a number or is out of range.
///
/// The value is the double nearest to the decimal number as written: a scale suffix moves
/// the decimal point in the digit string (`521.8k` is read as `521800`), and the digits
/// are converted once. Multiplying after the conversion would not be exact (`521.8 × 1e3`
/// is 521799.99999999994).
pub fn number_value(text: &str) -> Option<(f64, bool)> {
    let (t, percent) = match text.strip_suffix('%') {
        Some(t) => (t, true),
        None => (text, false),
    };
    let (t, shift) = match t.as_bytes().last()? {
        b'k' => (&t[..t.len() - 1], 3),
        b'M' => (&t[..t.len() - 1], 6),
        b'B' => (&t[..t.len() - 1], 9),
        _ => (t, 0),
    };
    let (negative, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits_ok = |d: &str| {
        !d.is_empty()
            && d.starts_with(|c: char| c.is_ascii_digit())
            && d.ends_with(|c: char| c.is_ascii_digit())
            && d.chars().all(|c| c.is_ascii_digit() || c == '_')
            && !d.contains("__")
    };
    if !digits_ok(int) || frac.is_some_and(|f| !digits_ok(f)) {
        return None;
    }
    let frac = frac.unwrap_or("");
    let digits = |d: &str| d.chars().filter(|c| *c != '_').collect::<String>();
    let (int, frac) = (digits(int), digits(frac));
    // The same number with the point moved `shift` places right: `-521.8k` → `-521800`.
    let mut plain = String::with_capacity(int.len() + frac.len() + shift + 2);
    if negative {
        plain.push('-');
    }
    plain.push_str(&int);
    if frac.len() <= shift {
        plain.push_str(&frac);
        plain.extend(std::iter::repeat_n('0', shift - frac.len()));
    } else {
        plain.push_str(&frac[..shift]);
        plain.push('.');
        plain.push_str(&frac[shift..]);
    }
    let value = plain.parse::<f64>().ok()?;
    (value.is_finite() && value.abs() <= 1e15).then_some((value, percent))
}

#[cfg(test)]
mod tests {
    use super::number_value;

    #[test]
    fn reads_numbers_as_written() {
        assert_eq!(number_value("1_000"), Some((1000.0, false)));
        assert_eq!(number_value("150k"), Some((150_000.0, false)));
        assert_eq!(number_value("2.5M"), Some((2_500_000.0, false)));
        assert_eq!(number_value("1B"), Some((1e9, false)));
        assert_eq!(number_value("-3.5"), Some((-3.5, false)));
        assert_eq!(number_value("12.5%"), Some((12.5, true)));
        assert_eq!(number_value(&"9".repeat(400)), None);
        assert_eq!(number_value("1e9"), None);
        assert_eq!(number_value("1__0"), None);
        assert_eq!(number_value("abc"), None);
    }

    /// A scale suffix gives the double nearest to the decimal as written, the same as
    /// the number spelled in plain digits: `521.8k` is `521800` exactly.
    #[test]
    fn scale_suffixes_are_exact() {
        for (scaled, plain) in [
            ("521.8k", "521800"),
            ("1.009M", "1009000"),
            ("2.047B", "2047000000"),
            ("-521.8k", "-521800"),
            ("0.1k", "100"),
            ("0.001k", "1"),
            ("0.0001k", "0.1"),
            ("1.2345k", "1234.5"),
            ("1_234.567_8M", "1234567800"),
            ("0.3M", "300000"),
            ("4.35B", "4350000000"),
            ("1.000000000000000000001B", "1000000000.000000000001"),
            ("-0.000_001M", "-1"),
            ("999_999.999B", "999999999000000"),
        ] {
            assert_eq!(
                number_value(scaled),
                number_value(plain),
                "{scaled} should be {plain}"
            );
        }
        // Every suffix × many decimals: the value is the correctly rounded decimal, which
        // Rust's float parser gives for the same digits with an exponent.
        let decimals = [
            "0",
            "1",
            "7.1",
            "521.8",
            "1.009",
            "2.047",
            "0.3",
            "0.7",
            "1.1",
            "12.34",
            "99.99",
            "3.141_592_653_589_793_238_462_643",
            "123_456.789",
            "0.000_000_001",
            "8.675309",
            "42.000_000_000_000_1",
            "1_000.5",
            "65.2",
            "0.1",
            "0.2",
            "0.6",
            "9.95",
        ];
        for (suffix, exp) in [("", 0), ("k", 3), ("M", 6), ("B", 9)] {
            for d in decimals {
                for sign in ["", "-"] {
                    let text = format!("{sign}{d}{suffix}");
                    let exact: f64 = format!("{sign}{}e{exp}", d.replace('_', ""))
                        .parse()
                        .unwrap();
                    assert_eq!(
                        number_value(&text).map(|(v, _)| v.to_bits()),
                        Some(exact.to_bits()),
                        "{text}"
                    );
                }
            }
        }
        // The bound is on the value, after scaling.
        assert_eq!(number_value("1_000_000B"), Some((1e15, false)));
        assert_eq!(number_value("1_000_001B"), None);
        assert_eq!(number_value("2.5k%"), Some((2500.0, true)));
    }
}
