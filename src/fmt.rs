//! `bsc fmt`: prints a parsed file back in the one canonical layout — 2-space indent,
//! one property per line, aligned `actuals` pairs, a blank line between top-level
//! declarations (but not inside a run of `use` lines), one map chain per line — keeping
//! every comment.
//!
//! Literals (numbers, periods, strings, ids) are copied from the source as written, so
//! formatting never changes what a file means. Comments are placed by position: those
//! before an item stay before it (blank lines before a comment are kept), one on the
//! same line after an item stays there, and one inside a construct printed on one line
//! moves to the line before the next item.
//!
//! A `///` line that documents nothing where it stands (before a property, before `}`,
//! inside a declaration's head) is an ordinary comment, and is printed as one: `//`.
//! Printed as `///` it could land right before a declaration and become its doc.

use crate::diag::Diagnostic;
use crate::span::{FileId, Span};
use crate::syntax::ast::*;
use crate::syntax::expr::{Expr, ExprKind};
use crate::syntax::keywords::Kw;
use crate::syntax::{self};

/// Formats `text`. `Err` with the syntax diagnostics if it does not parse.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(b) => ("\u{feff}", b),
        None => ("", text),
    };
    // A lone `\r` ends a line (classic Mac OS): read it as `\n`, byte for byte, so that
    // spans stay valid, and write the file's line ends back below.
    let unified = crate::source::lone_cr_as_lf(body);
    let crlf = body.contains("\r\n");
    let cr_only = matches!(unified, std::borrow::Cow::Owned(_)) && !crlf && !body.contains('\n');
    let body = unified.as_ref();
    let file = FileId(0);
    let (ast, diags) = syntax::parse(file, body);
    let syntax_errors: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.code == crate::codes::Code::Syntax)
        .collect();
    let ast = match ast {
        Some(a) if syntax_errors.is_empty() && !a.has_errors() => a,
        _ => return Err(syntax_errors),
    };
    let mut f = Formatter {
        src: body,
        comments: &ast.comments,
        docs: attached_docs(&ast),
        next: 0,
        out: String::new(),
        last_end: 0,
    };
    f.file(&ast);
    let mut out = f.out;
    if cr_only {
        // Every line ended with a lone `\r`: keep that.
        out = out.replace('\n', "\r");
    } else if crlf {
        // Line ends the formatter wrote become CRLF; those copied inside a comment stay.
        let mut crlf = String::with_capacity(out.len() + out.len() / 20);
        let mut prev = '\0';
        for c in out.chars() {
            if c == '\n' && prev != '\r' {
                crlf.push('\r');
            }
            crlf.push(c);
            prev = c;
        }
        out = crlf;
    }
    Ok(format!("{bom}{out}"))
}

/// A keyword and its value, as printed.
fn kv(kw: Kw, value: &str) -> String {
    format!("{} {value}", kw.word())
}

struct Formatter<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// Per comment: whether it is a `///` line of a declaration's doc.
    docs: Vec<bool>,
    /// The next comment not yet printed.
    next: usize,
    out: String,
    /// Source offset of the end of the last thing printed.
    last_end: usize,
}

const INDENT: &str = "  ";

