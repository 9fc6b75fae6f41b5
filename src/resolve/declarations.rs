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
                        // A period that ends before it starts is `date-order`'s.
                        if pb.end() >= pa.start() {
                            sc.period = Some((pa, pb));
                        }
                        sc.period_written = Some(((pa, a.span), (pb, b.span)));
                    }
                }
                S::Bands(bands) => {
                    sc.bands_span = Some(p.span);
                    let mut seen_band = Seen::default();
                    for b in bands {
                        let key = if b.name.name == "green" {
                            "green"
                        } else {
                            "amber"
                        };
                        if self.once(&mut seen_band, key, b.name.span.to(b.value.span)) {
                            self.written(&b.value, Role::Band);
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
                    levels_written: Vec::new(),
                    span: None,
                });
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
                ast::PerspectiveItem::Level(n) => self.model.perspectives[index]
                    .levels_written
                    .push((n.span, n.node.value)),
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
                        self.written(&w.node, Role::ObjectiveWeight);
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
                    duplicate_actuals: Vec::new(),
                    template_failed: false,
                    compute: None,
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

    /// A perspective's level: the first whole number written in its blocks (the
    /// predeclared level otherwise); `perspective-level` judges what was written.
    pub(super) fn set_levels(&mut self) {
        for p in &mut self.model.perspectives {
            if let Some(&(_, value)) = p.levels_written.first() {
                if value.fract() == 0.0 {
                    p.level = value as i64;
                }
            }
        }
    }
}
