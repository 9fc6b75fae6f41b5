//! Measures and kpi templates: their properties, inheritance from a template, the data
//! files they read, direction inference.

use super::*;

impl<'a> Resolver<'a> {
    /// The properties written in one measure or kpi block (no inheritance yet, no data
    /// files read).
    pub(super) fn props(&mut self, written: &[Spanned<MeasureProp>]) -> Props {
        let mut p = Props::default();
        let mut seen = Seen::default();
        for prop in written {
            if let MeasureProp::Error(_) = prop.node {
                continue; // reported as a syntax error
            }
            let key = prop.node.key();
            if !matches!(key, "target" | "note") && !self.once(&mut seen, key, prop.span) {
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
                    self.written(n, Role::MeasureWeight);
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
                MeasureProp::ActualsFile(d) => p.actuals_file = Some(d.path.value.clone()),
                MeasureProp::ActualsSql { db, .. } => p.actuals_file = Some(db.value.clone()),
                // Resolved with the measure (`resolve_compute`): a template has none.
                MeasureProp::Compute(_) => {}
                MeasureProp::Note(period, text) => note(&mut p, period, text, prop.span),
                ast::MeasureProp::Error(_) => {} // reported as a syntax error
            }
        }
        p
    }

    /// Reads the data source a measure names (`actuals "file" …`, `actuals sql "db"
    /// "query"`), its path relative to the file that names it, through the file layer;
    /// problems become `data` diagnostics (at the CSV line when the source is text, else
    /// at the path, naming the cell or row), scoped to the measure.
    pub(super) fn read_data(
        &mut self,
        sources: &mut crate::source::Sources,
        file: &ast::Str,
        source: &data::Source,
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
        let series = data::read(
            self.files,
            &data::Request {
                path: &path,
                name: &name,
                source,
                frequency,
            },
        );
        if let Some(e) = series.unreadable {
            self.missing.push(path.clone());
            let help = match e {
                ReadError::OutsideRoot(_) => {
                    "a compilation reads only files inside its project root (the git work tree, or `--root DIR`)"
                }
                _ if matches!(source, data::Source::Csv { .. }) => {
                    "the path is relative to the folder of this .bsc file; the file needs a `period,value` header"
                }
                _ => "the path is relative to the folder of this .bsc file",
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
        if series.text.is_none() {
            self.data_read.push(path.clone());
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
                // In the text: also where it is named, which tells the measures that
                // read one file apart.
                (place @ data::Place::Text { .. }, Some(_)) => {
                    Diagnostic::new(Code::Data, span_of(place), p.message)
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

    pub(super) fn resolve_measure(
        &mut self,
        pm: PendingMeasure<'a>,
        sources: &mut crate::source::Sources,
    ) {
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
        let data_source = m.props.iter().find_map(|p| match &p.node {
            MeasureProp::ActualsFile(d) => {
                let text = |s: &Option<ast::Str>| s.as_ref().map(|s| s.value.clone());
                let source = data::Source::for_file(
                    &d.path.value,
                    text(&d.sheet),
                    text(&d.column),
                    text(&d.row),
                    text(&d.key),
                );
                Some((&d.path, source))
            }
            MeasureProp::ActualsSql { db, query } => Some((
                db,
                data::Source::Sql {
                    query: query.value.clone(),
                },
            )),
            _ => None,
        });
        if let Some((path, source)) = data_source {
            let rows = self.read_data(sources, path, &source, own.frequency, m.id.span);
            own.actuals.extend(rows);
        }
        if let Some(expr) = self.resolve_compute(pm.index, &m.props) {
            let text = sources
                .slice(expr.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            self.computed.push((pm.index, Computed { expr, text }));
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
        // `duplicate-period` reports them; the second is dropped.
        self.model.measures[pm.index].duplicate_actuals = dupes
            .into_iter()
            .map(|(a, b)| if a.span < b.span { (a, b) } else { (b, a) })
            .collect();
        own.actuals
            .dedup_by(|b, a| a.period.end() == b.period.end());
        // Direction: written, inherited, or inferred from baseline → first target
        // (`direction` reports one that cannot be, or that contradicts them).
        let mut inferred = false;
        if own.direction.is_none() && !template_failed {
            if let (Some(b), Some(t)) = (own.baseline, own.targets.first()) {
                if b.value != t.value {
                    own.direction = Some(if t.value > b.value {
                        Direction::Up
                    } else {
                        Direction::Down
                    });
                    inferred = true;
                }
            }
        }
        self.written_values(&m.props, Role::MeasureValue(pm.index));
        let measure = &mut self.model.measures[pm.index];
        measure.from = from;
        measure.props = own;
        measure.direction_inferred = inferred;
        measure.template_failed = template_failed;
    }

    /// Records the `%` values of a measure's or kpi's baseline, targets, threshold and
    /// actuals, which `unit-mismatch` judges by the unit.
    pub(super) fn written_values(&mut self, props: &[Spanned<MeasureProp>], role: Role) {
        for prop in props {
            match &prop.node {
                MeasureProp::Baseline(n, _)
                | MeasureProp::Target(n, _)
                | MeasureProp::Threshold(n)
                    if n.percent =>
                {
                    self.written(n, role)
                }
                MeasureProp::ActualsTable(es) => {
                    for e in es.iter().filter(|e| e.value.percent) {
                        self.written(&e.value, role);
                    }
                }
                _ => {}
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
        // A note is about one measure's numbers: never inherited.
        notes: own.notes,
        actuals: if own.actuals.is_empty() && own.actuals_file.is_none() {
            base.actuals.clone()
        } else {
            own.actuals
        },
        actuals_file: own.actuals_file.or_else(|| base.actuals_file.clone()),
    }
}

/// Adds `note P "text"` (a period that names no calendar period was reported already),
/// keeping the notes sorted by period.
fn note(p: &mut Props, period: &ast::PeriodLit, text: &ast::Str, span: Span) {
    if let Some(period) = period.period {
        let at = p.notes.partition_point(|n| n.period <= period);
        p.notes.insert(
            at,
            crate::model::Note {
                period,
                text: text.value.clone(),
                span,
            },
        );
    }
}
