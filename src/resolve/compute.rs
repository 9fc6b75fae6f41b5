//! Computed measures (`compute EXPR`, LANGUAGE.md §9.3): the ids in an expression
//! resolved like any reference, the expression checked (`compute` errors), and every
//! computed measure's actuals evaluated once the measures it reads have theirs, in
//! dependency order. A circle is reported with every measure in it and gives none of
//! them actuals.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::compute::{self, MAX_WINDOW, Series};
use crate::period::Grain;
use crate::syntax::expr::{Expr, ExprKind};

impl<'a> Resolver<'a> {
    /// Resolves the `compute` of measure `index` (the first one written; a second is a
    /// `duplicate-property`). Returns the expression to evaluate, or `None` when it
    /// cannot be (reported).
    pub(super) fn resolve_compute(
        &mut self,
        index: usize,
        props: &[Spanned<MeasureProp>],
    ) -> Option<Expr> {
        let (span, expr) = props.iter().find_map(|p| match &p.node {
            MeasureProp::Compute(e) => Some((p.span, e)),
            _ => None,
        })?;
        let mut ok = self.check_refs(expr);
        ok &= self.check_shape(expr);
        let written = props.iter().find(|p| {
            matches!(
                p.node,
                MeasureProp::ActualsTable(_)
                    | MeasureProp::ActualsFile(_)
                    | MeasureProp::ActualsSql { .. }
            )
        });
        if let Some(w) = written {
            let id = self.model.measures[index].id.clone();
            self.push(
                Diagnostic::new(
                    Code::Compute,
                    span,
                    format!("`{id}` is computed and also given actuals"),
                )
                .label("computed here")
                .with_label(w.span, "actuals given here")
                .help("keep one source of numbers: remove the `actuals` (or the `compute`)"),
            );
            ok = false;
        }
        ok.then(|| expr.clone())
    }

    /// Every id names a measure: `unknown-ref` (with its did-you-mean) or `wrong-kind`.
    fn check_refs(&mut self, expr: &Expr) -> bool {
        let mut ok = true;
        for id in expr.refs() {
            match self.model.symbols.get(&id.name).copied() {
                Some(Symbol {
                    kind: Kind::Measure,
                    ..
                }) => {}
                Some(sym) => {
                    ok = false;
                    self.push(
                        Diagnostic::new(
                            Code::WrongKind,
                            id.span,
                            format!(
                                "`{}` is {}, not a measure",
                                id.name,
                                sym.kind.with_article()
                            ),
                        )
                        .label("an expression reads the actuals of measures")
                        .maybe_help(
                            did_you_mean(&id.name, self.model.ids_of(&[Kind::Measure]))
                                .map(|s| format!("did you mean the measure `{s}`?")),
                        ),
                    );
                }
                None => {
                    ok = false;
                    self.unknown_ref(id, &[Kind::Measure], "measure");
                }
            }
        }
        ok
    }

    /// Functions have the number of periods they need, and read a measure.
    fn check_shape(&mut self, expr: &Expr) -> bool {
        let mut problems = Vec::new();
        if expr.refs().is_empty() {
            problems.push(
                Diagnostic::new(Code::Compute, expr.span, "the expression names no measure")
                    .label("a number alone has no periods")
                    .help("compute from measures, e.g. `compute (revenue - cost) / revenue * 100`"),
            );
        }
        expr.walk(&mut |e| {
            let ExprKind::Call(c) = &e.kind else { return };
            let name = c.func.name();
            match (&c.window, c.func.has_window()) {
                (None, true) => problems.push(
                    Diagnostic::new(
                        Code::Compute,
                        e.span,
                        format!("`{name}` needs a number of periods"),
                    )
                    .label("no number of periods")
                    .help(format!(
                        "e.g. `{name}(revenue, 12)`: 12 periods of the measure"
                    )),
                ),
                (Some(w), false) => problems.push(
                    Diagnostic::new(
                        Code::Compute,
                        w.span,
                        format!("`{name}` takes no number of periods"),
                    )
                    .label("not needed")
                    .help(format!(
                        "`{name}(m)` sums since the start of the calendar year; remove the number"
                    )),
                ),
                (Some(w), true)
                    if w.percent
                        || w.value.fract() != 0.0
                        || w.value < 1.0
                        || w.value > MAX_WINDOW as f64 =>
                {
                    problems.push(
                        Diagnostic::new(
                            Code::Compute,
                            w.span,
                            format!(
                                "`{name}` needs a whole number of periods from 1 to {MAX_WINDOW}"
                            ),
                        )
                        .label("not a number of periods"),
                    )
                }
                _ => {}
            }
            if c.arg.refs().is_empty() {
                problems.push(
                    Diagnostic::new(
                        Code::Compute,
                        c.arg.span,
                        format!("`{name}` reads a measure, and its argument names none"),
                    )
                    .label("no measure here")
                    .help(format!(
                        "e.g. `{name}(revenue{})`",
                        if c.func.has_window() { ", 12" } else { "" }
                    )),
                );
            }
        });
        let ok = problems.is_empty();
        for d in problems {
            self.push(d);
        }
        ok
    }

