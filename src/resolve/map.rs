//! The strategy map: links between objectives, one per arrow, the same edge once.

use super::*;

impl<'a> Resolver<'a> {
    pub(super) fn resolve_map(&mut self, map: &ast::MapBlock) {
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
    pub(super) fn map_node(&mut self, id: &ast::Ident) -> Option<usize> {
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
