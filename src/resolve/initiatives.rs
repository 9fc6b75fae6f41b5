//! Initiatives: their properties and what they support.

use super::*;

impl<'a> Resolver<'a> {
    pub(super) fn resolve_initiative(&mut self, index: usize, ast: &ast::Initiative) {
        use ast::InitiativeProp as I;
        let mut seen = Seen::default();
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
                    self.written(n, Role::Budget);
                    self.model.initiatives[index].budget = Some(n.value);
                }
                I::Start(s) => {
                    self.model.initiatives[index].start = s.period;
                    self.model.initiatives[index].start_span = Some(s.span);
                }
                I::End(e) => {
                    self.model.initiatives[index].end = e.period;
                    self.model.initiatives[index].end_span = Some(e.span);
                }
                I::Impact(r) => self.model.initiatives[index].impact = Some(r.node),
                I::Feasibility(r) => self.model.initiatives[index].feasibility = Some(r.node),
                I::Status(s) => self.model.initiatives[index].status = Some(s.node),
                I::Progress(n) => {
                    self.written(n, Role::Progress);
                    self.model.initiatives[index].progress =
                        Some((n.value / 100.0).clamp(0.0, 1.0));
                }
                I::Spent(n) => {
                    self.written(n, Role::Spent);
                    self.model.initiatives[index].spent = Some(n.value);
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
    }
}