    /// Evaluates the computed measures in dependency order; a circle of them is reported
    /// once, with the whole circle, and none of its measures (or those reading them)
    /// gets actuals.
    pub(super) fn compute_all(&mut self, pending: Vec<(usize, Computed)>) {
        let computed: BTreeMap<usize, Computed> = pending.into_iter().collect();
        // The measures each one reads, once (an expression may be long).
        let deps_of: BTreeMap<usize, Vec<usize>> = computed
            .iter()
            .map(|(&m, c)| {
                let deps = c
                    .expr
                    .refs()
                    .into_iter()
                    .filter_map(|id| self.model.measure_index(&id.name))
                    .collect();
                (m, deps)
            })
            .collect();
        // Depth-first, in declaration order: post-order is dependency order.
        let mut state: BTreeMap<usize, u8> = BTreeMap::new(); // 1 open, 2 done
        let mut order = Vec::new();
        let mut failed = BTreeSet::new();
        for &start in computed.keys() {
            if state.contains_key(&start) {
                continue;
            }
            // (measure, next ref to visit)
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state.insert(start, 1);
            while let Some(&(m, next)) = stack.last() {
                if let Some(&dep) = deps_of[&m].get(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    if !computed.contains_key(&dep) || state.get(&dep) == Some(&2) {
                        continue;
                    }
                    match state.get(&dep) {
                        None => {
                            state.insert(dep, 1);
                            stack.push((dep, 0));
                        }
                        Some(1) => {
                            let at = stack.iter().position(|(s, _)| *s == dep).unwrap_or(0);
                            let circle: Vec<usize> = stack[at..].iter().map(|(s, _)| *s).collect();
                            failed.extend(circle.iter().copied());
                            self.report_circle(&circle, &computed);
                        }
                        _ => {}
                    }
                } else {
                    state.insert(m, 2);
                    order.push(m);
                    stack.pop();
                }
            }
        }
        for m in order {
            let expr = &computed[&m].expr;
            let mut deps: Vec<usize> = deps_of[&m].clone();
            deps.sort_unstable();
            deps.dedup();
            if failed.contains(&m) || deps.iter().any(|d| failed.contains(d)) {
                failed.insert(m);
                continue;
            }
            if !self.same_lengths(expr, &deps) {
                failed.insert(m);
                continue;
            }
            let series: BTreeMap<&str, Series> = deps
                .iter()
                .map(|&d| {
                    let ms = &self.model.measures[d];
                    let s = ms
                        .props
                        .actuals
                        .iter()
                        .map(|a| (a.period, a.value))
                        .collect();
                    (ms.id.as_str(), s)
                })
                .collect();
            let values = compute::eval(expr, &|id: &str| series.get(id));
            let measure = &mut self.model.measures[m];
            measure.props.actuals = values
                .into_iter()
                .map(|(period, value)| Actual {
                    period,
                    value,
                    span: expr.span,
                })
                .collect();
        }
        for (m, c) in computed {
            self.model.measures[m].compute = Some(c);
        }
    }

    fn report_circle(&mut self, circle: &[usize], computed: &BTreeMap<usize, Computed>) {
        let ids: Vec<String> = circle
            .iter()
            .map(|&m| self.model.measures[m].id.clone())
            .collect();
        let mut shown = ids.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>();
        shown.push(format!("`{}`", ids[0]));
        let first = circle[0];
        let mut d = Diagnostic::new(
            Code::Compute,
            computed[&first].expr.span,
            format!(
                "computed measures depend on each other in a circle: {}",
                shown.join(" → ")
            ),
        )
        .label(format!(
            "`{}` is computed from `{}`",
            ids[0],
            ids.get(1).unwrap_or(&ids[0])
        ));
        // Each step of the circle, where it is written.
        for (k, &m) in circle.iter().enumerate() {
            let next = &ids[(k + 1) % ids.len()];
            if let Some(r) = computed[&m]
                .expr
                .refs()
                .into_iter()
                .find(|r| &r.name == next)
            {
                if k > 0 || circle.len() == 1 {
                    d = d.with_label(r.span, format!("`{}` reads `{next}`", ids[k]));
                }
            }
        }
        self.push(d.help("compute one of these measures from measures outside the circle"));
    }

    /// The measures of one expression have periods of one length.
    fn same_lengths(&mut self, expr: &Expr, deps: &[usize]) -> bool {
        let mut seen: Vec<(Grain, usize)> = Vec::new();
        for &d in deps {
            if let Some(a) = self.model.measures[d].props.actuals.first() {
                if !seen.iter().any(|(g, _)| *g == a.period.grain) {
                    seen.push((a.period.grain, d));
                }
            }
        }
        if seen.len() < 2 {
            return true;
        }
        let name = |r: &Resolver, (g, d): (Grain, usize)| {
            format!("`{}` has {} periods", r.model.measures[d].id, grain_word(g))
        };
        let (a, b) = (name(self, seen[0]), name(self, seen[1]));
        self.push(
            Diagnostic::new(
                Code::Compute,
                expr.span,
                "the measures of this expression have periods of different lengths",
            )
            .label(format!("{a}, {b}"))
            .help("give every measure of one expression the same frequency (sum monthly values to quarters in the source, or compute per quarter)"),
        );
        false
    }
}

fn grain_word(g: Grain) -> &'static str {
    match g {
        Grain::Day => "daily",
        Grain::Week => "weekly",
        Grain::Month => "monthly",
        Grain::Quarter => "quarterly",
        Grain::Half => "half-yearly",
        Grain::Year => "yearly",
    }
}