impl Formatter<'_> {
    fn text(&self, span: Span) -> &str {
        self.src.get(span.range()).unwrap_or("")
    }

    /// The text of comment `i` as printed: a `///` line that is no declaration's doc
    /// becomes `//`, so that it cannot become one where it is printed.
    fn comment(&self, i: usize) -> String {
        let c = self.comments[i];
        let text = self.text(c.span).trim_end();
        match text.strip_prefix("///") {
            Some(rest) if c.kind == CommentKind::Doc && !self.docs[i] => format!("//{rest}"),
            _ => text.to_string(),
        }
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            if !self.out.ends_with('\n') {
                self.out.push('\n');
            }
            self.out.push('\n');
        }
    }

    fn line(&mut self, depth: usize, s: &str) {
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
        self.out.push_str(s);
    }

    /// Prints the comments that start before `upto`, each on its own line.
    fn leading(&mut self, upto: usize, depth: usize) {
        let mut printed = false;
        while let Some(c) = self.comments.get(self.next) {
            let start = c.span.start as usize;
            if start >= upto {
                break;
            }
            let gap = self.src.get(self.last_end.min(start)..start).unwrap_or("");
            if gap.matches('\n').count() >= 2 {
                self.blank_line();
            }
            let text = self.comment(self.next);
            self.line(depth, &text);
            self.out.push('\n');
            self.last_end = c.span.end as usize;
            self.next += 1;
            printed = true;
        }
        // A comment set apart from what follows (a section heading) stays apart.
        if printed
            && self
                .src
                .get(self.last_end.min(upto)..upto)
                .is_some_and(|g| g.matches('\n').count() >= 2)
        {
            self.blank_line();
        }
    }

    /// Ends the current line, keeping a comment that follows `end` on the same line.
    fn end_line(&mut self, end: usize) {
        self.last_end = self.last_end.max(end);
        if let Some(c) = self.comments.get(self.next) {
            let start = c.span.start as usize;
            let between = self.src.get(end.min(start)..start).unwrap_or("\n");
            if start >= end
                && between.trim().is_empty()
                && !between.contains('\n')
                && !self.text(c.span).contains('\n')
            {
                self.out.push(' ');
                let text = self.comment(self.next);
                self.out.push_str(&text);
                self.last_end = c.span.end as usize;
                self.next += 1;
            }
        }
        self.out.push('\n');
    }

    fn file(&mut self, ast: &File) {
        let mut previous = None;
        for item in &ast.items {
            let span = item.span();
            // A run of `use` lines stays together, so do `cascade` and `align` lines; a
            // comment set apart keeps its blank line.
            let kind = match item {
                Item::Use(_) => Some(0),
                Item::Cascade(_) => Some(1),
                Item::Align(_) => Some(2),
                _ => None,
            };
            if kind.is_none() || kind != previous {
                self.blank_line();
            }
            previous = kind;
            self.leading(span.start as usize, 0);
            self.item(item);
        }
        let end = self.src.len();
        if self.next < self.comments.len() {
            self.blank_line();
        }
        self.leading(end, 0);
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
    }

    fn attrs(&mut self, attrs: &[Attribute], depth: usize) {
        for a in attrs {
            let kind = match a.level {
                crate::codes::Level::Allow => "allow",
                crate::codes::Level::Warning => "warn",
                crate::codes::Level::Error => "deny",
            };
            let codes: Vec<&str> = a.codes.iter().map(|c| c.name.as_str()).collect();
            self.leading(a.span.start as usize, depth);
            self.line(depth, &format!("@{kind}({})", codes.join(", ")));
            self.end_line(a.span.end as usize);
        }
    }

    /// `head {`, the items, `}`.
    fn block(
        &mut self,
        depth: usize,
        head: &str,
        open_at: usize,
        close_at: usize,
        body: impl FnOnce(&mut Self),
    ) {
        self.line(depth, &format!("{head} {{"));
        self.end_line(open_at);
        body(self);
        self.leading(close_at, depth + 1);
        self.line(depth, "}");
        self.end_line(close_at + 1);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Use(d) => {
                self.attrs(&d.attrs, 0);
                let path = self.text(d.node.path.span).to_string();
                self.line(0, &kv(Kw::Use, &path));
                self.end_line(d.span.end as usize);
            }
            Item::Cascade(d) => {
                self.attrs(&d.attrs, 0);
                let v = format!("{} {}", d.node.id.name, self.text(d.node.path.span));
                self.line(0, &kv(Kw::Cascade, &v));
                self.end_line(d.span.end as usize);
            }
            Item::Align(d) => {
                self.attrs(&d.attrs, 0);
                let a = &d.node;
                let mut v = format!(
                    "{}.{} -> {}",
                    a.department.name, a.source.name, a.objective.name
                );
                if let Some(w) = &a.weight {
                    v.push_str(&format!(" {} {}", Kw::Weight.word(), self.text(w.span)));
                }
                if let Some(r) = &a.rationale {
                    v.push_str(&format!(" : {}", self.text(r.span)));
                }
                self.line(0, &kv(Kw::Align, &v));
                self.end_line(d.span.end as usize);
            }
            Item::Scorecard(d) => {
                self.attrs(&d.attrs, 0);
                let head = kv(Kw::Scorecard, self.text(d.node.title.span));
                let (open, close) = braces(self.src, d.head, d.span);
                self.block(0, &head, open, close, |f| {
                    f.props(&d.node.props, Self::scorecard_prop)
                });
            }
            Item::Perspective(d) => {
                self.attrs(&d.attrs, 0);
                let mut head = kv(Kw::Perspective, &d.node.id.name);
                if let Some(t) = &d.node.title {
                    head = format!("{head} {}", self.text(t.span));
                }
                let (open, close) = braces(self.src, d.head, d.span);
                self.block(0, &head, open, close, |f| {
                    let mut prev_decl = false;
                    for (i, it) in d.node.items.iter().enumerate() {
                        match it {
                            PerspectiveItem::Objective(o) => {
                                if i > 0 {
                                    f.blank_line();
                                }
                                f.leading(o.span.start as usize, 1);
                                f.objective(o);
                                prev_decl = true;
                            }
                            PerspectiveItem::Level(n) => {
                                f.simple(n.span, &kv(Kw::Level, f.text(n.node.span)), prev_decl)
                            }
                            PerspectiveItem::Error(e) => {
                                let raw = f.text(e.span).to_string();
                                f.simple(e.span, &raw, prev_decl)
                            }
                            PerspectiveItem::Question(q) => {
                                f.simple(q.span, &kv(Kw::Question, f.text(q.node.span)), prev_decl)
                            }
                        }
                    }
                });
            }
            Item::Kpi(d) => {
                self.attrs(&d.attrs, 0);
                self.measure(Kw::Kpi.word(), d, 0);
            }
            Item::Initiative(d) => {
                self.attrs(&d.attrs, 0);
                let head = format!(
                    "{} {} {}",
                    Kw::Initiative.word(),
                    d.node.id.name,
                    self.text(d.node.title.span)
                );
                let (open, close) = braces(self.src, d.head, d.span);
                self.block(0, &head, open, close, |f| {
                    f.props(&d.node.props, Self::initiative_prop)
                });
            }
            Item::Map(d) => {
                self.attrs(&d.attrs, 0);
                let (open, close) = braces(self.src, d.head, d.span);
                self.block(0, Kw::Map.word(), open, close, |f| {
                    for c in &d.node.chains {
                        f.leading(c.span.start as usize, 1);
                        let ids: Vec<&str> = c.nodes.iter().map(|n| n.name.as_str()).collect();
                        let mut s = ids.join(" -> ");
                        if let Some(r) = &c.rationale {
                            s = format!("{s} : {}", f.text(r.span));
                        }
                        f.line(1, &s);
                        f.end_line(c.span.end as usize);
                    }
                });
            }
            // Not printed: `format` refuses a file with syntax errors.
            Item::Error(e) => {
                let raw = self.text(e.span).to_string();
                self.line(0, &raw);
                self.end_line(e.span.end as usize);
            }
        }
    }

    /// The one-line properties of a top-level block, each on its own line.
    fn props<T>(&mut self, props: &[crate::span::Spanned<T>], print: fn(&Self, &T) -> String) {
        for p in props {
            self.leading(p.span.start as usize, 1);
            let s = print(self, &p.node);
            self.line(1, &s);
            self.end_line(p.span.end as usize);
        }
    }

    /// A one-line property inside a perspective: after a nested declaration it gets a
    /// blank line of its own.
    fn simple(&mut self, span: Span, text: &str, after_decl: bool) {
        if after_decl {
            self.blank_line();
        }
        self.leading(span.start as usize, 1);
        self.line(1, text);
        self.end_line(span.end as usize);
    }

    fn objective(&mut self, d: &Decl<Objective>) {
        self.attrs(&d.attrs, 1);
        let head = format!(
            "{} {} {}",
            Kw::Objective.word(),
            d.node.id.name,
            self.text(d.node.title.span)
        );
        let (open, close) = braces(self.src, d.head, d.span);
        self.block(1, &head, open, close, |f| {
            let mut prev_decl = false;
            for (i, it) in d.node.items.iter().enumerate() {
                let (span, text) = match it {
                    ObjectiveItem::Measure(m) => {
                        if i > 0 {
                            f.blank_line();
                        }
                        f.leading(m.span.start as usize, 2);
                        f.attrs(&m.attrs, 2);
                        f.measure(Kw::Measure.word(), m, 2);
                        prev_decl = true;
                        continue;
                    }
                    ObjectiveItem::Owner(s) => (s.span, kv(Kw::Owner, f.text(s.node.span))),
                    ObjectiveItem::Due(p) => (p.span, kv(Kw::Due, f.text(p.node.span))),
                    ObjectiveItem::Weight(w) => (w.span, kv(Kw::Weight, f.text(w.node.span))),
                    ObjectiveItem::Error(e) => (e.span, f.text(e.span).to_string()),
                };
                if prev_decl {
                    f.blank_line();
                }
                f.leading(span.start as usize, 2);
                f.line(2, &text);
                f.end_line(span.end as usize);
            }
        });
    }

    fn measure(&mut self, keyword: &str, d: &Decl<Measure>, depth: usize) {
        let m = &d.node;
        let mut head = format!("{keyword} {} {}", m.id.name, self.text(m.title.span));
        if let Some(k) = &m.from {
            head = format!("{head} {} {}", Kw::From.word(), k.name);
        }
        let (open, close) = braces(self.src, d.head, d.span);
        self.block(depth, &head, open, close, |f| {
            for p in &m.props {
                f.leading(p.span.start as usize, depth + 1);
                if let MeasureProp::ActualsTable(entries) = &p.node {
                    f.actuals(entries, p.span, depth + 1);
                    continue;
                }
                let s = f.measure_prop(&p.node);
                f.line(depth + 1, &s);
                f.end_line(p.span.end as usize);
            }
        });
    }

    /// `actuals { … }`, one pair per line, values aligned.
    fn actuals(&mut self, entries: &[ActualEntry], span: Span, depth: usize) {
        if entries.is_empty() {
            self.line(depth, &kv(Kw::Actuals, "{}"));
            self.end_line(span.end as usize);
            return;
        }
        let width = entries
            .iter()
            .map(|e| self.text(e.period.span).chars().count())
            .max()
            .unwrap_or(0);
        let open = self.src[span.range()]
            .find('{')
            .map_or(span.start as usize, |i| span.start as usize + i);
        self.line(depth, &kv(Kw::Actuals, "{"));
        self.end_line(open + 1);
        for e in entries {
            self.leading(e.span.start as usize, depth + 1);
            let period = self.text(e.period.span).to_string();
            let pad = " ".repeat(width - period.chars().count());
            let value = self.text(e.value.span).to_string();
            self.line(depth + 1, &format!("{period}: {pad}{value}"));
            // A comma written after the pair is part of the table, not of the pair.
            let mut end = e.span.end as usize;
            let rest = &self.src[end..span.end as usize];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if trimmed.starts_with(',') {
                end += rest.len() - trimmed.len() + 1;
            }
            self.end_line(end);
        }
        let close = span.end as usize - 1;
        self.leading(close, depth + 1);
        self.line(depth, "}");
        self.end_line(span.end as usize);
    }

    fn scorecard_prop(&self, p: &ScorecardProp) -> String {
        match p {
            ScorecardProp::Vision(s) => kv(Kw::Vision, self.text(s.span)),
            ScorecardProp::Mission(s) => kv(Kw::Mission, self.text(s.span)),
            ScorecardProp::Owner(s) => kv(Kw::Owner, self.text(s.span)),
            ScorecardProp::Period(a, b) => {
                let (a, b) = (self.text(a.span), self.text(b.span));
                kv(Kw::Period, &format!("{a} .. {b}"))
            }
            ScorecardProp::AsOf(p) => kv(Kw::AsOf, self.text(p.span)),
            ScorecardProp::Currency(s) => kv(Kw::Currency, self.text(s.span)),
            ScorecardProp::Bands(bands) => {
                let parts: Vec<String> = bands
                    .iter()
                    .map(|b| format!("{} {}", b.name.name, self.text(b.value.span)))
                    .collect();
                if parts.is_empty() {
                    kv(Kw::Bands, "{}")
                } else {
                    kv(Kw::Bands, &format!("{{ {} }}", parts.join(" ")))
                }
            }
            ScorecardProp::Error(e) => self.text(e.span).to_string(),
        }
    }

    fn measure_prop(&self, p: &MeasureProp) -> String {
        let at = |kw: Kw, p: &Option<PeriodLit>| {
            p.as_ref().map_or(String::new(), |p| {
                format!(" {} {}", kw.word(), self.text(p.span))
            })
        };
        match p {
            MeasureProp::Unit(s) => kv(Kw::Unit, self.text(s.span)),
            MeasureProp::Direction(d) => kv(Kw::Direction, self.text(d.span)),
            MeasureProp::Baseline(n, a) => {
                let v = format!("{}{}", self.text(n.span), at(Kw::At, a));
                kv(Kw::Baseline, &v)
            }
            MeasureProp::Target(n, b) => {
                let v = format!("{}{}", self.text(n.span), at(Kw::By, b));
                kv(Kw::Target, &v)
            }
            MeasureProp::Threshold(n) => kv(Kw::Threshold, self.text(n.span)),
            MeasureProp::Frequency(f) => kv(Kw::Frequency, self.text(f.span)),
            MeasureProp::Indicator(i) => self.text(i.span).to_string(),
            MeasureProp::Owner(s) => kv(Kw::Owner, self.text(s.span)),
            MeasureProp::Source(s) => kv(Kw::Source, self.text(s.span)),
            MeasureProp::Formula(s) => kv(Kw::Formula, self.text(s.span)),
            MeasureProp::Weight(n) => kv(Kw::Weight, self.text(n.span)),
            MeasureProp::ActualsFile(d) => {
                let mut v = self.text(d.path.span).to_string();
                for (word, s) in d.options() {
                    v.push_str(&format!(" {word} {}", self.text(s.span)));
                }
                kv(Kw::Actuals, &v)
            }
            MeasureProp::ActualsSql { db, query } => {
                let v = format!(
                    "{} {} {}",
                    Kw::Sql.word(),
                    self.text(db.span),
                    self.text(query.span)
                );
                kv(Kw::Actuals, &v)
            }
            MeasureProp::Compute(e) => kv(Kw::Compute, &self.expr(e)),
            MeasureProp::ActualsTable(_) => String::new(),
            MeasureProp::Note(p, s) => kv(
                Kw::Note,
                &format!("{} {}", self.text(p.span), self.text(s.span)),
            ),
            MeasureProp::Error(e) => self.text(e.span).to_string(),
        }
    }

    /// An expression with one space around each operator and after each comma.
    fn expr(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Number(n) => self.text(n.span).to_string(),
            ExprKind::Ref(id) => id.name.clone(),
            ExprKind::Neg(inner) => format!("-{}", self.expr(inner)),
            ExprKind::Paren(inner) => format!("({})", self.expr(inner)),
            ExprKind::Chain(first, rest) => {
                let mut out = self.expr(first);
                for (op, e) in rest {
                    out.push_str(&format!(" {} {}", op.ascii(), self.expr(e)));
                }
                out
            }
            ExprKind::Call(c) => {
                let window = c
                    .window
                    .as_ref()
                    .map_or(String::new(), |w| format!(", {}", self.text(w.span)));
                format!("{}({}{window})", c.func.name(), self.expr(&c.arg))
            }
        }
    }

    fn initiative_prop(&self, p: &InitiativeProp) -> String {
        match p {
            InitiativeProp::Owner(s) => kv(Kw::Owner, self.text(s.span)),
            InitiativeProp::Budget(n) => kv(Kw::Budget, self.text(n.span)),
            InitiativeProp::Start(p) => kv(Kw::Start, self.text(p.span)),
            InitiativeProp::End(p) => kv(Kw::End, self.text(p.span)),
            InitiativeProp::Impact(r) => kv(Kw::Impact, self.text(r.span)),
            InitiativeProp::Feasibility(r) => kv(Kw::Feasibility, self.text(r.span)),
            InitiativeProp::Status(s) => kv(Kw::Status, self.text(s.span)),
            InitiativeProp::Progress(n) => kv(Kw::Progress, self.text(n.span)),
            InitiativeProp::Spent(n) => kv(Kw::Spent, self.text(n.span)),
            InitiativeProp::Supports(ids) => {
                let names: Vec<&str> = ids.iter().map(|i| i.name.as_str()).collect();
                kv(Kw::Supports, &names.join(", "))
            }
            InitiativeProp::Error(e) => self.text(e.span).to_string(),
        }
    }
}

