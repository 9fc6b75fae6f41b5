//! Hover, go to definition, references and rename.

use lsp_types as lsp;
use lsp_types::Url;

use super::workspace::{Place, Server, range};
use crate::model::{Kind, Symbol};

impl Server {
    pub(super) fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let (b, occ) = self.occurrence_at(&p.text_document_position_params)?;
        let m = &b.comp.model;
        let sym = m.symbols.get(&occ.name)?;
        let pct = crate::num::percent;
        let mut md = String::new();
        match sym.kind {
            Kind::Objective => {
                let o = &m.objectives[sym.index];
                let r = &b.scores.objectives[sym.index];
                md.push_str(&format!(
                    "**{}**  \nobjective `{}` in `{}`\n\n",
                    o.title, o.id, m.perspectives[o.perspective].id
                ));
                if let Some(d) = &o.doc {
                    md.push_str(&format!("{d}\n\n"));
                }
                md.push_str(&format!(
                    "status **{}** · score {}",
                    r.status.as_str(),
                    pct(r.score)
                ));
                if let Some(owner) = &o.owner {
                    md.push_str(&format!(" · owner {owner}"));
                }
                md.push_str(&format!("\n\n`{}`", r.trace.text));
            }
            Kind::Measure => {
                let ms = &m.measures[sym.index];
                let s = &b.scores.measures[sym.index];
                md.push_str(&format!("**{}**  \nmeasure `{}`\n\n", ms.title, ms.id));
                if let Some(d) = ms
                    .doc
                    .as_ref()
                    .or_else(|| ms.from.and_then(|k| m.kpis[k].doc.as_ref()))
                {
                    md.push_str(&format!("{d}\n\n"));
                }
                md.push_str(&format!(
                    "status **{}** · progress {}\n\n",
                    s.status.as_str(),
                    pct(s.progress)
                ));
                for line in [
                    &s.trace.actual,
                    &s.trace.target,
                    &s.trace.progress,
                    &s.trace.status,
                ] {
                    md.push_str(&format!("- {line}\n"));
                }
            }
            Kind::Kpi => {
                let k = &m.kpis[sym.index];
                md.push_str(&format!("**{}**  \nkpi template `{}`\n\n", k.title, k.id));
                if let Some(d) = &k.doc {
                    md.push_str(&format!("{d}\n\n"));
                }
                let p = &k.props;
                let mut facts = Vec::new();
                if let Some(u) = &p.unit {
                    facts.push(format!("unit \"{u}\""));
                }
                if let Some(d) = p.direction {
                    facts.push(format!(
                        "direction {}",
                        if d == crate::syntax::ast::Direction::Up {
                            "up"
                        } else {
                            "down"
                        }
                    ));
                }
                if let Some(f) = p.frequency {
                    facts.push(format!(
                        "frequency {}",
                        serde_json::to_value(f)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    ));
                }
                if let Some(i) = p.indicator {
                    facts.push(
                        serde_json::to_value(i)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                    );
                }
                md.push_str(&facts.join(" · "));
            }
            Kind::Perspective => {
                let p = &m.perspectives[sym.index];
                let r = &b.scores.perspectives[sym.index];
                md.push_str(&format!(
                    "**{}**  \nperspective `{}`, level {}\n\nstatus **{}** · score {}",
                    p.title,
                    p.id,
                    p.level,
                    r.status.as_str(),
                    pct(r.score)
                ));
            }
            Kind::Initiative => {
                let i = &m.initiatives[sym.index];
                md.push_str(&format!("**{}**  \ninitiative `{}`", i.title, i.id));
                if let Some(d) = &i.doc {
                    md.push_str(&format!("\n\n{d}"));
                }
            }
        }
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: md,
            }),
            range: Some(range(&b.comp, occ.span)),
        })
    }

    pub(super) fn symbol_location(&mut self, uri: &Url, sym: Symbol) -> Option<lsp::Location> {
        let span = sym.span?;
        let r = range(&self.builds.get(uri)?.comp, span);
        Some(lsp::Location {
            uri: self.file_uri(uri, span.file)?,
            range: r,
        })
    }

    pub(super) fn definition(
        &mut self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::Location> {
        let (b, occ) = self.occurrence_at(pos)?;
        let sym = *b.comp.model.symbols.get(&occ.name)?;
        self.symbol_location(&pos.text_document.uri, sym)
    }

    /// Every occurrence of the id at `pos`, in every file of the compilation.
    pub(super) fn all_occurrences(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<(String, Vec<Place>)> {
        let (b, occ) = self.occurrence_at(pos)?;
        let mut v = Vec::new();
        for (&file, list) in &b.occ {
            for o in list.iter().filter(|o| o.name == occ.name) {
                v.push((file, o.span, o.decl));
            }
        }
        Some((occ.name, v))
    }

    pub(super) fn references(
        &mut self,
        pos: &lsp::TextDocumentPositionParams,
        include_decl: bool,
    ) -> Vec<lsp::Location> {
        let Some((_, occs)) = self.all_occurrences(pos) else {
            return vec![];
        };
        let uri = pos.text_document.uri.clone();
        let mut out = Vec::new();
        for (file, span, decl) in occs {
            if decl && !include_decl {
                continue;
            }
            let Some(b) = self.builds.get(&uri) else {
                break;
            };
            let r = range(&b.comp, span);
            if let Some(u) = self.file_uri(&uri, file) {
                out.push(lsp::Location { uri: u, range: r });
            }
        }
        out
    }

    pub(super) fn rename_target(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Result<(lsp::Range, String), String> {
        let (b, occ) = self.occurrence_at(pos).ok_or("no id here to rename")?;
        if let Some(sym) = b.comp.model.symbols.get(&occ.name) {
            if sym
                .span
                .is_some_and(|s| b.comp.sources.get(s.file).path.is_none())
            {
                return Err(format!(
                    "`{}` is declared by the bundled library and cannot be renamed",
                    occ.name
                ));
            }
            if sym.kind == Kind::Perspective && sym.span.is_none() {
                return Err(format!("`{}` is a predeclared perspective", occ.name));
            }
        }
        Ok((range(&b.comp, occ.span), occ.name))
    }

    pub(super) fn rename(&mut self, p: lsp::RenameParams) -> Result<lsp::WorkspaceEdit, String> {
        let pos = p.text_document_position;
        let new = p.new_name;
        let valid = new
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!(
                "`{new}` is not an id: ids are letters, digits and `_`, not starting with a digit"
            ));
        }
        self.rename_target(&pos)?;
        let (_, occs) = self.all_occurrences(&pos).ok_or("no id here to rename")?;
        let uri = pos.text_document.uri.clone();
        let mut changes: std::collections::HashMap<Url, Vec<lsp::TextEdit>> =
            std::collections::HashMap::new();
        for (file, span, _) in occs {
            let Some(b) = self.builds.get(&uri) else {
                break;
            };
            if b.comp.sources.get(file).path.is_none() {
                continue;
            }
            let r = range(&b.comp, span);
            if let Some(u) = self.file_uri(&uri, file) {
                changes.entry(u).or_default().push(lsp::TextEdit {
                    range: r,
                    new_text: new.clone(),
                });
            }
        }
        Ok(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }
}
