//! The parser: a recursive descent over the bytes of a file that builds the AST
//! directly, in one pass, without a token list.
//!
//! It accepts exactly the language of `grammar/bsc.pest`, rule for rule (the comments
//! name the rules), and gives the same tree as the grammar's parse lowered by
//! `lower.rs`; `tests/parser_agreement.rs` and the `agree` fuzz target hold the two to
//! that. It knows nothing about error messages: on the first thing it cannot read it
//! gives up, and `syntax::parse` asks the grammar to explain. Keywords are contextual,
//! as in the grammar: a word is a keyword only where one is expected.

use crate::codes::Level;
use crate::period::Frequency;
use crate::span::{Span, Spanned};

use super::ast::*;
use super::lower::Lower;
use super::scan::{BlockEnd, block_comment, line_comment};

/// The input is not in the language; the grammar's parse says why.
pub struct Fail;

type R<T> = Result<T, Fail>;

/// `ASCII_ALPHANUMERIC | "_"`: what continues a word.
fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parses a whole file whose comments `lower` already holds.
pub fn file(lower: &mut Lower<'_>) -> R<Vec<Item>> {
    let mut p = Parser {
        text: lower.text,
        b: lower.text.as_bytes(),
        pos: 0,
        end: 0,
        lower,
        props: Vec::new(),
        actuals: Vec::new(),
    };
    // file = { SOI ~ top_item* ~ EOI }
    let mut items = Vec::new();
    loop {
        p.skip();
        if p.pos == p.b.len() {
            return Ok(items);
        }
        items.push(p.top_item()?);
    }
}

struct Parser<'t, 'l> {
    text: &'t str,
    b: &'t [u8],
    /// Where reading continues.
    pos: usize,
    /// The end of the last token read: where a node that ends with it ends.
    end: usize,
    lower: &'l mut Lower<'t>,
    /// Scratch stacks for the two most numerous lists, so that each list is allocated
    /// once, at its final length, instead of growing.
    props: Vec<Spanned<MeasureProp>>,
    actuals: Vec<ActualEntry>,
}