/// Marks the comments that are the doc of a declaration: the `///` lines right before
/// it, as many as its doc has lines.
fn attached_docs(ast: &File) -> Vec<bool> {
    let mut docs = vec![false; ast.comments.len()];
    let mut mark = |doc: &Option<String>, span: Span| {
        if let Some(d) = doc {
            let end = ast.comments.partition_point(|c| c.span.end <= span.start);
            let n = d.split('\n').count().min(end);
            docs[end - n..end].iter_mut().for_each(|m| *m = true);
        }
    };
    for item in &ast.items {
        match item {
            Item::Use(d) => mark(&d.doc, d.span),
            Item::Cascade(d) => mark(&d.doc, d.span),
            Item::Align(d) => mark(&d.doc, d.span),
            Item::Scorecard(d) => mark(&d.doc, d.span),
            Item::Kpi(d) => mark(&d.doc, d.span),
            Item::Initiative(d) => mark(&d.doc, d.span),
            Item::Map(d) => mark(&d.doc, d.span),
            // Documents nothing (and `format` refuses a file with syntax errors).
            Item::Error(_) => {}
            Item::Perspective(d) => {
                mark(&d.doc, d.span);
                for it in &d.node.items {
                    let PerspectiveItem::Objective(o) = it else {
                        continue;
                    };
                    mark(&o.doc, o.span);
                    for m in &o.node.items {
                        if let ObjectiveItem::Measure(m) = m {
                            mark(&m.doc, m.span);
                        }
                    }
                }
            }
        }
    }
    docs
}

