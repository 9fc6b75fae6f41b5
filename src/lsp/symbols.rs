//! The outline of a document.

use lsp_types as lsp;
use lsp_types::Url;

use super::workspace::{Server, range};
use crate::model::Kind;
use crate::span::Span;

impl Server {
    pub(super) fn symbols(&self, uri: &Url) -> Vec<lsp::DocumentSymbol> {
        let Some((b, id)) = self.build_of(uri) else {
            return vec![];
        };
        let Some(ast) = b
            .comp
            .files
            .iter()
            .find(|f| f.id == id)
            .and_then(|f| f.ast.as_ref())
        else {
            return vec![];
        };
        use crate::syntax::ast::*;
        let c = &b.comp;
        #[allow(deprecated)]
        let sym = |name: &str,
                   detail: &str,
                   kind: lsp::SymbolKind,
                   span: Span,
                   sel: Span,
                   children: Vec<lsp::DocumentSymbol>| lsp::DocumentSymbol {
            name: name.to_string(),
            detail: (!detail.is_empty()).then(|| detail.to_string()),
            kind,
            tags: None,
            deprecated: None,
            range: range(c, span),
            selection_range: range(c, sel),
            children: (!children.is_empty()).then_some(children),
        };
        let mut out = Vec::new();
        for item in &ast.items {
            match item {
                Item::Scorecard(d) => out.push(sym(
                    "scorecard",
                    &d.node.title.value,
                    lsp::SymbolKind::FILE,
                    d.span,
                    d.head,
                    vec![],
                )),
                Item::Perspective(d) => {
                    let objectives = d
                        .node
                        .items
                        .iter()
                        .filter_map(|i| match i {
                            PerspectiveItem::Objective(o) => {
                                let measures = o
                                    .node
                                    .items
                                    .iter()
                                    .filter_map(|mi| match mi {
                                        ObjectiveItem::Measure(m) => Some(sym(
                                            &m.node.id.name,
                                            &m.node.title.value,
                                            lsp::SymbolKind::FIELD,
                                            m.span,
                                            m.node.id.span,
                                            vec![],
                                        )),
                                        _ => None,
                                    })
                                    .collect();
                                Some(sym(
                                    &o.node.id.name,
                                    &o.node.title.value,
                                    lsp::SymbolKind::CLASS,
                                    o.span,
                                    o.node.id.span,
                                    measures,
                                ))
                            }
                            _ => None,
                        })
                        .collect();
                    let title = d.node.title.as_ref().map_or("", |t| t.value.as_str());
                    out.push(sym(
                        &d.node.id.name,
                        title,
                        lsp::SymbolKind::NAMESPACE,
                        d.span,
                        d.node.id.span,
                        objectives,
                    ));
                }
                Item::Kpi(d) => out.push(sym(
                    &d.node.id.name,
                    &d.node.title.value,
                    lsp::SymbolKind::INTERFACE,
                    d.span,
                    d.node.id.span,
                    vec![],
                )),
                Item::Initiative(d) => out.push(sym(
                    &d.node.id.name,
                    &d.node.title.value,
                    lsp::SymbolKind::EVENT,
                    d.span,
                    d.node.id.span,
                    vec![],
                )),
                Item::Map(d) => out.push(sym(
                    "map",
                    "",
                    lsp::SymbolKind::PACKAGE,
                    d.span,
                    d.head,
                    vec![],
                )),
                Item::Use(_) | Item::Cascade(_) | Item::Align(_) => {}
                Item::Error(_) => {} // reported as a syntax error
            }
        }
        out
    }
}

impl Server {
    /// Every declared id of the workspace whose name contains `query` (any case), each
    /// once; the bundled library's are left out.
    pub(super) fn workspace_symbols(&self, query: &str) -> Vec<lsp::SymbolInformation> {
        let query = query.to_lowercase();
        let mut out: Vec<lsp::SymbolInformation> = Vec::new();
        for b in self.all_builds() {
            for f in &b.comp.files {
                let (Some(ast), Some(uri)) = (&f.ast, b.uris.get(&f.id)) else {
                    continue;
                };
                if f.is_std {
                    continue;
                }
                for n in super::structure::nodes(ast) {
                    let (Some(kind), Some(id)) = (n.kind, &n.id) else {
                        continue;
                    };
                    if !id.name.to_lowercase().contains(&query) {
                        continue;
                    }
                    let location = lsp::Location {
                        uri: uri.clone(),
                        range: range(&b.comp, id.span),
                    };
                    if out.iter().any(|s| s.location == location) {
                        continue;
                    }
                    #[allow(deprecated)]
                    out.push(lsp::SymbolInformation {
                        name: id.name.clone(),
                        kind: symbol_kind(kind),
                        tags: None,
                        deprecated: None,
                        location,
                        container_name: Some(kind.word().to_string()),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// The symbol kind an editor shows for a kind of id (as in the outline).
fn symbol_kind(kind: Kind) -> lsp::SymbolKind {
    match kind {
        Kind::Perspective => lsp::SymbolKind::NAMESPACE,
        Kind::Objective => lsp::SymbolKind::CLASS,
        Kind::Measure => lsp::SymbolKind::FIELD,
        Kind::Kpi => lsp::SymbolKind::INTERFACE,
        Kind::Initiative => lsp::SymbolKind::EVENT,
    }
}
