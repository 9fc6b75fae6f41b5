//! Resolution: merges the files of a compilation into one [`Model`] — the symbol table,
//! perspectives assembled from their blocks, kpi inheritance, direction inference,
//! actuals read from CSV files, map links — reporting what does not resolve.

mod broken;
mod compute;
mod declarations;
mod initiatives;
mod map;
mod measures;

use std::collections::BTreeMap;

use crate::codes::{Code, Level};
use crate::data;
use crate::diag::{Diagnostic, did_you_mean};
use crate::files::{Files, ReadError};
use crate::load::{Loaded, join_display};
use crate::model::*;
use crate::source::SourceFile;
use crate::span::{Span, Spanned};
use crate::syntax::ast::{self, Direction, Item, MeasureProp};

/// The four classic perspectives: id, title, level.
pub const PREDECLARED: [(&str, &str, i64); 4] = [
    ("learning", "Learning & Growth", 1),
    ("internal", "Internal Processes", 2),
    ("customer", "Customer", 3),
    ("financial", "Financial", 4),
];

/// The properties of one block given so far, for `duplicate-property`: a block has at
/// most 13 kinds of property, so a list on the stack beats a map.
#[derive(Default)]
struct Seen {
    keys: [(&'static str, Span); 16],
    len: usize,
}

impl Seen {
    fn get(&self, key: &str) -> Option<&Span> {
        self.keys[..self.len]
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s)
    }

    fn insert(&mut self, key: &'static str, span: Span) {
        // Keys are distinct (`once` inserts only new ones) and fewer than 16.
        debug_assert!(
            self.len < self.keys.len(),
            "more kinds of property than slots"
        );
        if let Some(slot) = self.keys.get_mut(self.len) {
            *slot = (key, span);
            self.len += 1;
        }
    }
}

/// A measure whose `from`, actuals and inheritance are resolved in the second pass.
struct PendingMeasure<'a> {
    index: usize,
    ast: &'a ast::Measure,
}

struct Resolver<'a> {
    model: Model,
    diags: Vec<Diagnostic>,
    files: Files<'a>,
    /// Links by `(from, to)`, to keep the same edge once.
    link_index: BTreeMap<(usize, usize), usize>,
    /// CSV files that could not be read (`watch` waits for them).
    missing: Vec<std::path::PathBuf>,
    /// Workbooks and databases read (`watch` watches them).
    data_read: Vec<std::path::PathBuf>,
    /// How many unknown references were reported (suggestions stop after a few dozen:
    /// a file with thousands of them gains nothing from more).
    unknown_refs: usize,
    /// Computed measures and their expressions, evaluated once every measure is read.
    computed: Vec<(usize, Computed)>,
}

/// Unknown references after which no more did-you-mean suggestions are computed.
const MAX_SUGGESTIONS: usize = 32;

/// Resolves the loaded files into a model; CSV files are added to `loaded.sources`.
pub fn resolve<'a>(loaded: &mut Loaded, files: Files<'a>) -> (Model, Vec<Diagnostic>) {
    let mut r = Resolver {
        model: Model::default(),
        diags: Vec::new(),
        files,
        link_index: BTreeMap::new(),
        missing: Vec::new(),
        data_read: Vec::new(),
        unknown_refs: 0,
        computed: Vec::new(),
    };
    for (id, title, level) in PREDECLARED {
        let index = r.model.perspectives.len();
        r.model.perspectives.push(Perspective {
            id: id.to_string(),
            title: title.to_string(),
            level,
            question: None,
            doc: None,
            predeclared: true,
            objectives: Vec::new(),
            levels_written: Vec::new(),
            span: None,
        });
        r.model.symbols.insert(
            id.to_string(),
            Symbol {
                kind: Kind::Perspective,
                index,
                span: None,
            },
        );
    }

    // User files first, so that a user declaration wins over the library's.
    let files = &loaded.files;
    let order: Vec<_> = files
        .iter()
        .filter(|f| !f.is_std)
        .chain(files.iter().filter(|f| f.is_std))
        .collect();
    let trees: Vec<&ast::File> = order.iter().filter_map(|f| f.ast.as_ref()).collect();
    r.model.broken = broken::broken(&trees);
    let mut measures = Vec::new();
    let mut initiatives = Vec::new();
    let mut maps = Vec::new();
    for file in &order {
        let Some(ast) = &file.ast else { continue };
        for item in &ast.items {
            r.declare_item(
                item,
                file.is_std,
                &mut measures,
                &mut initiatives,
                &mut maps,
            );
        }
    }
    r.set_levels();
    let sources = &mut loaded.sources;
    for m in measures {
        r.resolve_measure(m, sources);
    }
    let computed = std::mem::take(&mut r.computed);
    r.compute_all(computed);
    for (index, init) in initiatives {
        r.resolve_initiative(index, init);
    }
    for map in maps {
        r.resolve_map(map);
    }
    loaded.missing.append(&mut r.missing);
    loaded.data.append(&mut r.data_read);
    (r.model, r.diags)
}

