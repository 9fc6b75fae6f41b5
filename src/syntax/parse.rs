//! The parser: a recursive descent over the bytes of a file that builds the AST
//! directly, in one pass, without a token list, and recovers from syntax errors.
//!
//! It accepts exactly the language of `grammar/bsc.pest`, rule for rule (the comments
//! name the rules), and on a file in that language gives the same tree as the
//! grammar's parse lowered by `lower.rs`; `tests/parser_agreement.rs` and the `agree`
//! fuzz target hold the two to that. Keywords are contextual, as in the grammar: a word
//! is a keyword only where one is expected, and words are dispatched through
//! `keywords::Kw`, the one table of keywords.
//!
//! Recovery (docs/syntax.md): an item that cannot be read (a property, a declaration, a
//! top-level item) records a syntax error, described by `errors::explain`, and becomes
//! an error node; reading resumes at the next word that starts an item of the block
//! (or of an enclosing block), at `@`, at the block's `}` or at the end of the file,
//! skipping balanced braces on the way. A declaration of an enclosing block where an
//! item was expected, or the end of the file, closes the open blocks with one error
//! that names the innermost and labels its opener. A declaration whose head was read is
//! kept, marked partial. After `MAX_ERRORS` errors one more says so and the rest are
//! not reported (the tree is still built). On a valid file none of this runs: each
//! loop only checks the result of an item.

use crate::codes::{Code, Level};
use crate::diag::Diagnostic;
use crate::period::Frequency;
use crate::span::{FileId, Span, Spanned};

use super::ast::*;
use super::errors::explain;
use super::expr::{BinOp, Call, Expr, ExprKind, Func};
use super::grammar::Rule;
use super::keywords::{Block, Kw, enclosing_declaration};
use super::lower::Lower;
use super::scan::{BlockEnd, MAX_EXPR_DEPTH, block_comment, line_comment};

/// Syntax errors reported per file; one more diagnostic says that there were more.
pub const MAX_ERRORS: usize = 50;

