//! Every place an id is written in a compilation — where it is declared and where it
//! is referenced — for hover, go to definition, references, rename and completion.

use crate::model::Kind;
use crate::span::Span;
use crate::syntax::ast::*;

/// One written id.
#[derive(Clone, Debug, PartialEq)]
pub struct Occurrence {
    pub name: String,
    pub span: Span,
    /// Declared here (else a reference).
    pub decl: bool,
    /// What the place expects (a declaration's kind, or the kinds a reference accepts).
    pub kind: Option<Kind>,
    /// The department whose namespace the id is in (`sales` for `win` in
    /// `align sales.win -> grow`); `None`: this compilation's.
    pub department: Option<String>,
}

fn push(out: &mut Vec<Occurrence>, id: &Ident, decl: bool, kind: Option<Kind>) {
    out.push(Occurrence {
        name: id.name.clone(),
        span: id.span,
        decl,
        kind,
        department: None,
    });
}

/// The occurrences of one file, in source order.
pub fn occurrences(file: &File) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for item in &file.items {
        match item {
            Item::Perspective(p) => {
                push(&mut out, &p.node.id, true, Some(Kind::Perspective));
                for it in &p.node.items {
                    if let PerspectiveItem::Objective(o) = it {
                        push(&mut out, &o.node.id, true, Some(Kind::Objective));
                        for oi in &o.node.items {
                            if let ObjectiveItem::Measure(m) = oi {
                                push(&mut out, &m.node.id, true, Some(Kind::Measure));
                                if let Some(k) = &m.node.from {
                                    push(&mut out, k, false, Some(Kind::Kpi));
                                }
                                for p in &m.node.props {
                                    if let MeasureProp::Compute(e) = &p.node {
                                        for id in e.refs() {
                                            push(&mut out, id, false, Some(Kind::Measure));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Item::Kpi(k) => push(&mut out, &k.node.id, true, Some(Kind::Kpi)),
            Item::Initiative(i) => {
                push(&mut out, &i.node.id, true, Some(Kind::Initiative));
                for p in &i.node.props {
                    if let InitiativeProp::Supports(ids) = &p.node {
                        for id in ids {
                            push(&mut out, id, false, Some(Kind::Objective));
                        }
                    }
                }
            }
            Item::Map(m) => {
                for c in &m.node.chains {
                    for n in &c.nodes {
                        push(&mut out, n, false, Some(Kind::Objective));
                    }
                }
            }
            Item::Align(a) => {
                // The department's objective lives in the department's compilation.
                out.push(Occurrence {
                    name: a.node.source.name.clone(),
                    span: a.node.source.span,
                    decl: false,
                    kind: Some(Kind::Objective),
                    department: Some(a.node.department.name.clone()),
                });
                push(&mut out, &a.node.objective, false, Some(Kind::Objective));
            }
            Item::Use(_) | Item::Cascade(_) | Item::Scorecard(_) => {}
            Item::Error(_) => {} // reported as a syntax error
        }
    }
    out.sort_by_key(|o| o.span);
    out
}

/// The occurrence whose span contains byte offset `at` (an id touching `at` counts, so
/// a cursor right after an id finds it).
pub fn at(occurrences: &[Occurrence], at: u32) -> Option<&Occurrence> {
    occurrences
        .iter()
        .find(|o| o.span.start <= at && at <= o.span.end)
}