impl<'a> Resolver<'a> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Adds an id to the symbol table; false if it is taken (reported, unless a user
    /// declaration took a library id).
    fn declare(&mut self, id: &ast::Ident, kind: Kind, index: usize, is_std: bool) -> bool {
        if let Some(prev) = self.model.symbols.get(&id.name).copied() {
            if is_std {
                // Files of the library come last: a user id of the same name wins.
                let user_owned =
                    prev.span.is_some_and(|s| !self.is_std_span(s)) || prev.span.is_none();
                if user_owned {
                    return false;
                }
            }
            let mut d = Diagnostic::new(
                Code::DuplicateId,
                id.span,
                format!("`{}` is declared twice", id.name),
            )
            .label(format!("`{}` declared again here", id.name));
            match prev.span {
                Some(s) => {
                    d = d
                        .with_label(s, format!("first declared here as {}", prev.kind.with_article()))
                        .help("ids share one namespace across perspectives, objectives, measures, kpis and initiatives: rename one of them");
                }
                None => {
                    d = d.help(format!(
                        "`{}` is one of the four predeclared perspectives (learning, internal, customer, financial): choose another id",
                        id.name
                    ));
                }
            }
            self.push(d);
            return false;
        }
        self.model.symbols.insert(
            id.name.clone(),
            Symbol {
                kind,
                index,
                span: Some(id.span),
            },
        );
        true
    }

    fn is_std_span(&self, span: Span) -> bool {
        self.model
            .kpis
            .iter()
            .any(|k| k.is_std && k.id_span == span)
    }

    /// Records the lint attributes of a declaration.
    fn scope(&mut self, attrs: &[ast::Attribute], span: Span, global: bool) {
        let mut levels = Vec::new();
        for attr in attrs {
            for code in &attr.codes {
                match Code::from_name(&code.name) {
                    Some(c) if c.is_adjustable() => levels.push((c, attr.level)),
                    Some(c) => self.push(
                        Diagnostic::new(Code::UnknownLint, code.span, format!("the level of `{c}` cannot be changed"))
                            .label("always an error")
                            .help("a file that does not parse cannot be checked; fix the syntax error instead"),
                    ),
                    None => {
                        let names = Code::ALL.iter().map(|c| c.name());
                        let suggestion = did_you_mean(&code.name, names);
                        let mut d = Diagnostic::new(Code::UnknownLint, code.span, format!("unknown check `{}`", code.name))
                            .label("no check has this name");
                        d = match suggestion {
                            Some(s) => d
                                .help(format!("did you mean `{s}`?"))
                                .fix(code.span, s, format!("replace with `{s}`")),
                            None => d.help("`bsc explain` lists every check"),
                        };
                        self.push(d);
                    }
                }
            }
        }
        if global {
            self.model.global_levels.extend(levels);
        } else if !levels.is_empty() {
            self.model.scopes.push(LintScope { span, levels });
        }
    }

    /// Reports a second occurrence of a property that may be given once.
    fn once(&mut self, seen: &mut Seen, key: &'static str, span: Span) -> bool {
        if let Some(first) = seen.get(key) {
            self.push(
                Diagnostic::new(
                    Code::DuplicateProperty,
                    span,
                    format!("`{key}` is given twice"),
                )
                .label("given again here")
                .with_label(*first, "first given here")
                .help(format!("remove one of the two `{key}` lines")),
            );
            return false;
        }
        seen.insert(key, span);
        true
    }

    fn declare_item(
        &mut self,
        item: &'a Item,
        is_std: bool,
        measures: &mut Vec<PendingMeasure<'a>>,
        initiatives: &mut Vec<(usize, &'a ast::Initiative)>,
        maps: &mut Vec<&'a ast::MapBlock>,
    ) {
        match item {
            Item::Use(d) => self.scope(&d.attrs, d.span, false),
            // Resolved once the departments are compiled (`cascade.rs`).
            Item::Cascade(d) => self.scope(&d.attrs, d.span, false),
            Item::Align(d) => self.scope(&d.attrs, d.span, false),
            Item::Scorecard(d) => self.declare_scorecard(d),
            Item::Perspective(d) => {
                self.scope(&d.attrs, d.span, false);
                self.declare_perspective(d, is_std, measures);
            }
            Item::Kpi(d) => {
                self.scope(&d.attrs, d.span, false);
                let index = self.model.kpis.len();
                if self.declare(&d.node.id, Kind::Kpi, index, is_std) {
                    let props = self.props(&d.node.props);
                    if let Some(p) = d
                        .node
                        .props
                        .iter()
                        .find(|p| matches!(p.node, MeasureProp::Compute(_)))
                    {
                        self.push(
                            Diagnostic::new(
                                Code::Compute,
                                p.span,
                                "a kpi template cannot be computed",
                            )
                            .label("the measures an expression names belong to one scorecard")
                            .help("put `compute` on the measure made from this template"),
                        );
                    }
                    self.written_values(&d.node.props, Role::KpiValue(index));
                    self.model.kpis.push(Kpi {
                        id: d.node.id.name.clone(),
                        title: d.node.title.value.clone(),
                        doc: d.doc.clone(),
                        props,
                        span: d.span,
                        head: d.head,
                        id_span: d.node.id.span,
                        is_std,
                    });
                }
            }
            Item::Initiative(d) => {
                self.scope(&d.attrs, d.span, false);
                let index = self.model.initiatives.len();
                if self.declare(&d.node.id, Kind::Initiative, index, is_std) {
                    self.model.initiatives.push(Initiative {
                        id: d.node.id.name.clone(),
                        title: d.node.title.value.clone(),
                        doc: d.doc.clone(),
                        owner: None,
                        budget: None,
                        start: None,
                        end: None,
                        impact: None,
                        feasibility: None,
                        status: None,
                        progress: None,
                        spent: None,
                        supports: Vec::new(),
                        supports_written: 0,
                        start_span: None,
                        end_span: None,
                        span: d.span,
                        head: d.head,
                        id_span: d.node.id.span,
                    });
                    initiatives.push((index, &d.node));
                }
            }
            Item::Map(d) => {
                self.scope(&d.attrs, d.span, false);
                maps.push(&d.node);
            }
            Item::Error(_) => {} // reported as a syntax error
        }
    }

    /// A value outside the range its property allows.
    /// Records a number whose range or `%` the checks judge by where it is written.
    fn written(&mut self, n: &ast::Number, role: Role) {
        self.model.written.push(Written {
            value: n.value,
            percent: n.percent,
            span: n.span,
            role,
        });
    }

    /// Reports an unknown reference; returns the id it suggests instead, if any.
    fn unknown_ref(&mut self, id: &ast::Ident, kinds: &[Kind], what: &str) -> Option<String> {
        self.unknown_refs += 1;
        let suggestion = if self.unknown_refs <= MAX_SUGGESTIONS {
            did_you_mean(&id.name, self.model.ids_of(kinds)).map(str::to_string)
        } else {
            None
        };
        let mut d = Diagnostic::new(
            Code::UnknownRef,
            id.span,
            format!("unknown {what} `{}`", id.name),
        )
        .label(format!("no {what} has this id"));
        d = match &suggestion {
            Some(s) => d.help(format!("did you mean `{s}`?")).fix(
                id.span,
                s.clone(),
                format!("replace with `{s}`"),
            ),
            None => d.help(format!(
                "declare the {what}, or check the spelling of the id"
            )),
        };
        self.push(d);
        suggestion
    }
}

/// Levels of a code set by an attribute list, last one winning.
pub fn level_in(levels: &[(Code, Level)], code: Code) -> Option<Level> {
    levels
        .iter()
        .rev()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
}
