//! What the parser could not read, as the checks need to know it: a diagnostic that may
//! follow from text the parser skipped is not reported (as rustc suppresses errors that
//! follow from an earlier one), and every other one is.

use crate::model::Broken;
use crate::span::Span;
use crate::syntax::ast::{self, Decl, Item, MeasureProp, ObjectiveItem, PerspectiveItem};

/// The broken parts of the files of a compilation.
pub fn broken(files: &[&ast::File]) -> Broken {
    let mut b = Broken::default();
    for file in files {
        if !file.has_errors() {
            continue;
        }
        b.any = true;
        b.words.extend(file.error_words().map(|w| w.name.clone()));
        for item in &file.items {
            match item {
                Item::Error(_) => {
                    // A whole declaration may be lost: a perspective, a map block.
                    b.top_level = true;
                }
                Item::Map(d) if d.partial => b.map = true,
                Item::Use(d) => own(&mut b.partial, d, d.partial),
                Item::Cascade(d) => own(&mut b.partial, d, d.partial),
                Item::Align(d) => own(&mut b.partial, d, d.partial),
                Item::Scorecard(d) => {
                    let own_error = d
                        .node
                        .props
                        .iter()
                        .any(|p| matches!(p.node, ast::ScorecardProp::Error(_)));
                    own(&mut b.partial, d, own_error || d.partial);
                }
                Item::Perspective(d) => perspective(&mut b.partial, d),
                Item::Kpi(d) => measure(&mut b.partial, d),
                Item::Initiative(d) => own(&mut b.partial, d, d.partial),
                Item::Map(_) => {}
            }
        }
    }
    b
}

/// Records `d` when its own text broke.
fn own<T>(out: &mut Vec<Span>, d: &Decl<T>, broke: bool) {
    if broke {
        out.push(d.span);
    }
}

fn perspective(out: &mut Vec<Span>, d: &Decl<ast::Perspective>) {
    let mut child_broke = false;
    let mut own_error = false;
    for it in &d.node.items {
        match it {
            PerspectiveItem::Error(_) => own_error = true,
            PerspectiveItem::Objective(o) => {
                child_broke |= o.partial;
                objective(out, o);
            }
            _ => {}
        }
    }
    // Partial only because an objective in it broke: the perspective itself is whole.
    own(out, d, own_error || (d.partial && !child_broke));
}

fn objective(out: &mut Vec<Span>, d: &Decl<ast::Objective>) {
    let mut child_broke = false;
    let mut own_error = false;
    for it in &d.node.items {
        match it {
            ObjectiveItem::Error(_) => own_error = true,
            ObjectiveItem::Measure(m) => {
                child_broke |= m.partial;
                measure(out, m);
            }
            _ => {}
        }
    }
    own(out, d, own_error || (d.partial && !child_broke));
}

fn measure(out: &mut Vec<Span>, d: &Decl<ast::Measure>) {
    let own_error = d
        .node
        .props
        .iter()
        .any(|p| matches!(p.node, MeasureProp::Error(_)));
    own(out, d, own_error || d.partial);
}

impl Broken {
    /// Whether `span` lies in a declaration whose own text broke (a declaration that
    /// only holds a broken one is whole: the sibling of a broken objective is judged).
    pub fn in_partial(&self, span: Span) -> bool {
        self.partial.iter().any(|p| p.contains(span))
    }

    /// Whether `id` is written in text the parser could not read.
    pub fn names(&self, id: &str) -> bool {
        self.words.contains(id)
    }
}
