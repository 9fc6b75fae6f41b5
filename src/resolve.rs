//! Resolution: merges the files of a compilation into one [`Model`] — the symbol table,
//! perspectives assembled from their blocks, kpi inheritance, direction inference,
//! actuals read from CSV files, map links — reporting what does not resolve.

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
    /// Per perspective: every `level` written, with its span.
    levels: Vec<Vec<(Span, f64)>>,
    /// Links by `(from, to)`, to keep the same edge once.
    link_index: BTreeMap<(usize, usize), usize>,
    /// CSV files that could not be read (`watch` waits for them).
    missing: Vec<std::path::PathBuf>,
    /// How many unknown references were reported (suggestions stop after a few dozen:
    /// a file with thousands of them gains nothing from more).
    unknown_refs: usize,
}

/// Unknown references after which no more did-you-mean suggestions are computed.
const MAX_SUGGESTIONS: usize = 32;

/// Resolves the loaded files into a model; CSV files are added to `loaded.sources`.
pub fn resolve<'a>(loaded: &mut Loaded, files: Files<'a>) -> (Model, Vec<Diagnostic>) {
    let mut r = Resolver {
        model: Model::default(),
        diags: Vec::new(),
        files,
        levels: Vec::new(),
        link_index: BTreeMap::new(),
        missing: Vec::new(),
        unknown_refs: 0,
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
            span: None,
        });
        r.levels.push(Vec::new());
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
    r.check_levels();
    let sources = &mut loaded.sources;
    for m in measures {
        r.resolve_measure(m, sources);
    }
    for (index, init) in initiatives {
        r.resolve_initiative(index, init);
    }
    for map in maps {
        r.resolve_map(map);
    }
    loaded.missing.append(&mut r.missing);
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
                    self.check_percents(
                        "kpi",
                        &d.node.id.name,
                        props.unit.as_deref(),
                        &d.node.props,
                    );
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
                        supports: Vec::new(),
                        supports_written: 0,
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

    fn declare_scorecard(&mut self, d: &ast::Decl<ast::Scorecard>) {
        if let Some(first) = self.model.scorecard.as_ref().and_then(|s| s.span) {
            self.push(
                Diagnostic::new(Code::DuplicateId, d.head, "a second `scorecard` declaration")
                    .label("another scorecard here")
                    .with_label(first, "the scorecard is declared here")
                    .help("a compilation has at most one scorecard: merge the two, or keep one per root file"),
            );
            return;
        }
        self.scope(&d.attrs, d.span, true);
        let mut sc = Scorecard {
            title: d.node.title.value.clone(),
            doc: d.doc.clone(),
            green: 0.9,
            amber: 0.6,
            span: Some(d.head),
            ..Scorecard::default()
        };
        let mut seen = Seen::default();
        for p in &d.node.props {
            use ast::ScorecardProp as S;
            let key = match &p.node {
                S::Vision(_) => "vision",
                S::Mission(_) => "mission",
                S::Owner(_) => "owner",
                S::Period(..) => "period",
                S::AsOf(_) => "as_of",
                S::Bands(_) => "bands",
                S::Currency(_) => "currency",
                // What could not be parsed was reported as a syntax error.
                S::Error(_) => continue,
            };
            if !self.once(&mut seen, key, p.span) {
                continue;
            }
            match &p.node {
                S::Vision(s) => sc.vision = Some(s.value.clone()),
                S::Mission(s) => sc.mission = Some(s.value.clone()),
                S::Owner(s) => sc.owner = Some(s.value.clone()),
                S::AsOf(p) => sc.as_of = p.period,
                S::Currency(s) => sc.currency = Some(s.value.clone()),
                S::Period(a, b) => {
                    if let (Some(pa), Some(pb)) = (a.period, b.period) {
                        if pb.end() < pa.start() {
                            self.push(
                                Diagnostic::new(
                                    Code::DateOrder,
                                    b.span,
                                    format!("the period ends ({pb}) before it starts ({pa})"),
                                )
                                .label("ends here")
                                .with_label(a.span, "starts here")
                                .help("write the period as `START .. END`"),
                            );
                        } else {
                            sc.period = Some((pa, pb));
                        }
                    }
                }
                S::Bands(bands) => {
                    let mut seen_band = Seen::default();
                    for b in bands {
                        let key = if b.name.name == "green" {
                            "green"
                        } else {
                            "amber"
                        };
                        if self.once(&mut seen_band, key, b.name.span.to(b.value.span)) {
                            self.in_range(
                                &b.value,
                                0.0,
                                100.0,
                                "a band",
                                "bands are percentages from 0% to 100%",
                            );
                            if key == "green" {
                                sc.green = b.value.value / 100.0;
                            } else {
                                sc.amber = b.value.value / 100.0;
                            }
                        }
                    }
                }
                ast::ScorecardProp::Error(_) => {} // reported as a syntax error
            }
        }
        if sc.amber > sc.green {
            if let Some(p) = d
                .node
                .props
                .iter()
                .find(|p| matches!(p.node, ast::ScorecardProp::Bands(_)))
            {
                self.push(
                    Diagnostic::new(Code::ValueRange, p.span, "the amber band lies above the green band")
                        .label(format!("amber {}% is above green {}%", crate::num::fmt_num(sc.amber * 100.0), crate::num::fmt_num(sc.green * 100.0)))
                        .help("a score is green at or above `green` and amber at or above `amber`, so `amber` must not exceed `green`"),
                );
            }
        }
        self.model.scorecard = Some(sc);
    }

    fn declare_perspective(
        &mut self,
        d: &'a ast::Decl<ast::Perspective>,
        is_std: bool,
        measures: &mut Vec<PendingMeasure<'a>>,
    ) {
        let id = &d.node.id;
        let index = match self.model.symbols.get(&id.name).copied() {
            Some(Symbol {
                kind: Kind::Perspective,
                index,
                ..
            }) => index,
            _ => {
                let index = self.model.perspectives.len();
                if !self.declare(id, Kind::Perspective, index, is_std) {
                    return;
                }
                self.model.perspectives.push(Perspective {
                    id: id.name.clone(),
                    title: id.name.clone(),
                    level: 0,
                    question: None,
                    doc: None,
                    predeclared: false,
                    objectives: Vec::new(),
                    span: None,
                });
                self.levels.push(Vec::new());
                index
            }
        };
        {
            let p = &mut self.model.perspectives[index];
            if p.span.is_none() {
                p.span = Some(d.head);
            }
            if let Some(t) = &d.node.title {
                p.title = t.value.clone();
            }
            if p.doc.is_none() {
                p.doc = d.doc.clone();
            }
        }
        let mut seen = Seen::default();
        for item in &d.node.items {
            match item {
                ast::PerspectiveItem::Level(n) => self.levels[index].push((n.span, n.node.value)),
                ast::PerspectiveItem::Question(q) => {
                    if self.once(&mut seen, "question", q.span) {
                        self.model.perspectives[index].question = Some(q.node.value.clone());
                    }
                }
                ast::PerspectiveItem::Objective(o) => {
                    self.scope(&o.attrs, o.span, false);
                    self.declare_objective(o, index, is_std, measures);
                }
                ast::PerspectiveItem::Error(_) => {} // reported as a syntax error
            }
        }
    }

    fn declare_objective(
        &mut self,
        d: &'a ast::Decl<ast::Objective>,
        perspective: usize,
        is_std: bool,
        measures: &mut Vec<PendingMeasure<'a>>,
    ) {
        let index = self.model.objectives.len();
        if !self.declare(&d.node.id, Kind::Objective, index, is_std) {
            return;
        }
        let mut o = Objective {
            id: d.node.id.name.clone(),
            title: d.node.title.value.clone(),
            doc: d.doc.clone(),
            perspective,
            owner: None,
            due: None,
            weight: 1.0,
            measures: Vec::new(),
            measures_written: 0,
            span: d.span,
            head: d.head,
            id_span: d.node.id.span,
        };
        let mut seen = Seen::default();
        let mut pending = Vec::new();
        for item in &d.node.items {
            match item {
                ast::ObjectiveItem::Owner(s) => {
                    if self.once(&mut seen, "owner", s.span) {
                        o.owner = Some(s.node.value.clone());
                    }
                }
                ast::ObjectiveItem::Due(p) => {
                    if self.once(&mut seen, "due", p.span) {
                        o.due = p.node.period;
                    }
                }
                ast::ObjectiveItem::Weight(w) => {
                    if self.once(&mut seen, "weight", w.span) {
                        self.no_percent(&w.node, "an objective's `weight`");
                        self.in_range(&w.node, 0.0, f64::INFINITY, "a `weight`", "weights are zero or more: 0 leaves the objective out of its perspective's score");
                        o.weight = w.node.value.max(0.0);
                    }
                }
                ast::ObjectiveItem::Measure(m) => {
                    o.measures_written += 1;
                    pending.push(m);
                }
                ast::ObjectiveItem::Error(_) => {} // reported as a syntax error
            }
        }
        self.model.objectives.push(o);
        self.model.perspectives[perspective].objectives.push(index);
        for m in pending {
            self.scope(&m.attrs, m.span, false);
            let mi = self.model.measures.len();
            if self.declare(&m.node.id, Kind::Measure, mi, is_std) {
                self.model.measures.push(Measure {
                    id: m.node.id.name.clone(),
                    title: m.node.title.value.clone(),
                    doc: m.doc.clone(),
                    objective: index,
                    from: None,
                    props: Props::default(),
                    direction_inferred: false,
                    template_failed: false,
                    span: m.span,
                    head: m.head,
                    id_span: m.node.id.span,
                });
                self.model.objectives[index].measures.push(mi);
                measures.push(PendingMeasure {
                    index: mi,
                    ast: &m.node,
                });
            }
        }
    }

    /// `level` once per perspective, and always for a new one.
    fn check_levels(&mut self) {
        for i in 0..self.model.perspectives.len() {
            let levels = std::mem::take(&mut self.levels[i]);
            let p = &self.model.perspectives[i];
            let (id, predeclared, span) = (p.id.clone(), p.predeclared, p.span);
            if let Some(&(first, _)) = levels.first() {
                for &(again, _) in &levels[1..] {
                    self.push(
                        Diagnostic::new(
                            Code::PerspectiveLevel,
                            again,
                            format!("`level` of perspective `{id}` is set twice"),
                        )
                        .label("set again here")
                        .with_label(first, "first set here")
                        .help("give `level` in one block of the perspective only"),
                    );
                }
                let (span, value) = levels[0];
                if value.fract() != 0.0 {
                    self.push(
                        Diagnostic::new(Code::PerspectiveLevel, span, "`level` must be a whole number")
                            .label("not a whole number")
                            .help("levels order the perspectives: learning is 1, internal 2, customer 3, financial 4"),
                    );
                } else {
                    self.model.perspectives[i].level = value as i64;
                }
            } else if !predeclared {
                if let Some(span) = span {
                    self.push(
                        Diagnostic::new(Code::PerspectiveLevel, span, format!("perspective `{id}` has no `level`"))
                            .label("a new perspective needs a level")
                            .help("add `level N` to one of its blocks; higher is closer to outcomes (learning 1, internal 2, customer 3, financial 4)"),
                    );
                }
            }
        }
    }

    /// A value outside the range its property allows.
    fn in_range(&mut self, n: &ast::Number, lo: f64, hi: f64, what: &str, help: &str) {
        if n.value < lo || n.value > hi {
            self.push(
                Diagnostic::new(
                    Code::ValueRange,
                    n.span,
                    format!(
                        "{} is out of range for {what}",
                        crate::num::fmt_num(n.value)
                    ),
                )
                .label("out of range")
                .help(help),
            );
        }
    }

    /// A `%` where none is valid.
    fn no_percent(&mut self, n: &ast::Number, what: &str) {
        if n.percent {
            self.push(
                Diagnostic::new(Code::UnitMismatch, n.span, format!("a `%` value is not valid for {what}"))
                    .label("remove the `%`")
                    .help("`%` is valid on a measure whose unit is \"%\", in `bands` and in an initiative's `progress`"),
            );
        }
    }

    /// The properties written in one measure or kpi block (no inheritance yet, no data
    /// files read).
    fn props(&mut self, written: &[Spanned<MeasureProp>]) -> Props {
        let mut p = Props::default();
        let mut seen = Seen::default();
        for prop in written {
            if let MeasureProp::Error(_) = prop.node {
                continue; // reported as a syntax error
            }
            let key = prop.node.key();
            if key != "target" && !self.once(&mut seen, key, prop.span) {
                continue;
            }
            match &prop.node {
                MeasureProp::Unit(s) => p.unit = Some(s.value.clone()),
                MeasureProp::Direction(d) => p.direction = Some(d.node),
                MeasureProp::Baseline(n, at) => {
                    p.baseline = Some(Value {
                        value: n.value,
                        span: n.span,
                    });
                    p.baseline_at = at.as_ref().and_then(|a| a.period);
                }
                MeasureProp::Target(n, by) => p.targets.push(Target {
                    value: n.value,
                    by: by.as_ref().and_then(|b| b.period),
                    span: prop.span,
                }),
                MeasureProp::Threshold(n) => {
                    p.threshold = Some(Value {
                        value: n.value,
                        span: n.span,
                    })
                }
                MeasureProp::Frequency(f) => p.frequency = Some(f.node),
                MeasureProp::Indicator(i) => p.indicator = Some(i.node),
                MeasureProp::Owner(s) => p.owner = Some(s.value.clone()),
                MeasureProp::Source(s) => p.source = Some(s.value.clone()),
                MeasureProp::Formula(s) => p.formula = Some(s.value.clone()),
                MeasureProp::Weight(n) => {
                    self.no_percent(n, "a measure's `weight`");
                    self.in_range(n, 0.0, f64::INFINITY, "a `weight`", "weights are zero or more: 0 leaves the measure out of its objective's score");
                    p.weight = Some(n.value.max(0.0));
                }
                MeasureProp::ActualsTable(entries) => {
                    for e in entries {
                        if let Some(period) = e.period.period {
                            p.actuals.push(Actual {
                                period,
                                value: e.value.value,
                                span: e.span,
                            });
                        }
                    }
                }
                MeasureProp::ActualsFile(s) => p.actuals_file = Some(s.value.clone()),
                ast::MeasureProp::Error(_) => {} // reported as a syntax error
            }
        }
        p
    }

    /// Reads the data file a measure names (`actuals "file"`), its path relative to the
    /// file that names it, through the file layer; problems become `data` diagnostics
    /// (at the CSV line when the source is text, else at the path, naming the cell or
    /// row), scoped to the measure.
    fn read_data(
        &mut self,
        sources: &mut crate::source::Sources,
        file: &ast::Str,
        frequency: Option<crate::period::Frequency>,
        scope: Span,
    ) -> Vec<Actual> {
        let f = sources.get(file.span.file);
        let dir = f.name.rfind('/').map_or("", |i| &f.name[..i]);
        let name = join_display(dir, &file.value);
        let Some(real) = f.path.as_ref().and_then(|p| p.parent()) else {
            self.push(
                Diagnostic::new(
                    Code::Data,
                    file.span,
                    "the bundled library cannot read data files",
                )
                .label("no folder to read from"),
            );
            return Vec::new();
        };
        let path = real.join(&file.value);
        let source = data::Source::for_file(&file.value, None, None, None, None);
        let series = data::read(
            self.files,
            &data::Request {
                path: &path,
                name: &name,
                source: &source,
                frequency,
            },
        );
        if let Some(e) = series.unreadable {
            self.missing.push(path.clone());
            let help = match e {
                ReadError::OutsideRoot(_) => {
                    "a compilation reads only files inside its project root (the git work tree, or `--root DIR`)"
                }
                _ => {
                    "the path is relative to the folder of this .bsc file; the file needs a `period,value` header"
                }
            };
            self.push(
                Diagnostic::new(
                    Code::Data,
                    file.span,
                    format!("cannot read `{name}`: {}", e.reason()),
                )
                .label("actuals file named here")
                .help(help),
            );
            return Vec::new();
        }
        // A text source is shown: its problems point into it.
        let text_file = series
            .text
            .map(|text| sources.add(SourceFile::new(name.clone(), Some(path), text)));
        let span_of = |place: &data::Place| match (place, text_file) {
            (data::Place::Text { start, end }, Some(id)) => Span::new(id, *start, *end),
            _ => file.span,
        };
        for p in series.problems {
            let d = match (&p.place, text_file) {
                // The text as a whole (it is empty): its start, and where it is named.
                (data::Place::Whole, Some(id)) => {
                    Diagnostic::new(Code::Data, Span::new(id, 0, 0), p.message)
                        .label(p.label)
                        .with_label(file.span, "actuals file named here")
                }
                (place, _) => Diagnostic::new(Code::Data, span_of(place), p.message).label(p.label),
            };
            self.push(d.maybe_help(p.help).scope(scope));
        }
        series
            .points
            .into_iter()
            .map(|p| Actual {
                period: p.period,
                value: p.value,
                span: span_of(&p.place),
            })
            .collect()
    }

    fn resolve_measure(&mut self, pm: PendingMeasure<'a>, sources: &mut crate::source::Sources) {
        let m = pm.ast;
        let mut own = self.props(&m.props);
        let mut from = None;
        let template_failed = m.from.is_some();
        if let Some(k) = &m.from {
            match self.model.symbols.get(&k.name).copied() {
                Some(Symbol {
                    kind: Kind::Kpi,
                    index,
                    ..
                }) => from = Some(index),
                Some(sym) => self.push(
                    Diagnostic::new(
                        Code::WrongKind,
                        k.span,
                        format!(
                            "`{}` is {}, not a kpi template",
                            k.name,
                            sym.kind.with_article()
                        ),
                    )
                    .label("`from` names a kpi template")
                    .maybe_help(
                        did_you_mean(&k.name, self.model.ids_of(&[Kind::Kpi]))
                            .map(|s| format!("did you mean the kpi `{s}`?")),
                    ),
                ),
                None => {
                    self.unknown_ref(k, &[Kind::Kpi], "kpi template");
                }
            }
        }
        let template_failed = template_failed && from.is_none();
        if let Some(ki) = from {
            let base = &self.model.kpis[ki].props;
            own = inherit(own, base);
        }
        // Data files are read once the frequency is known (a date in a spreadsheet is
        // read as the period of the measure's frequency that holds it).
        let files = m.props.iter().filter_map(|p| match &p.node {
            MeasureProp::ActualsFile(s) => Some(s),
            _ => None,
        });
        for file in files.take(1) {
            let rows = self.read_data(sources, file, own.frequency, m.id.span);
            own.actuals.extend(rows);
        }
        // Actuals: one per period.
        own.actuals
            .sort_by(|a, b| a.period.cmp(&b.period).then(a.span.cmp(&b.span)));
        let mut dupes = Vec::new();
        for w in own.actuals.windows(2) {
            if w[0].period.end() == w[1].period.end() {
                dupes.push((w[0], w[1]));
            }
        }
        for (a, b) in dupes {
            let (first, again) = if a.span < b.span { (a, b) } else { (b, a) };
            let msg = if a.period == b.period {
                format!("two actuals for `{}` in measure `{}`", a.period, m.id.name)
            } else {
                format!(
                    "`{}` and `{}` both end on {} in measure `{}`",
                    first.period,
                    again.period,
                    a.period.end(),
                    m.id.name
                )
            };
            self.push(
                Diagnostic::new(Code::DuplicatePeriod, again.span, msg)
                    .label("given again here")
                    .with_label(first.span, "first given here")
                    .help("keep one value per period")
                    .scope(m.id.span),
            );
        }
        own.actuals
            .dedup_by(|b, a| a.period.end() == b.period.end());
        // Direction: written, inherited, or inferred from baseline → first target.
        let mut inferred = false;
        if own.direction.is_none() && !template_failed {
            match (own.baseline, own.targets.first()) {
                (Some(b), Some(t)) if b.value != t.value => {
                    own.direction = Some(if t.value > b.value {
                        Direction::Up
                    } else {
                        Direction::Down
                    });
                    inferred = true;
                }
                _ => {
                    let why = match (own.baseline, own.targets.first()) {
                        (Some(_), Some(_)) => "the baseline equals the first target",
                        (None, _) => "there is no baseline to compare the target with",
                        (_, None) => "there is no target to compare the baseline with",
                    };
                    self.push(
                        Diagnostic::new(Code::Direction, m.id.span, format!("cannot tell whether more or less is better for `{}`", m.id.name))
                            .label(format!("no `direction`, and {why}"))
                            .help("add `direction up` (more is better) or `direction down` (less is better)"),
                    );
                }
            }
        }
        // A stated direction must agree with baseline → first target.
        if let (Some(dir), false, Some(b), Some(t)) =
            (own.direction, inferred, own.baseline, own.targets.first())
        {
            let wrong = match dir {
                Direction::Up => t.value < b.value,
                Direction::Down => t.value > b.value,
            };
            if wrong {
                let (word, side) = match dir {
                    Direction::Up => ("up", "below"),
                    Direction::Down => ("down", "above"),
                };
                self.push(
                    Diagnostic::new(
                        Code::Direction,
                        t.span,
                        format!(
                            "`{}` has direction {word}, but its target {} is {side} its baseline {}",
                            m.id.name,
                            crate::num::fmt_num(t.value),
                            crate::num::fmt_num(b.value)
                        ),
                    )
                    .label(format!("{side} the baseline"))
                    .with_label(b.span, "the baseline")
                    .help("the target is where the measure should go from its baseline: correct the direction, the baseline or the target"),
                );
            }
        }
        // Time-phased targets: increasing dates.
        let period_end = self
            .model
            .scorecard
            .as_ref()
            .and_then(|s| s.period)
            .map(|(_, e)| e.end());
        let mut prev: Option<(chrono::NaiveDate, Span)> = None;
        for t in &own.targets {
            let due =
                t.by.map(|p| p.end())
                    .or(period_end)
                    .unwrap_or(chrono::NaiveDate::MAX);
            if let Some((pd, ps)) = prev {
                if due <= pd {
                    self.push(
                        Diagnostic::new(
                            Code::DateOrder,
                            t.span,
                            "time-phased targets must have increasing dates",
                        )
                        .label("due no later than the target before it")
                        .with_label(ps, "the earlier target")
                        .help(
                            "order the targets by their `by` dates, each later than the one before",
                        ),
                    );
                }
            }
            prev = Some((due, t.span));
        }
        if !template_failed {
            self.check_percents("measure", &m.id.name, own.unit.as_deref(), &m.props);
        }
        let measure = &mut self.model.measures[pm.index];
        measure.from = from;
        measure.props = own;
        measure.direction_inferred = inferred;
        measure.template_failed = template_failed;
    }

    /// `%` values only where the unit (own or inherited) is "%".
    fn check_percents(
        &mut self,
        kind: &str,
        id: &str,
        unit: Option<&str>,
        props: &[Spanned<MeasureProp>],
    ) {
        if unit == Some("%") {
            return;
        }
        let has = unit.map_or("no unit".to_string(), |u| format!("unit \"{u}\""));
        let help = if unit.is_none() {
            format!("add `unit \"%\"` to the {kind}, or drop the `%`")
        } else {
            "drop the `%`, or change the unit to \"%\"".to_string()
        };
        for prop in props {
            let spans: Vec<Span> = match &prop.node {
                MeasureProp::Baseline(n, _)
                | MeasureProp::Target(n, _)
                | MeasureProp::Threshold(n)
                    if n.percent =>
                {
                    vec![n.span]
                }
                MeasureProp::ActualsTable(es) => es
                    .iter()
                    .filter(|e| e.value.percent)
                    .map(|e| e.value.span)
                    .collect(),
                _ => vec![],
            };
            for s in spans {
                self.push(
                    Diagnostic::new(
                        Code::UnitMismatch,
                        s,
                        format!("a `%` value on {kind} `{id}`, which has {has}"),
                    )
                    .label("a percentage")
                    .help(help.clone()),
                );
            }
        }
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

    fn resolve_initiative(&mut self, index: usize, ast: &ast::Initiative) {
        use ast::InitiativeProp as I;
        let mut seen = Seen::default();
        let mut start_span = None;
        let mut end_span = None;
        for p in &ast.props {
            if let I::Error(_) = p.node {
                continue; // reported as a syntax error
            }
            if !self.once(&mut seen, p.node.key(), p.span) {
                continue;
            }
            match &p.node {
                I::Owner(s) => self.model.initiatives[index].owner = Some(s.value.clone()),
                I::Budget(n) => {
                    self.no_percent(n, "a `budget`");
                    self.model.initiatives[index].budget = Some(n.value);
                }
                I::Start(s) => {
                    self.model.initiatives[index].start = s.period;
                    start_span = Some(s.span);
                }
                I::End(e) => {
                    self.model.initiatives[index].end = e.period;
                    end_span = Some(e.span);
                }
                I::Impact(r) => self.model.initiatives[index].impact = Some(r.node),
                I::Feasibility(r) => self.model.initiatives[index].feasibility = Some(r.node),
                I::Status(s) => self.model.initiatives[index].status = Some(s.node),
                I::Progress(n) => {
                    self.in_range(
                        n,
                        0.0,
                        100.0,
                        "an initiative's `progress`",
                        "progress runs from 0% to 100%",
                    );
                    self.model.initiatives[index].progress =
                        Some((n.value / 100.0).clamp(0.0, 1.0));
                }
                I::Supports(ids) => {
                    self.model.initiatives[index].supports_written = ids.len();
                    for id in ids {
                        match self.model.symbols.get(&id.name).copied() {
                            Some(Symbol { kind: Kind::Objective, index: i, .. }) => {
                                self.model.initiatives[index].supports.push((Supported::Objective(i), id.span))
                            }
                            Some(Symbol { kind: Kind::Measure, index: i, .. }) => {
                                self.model.initiatives[index].supports.push((Supported::Measure(i), id.span))
                            }
                            Some(sym) => self.push(
                                Diagnostic::new(Code::WrongKind, id.span, format!("`{}` is {}; an initiative supports objectives and measures", id.name, sym.kind.with_article()))
                                    .label(format!("{} here", sym.kind.with_article()))
                                    .help("name the objective or measure this initiative moves"),
                            ),
                            None => {
                                self.unknown_ref(id, &[Kind::Objective, Kind::Measure], "objective or measure");
                            }
                        }
                    }
                }
                ast::InitiativeProp::Error(_) => {} // reported as a syntax error
            }
        }
        let init = &self.model.initiatives[index];
        if let (Some(st), Some(en), Some(ss), Some(es)) =
            (init.start, init.end, start_span, end_span)
        {
            if en.end() < st.start() {
                self.push(
                    Diagnostic::new(
                        Code::DateOrder,
                        es,
                        format!(
                            "initiative `{}` ends ({en}) before it starts ({st})",
                            ast.id.name
                        ),
                    )
                    .label("ends here")
                    .with_label(ss, "starts here")
                    .help("swap `start` and `end`, or correct one of them"),
                );
            }
        }
    }

    fn resolve_map(&mut self, map: &ast::MapBlock) {
        for chain in &map.chains {
            let ends: Vec<Option<usize>> = chain.nodes.iter().map(|n| self.map_node(n)).collect();
            for (i, pair) in ends.windows(2).enumerate() {
                let (Some(from), Some(to)) = (pair[0], pair[1]) else {
                    self.model
                        .broken_link_ends
                        .extend(pair.iter().flatten().copied());
                    continue;
                };
                let span = chain.nodes[i].span.to(chain.nodes[i + 1].span);
                let rationale = chain.rationale.as_ref().map(|r| r.value.clone());
                match self.link_index.get(&(from, to)) {
                    Some(&i) => {
                        let existing = &mut self.model.links[i];
                        if existing.rationale.is_none() {
                            existing.rationale = rationale;
                        }
                    }
                    None => {
                        self.link_index.insert((from, to), self.model.links.len());
                        self.model.links.push(Link {
                            from,
                            to,
                            rationale,
                            span,
                        });
                    }
                }
            }
        }
    }

    /// An objective named in the map.
    fn map_node(&mut self, id: &ast::Ident) -> Option<usize> {
        match self.model.symbols.get(&id.name).copied() {
            Some(Symbol {
                kind: Kind::Objective,
                index,
                ..
            }) => Some(index),
            Some(sym) => {
                let help = match sym.kind {
                    Kind::Measure => {
                        let o = &self.model.objectives[self.model.measures[sym.index].objective];
                        format!("link the objective it measures, `{}`", o.id)
                    }
                    _ => "the strategy map links objectives".to_string(),
                };
                let mut d = Diagnostic::new(
                    Code::WrongKind,
                    id.span,
                    format!(
                        "`{}` is {}, but the map links objectives",
                        id.name,
                        sym.kind.with_article()
                    ),
                )
                .label(format!("{} here", sym.kind.with_article()))
                .help(help);
                if sym.kind == Kind::Measure {
                    // The objective it measures was probably meant, and lost this link.
                    let oi = self.model.measures[sym.index].objective;
                    self.model.broken_link_ends.insert(oi);
                    let o = self.model.objectives[oi].id.clone();
                    d = d.fix(id.span, o.clone(), format!("replace with `{o}`"));
                }
                self.push(d);
                None
            }
            None => {
                // The objective it was probably meant to name lost this link too.
                if let Some(meant) = self.unknown_ref(id, &[Kind::Objective], "objective") {
                    if let Some(sym) = self.model.symbols.get(&meant) {
                        self.model.broken_link_ends.insert(sym.index);
                    }
                }
                None
            }
        }
    }
}

/// A measure's own properties over its template's: every property it does not set.
fn inherit(own: Props, base: &Props) -> Props {
    Props {
        unit: own.unit.or_else(|| base.unit.clone()),
        direction: own.direction.or(base.direction),
        baseline: own.baseline.or(base.baseline),
        baseline_at: if own.baseline.is_some() {
            own.baseline_at
        } else {
            base.baseline_at
        },
        targets: if own.targets.is_empty() {
            base.targets.clone()
        } else {
            own.targets
        },
        threshold: own.threshold.or(base.threshold),
        frequency: own.frequency.or(base.frequency),
        indicator: own.indicator.or(base.indicator),
        owner: own.owner.or_else(|| base.owner.clone()),
        source: own.source.or_else(|| base.source.clone()),
        formula: own.formula.or_else(|| base.formula.clone()),
        weight: own.weight.or(base.weight),
        actuals: if own.actuals.is_empty() && own.actuals_file.is_none() {
            base.actuals.clone()
        } else {
            own.actuals
        },
        actuals_file: own.actuals_file.or_else(|| base.actuals_file.clone()),
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