/// The offsets of a declaration's `{` (after its head) and its final `}`.
fn braces(src: &str, head: Span, whole: Span) -> (usize, usize) {
    let after = head.end as usize;
    let open = src[after..whole.end as usize]
        .find('{')
        .map_or(after, |i| after + i + 1);
    (open, (whole.end as usize).saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn canonical_layout_keeps_comments() {
        let src = "// top\nuse \"std/kpis\"\n/// The plan.\n@allow(focus) scorecard \"T\" { owner \"CEO\" // who\n period 2025-01..2025-12 }\n\n\n// about the map\nmap { a -> b : \"why\" /* inline */ c -> d }\nperspective financial { level 5 objective x \"X\" { measure m \"M\" { actuals { 2025-01: 1, 2025-Q2: 22 } // q\n } } }";
        let out = format(src).unwrap();
        let expected = "// top\nuse \"std/kpis\"\n\n/// The plan.\n@allow(focus)\nscorecard \"T\" {\n  owner \"CEO\" // who\n  period 2025-01 .. 2025-12\n}\n\n// about the map\nmap {\n  a -> b : \"why\" /* inline */\n  c -> d\n}\n\nperspective financial {\n  level 5\n\n  objective x \"X\" {\n    measure m \"M\" {\n      actuals {\n        2025-01: 1\n        2025-Q2: 22\n      } // q\n    }\n  }\n}\n";
        assert_eq!(out, expected);
        assert_eq!(format(&out).unwrap(), out, "idempotent");
    }

    #[test]
    fn a_run_of_use_lines_stays_together() {
        let src = "use \"std/kpis\"\n\nuse \"a\"\n@allow(orphan) use \"b\"\nscorecard \"T\" { owner \"CEO\" }\nuse \"c\"\n\n\n// d\nuse \"d\"\n";
        let out = format(src).unwrap();
        let expected = "use \"std/kpis\"\nuse \"a\"\n@allow(orphan)\nuse \"b\"\n\nscorecard \"T\" {\n  owner \"CEO\"\n}\n\nuse \"c\"\n\n// d\nuse \"d\"\n";
        assert_eq!(out, expected);
        assert_eq!(format(&out).unwrap(), out, "idempotent");
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error() {
        let errs = format("perspective financial {").unwrap_err();
        assert_eq!(errs[0].code, crate::codes::Code::Syntax);
    }

    #[test]
    fn a_doc_line_that_documents_nothing_stays_no_doc() {
        // Before the objective once printed, `/// stray` would become its doc.
        let src = "perspective financial /// stray\n{\n  objective o \"O\" { /// none\n owner \"x\" }\n  /// end\n}\n/// real\nkpi k \"K\" {}\n";
        let out = format(src).unwrap();
        assert_eq!(
            out,
            "perspective financial {\n  // stray\n\n  objective o \"O\" { // none\n    owner \"x\"\n  }\n  // end\n}\n\n/// real\nkpi k \"K\" {\n}\n"
        );
    }

    #[test]
    fn keeps_crlf_and_bom() {
        let out = format("\u{feff}map { a -> b }\r\n").unwrap();
        assert_eq!(out, "\u{feff}map {\r\n  a -> b\r\n}\r\n");
    }
}