/// The input is not what was expected here; what was (the grammar's rules, for the
/// message).
pub struct Fail(&'static [Rule]);

type R<T> = Result<T, Fail>;

/// `ASCII_ALPHANUMERIC | "_"`: what continues a word.
pub(super) fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// What the parser read.
pub struct Parsed {
    pub items: Vec<Item>,
    /// Its syntax errors, in the order found (at most `MAX_ERRORS`, then one more), not
    /// yet put into words: most callers need only those after the grammar's first error.
    pub errors: Vec<SyntaxError>,
}

/// A syntax error found by the parser, put into words on demand ([`SyntaxError::explain`]).
pub struct SyntaxError {
    /// Where it is.
    pub pos: usize,
    /// What was expected there.
    expected: &'static [Rule],
    /// The blocks open there (the offsets of their `{`); `None` for the line that says
    /// there were too many errors.
    open: Option<Vec<usize>>,
}

impl SyntaxError {
    /// The diagnostic, in the words of `errors::explain`.
    pub fn explain(&self, file: FileId, text: &str) -> Diagnostic {
        match &self.open {
            Some(open) => explain(file, text, open, self.pos, self.expected),
            None => Diagnostic::new(
                Code::Syntax,
                Span::new(file, self.pos, self.pos),
                format!("too many syntax errors: only the first {MAX_ERRORS} are reported"),
            )
            .label("more errors follow from here")
            .help("fix the errors above and check again"),
        }
    }
}

/// Parses a whole file, collecting its comments into `lower`.
pub fn file(lower: &mut Lower<'_>) -> Parsed {
    let mut p = Parser {
        text: lower.text,
        b: lower.text.as_bytes(),
        pos: 0,
        end: 0,
        lower,
        props: Vec::new(),
        actuals: Vec::new(),
        open: Vec::new(),
        unwind: None,
        sub_open: false,
        expr_depth: 0,
        eof_reported: false,
        broken: 0,
        errors: Vec::new(),
    };
    // file = { SOI ~ top_item* ~ EOI }
    let mut items = Vec::new();
    loop {
        p.unwind = None;
        p.skip();
        if p.pos == p.b.len() {
            break;
        }
        let start = p.pos;
        match p.top_item() {
            Ok(item) => items.push(item),
            Err(Fail(expected)) => {
                let e = p.recover(start, expected);
                items.push(Item::Error(e));
            }
        }
    }
    Parsed {
        items,
        errors: p.errors,
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
    /// The blocks open, outermost first, with the offset of their `{`.
    open: Vec<(Block, usize)>,
    /// Set when blocks must close without their `}`: how many stay open.
    unwind: Option<usize>,
    /// Whether the item being read opened a `{` of its own (`bands`, `actuals`) that is
    /// not closed yet.
    sub_open: bool,
    /// How deep the expression being read nests (`factor` in `factor`).
    expr_depth: usize,
    /// An error already said that the file ends here (an unclosed comment ran to it).
    eof_reported: bool,
    /// Syntax errors met so far, reported or not.
    broken: usize,
    errors: Vec<SyntaxError>,
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
    /// (`supports a,` before `}`); a comment is recorded once however often it is read.
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
            let comments = &mut self.lower.comments;
            if comments
                .last()
                .is_none_or(|c| (c.span.start as usize) < start)
            {
                comments.push(Comment {
                    kind,
                    span: Span::new(self.lower.file, start, end),
                });
            }
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
        self.word_at(self.pos)
    }

    /// The word (`ident`'s shape) at byte `start`, or "".
    fn word_at(&self, start: usize) -> &'t str {
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

    /// The word at the cursor, taken as a token; `expected` names what it should be.
    fn word(&mut self, expected: &'static [Rule]) -> R<(&'t str, Span)> {
        let w = self.peek_word();
        if w.is_empty() {
            return Err(Fail(expected));
        }
        Ok((w, self.take(w.len())))
    }

    /// Takes the punctuation `p`, the grammar's `rule`.
    fn punct(&mut self, p: &[u8], rule: &'static [Rule]) -> R<Span> {
        self.skip();
        if !self.b[self.pos..].starts_with(p) {
            return Err(Fail(rule));
        }
        Ok(self.take(p.len()))
    }

    /// `ident`
    fn ident(&mut self) -> R<Ident> {
        let len = self.peek_word().len();
        if len == 0 {
            return Err(Fail(&[Rule::ident]));
        }
        let span = self.take(len);
        Ok(self.lower.ident_at(span))
    }

    /// `string`: one line, escapes resolved by `lower`.
    fn string(&mut self) -> R<Str> {
        const STRING: &[Rule] = &[Rule::string];
        if self.peek() != b'"' {
            return Err(Fail(STRING));
        }
        let mut i = self.pos + 1;
        loop {
            match self.at(i) {
                b'"' => break,
                b'\\' if !matches!(self.at(i + 1), b'\n' | b'\r') && i + 1 < self.b.len() => i += 2,
                b'\\' | b'\n' | b'\r' | 0 => return Err(Fail(STRING)),
                _ => i += 1,
            }
        }
        let span = self.take(i + 1 - self.pos);
        Ok(self.lower.string_at(span))
    }

    /// `digits = ASCII_DIGIT ~ ("_"? ~ ASCII_DIGIT)*` from `i`; returns its end.
    fn digits(&self, mut i: usize, rule: &'static [Rule]) -> R<usize> {
        if !self.at(i).is_ascii_digit() {
            return Err(Fail(rule));
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
        const NUMBER: &[Rule] = &[Rule::number];
        self.skip();
        let mut i = self.pos;
        if self.at(i) == b'-' {
            i += 1;
        }
        i = self.digits(i, NUMBER)?;
        if self.at(i) == b'.' && self.at(i + 1).is_ascii_digit() {
            i = self.digits(i + 1, NUMBER)?;
        }
        if matches!(self.at(i), b'k' | b'M' | b'B') {
            i += 1;
        }
        if self.at(i) == b'%' {
            i += 1;
        }
        if is_ident_char(self.at(i)) {
            return Err(Fail(NUMBER));
        }
        let span = self.take(i - self.pos);
        Ok(self.lower.number_at(span))
    }

    /// `period = ASCII_DIGIT{4} ~ ("-" ~ (("H" | "Q" | "W") ~ ASCII_DIGIT+
    /// | ASCII_DIGIT{2} ~ ("-" ~ ASCII_DIGIT{2})?))? ~ !(ident_char | "-")`
    fn period(&mut self) -> R<PeriodLit> {
        const PERIOD: &[Rule] = &[Rule::period];
        self.skip();
        let digit = |i: usize| self.at(i).is_ascii_digit();
        let start = self.pos;
        if !(start..start + 4).all(digit) {
            return Err(Fail(PERIOD));
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
            return Err(Fail(PERIOD));
        }
        let span = self.take(i - start);
        Ok(self.lower.period_at(span))
    }

    /// `qualified = ${ ident ~ "." ~ ident }`: nothing between the three.
    fn qualified(&mut self) -> R<(Ident, Ident)> {
        const QUALIFIED: &[Rule] = &[Rule::qualified];
        let first = self.peek_word();
        if first.is_empty() {
            return Err(Fail(QUALIFIED));
        }
        let start = self.pos;
        let dot = start + first.len();
        let second = if self.at(dot) == b'.' {
            self.word_at(dot + 1)
        } else {
            ""
        };
        if second.is_empty() {
            return Err(Fail(QUALIFIED));
        }
        let a = self.take(first.len());
        self.take(1);
        let b = self.take(second.len());
        Ok((self.lower.ident_at(a), self.lower.ident_at(b)))
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
        self.attribute_at(start).inspect_err(|_| {
            // The error is the whole attribute, at its `@`.
            self.pos = start;
        })
    }

    fn attribute_at(&mut self, start: usize) -> R<Attribute> {
        const ATTRIBUTE: &[Rule] = &[Rule::attribute];
        // attr_level = ${ "@" ~ attr_kind }: nothing between the two.
        self.pos += 1;
        let level = match self.peek_word_here() {
            "allow" => Level::Allow,
            "warn" => Level::Warning,
            "deny" => Level::Error,
            _ => return Err(Fail(ATTRIBUTE)),
        };
        let len = self.peek_word_here().len();
        self.take(len);
        self.punct(b"(", ATTRIBUTE)?;
        let mut codes = vec![self.lint_name()?];
        while self.peek() == b',' {
            self.take(1);
            if !matches!(self.peek(), b'a'..=b'z' | b'A'..=b'Z' | b'_') {
                break;
            }
            codes.push(self.lint_name()?);
        }
        self.punct(b")", ATTRIBUTE)?;
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
            return Err(Fail(&[Rule::lint_name]));
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
        const TOP: &[Rule] = &[Rule::top_item];
        let start = self.pos;
        let attrs = self.attributes()?;
        let (word, kw) = self.word(TOP)?;
        let before = self.broken;
        let item = match Kw::from_word(word) {
            Some(Kw::Use) => {
                let path = self.string()?;
                let head = kw.to(path.span);
                Item::Use(self.decl(start, attrs, head, Use { path }, before))
            }
            // cascade_decl = { kw_cascade ~ ident ~ string }
            Some(Kw::Cascade) => {
                let id = self.ident()?;
                let path = self.string()?;
                let head = kw.to(id.span);
                Item::Cascade(self.decl(start, attrs, head, Cascade { id, path }, before))
            }
            // align_decl = { kw_align ~ qualified ~ arrow ~ ident ~ (kw_weight ~ number)?
            //   ~ (colon ~ string)? }
            Some(Kw::Align) => {
                let (department, source) = self.qualified()?;
                self.punct(b"->", &[Rule::arrow])?;
                let objective = self.ident()?;
                let weight = if self.peek_word() == "weight" {
                    self.take("weight".len());
                    Some(self.number()?)
                } else {
                    None
                };
                let rationale = if self.peek() == b':' {
                    self.take(1);
                    Some(self.string()?)
                } else {
                    None
                };
                let head = kw.to(objective.span);
                let node = Align {
                    department,
                    source,
                    objective,
                    weight,
                    rationale,
                };
                Item::Align(self.decl(start, attrs, head, node, before))
            }
            Some(Kw::Scorecard) => {
                let title_at = kw.end;
                let (title, props) = self.decl_block(
                    Block::Scorecard,
                    Self::string,
                    Self::scorecard_prop,
                    |_, e| {
                        let span = e.span;
                        Spanned::new(ScorecardProp::Error(e), span)
                    },
                );
                let title = title.unwrap_or_else(|| self.no_title(title_at));
                let head = kw.to(title.span);
                let node = Scorecard { title, props };
                Item::Scorecard(self.decl(start, attrs, head, node, before))
            }
            Some(Kw::Perspective) => {
                let id = self.ident()?;
                let (title, items) = self.decl_block(
                    Block::Perspective,
                    |p| {
                        Ok(if p.peek() == b'"' {
                            Some(p.string()?)
                        } else {
                            None
                        })
                    },
                    Self::perspective_item,
                    |_, e| PerspectiveItem::Error(e),
                );
                let head = kw.to(id.span);
                let node = Perspective {
                    id,
                    title: title.flatten(),
                    items,
                };
                Item::Perspective(self.decl(start, attrs, head, node, before))
            }
            Some(Kw::Kpi) => {
                let m = self.measure_body(false)?;
                let head = kw.to(m.id.span);
                Item::Kpi(self.decl(start, attrs, head, m, before))
            }
            Some(Kw::Initiative) => {
                let id = self.ident()?;
                let (title, props) = self.decl_block(
                    Block::Initiative,
                    Self::string,
                    Self::initiative_prop,
                    |_, e| {
                        let span = e.span;
                        Spanned::new(InitiativeProp::Error(e), span)
                    },
                );
                let title = title.unwrap_or_else(|| self.no_title(id.span.end));
                let head = kw.to(id.span);
                let node = Initiative { id, title, props };
                Item::Initiative(self.decl(start, attrs, head, node, before))
            }
            Some(Kw::Map) => {
                let (_, items) =
                    self.decl_block(Block::Map, |_| Ok(()), |p| p.chain().map(Ok), |_, e| Err(e));
                let (chains, errors) = split(items);
                Item::Map(self.decl(start, attrs, kw, MapBlock { chains, errors }, before))
            }
            _ => {
                // Give the keyword back: the error is at it.
                self.pos = kw.start as usize;
                return Err(Fail(TOP));
            }
        };
        Ok(item)
    }

    /// A declaration from `start` to the last token read; partial when an error was met
    /// since `before`.
    fn decl<T>(
        &self,
        start: usize,
        attrs: Vec<Attribute>,
        head: Span,
        node: T,
        before: usize,
    ) -> Decl<T> {
        let mut d = self.lower.decl_at(self.span(start), attrs, head, node);
        d.partial = self.broken != before;
        d
    }

    /// The title of a declaration whose title could not be read: empty, where it was
    /// expected.
    fn no_title(&self, at: u32) -> Str {
        Str {
            value: String::new(),
            span: Span::new(self.lower.file, at as usize, at as usize),
        }
    }

    /// The rest of a declaration after its keyword and id: the rest of its head (read
    /// by `head`), then its block of `kind`. When the head breaks, the error becomes
    /// the block's first item and reading resumes at the next `{` (whose block is then
    /// read) or where the enclosing block can go on (the declaration has no items).
    fn decl_block<H, T>(
        &mut self,
        kind: Block,
        head: impl FnOnce(&mut Self) -> R<H>,
        item: impl FnMut(&mut Self) -> R<T>,
        error: impl Fn(&mut Self, ErrorNode) -> T,
    ) -> (Option<H>, Vec<T>) {
        let start = self.pos;
        let head = head(self).and_then(|h| self.punct(b"{", &[Rule::lbrace]).map(|_| h));
        match head {
            Ok(h) => (Some(h), self.block_items(kind, item, error)),
            Err(Fail(expected)) => {
                let e = self.recover_to_brace(start, expected);
                if self.peek() == b'{' && self.unwind.is_none() {
                    self.take(1);
                    let first = error(self, e);
                    let mut items = vec![first];
                    items.extend(self.block_items(kind, item, error));
                    (None, items)
                } else {
                    (None, vec![error(self, e)])
                }
            }
        }
    }

    /// `item* ~ rbrace` after a block's `{` (just taken): the items, with error nodes
    /// where an item could not be read. Returns without `}` when blocks must close
    /// (`self.unwind`).
    fn block_items<T>(
        &mut self,
        kind: Block,
        mut item: impl FnMut(&mut Self) -> R<T>,
        error: impl Fn(&mut Self, ErrorNode) -> T,
    ) -> Vec<T> {
        self.open.push((kind, self.end - 1));
        let depth = self.open.len();
        let mut items = Vec::new();
        loop {
            let c = self.peek();
            if c == b'}' {
                self.take(1);
                break;
            }
            let start = self.pos;
            if start == self.b.len() {
                // The end of the file: the blocks open were not closed.
                if !self.eof_reported {
                    self.error_at(start, &[Rule::rbrace]);
                }
                self.eof_reported = true;
                self.unwind = Some(0);
            } else {
                match item(self) {
                    Ok(it) => items.push(it),
                    Err(Fail(expected)) => {
                        let failed_at = self.pos;
                        self.pos = start;
                        if let Some(d) = self.closes_here(kind) {
                            // A declaration of an enclosing block: the blocks from
                            // there in were not closed.
                            self.error_at(start, &[Rule::rbrace]);
                            self.unwind = Some(d);
                        } else {
                            self.pos = failed_at;
                            let e = self.recover(start, expected);
                            let it = error(self, e);
                            items.push(it);
                        }
                    }
                }
            }
            if let Some(d) = self.unwind {
                if d < depth {
                    break;
                }
                self.unwind = None;
            }
        }
        self.open.pop();
        items
    }

    /// Whether the word at the cursor declares in a block enclosing this one (of
    /// `kind`), and so this block was not closed: how many blocks stay open. In a map, a
    /// word followed by `->` is a chain whatever it is spelled like.
    fn closes_here(&mut self, kind: Block) -> Option<usize> {
        let word = self.word_at(self.pos);
        if word.is_empty() {
            return None;
        }
        let kinds: Vec<Block> = self.open.iter().map(|o| o.0).collect();
        let d = enclosing_declaration(word, &kinds)?;
        if kind == Block::Map {
            let save = self.pos;
            self.pos += word.len();
            let arrow = self.peek() == b'-' && self.at(self.pos + 1) == b'>';
            self.pos = save;
            if arrow {
                return None;
            }
        }
        Some(d)
    }

    /// Records a syntax error at byte `pos`, where one of `expected` was expected.
    fn error_at(&mut self, pos: usize, expected: &'static [Rule]) {
        self.broken += 1;
        if self.errors.len() > MAX_ERRORS {
            return;
        }
        let open =
            (self.errors.len() < MAX_ERRORS).then(|| self.open.iter().map(|o| o.1).collect());
        let d = SyntaxError {
            pos,
            expected,
            open,
        };
        self.errors.push(d);
    }

    /// Records the syntax error at the cursor, of an item that started at `start`, and
    /// skips to where the innermost block (or the top level) can go on. Returns what
    /// was skipped, from `start`.
    fn recover(&mut self, start: usize, expected: &'static [Rule]) -> ErrorNode {
        self.skip();
        self.error_at(self.pos, expected);
        self.skip_to_sync(start, false)
    }

    /// As [`recover`](Self::recover), stopping also at a `{` (of the block whose head
    /// broke).
    fn recover_to_brace(&mut self, start: usize, expected: &'static [Rule]) -> ErrorNode {
        self.skip();
        self.error_at(self.pos, expected);
        self.skip_to_sync(start, true)
    }

    /// Skips tokens from the cursor until the innermost block can go on: a word that
    /// starts an item there or declares in an enclosing block, `@`, the block's `}`,
    /// the end of the file, or (with `at_brace`) a `{`. Braces met on the way are
    /// skipped with what they hold; a `}` closes the item's own unclosed `{` first. At
    /// least one token is skipped when nothing of the item was read.
    fn skip_to_sync(&mut self, start: usize, at_brace: bool) -> ErrorNode {
        let kind = self.open.last().map_or(Block::Top, |o| o.0);
        let mut own = std::mem::take(&mut self.sub_open);
        let mut nested = 0usize;
        let mut words = Vec::new();
        let mut first = self.pos == start;
        let error_at = self.pos;
        // The words of what the item read before it broke.
        self.words_between(start, self.pos, &mut words);
        loop {
            self.skip();
            let c = self.at(self.pos);
            if self.pos >= self.b.len() {
                break;
            }
            if self.at(self.pos) == b'/' && self.at(self.pos + 1) == b'*' {
                // A block comment that does not close (or nests too deep): it runs to
                // the end; the error was reported where it starts.
                if self.pos != error_at {
                    self.error_at(self.pos, &[]);
                }
                self.eof_reported = true;
                self.pos = self.b.len();
                self.end = self.pos;
                break;
            }
            if nested == 0 && !first {
                match c {
                    b'}' if own => {
                        own = false;
                        self.take(1);
                        continue;
                    }
                    b'}' if kind != Block::Top => break,
                    b'{' if at_brace => break,
                    b'@' => break,
                    _ => {}
                }
                let word = self.word_at(self.pos);
                if !word.is_empty() && self.resumes_at(kind, word) {
                    break;
                }
            }
            first = false;
            match c {
                b'{' => nested += 1,
                b'}' => nested = nested.saturating_sub(1),
                _ => {}
            }
            self.skip_token(&mut words);
        }
        ErrorNode {
            span: Span::new(self.lower.file, start, self.end.max(start)),
            words,
        }
    }

    /// Whether reading resumes at `word` in a block of `kind`.
    fn resumes_at(&mut self, kind: Block, word: &str) -> bool {
        if kind == Block::Map {
            // Chains are written one per line: a word that starts a line starts one.
            let line = self.text[..self.pos].trim_end_matches([' ', '\t']);
            return line.is_empty() || line.ends_with(['\n', '\r', '{']);
        }
        let Some(kw) = Kw::from_word(word) else {
            return false;
        };
        if kw.starts_item_in(kind) {
            return true;
        }
        let kinds: Vec<Block> = self.open.iter().map(|o| o.0).collect();
        enclosing_declaration(word, &kinds).is_some()
    }

    /// Skips one token: a word, a string (to its end or the end of its line), `->`,
    /// `..`, or one character. Identifier-shaped words are added to `words`.
    fn skip_token(&mut self, words: &mut Vec<Ident>) {
        let start = self.pos;
        let c = self.at(start);
        let len = if is_ident_char(c) {
            let mut i = start + 1;
            while i < self.b.len() && is_ident_char(self.b[i]) {
                i += 1;
            }
            i - start
        } else if c == b'"' {
            self.string_token(start)
        } else if c == b'@' {
            // An attribute, whole: `@word(…)` up to the `)` on its line.
            let mut i = start + 1;
            while is_ident_char(self.at(i)) {
                i += 1;
            }
            let mut j = i;
            while matches!(self.at(j), b' ' | b'\t') {
                j += 1;
            }
            if self.at(j) == b'(' {
                while !matches!(self.at(j), 0 | b')' | b'\n' | b'\r' | b'{' | b'}') {
                    j += 1;
                }
                if self.at(j) == b')' {
                    i = j + 1;
                }
            }
            i - start
        } else if self.b[start..].starts_with(b"->") || self.b[start..].starts_with(b"..") {
            2
        } else {
            self.text[start..].chars().next().map_or(1, char::len_utf8)
        };
        let span = self.take(len.max(1));
        if matches!(c, b'a'..=b'z' | b'A'..=b'Z' | b'_') {
            words.push(self.lower.ident_at(span));
        }
    }

    /// The length of the string token at `start`, closed or not. An unclosed string
    /// ends at its line break, unless the next line has a `"` after which the quotes
    /// of that line pair up: then the string was broken over two lines, and ends there.
    fn string_token(&self, start: usize) -> usize {
        let close = |mut i: usize| loop {
            match self.at(i) {
                b'"' => return (i + 1, true),
                0 | b'\n' | b'\r' => return (i, false),
                b'\\' if !matches!(self.at(i + 1), 0 | b'\n' | b'\r') => i += 2,
                _ => i += 1,
            }
        };
        let (end, closed) = close(start + 1);
        if closed {
            return end - start;
        }
        let mut next = end;
        while matches!(self.at(next), b'\n' | b'\r') && next - end < 2 {
            next += 1;
        }
        let line_end = self.text[next..]
            .find(['\n', '\r'])
            .map_or(self.text.len(), |i| next + i);
        let line = &self.b[next..line_end];
        if let Some(q) = line.iter().position(|&c| c == b'"') {
            let rest = &line[q + 1..];
            if rest.iter().filter(|&&c| c == b'"').count() % 2 == 0 {
                return next + q + 1 - start;
            }
        }
        end - start
    }

    /// The identifier-shaped words between `from` and `to` (already read), outside
    /// strings and comments.
    fn words_between(&mut self, from: usize, to: usize, words: &mut Vec<Ident>) {
        if from >= to {
            return;
        }
        let (pos, end) = (self.pos, self.end);
        self.pos = from;
        loop {
            self.skip();
            if self.pos >= to {
                break;
            }
            self.skip_token(words);
        }
        self.pos = pos;
        self.end = end;
    }

    /// `scorecard_prop = { vision | mission | owner | period_range | as_of | bands | currency }`
    fn scorecard_prop(&mut self) -> R<Spanned<ScorecardProp>> {
        const PROP: &[Rule] = &[Rule::scorecard_prop, Rule::rbrace];
        let start = self.pos;
        let (word, kw) = self.word(PROP)?;
        let node = match Kw::from_word(word) {
            Some(Kw::Vision) => ScorecardProp::Vision(self.string()?),
            Some(Kw::Mission) => ScorecardProp::Mission(self.string()?),
            Some(Kw::Owner) => ScorecardProp::Owner(self.string()?),
            Some(Kw::Period) => {
                let from = self.period()?;
                self.punct(b"..", &[Rule::dots])?;
                ScorecardProp::Period(from, self.period()?)
            }
            Some(Kw::AsOf) => ScorecardProp::AsOf(self.period()?),
            Some(Kw::Currency) => ScorecardProp::Currency(self.string()?),
            // bands = { kw_bands ~ lbrace ~ band* ~ rbrace }, band = { band_name ~ number }
            Some(Kw::Bands) => {
                self.punct(b"{", &[Rule::lbrace])?;
                self.sub_open = true;
                let mut bands = Vec::new();
                while self.peek() != b'}' {
                    const BAND: &[Rule] = &[Rule::band_name, Rule::rbrace];
                    let (w, span) = self.word(BAND)?;
                    let name = match Kw::from_word(w) {
                        Some(Kw::Green | Kw::Amber) => self.lower.ident_at(span),
                        _ => {
                            self.pos = span.start as usize;
                            return Err(Fail(BAND));
                        }
                    };
                    bands.push(Band {
                        name,
                        value: self.number()?,
                    });
                }
                self.take(1);
                self.sub_open = false;
                ScorecardProp::Bands(bands)
            }
            _ => return Err(self.not_here(kw, PROP)),
        };
        Ok(Spanned::new(node, self.span(start)))
    }

    /// Gives back the word at `kw`, which starts nothing here.
    fn not_here(&mut self, kw: Span, expected: &'static [Rule]) -> Fail {
        self.pos = kw.start as usize;
        Fail(expected)
    }

    /// `perspective_item = { attribute* ~ objective | level | question }`
    fn perspective_item(&mut self) -> R<PerspectiveItem> {
        const ITEM: &[Rule] = &[Rule::perspective_item, Rule::rbrace];
        let start = self.pos;
        let attrs = self.attributes()?;
        let (word, kw) = self.word(ITEM)?;
        let before = self.broken;
        Ok(match Kw::from_word(word) {
            Some(Kw::Objective) => {
                // objective = { kw_objective ~ ident ~ string ~ lbrace ~ objective_item* ~ rbrace }
                let id = self.ident()?;
                let (title, items) = self.decl_block(
                    Block::Objective,
                    Self::string,
                    Self::objective_item,
                    |_, e| ObjectiveItem::Error(e),
                );
                let title = title.unwrap_or_else(|| self.no_title(id.span.end));
                let head = kw.to(id.span);
                let node = Objective { id, title, items };
                PerspectiveItem::Objective(self.decl(start, attrs, head, node, before))
            }
            Some(Kw::Level) if attrs.is_empty() => {
                let n = self.number()?;
                PerspectiveItem::Level(Spanned::new(n, self.span(start)))
            }
            Some(Kw::Question) if attrs.is_empty() => {
                let s = self.string()?;
                PerspectiveItem::Question(Spanned::new(s, self.span(start)))
            }
            _ if !attrs.is_empty() => return Err(self.not_here(kw, &[Rule::kw_objective])),
            _ => return Err(self.not_here(kw, ITEM)),
        })
    }

    /// `objective_item = { attribute* ~ measure | owner | due | weight }`
    fn objective_item(&mut self) -> R<ObjectiveItem> {
        const ITEM: &[Rule] = &[Rule::objective_item, Rule::rbrace];
        let start = self.pos;
        let attrs = self.attributes()?;
        let (word, kw) = self.word(ITEM)?;
        let kw_word = Kw::from_word(word);
        if !attrs.is_empty() && kw_word != Some(Kw::Measure) {
            return Err(self.not_here(kw, &[Rule::kw_measure]));
        }
        let before = self.broken;
        Ok(match kw_word {
            Some(Kw::Measure) => {
                let m = self.measure_body(true)?;
                let head = kw.to(m.id.span);
                ObjectiveItem::Measure(self.decl(start, attrs, head, m, before))
            }
            Some(Kw::Owner) => {
                let s = self.string()?;
                ObjectiveItem::Owner(Spanned::new(s, self.span(start)))
            }
            Some(Kw::Due) => {
                let p = self.period()?;
                ObjectiveItem::Due(Spanned::new(p, self.span(start)))
            }
            Some(Kw::Weight) => {
                let n = self.number()?;
                ObjectiveItem::Weight(Spanned::new(n, self.span(start)))
            }
            _ => return Err(self.not_here(kw, ITEM)),
        })
    }

    /// `measure` after its keyword (`ident ~ string ~ from_kpi? ~ lbrace ~ measure_prop*
    /// ~ rbrace`), or `kpi`, which has no `from`.
    fn measure_body(&mut self, is_measure: bool) -> R<Measure> {
        let id = self.ident()?;
        let head = |p: &mut Self| {
            let title = p.string()?;
            let from = if is_measure && p.peek_word() == "from" {
                p.take(4);
                Some(p.ident()?)
            } else {
                None
            };
            Ok((title, from))
        };
        let mark = self.props.len();
        let (head, _) = self.decl_block(
            Block::Measure,
            head,
            |p| {
                let prop = p.measure_prop()?;
                p.props.push(prop);
                Ok(())
            },
            |p, e| {
                let span = e.span;
                p.props.push(Spanned::new(MeasureProp::Error(e), span));
            },
        );
        let (title, from) = head.unwrap_or_else(|| (self.no_title(id.span.end), None));
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
        const PROP: &[Rule] = &[Rule::measure_prop, Rule::rbrace];
        let start = self.pos;
        let (word, kw) = self.word(PROP)?;
        let node = match Kw::from_word(word) {
            Some(Kw::Unit) => MeasureProp::Unit(self.string()?),
            Some(Kw::Direction) => {
                const VALUE: &[Rule] = &[Rule::direction_value];
                let (value, span) = self.word(VALUE)?;
                let d = match value {
                    "up" => Direction::Up,
                    "down" => Direction::Down,
                    _ => return Err(self.not_here(span, VALUE)),
                };
                MeasureProp::Direction(Spanned::new(d, span))
            }
            Some(Kw::Baseline) => {
                let n = self.number()?;
                let at = self.period_after("at")?;
                MeasureProp::Baseline(n, at)
            }
            Some(Kw::Target) => {
                let n = self.number()?;
                let by = self.period_after("by")?;
                MeasureProp::Target(n, by)
            }
            Some(Kw::Threshold) => MeasureProp::Threshold(self.number()?),
            Some(Kw::Frequency) => {
                const VALUE: &[Rule] = &[Rule::frequency_value];
                let (w, span) = self.word(VALUE)?;
                let Some(f) = Frequency::from_word(w) else {
                    return Err(self.not_here(span, VALUE));
                };
                MeasureProp::Frequency(Spanned::new(f, span))
            }
            Some(Kw::Leading) => MeasureProp::Indicator(Spanned::new(Indicator::Leading, kw)),
            Some(Kw::Lagging) => MeasureProp::Indicator(Spanned::new(Indicator::Lagging, kw)),
            Some(Kw::Owner) => MeasureProp::Owner(self.string()?),
            Some(Kw::Source) => MeasureProp::Source(self.string()?),
            Some(Kw::Formula) => MeasureProp::Formula(self.string()?),
            Some(Kw::Weight) => MeasureProp::Weight(self.number()?),
            Some(Kw::Note) => self.note()?,
            Some(Kw::Compute) => MeasureProp::Compute(self.expr()?),
            Some(Kw::Actuals) => match self.peek() {
                b'"' => MeasureProp::ActualsFile(self.data_file()?),
                _ if self.peek_word() == "sql" => {
                    self.word(&[Rule::actuals_sql])?;
                    MeasureProp::ActualsSql {
                        db: self.string()?,
                        query: self.string()?,
                    }
                }
                // actuals_table = { lbrace ~ (actual ~ ","?)* ~ rbrace }
                _ => {
                    self.punct(b"{", &[Rule::actuals_table])?;
                    self.sub_open = true;
                    let mark = self.actuals.len();
                    while self.peek() != b'}' {
                        match self.actual() {
                            Ok(entry) => self.actuals.push(entry),
                            Err(f) => {
                                self.actuals.truncate(mark);
                                return Err(f);
                            }
                        }
                        if self.peek() == b',' {
                            self.take(1);
                        }
                    }
                    self.take(1);
                    self.sub_open = false;
                    MeasureProp::ActualsTable(self.actuals.drain(mark..).collect())
                }
            },
            _ => return Err(self.not_here(kw, PROP)),
        };
        Ok(Spanned::new(node, self.span(start)))
    }

    /// `note = { kw_note ~ period ~ string }`
    fn note(&mut self) -> R<MeasureProp> {
        let period = self.period()?;
        Ok(MeasureProp::Note(period, self.string()?))
    }

    /// `actuals_file = { string ~ data_sheet? ~ (data_column | data_row ~ data_key?)? }`
    fn data_file(&mut self) -> R<DataFile> {
        let mut file = DataFile {
            path: self.string()?,
            sheet: None,
            column: None,
            row: None,
            key: None,
        };
        file.sheet = self.option("sheet")?;
        file.column = self.option("column")?;
        if file.column.is_none() {
            file.row = self.option("row")?;
            if file.row.is_some() {
                file.key = self.option("key")?;
            }
        }
        Ok(file)
    }

    /// `WORD ~ string` when the next word is `word`.
    fn option(&mut self, word: &str) -> R<Option<Str>> {
        if self.peek_word() != word {
            return Ok(None);
        }
        self.take(word.len());
        Ok(Some(self.string()?))
    }

    /// `expr = { term ~ (add_op ~ term)* }` and `term = { factor ~ (mul_op ~ factor)* }`:
    /// a chain of operators of one precedence.
    fn expr(&mut self) -> R<Expr> {
        self.op_chain(b"+-", Self::term)
    }

    fn term(&mut self) -> R<Expr> {
        self.op_chain(b"*/", Self::factor)
    }

    fn op_chain(&mut self, ops: &[u8], operand: fn(&mut Self) -> R<Expr>) -> R<Expr> {
        let start = self.pos_after_trivia();
        let first = operand(self)?;
        let mut rest = Vec::new();
        loop {
            let c = self.peek();
            // `/*` here is a comment that does not close, not a division.
            if !ops.contains(&c) || c == b'/' && matches!(self.at(self.pos + 1), b'*' | b'/') {
                break;
            }
            self.take(1);
            let op = match c {
                b'+' => BinOp::Add,
                b'-' => BinOp::Sub,
                b'*' => BinOp::Mul,
                _ => BinOp::Div,
            };
            rest.push((op, operand(self)?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr {
                kind: ExprKind::Chain(Box::new(first), rest),
                span: self.span(start),
            }
        })
    }

    /// `factor = { neg ~ factor | call | unsigned | ident | paren }`. A `-`, `(` or call
    /// nested more than [`MAX_EXPR_DEPTH`] deep is refused where the pre-pass refuses it
    /// (which then says why).
    fn factor(&mut self) -> R<Expr> {
        self.expr_depth += 1;
        let r = self.factor_inner();
        self.expr_depth -= 1;
        r
    }

    fn factor_inner(&mut self) -> R<Expr> {
        const FACTOR: &[Rule] = &[Rule::factor];
        let start = self.pos_after_trivia();
        let too_deep = self.expr_depth > MAX_EXPR_DEPTH;
        if too_deep && matches!(self.peek(), b'-' | b'(') {
            return Err(Fail(FACTOR));
        }
        match self.peek() {
            b'-' => {
                self.take(1);
                let inner = self.factor()?;
                Ok(Expr {
                    kind: ExprKind::Neg(Box::new(inner)),
                    span: self.span(start),
                })
            }
            b'(' => {
                self.take(1);
                let inner = self.expr()?;
                self.punct(b")", &[Rule::rparen, Rule::add_op])?;
                Ok(Expr {
                    kind: ExprKind::Paren(Box::new(inner)),
                    span: self.span(start),
                })
            }
            b'0'..=b'9' => {
                let n = self.number()?;
                Ok(Expr {
                    span: n.span,
                    kind: ExprKind::Number(n),
                })
            }
            _ => {
                let word = self.peek_word();
                if word.is_empty() {
                    return Err(Fail(FACTOR));
                }
                // A word before `(` is a call: `call = { func_name ~ "(" ~ … }`, or
                // `groth(…)`, a word that names no function. (Looking ahead skips
                // trivia, which moves the cursor: it is put back.)
                let (saved_pos, saved_end) = (self.pos, self.end);
                self.pos += word.len();
                let call = self.peek() == b'(';
                self.pos = saved_pos;
                self.end = saved_end;
                if call {
                    let Some(func) = Func::from_name(word) else {
                        return Err(Fail(&[Rule::func_name]));
                    };
                    if too_deep {
                        return Err(Fail(FACTOR));
                    }
                    let name = self.take(word.len());
                    self.punct(b"(", &[Rule::lparen])?;
                    return self.call(start, func, name);
                }
                let id = self.ident()?;
                Ok(Expr {
                    span: id.span,
                    kind: ExprKind::Ref(id),
                })
            }
        }
    }

    /// The rest of `call = { func_name ~ "(" ~ expr ~ ("," ~ unsigned)? ~ ")" }`.
    fn call(&mut self, start: usize, func: Func, name: Span) -> R<Expr> {
        let arg = Box::new(self.expr()?);
        let window = if self.peek() == b',' {
            self.take(1);
            if !self.peek().is_ascii_digit() {
                return Err(Fail(&[Rule::unsigned]));
            }
            Some(self.number()?)
        } else {
            None
        };
        self.punct(b")", &[Rule::rparen, Rule::add_op])?;
        Ok(Expr {
            kind: ExprKind::Call(Call {
                func,
                name,
                arg,
                window,
            }),
            span: self.span(start),
        })
    }

    /// Skips trivia and returns the position there.
    fn pos_after_trivia(&mut self) -> usize {
        self.skip();
        self.pos
    }

    /// `actual = { period ~ colon ~ number }`
    fn actual(&mut self) -> R<ActualEntry> {
        let start = self.pos;
        let period = self
            .period()
            .map_err(|_| Fail(&[Rule::actual, Rule::rbrace]))?;
        self.punct(b":", &[Rule::colon])?;
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
        self.take(kw.len());
        Ok(Some(self.period()?))
    }

    /// `initiative_prop`
    fn initiative_prop(&mut self) -> R<Spanned<InitiativeProp>> {
        const PROP: &[Rule] = &[Rule::initiative_prop, Rule::rbrace];
        let start = self.pos;
        let rating = |p: &mut Self| {
            const VALUE: &[Rule] = &[Rule::rating];
            let (w, span) = p.word(VALUE)?;
            let r = match w {
                "low" => Rating::Low,
                "medium" => Rating::Medium,
                "high" => Rating::High,
                _ => return Err(p.not_here(span, VALUE)),
            };
            Ok(Spanned::new(r, span))
        };
        let (word, kw) = self.word(PROP)?;
        let node = match Kw::from_word(word) {
            Some(Kw::Owner) => InitiativeProp::Owner(self.string()?),
            Some(Kw::Budget) => InitiativeProp::Budget(self.number()?),
            Some(Kw::Start) => InitiativeProp::Start(self.period()?),
            Some(Kw::End) => InitiativeProp::End(self.period()?),
            Some(Kw::Impact) => InitiativeProp::Impact(rating(self)?),
            Some(Kw::Feasibility) => InitiativeProp::Feasibility(rating(self)?),
            Some(Kw::Status) => {
                const VALUE: &[Rule] = &[Rule::status_value];
                let (w, span) = self.word(VALUE)?;
                let s = match w {
                    "planned" => InitiativeStatus::Planned,
                    "active" => InitiativeStatus::Active,
                    "done" => InitiativeStatus::Done,
                    "stalled" => InitiativeStatus::Stalled,
                    _ => return Err(self.not_here(span, VALUE)),
                };
                InitiativeProp::Status(Spanned::new(s, span))
            }
            Some(Kw::Progress) => InitiativeProp::Progress(self.number()?),
            Some(Kw::Spent) => InitiativeProp::Spent(self.number()?),
            // supports = { kw_supports ~ ident ~ ("," ~ ident)* }
            Some(Kw::Supports) => {
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
            _ => return Err(self.not_here(kw, PROP)),
        };
        Ok(Spanned::new(node, self.span(start)))
    }

    /// `chain = { ident ~ (arrow ~ ident)+ ~ (colon ~ string)? }`
    fn chain(&mut self) -> R<Chain> {
        let start = self.pos;
        let first = self
            .ident()
            .map_err(|_| Fail(&[Rule::chain, Rule::rbrace]))?;
        let mut nodes = vec![first];
        loop {
            self.skip();
            if !self.b[self.pos..].starts_with(b"->") {
                break;
            }
            self.take(2);
            nodes.push(self.ident()?);
        }
        if nodes.len() < 2 {
            return Err(Fail(&[Rule::arrow]));
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

/// Chains and error nodes apart, each in source order.
fn split(items: Vec<Result<Chain, ErrorNode>>) -> (Vec<Chain>, Vec<ErrorNode>) {
    let mut chains = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for it in items {
        match it {
            Ok(c) => chains.push(c),
            Err(e) => errors.push(e),
        }
    }
    (chains, errors)
}