impl<'t> Parser<'t, '_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.lower.file, start, self.end)
    }

    /// Takes `len` bytes as a token and returns its span.
    fn take(&mut self, len: usize) -> Span {
        let start = self.pos;
        self.pos += len;
        self.end = self.pos;
        Span::new(self.lower.file, start, self.pos)
    }

    /// Skips whitespace and comments (`WHITESPACE` and `COMMENT`), recording the
    /// comments. Reading goes back over skipped trivia only on the way to a failure
    /// (`supports a,` before `}`), so a file that parses records each comment once.
    fn skip(&mut self) {
        loop {
            let start = self.pos;
            let (kind, end) = match (self.at(start), self.at(start + 1)) {
                (b' ' | b'\t' | b'\r' | b'\n', _) => {
                    self.pos += 1;
                    continue;
                }
                (b'/', b'/') => line_comment(self.b, start),
                (b'/', b'*') => match block_comment(self.b, start) {
                    BlockEnd::Closed(end) => (CommentKind::Block, end),
                    BlockEnd::Unclosed | BlockEnd::TooDeep(_) => return,
                },
                _ => return,
            };
            self.pos = end;
            self.lower.comments.push(Comment {
                kind,
                span: Span::new(self.lower.file, start, end),
            });
        }
    }

    /// Skips trivia and returns the byte there (0 at the end).
    fn peek(&mut self) -> u8 {
        self.skip();
        self.at(self.pos)
    }

    /// Skips trivia and returns the word there (`ident`'s shape), or "".
    fn peek_word(&mut self) -> &'t str {
        self.skip();
        let start = self.pos;
        if !matches!(self.at(start), b'a'..=b'z' | b'A'..=b'Z' | b'_') {
            return "";
        }
        let mut i = start + 1;
        while i < self.b.len() && is_ident_char(self.b[i]) {
            i += 1;
        }
        // Words are ASCII, so this slice is on character boundaries.
        &self.text[start..i]
    }

    /// The word at the cursor, taken as a token.
    fn word(&mut self) -> R<(&'t str, Span)> {
        let w = self.peek_word();
        if w.is_empty() {
            return Err(Fail);
        }
        Ok((w, self.take(w.len())))
    }

    /// Takes the keyword `kw` (`kw_*`: the word followed by no word character).
    fn keyword(&mut self, kw: &str) -> R<Span> {
        if self.peek_word() != kw {
            return Err(Fail);
        }
        Ok(self.take(kw.len()))
    }

    /// Takes the punctuation `p`.
    fn punct(&mut self, p: &[u8]) -> R<Span> {
        self.skip();
        if !self.b[self.pos..].starts_with(p) {
            return Err(Fail);
        }
        Ok(self.take(p.len()))
    }

    /// `ident`
    fn ident(&mut self) -> R<Ident> {
        let len = self.peek_word().len();
        if len == 0 {
            return Err(Fail);
        }
        let span = self.take(len);
        Ok(self.lower.ident_at(span))
    }

    /// `string`: one line, escapes resolved by `lower`.
    fn string(&mut self) -> R<Str> {
        if self.peek() != b'"' {
            return Err(Fail);
        }
        let mut i = self.pos + 1;
        loop {
            match self.at(i) {
                b'"' => break,
                b'\\' if !matches!(self.at(i + 1), b'\n' | b'\r') && i + 1 < self.b.len() => i += 2,
                b'\\' | b'\n' | b'\r' | 0 => return Err(Fail),
                _ => i += 1,
            }
        }
        let span = self.take(i + 1 - self.pos);
        Ok(self.lower.string_at(span))
    }

    /// `digits = ASCII_DIGIT ~ ("_"? ~ ASCII_DIGIT)*` from `i`; returns its end.
    fn digits(&self, mut i: usize) -> R<usize> {
        if !self.at(i).is_ascii_digit() {
            return Err(Fail);
        }
        i += 1;
        loop {
            if self.at(i).is_ascii_digit() {
                i += 1;
            } else if self.at(i) == b'_' && self.at(i + 1).is_ascii_digit() {
                i += 2;
            } else {
                return Ok(i);
            }
        }
    }

    /// `number = "-"? ~ digits ~ ("." ~ digits)? ~ ("k" | "M" | "B")? ~ "%"? ~ !ident_char`
    fn number(&mut self) -> R<Number> {
        self.skip();
        let mut i = self.pos;
        if self.at(i) == b'-' {
            i += 1;
        }
        i = self.digits(i)?;
        if self.at(i) == b'.' && self.at(i + 1).is_ascii_digit() {
            i = self.digits(i + 1)?;
        }
        if matches!(self.at(i), b'k' | b'M' | b'B') {
            i += 1;
        }
        if self.at(i) == b'%' {
            i += 1;
        }
        if is_ident_char(self.at(i)) {
            return Err(Fail);
        }
        let span = self.take(i - self.pos);
        Ok(self.lower.number_at(span))
    }

    /// `period = ASCII_DIGIT{4} ~ ("-" ~ (("H" | "Q" | "W") ~ ASCII_DIGIT+
    /// | ASCII_DIGIT{2} ~ ("-" ~ ASCII_DIGIT{2})?))? ~ !(ident_char | "-")`
    fn period(&mut self) -> R<PeriodLit> {
        self.skip();
        let digit = |i: usize| self.at(i).is_ascii_digit();
        let start = self.pos;
        if !(start..start + 4).all(digit) {
            return Err(Fail);
        }
        let mut i = start + 4;
        if self.at(i) == b'-' {
            let j = i + 1;
            if matches!(self.at(j), b'H' | b'Q' | b'W') && digit(j + 1) {
                i = j + 2;
                while digit(i) {
                    i += 1;
                }
            } else if digit(j) && digit(j + 1) {
                i = j + 2;
                if self.at(i) == b'-' && digit(i + 1) && digit(i + 2) {
                    i += 3;
                }
            }
        }
        if is_ident_char(self.at(i)) || self.at(i) == b'-' {
            return Err(Fail);
        }
        let span = self.take(i - start);
        Ok(self.lower.period_at(span))
    }

    /// `attribute*`
    fn attributes(&mut self) -> R<Vec<Attribute>> {
        let mut attrs = Vec::new();
        while self.peek() == b'@' {
            attrs.push(self.attribute()?);
        }
        Ok(attrs)
    }

    /// `attribute = attr_level ~ "(" ~ lint_name ~ ("," ~ lint_name)* ~ ","? ~ ")"`
    fn attribute(&mut self) -> R<Attribute> {
        let start = self.pos;
        // attr_level = ${ "@" ~ attr_kind }: nothing between the two.
        self.pos += 1;
        let level = match self.peek_word_here() {
            "allow" => Level::Allow,
            "warn" => Level::Warning,
            "deny" => Level::Error,
            _ => return Err(Fail),
        };
        let len = self.peek_word_here().len();
        self.take(len);
        self.punct(b"(")?;
        let mut codes = vec![self.lint_name()?];
        while self.peek() == b',' {
            self.take(1);
            if !matches!(self.peek(), b'a'..=b'z' | b'A'..=b'Z' | b'_') {
                break;
            }
            codes.push(self.lint_name()?);
        }
        self.punct(b")")?;
        Ok(Attribute {
            level,
            codes,
            span: self.span(start),
        })
    }

    /// The word right at the cursor, without skipping anything.
    fn peek_word_here(&self) -> &'t str {
        let mut i = self.pos;
        while i < self.b.len() && is_ident_char(self.b[i]) {
            i += 1;
        }
        &self.text[self.pos..i]
    }

    /// `lint_name = @{ (ASCII_ALPHA | "_") ~ (ASCII_ALPHANUMERIC | "_" | "-")* }`
    fn lint_name(&mut self) -> R<Ident> {
        if !matches!(self.peek(), b'a'..=b'z' | b'A'..=b'Z' | b'_') {
            return Err(Fail);
        }
        let mut i = self.pos + 1;
        while is_ident_char(self.at(i)) || self.at(i) == b'-' {
            i += 1;
        }
        let span = self.take(i - self.pos);
        Ok(self.lower.ident_at(span))
    }

    /// `top_item = attribute* ~ (use_decl | scorecard | perspective | kpi | initiative | map_block)`
    fn top_item(&mut self) -> R<Item> {
        let start = self.pos;
        let attrs = self.attributes()?;
        let (word, kw) = self.word()?;
        Ok(match word {
            "use" => {
                let path = self.string()?;
                let head = kw.to(path.span);
                Item::Use(self.decl(start, attrs, head, Use { path }))
            }
            "scorecard" => {
                let title = self.string()?;
                let props = self.block(Self::scorecard_prop)?;
                let head = kw.to(title.span);
                Item::Scorecard(self.decl(start, attrs, head, Scorecard { title, props }))
            }
            "perspective" => {
                let id = self.ident()?;
                let title = if self.peek() == b'"' {
                    Some(self.string()?)
                } else {
                    None
                };
                let items = self.block(Self::perspective_item)?;
                let head = kw.to(id.span);
                Item::Perspective(self.decl(start, attrs, head, Perspective { id, title, items }))
            }
            "kpi" => {
                let m = self.measure_body(false)?;
                let head = kw.to(m.id.span);
                Item::Kpi(self.decl(start, attrs, head, m))
            }
            "initiative" => {
                let id = self.ident()?;
                let title = self.string()?;
                let props = self.block(Self::initiative_prop)?;
                let head = kw.to(id.span);
                Item::Initiative(self.decl(start, attrs, head, Initiative { id, title, props }))
            }
            "map" => {
                let chains = self.block(Self::chain)?;
                Item::Map(self.decl(start, attrs, kw, MapBlock { chains }))
            }
            _ => return Err(Fail),
        })
    }

    /// A declaration from `start` to the last token read.
    fn decl<T>(&self, start: usize, attrs: Vec<Attribute>, head: Span, node: T) -> Decl<T> {
        self.lower.decl_at(self.span(start), attrs, head, node)
    }

    /// `lbrace ~ item* ~ rbrace`
    fn block<T>(&mut self, mut item: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        self.punct(b"{")?;
        let mut items = Vec::new();
        while self.peek() != b'}' {
            items.push(item(self)?);
        }
        self.take(1);
        Ok(items)
    }

    /// `scorecard_prop = { vision | mission | owner | period_range | as_of | bands }`
    fn scorecard_prop(&mut self) -> R<Spanned<ScorecardProp>> {
        let start = self.pos;
        let node = match self.word()?.0 {
            "vision" => ScorecardProp::Vision(self.string()?),
            "mission" => ScorecardProp::Mission(self.string()?),
            "owner" => ScorecardProp::Owner(self.string()?),
            "period" => {
                let from = self.period()?;
                self.punct(b"..")?;
                ScorecardProp::Period(from, self.period()?)
            }
            "as_of" => ScorecardProp::AsOf(self.period()?),
            // bands = { kw_bands ~ lbrace ~ band* ~ rbrace }, band = { band_name ~ number }
            "bands" => ScorecardProp::Bands(self.block(|p| {
                let name = match p.word()? {
                    ("green" | "amber", span) => p.lower.ident_at(span),
                    _ => return Err(Fail),
                };
                Ok(Band {
                    name,
                    value: p.number()?,
                })
            })?),
            _ => return Err(Fail),
        };
        Ok(Spanned::new(node, self.span(start)))
    }

    /// `perspective_item = { attribute* ~ objective | level | question }`
    fn perspective_item(&mut self) -> R<PerspectiveItem> {
        let start = self.pos;
        let attrs = self.attributes()?;
        let (word, kw) = self.word()?;
        Ok(match word {
            "objective" => {
                // objective = { kw_objective ~ ident ~ string ~ lbrace ~ objective_item* ~ rbrace }
                let id = self.ident()?;
                let title = self.string()?;
                let items = self.block(Self::objective_item)?;
                let head = kw.to(id.span);
                let node = Objective { id, title, items };
                PerspectiveItem::Objective(self.decl(start, attrs, head, node))
            }
            "level" if attrs.is_empty() => {
                let n = self.number()?;
                PerspectiveItem::Level(Spanned::new(n, self.span(start)))
            }
            "question" if attrs.is_empty() => {
                let s = self.string()?;
                PerspectiveItem::Question(Spanned::new(s, self.span(start)))
            }
            _ => return Err(Fail),
        })
    }

    /// `objective_item = { attribute* ~ measure | owner | due | weight }`
    fn objective_item(&mut self) -> R<ObjectiveItem> {
        let start = self.pos;
        let attrs = self.attributes()?;
        let (word, kw) = self.word()?;
        if !attrs.is_empty() && word != "measure" {
            return Err(Fail);
        }
        Ok(match word {
            "measure" => {
                let m = self.measure_body(true)?;
                let head = kw.to(m.id.span);
                ObjectiveItem::Measure(self.decl(start, attrs, head, m))
            }
            "owner" => {
                let s = self.string()?;
                ObjectiveItem::Owner(Spanned::new(s, self.span(start)))
            }
            "due" => {
                let p = self.period()?;
                ObjectiveItem::Due(Spanned::new(p, self.span(start)))
            }
            "weight" => {
                let n = self.number()?;
                ObjectiveItem::Weight(Spanned::new(n, self.span(start)))
            }
            _ => return Err(Fail),
        })
    }

    /// `measure` after its keyword (`ident ~ string ~ from_kpi? ~ lbrace ~ measure_prop*
    /// ~ rbrace`), or `kpi`, which has no `from`.
    fn measure_body(&mut self, is_measure: bool) -> R<Measure> {
        let id = self.ident()?;
        let title = self.string()?;
        let from = if is_measure && self.peek_word() == "from" {
            self.take(4);
            Some(self.ident()?)
        } else {
            None
        };
        self.punct(b"{")?;
        let mark = self.props.len();
        while self.peek() != b'}' {
            let prop = self.measure_prop()?;
            self.props.push(prop);
        }
        self.take(1);
        let props = self.props.drain(mark..).collect();
        Ok(Measure {
            id,
            title,
            from,
            props,
        })
    }

    /// `measure_prop`
    fn measure_prop(&mut self) -> R<Spanned<MeasureProp>> {
        let start = self.pos;
        let (word, kw) = self.word()?;
        let node = match word {
            "unit" => MeasureProp::Unit(self.string()?),
            "direction" => {
                let (value, span) = self.word()?;
                let d = match value {
                    "up" => Direction::Up,
                    "down" => Direction::Down,
                    _ => return Err(Fail),
                };
                MeasureProp::Direction(Spanned::new(d, span))
            }
            "baseline" => {
                let n = self.number()?;
                let at = self.period_after("at")?;
                MeasureProp::Baseline(n, at)
            }
            "target" => {
                let n = self.number()?;
                let by = self.period_after("by")?;
                MeasureProp::Target(n, by)
            }
            "threshold" => MeasureProp::Threshold(self.number()?),
            "frequency" => {
                let (w, span) = self.word()?;
                let f = Frequency::from_word(w).ok_or(Fail)?;
                MeasureProp::Frequency(Spanned::new(f, span))
            }
            "leading" => MeasureProp::Indicator(Spanned::new(Indicator::Leading, kw)),
            "lagging" => MeasureProp::Indicator(Spanned::new(Indicator::Lagging, kw)),
            "owner" => MeasureProp::Owner(self.string()?),
            "source" => MeasureProp::Source(self.string()?),
            "formula" => MeasureProp::Formula(self.string()?),
            "weight" => MeasureProp::Weight(self.number()?),
            "actuals" => match self.peek() {
                b'"' => MeasureProp::ActualsFile(self.string()?),
                // actuals_table = { lbrace ~ (actual ~ ","?)* ~ rbrace }
                _ => {
                    self.punct(b"{")?;
                    let mark = self.actuals.len();
                    while self.peek() != b'}' {
                        let entry = self.actual()?;
                        self.actuals.push(entry);
                        if self.peek() == b',' {
                            self.take(1);
                        }
                    }
                    self.take(1);
                    MeasureProp::ActualsTable(self.actuals.drain(mark..).collect())
                }
            },
            _ => return Err(Fail),
        };
        Ok(Spanned::new(node, self.span(start)))
    }

    /// `actual = { period ~ colon ~ number }`
    fn actual(&mut self) -> R<ActualEntry> {
        let start = self.pos;
        let period = self.period()?;
        self.punct(b":")?;
        let value = self.number()?;
        Ok(ActualEntry {
            period,
            value,
            span: self.span(start),
        })
    }

    /// `(kw ~ period)?`
    fn period_after(&mut self, kw: &str) -> R<Option<PeriodLit>> {
        if self.peek_word() != kw {
            return Ok(None);
        }
        self.keyword(kw)?;
        Ok(Some(self.period()?))
    }

    /// `initiative_prop`
    fn initiative_prop(&mut self) -> R<Spanned<InitiativeProp>> {
        let start = self.pos;
        let rating = |p: &mut Self| {
            let (w, span) = p.word()?;
            let r = match w {
                "low" => Rating::Low,
                "medium" => Rating::Medium,
                "high" => Rating::High,
                _ => return Err(Fail),
            };
            Ok(Spanned::new(r, span))
        };
        let node = match self.word()?.0 {
            "owner" => InitiativeProp::Owner(self.string()?),
            "budget" => InitiativeProp::Budget(self.number()?),
            "start" => InitiativeProp::Start(self.period()?),
            "end" => InitiativeProp::End(self.period()?),
            "impact" => InitiativeProp::Impact(rating(self)?),
            "feasibility" => InitiativeProp::Feasibility(rating(self)?),
            "status" => {
                let (w, span) = self.word()?;
                let s = match w {
                    "planned" => InitiativeStatus::Planned,
                    "active" => InitiativeStatus::Active,
                    "done" => InitiativeStatus::Done,
                    "stalled" => InitiativeStatus::Stalled,
                    _ => return Err(Fail),
                };
                InitiativeProp::Status(Spanned::new(s, span))
            }
            "progress" => InitiativeProp::Progress(self.number()?),
            // supports = { kw_supports ~ ident ~ ("," ~ ident)* }
            "supports" => {
                let mut ids = vec![self.ident()?];
                loop {
                    let save = self.pos;
                    if self.peek() != b',' {
                        break;
                    }
                    self.pos += 1;
                    if self.peek_word().is_empty() {
                        // A trailing comma is not part of the list.
                        self.pos = save;
                        break;
                    }
                    ids.push(self.ident()?);
                }
                InitiativeProp::Supports(ids)
            }
            _ => return Err(Fail),
        };
        Ok(Spanned::new(node, self.span(start)))
    }

    /// `chain = { ident ~ (arrow ~ ident)+ ~ (colon ~ string)? }`
    fn chain(&mut self) -> R<Chain> {
        let start = self.pos;
        let mut nodes = vec![self.ident()?];
        loop {
            self.skip();
            if !self.b[self.pos..].starts_with(b"->") {
                break;
            }
            self.take(2);
            nodes.push(self.ident()?);
        }
        if nodes.len() < 2 {
            return Err(Fail);
        }
        let rationale = if self.peek() == b':' {
            self.take(1);
            Some(self.string()?)
        } else {
            None
        };
        Ok(Chain {
            nodes,
            rationale,
            span: self.span(start),
        })
    }
}
