//! Hover, go to definition, references and rename.

use lsp_types as lsp;
use lsp_types::Url;

use super::index::Occurrence;
use super::workspace::{Server, file_path, range};
use crate::model::Kind;
use crate::syntax::keywords::{Block, Kw, Role};

/// One place an id is written.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Place {
    pub(super) uri: Url,
    pub(super) range: lsp::Range,
    /// Declared here (else a reference).
    pub(super) decl: bool,
    /// In the bundled library (never edited).
    is_std: bool,
}

impl Server {
    pub(super) fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        if let Some(h) = self.department_hover(&p.text_document_position_params) {
            return Some(h);
        }
        let Some((b, occ)) = self.occurrence_at(&p.text_document_position_params) else {
            return self.keyword_hover(&p.text_document_position_params);
        };
        // The department objective of an `align` line is shown from its department.
        let here = b;
        let (b, sym) = b.symbol(&occ)?;
        let m = &b.comp.model;
        let pct = crate::num::percent;
        let mut md = String::new();
        if let Some(d) = &occ.department {
            let title = m.scorecard.as_ref().map_or("", |s| s.title.as_str());
            md.push_str(&format!("department `{d}`: {title}\n\n"));
        }
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
            range: Some(range(&here.comp, occ.span)),
        })
    }

    /// The department id of an `align D.OBJ -> OBJ` line under the cursor: the
    /// compilation, the span of the id, and its cascade (an index into `cascades`).
    fn department_at(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<(&super::workspace::Build, crate::span::Span, usize)> {
        let (b, file, offset) = self.locate(pos)?;
        let ast = b.comp.files.iter().find(|f| f.id == file)?.ast.as_ref()?;
        let id = ast.items.iter().find_map(|item| match item {
            crate::syntax::ast::Item::Align(a) => {
                let d = &a.node.department;
                (d.span.start <= offset && offset <= d.span.end).then_some(d)
            }
            _ => None,
        })?;
        let c = b.comp.model.cascades.iter().position(|c| c.id == id.name)?;
        Some((b, id.span, c))
    }

    /// Hover on the department of an `align` line: its scorecard, file and status.
    fn department_hover(&self, pos: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        let (b, span, c) = self.department_at(pos)?;
        let cascade = &b.comp.model.cascades[c];
        let mut md = format!(
            "**{}**  \ndepartment `{}` · `{}`",
            cascade.title.as_deref().unwrap_or(""),
            cascade.id,
            cascade.path
        );
        if let Some(d) = cascade.department.and_then(|d| b.departments.get(d)) {
            md.push_str(&format!(
                "\n\nstatus **{}** · score {}",
                d.scores.scorecard.status.as_str(),
                crate::num::percent(d.scores.scorecard.score)
            ));
        }
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: md,
            }),
            range: Some(range(&b.comp, span)),
        })
    }

    /// A keyword under the cursor: what it is, where it stands, and the keyword table's
    /// example of its use.
    fn keyword_hover(&self, pos: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        let (b, file, offset) = self.locate(pos)?;
        let text = &b.comp.sources.get(file).text;
        let at = (offset as usize).min(text.len());
        if !text.is_char_boundary(at) {
            return None;
        }
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| word(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = text[at..].find(|c| !word(c)).map_or(text.len(), |i| at + i);
        let kw = Kw::from_word(&text[start..end])?;
        // Not a word of a string or a comment.
        let ast = b.comp.files.iter().find(|f| f.id == file)?.ast.as_ref()?;
        if ast
            .comments
            .iter()
            .any(|c| c.span.start as usize <= start && start < c.span.end as usize)
        {
            return None;
        }
        let line = &text[text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1)..start];
        let mut quotes = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => quotes += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        if quotes % 2 == 1 {
            return None;
        }
        let row = kw.row();
        let what = match row.role {
            Role::Declaration => "declaration",
            Role::Property => "property",
            Role::Modifier => "word of a declaration or property",
            Role::Band => "band",
            Role::Function => "function of a `compute` expression",
        };
        let blocks: Vec<String> = row
            .blocks
            .iter()
            .map(|b| match b {
                Block::Top => "the top level".to_string(),
                other => format!("`{}`", format!("{other:?}").to_lowercase()),
            })
            .collect();
        let md = format!(
            "`{}`: {what} ({})\n\n```bsc\n{}\n```",
            row.word,
            blocks.join(", "),
            row.example
        );
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: md,
            }),
            range: Some(range(&b.comp, crate::span::Span::new(file, start, end))),
        })
    }

    pub(super) fn definition(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::Location> {
        // The department of an `align` line: its `cascade` line.
        if let Some((b, _, c)) = self.department_at(pos) {
            let span = b.comp.model.cascades[c].id_span;
            return Some(lsp::Location {
                uri: b.uris.get(&span.file)?.clone(),
                range: range(&b.comp, span),
            });
        }
        let (b, occ) = self.occurrence_at(pos)?;
        let (b, sym) = b.symbol(&occ)?;
        let span = sym.span?;
        Some(lsp::Location {
            uri: b.uris.get(&span.file)?.clone(),
            range: range(&b.comp, span),
        })
    }

    /// The id at `pos` and the URI of the file that declares it (for an id declared
    /// nowhere: this file, or for a department's, the department's entry file).
    fn target(&self, pos: &lsp::TextDocumentPositionParams) -> Option<(Url, Occurrence)> {
        let (b, occ) = self.occurrence_at(pos)?;
        let ns = b.namespace(&occ)?;
        let home = match ns.comp.model.symbols.get(&occ.name).and_then(|s| s.span) {
            Some(span) => ns.uris.get(&span.file).cloned()?,
            None if occ.department.is_some() => ns.uris.get(&ns.root()?).cloned()?,
            None => pos.text_document.uri.clone(),
        };
        Some((home, occ))
    }

    /// Every place the id at `pos` is written, in every file of the workspace where it
    /// means the same thing: the occurrences whose namespace (their compilation's, or
    /// for the department objective of an `align` line, the department's) reads the file
    /// declaring it (else, for an id declared nowhere, this file). Sorted, each place
    /// once.
    pub(super) fn all_occurrences(&self, pos: &lsp::TextDocumentPositionParams) -> Vec<Place> {
        let Some((home, occ)) = self.target(pos) else {
            return vec![];
        };
        let home_path = file_path(&home);
        let mut out: Vec<Place> = Vec::new();
        for b in self.all_builds() {
            for (file, list) in &b.occ {
                let Some(uri) = b.uris.get(file) else {
                    continue;
                };
                let is_std = b.comp.sources.get(*file).path.is_none();
                for o in list.iter().filter(|o| o.name == occ.name) {
                    let reads_home = b
                        .namespace(o)
                        .is_some_and(|ns| ns.file(&home, home_path.as_deref()).is_some());
                    if !reads_home {
                        continue;
                    }
                    let place = Place {
                        uri: uri.clone(),
                        range: range(&b.comp, o.span),
                        decl: o.decl,
                        is_std,
                    };
                    if !out.contains(&place) {
                        out.push(place);
                    }
                }
            }
        }
        out.sort_by(|a, b| {
            (a.uri.as_str(), a.range.start, a.range.end).cmp(&(
                b.uri.as_str(),
                b.range.start,
                b.range.end,
            ))
        });
        out
    }

    pub(super) fn references(
        &self,
        pos: &lsp::TextDocumentPositionParams,
        include_decl: bool,
    ) -> Vec<lsp::Location> {
        self.all_occurrences(pos)
            .into_iter()
            .filter(|p| include_decl || !p.decl)
            .map(|p| lsp::Location {
                uri: p.uri,
                range: p.range,
            })
            .collect()
    }

    pub(super) fn rename_target(
        &self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Result<(lsp::Range, String), String> {
        let (here, occ) = self.occurrence_at(pos).ok_or("no id here to rename")?;
        if let Some((b, sym)) = here.symbol(&occ) {
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
        Ok((range(&here.comp, occ.span), occ.name))
    }

    /// Renames an id everywhere in the workspace it means the same thing. Refused: a
    /// name that is not an id, a keyword, or an id that exists already (the rename
    /// would make a `duplicate-id`, or merge two things into one).
    pub(super) fn rename(&self, p: lsp::RenameParams) -> Result<lsp::WorkspaceEdit, String> {
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
        if Kw::from_word(&new).is_some() {
            return Err(format!("`{new}` is a keyword and cannot be an id"));
        }
        let (_, old) = self.rename_target(&pos)?;
        if new == old {
            return Ok(lsp::WorkspaceEdit::default());
        }
        let places = self.all_occurrences(&pos);
        // The namespaces the rename touches (the compilations that read the file
        // declaring it) must not know the new name already; a company that names a
        // department's objective in an `align` line has a namespace of its own.
        let Some((home, _)) = self.target(&pos) else {
            return Ok(lsp::WorkspaceEdit::default());
        };
        let home_path = file_path(&home);
        for b in self.all_builds() {
            if b.file(&home, home_path.as_deref()).is_none() {
                continue;
            }
            if let Some(sym) = b.comp.model.symbols.get(&new) {
                let at = sym
                    .span
                    .map(|s| {
                        let l = b.comp.sources.location(s);
                        format!(" ({}:{})", l.file, l.line)
                    })
                    .unwrap_or_default();
                return Err(format!(
                    "`{new}` already names {}{at}: renaming `{old}` to it would make two things one",
                    sym.kind.with_article()
                ));
            }
        }
        let mut changes: std::collections::HashMap<Url, Vec<lsp::TextEdit>> =
            std::collections::HashMap::new();
        for p in places.into_iter().filter(|p| !p.is_std) {
            changes.entry(p.uri).or_default().push(lsp::TextEdit {
                range: p.range,
                new_text: new.clone(),
            });
        }
        Ok(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }
}
