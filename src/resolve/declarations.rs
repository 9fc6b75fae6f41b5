//! Declarations: the scorecard, perspectives assembled from their blocks, objectives
//! and their measures (resolved in the second pass).

use super::*;

impl<'a> Resolver<'a> {
    pub(super) fn declare_scorecard(&mut self, d: &ast::Decl<ast::Scorecard>) {
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

    pub(super) fn declare_perspective(
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

    pub(super) fn declare_objective(
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
    pub(super) fn check_levels(&mut self) {
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
}
