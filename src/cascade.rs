//! Cascading scorecards (LANGUAGE.md §9.6): a company scorecard names department
//! scorecards (`cascade ID "path"`), each compiled as a compilation of its own, with its
//! own namespace, at the company's as-of; `align D.OBJ -> OBJ` makes a department's
//! objective one more child of a company objective. This stage runs after the company
//! is resolved (its as-of is known) and before its checks.

use std::collections::BTreeMap;

use crate::codes::Code;
use crate::diag::{Diagnostic, did_you_mean};
use crate::files::{Files, MAX_SOURCE_BYTES, ReadError};
use crate::graph::Graph;
use crate::lint;
use crate::load::{Loaded, join_display};
use crate::model::{Alignment, CascadeRef, Kind, Model, Symbol};
use crate::period::Period;
use crate::syntax::ast::{self, Item};
use crate::{Compilation, Options};

/// The cascade and align declarations of the user's files, in source order.
fn declarations(loaded: &Loaded) -> (Vec<&ast::Decl<ast::Cascade>>, Vec<&ast::Decl<ast::Align>>) {
    let mut cascades = Vec::new();
    let mut aligns = Vec::new();
    for f in loaded.files.iter().filter(|f| !f.is_std) {
        for item in f.ast.iter().flat_map(|a| &a.items) {
            match item {
                Item::Cascade(d) => cascades.push(d),
                Item::Align(d) => aligns.push(d),
                _ => {}
            }
        }
    }
    (cascades, aligns)
}

/// Compiles the departments the company names, and resolves its `align` lines against
/// them. `chain` holds the canonical paths of the scorecards being compiled, outermost
/// first (the company's own last), for circles.
pub(crate) fn resolve(
    files: Files<'_>,
    loaded: &Loaded,
    model: &mut Model,
    as_of: Option<Period>,
    opts: &Options,
    chain: &[(String, String)],
) -> (Vec<Compilation>, Vec<Diagnostic>) {
    let (cascades, aligns) = declarations(loaded);
    let mut diags = Vec::new();
    let mut departments = Vec::new();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for d in cascades {
        let c = &d.node;
        if let Some(&first) = by_id.get(&c.id.name) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    c.id.span,
                    format!("department `{}` is named twice", c.id.name),
                )
                .label("named again here")
                .with_label(model.cascades[first].id_span, "first named here")
                .help("give each `cascade` its own id"),
            );
            continue;
        }
        let file = loaded.sources.get(c.path.span.file);
        let dir = file.name.rfind('/').map_or("", |i| &file.name[..i]);
        // Like `use`, the `.bsc` may be left out.
        let written = if c.path.value.ends_with(".bsc") {
            c.path.value.clone()
        } else {
            format!("{}.bsc", c.path.value)
        };
        let name = join_display(dir, &written);
        let Some(real) = file.path.as_ref().and_then(|p| p.parent()) else {
            continue; // the bundled library names no department
        };
        let path = real.join(&written);
        let key = files.key(&path);
        let mut cascade = CascadeRef {
            id: c.id.name.clone(),
            path: name.clone(),
            file: path.clone(),
            title: None,
            department: None,
            align_failed: false,
            span: d.span,
            id_span: c.id.span,
        };
        if let Some(pos) = chain.iter().position(|(k, _)| *k == key) {
            let mut names: Vec<&str> = chain[pos..].iter().map(|(_, n)| n.as_str()).collect();
            names.push(&name);
            diags.push(
                Diagnostic::new(
                    Code::Import,
                    c.path.span,
                    format!("cascade circle: {}", names.join(" -> ")),
                )
                .label(format!("`{name}` is already being compiled"))
                .help("a department scorecard cannot cascade to the company that cascades to it"),
            );
        } else {
            match files.read(&path, MAX_SOURCE_BYTES) {
                Ok(bytes) => {
                    let mut chain = chain.to_vec();
                    chain.push((key.clone(), name.clone()));
                    let dept_opts = Options {
                        as_of: as_of.or(opts.as_of),
                        ..opts.clone()
                    };
                    let compiled =
                        crate::compile_in(files, &name, &path, &bytes, &dept_opts, &chain);
                    cascade.title = compiled.model.scorecard.as_ref().map(|s| s.title.clone());
                    cascade.department = Some(departments.len());
                    departments.push(compiled);
                }
                Err(e) => diags.push(cannot_read(&name, &e, c.path.span)),
            }
        }
        // A department that could not be compiled: which company objectives it would
        // serve is not known.
        if cascade.department.is_none() {
            model.align_failed = true;
        }
        by_id.insert(c.id.name.clone(), model.cascades.len());
        model.cascades.push(cascade);
    }
    // Text the parser could not read may hold `align` lines: what is aligned is not
    // known.
    if model.broken.any {
        model.align_failed = true;
        for c in &mut model.cascades {
            c.align_failed = true;
        }
    }
    for d in aligns {
        match align(model, &departments, &by_id, d, &mut diags) {
            Some(a) => model.alignments.push(a),
            None => {
                model.align_failed = true;
                if let Some(&c) = by_id.get(&d.node.department.name) {
                    model.cascades[c].align_failed = true;
                }
            }
        }
    }
    (departments, diags)
}

fn cannot_read(name: &str, e: &ReadError, at: crate::span::Span) -> Diagnostic {
    let help = match e {
        ReadError::OutsideRoot(_) => {
            "a compilation reads only files inside its project root (the git work tree, or `--root DIR`)"
        }
        _ => {
            "the path is relative to the folder of this file, and names the department's .bsc file"
        }
    };
    Diagnostic::new(
        Code::Import,
        at,
        format!("cannot read department scorecard `{name}`: {}", e.reason()),
    )
    .label("cascaded here")
    .help(help)
}

/// Resolves one `align D.OBJ -> OBJ`: the department, its objective in its own
/// namespace, and this scorecard's objective.
fn align(
    model: &Model,
    departments: &[Compilation],
    by_id: &BTreeMap<String, usize>,
    d: &ast::Decl<ast::Align>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Alignment> {
    let a = &d.node;
    // This scorecard's objective.
    let objective = objective_in(model, &a.objective, None, diags);
    // The department.
    let Some(&cascade) = by_id.get(&a.department.name) else {
        diags.push(unknown(
            &a.department,
            "department",
            by_id.keys().map(String::as_str),
        ));
        return None;
    };
    // Its objective, in its own namespace (a department that could not be read says
    // nothing more).
    let department = model.cascades[cascade].department?;
    let dept = &departments[department].model;
    let source = objective_in(dept, &a.source, Some(&a.department.name), diags);
    let (Some(objective), Some(source)) = (objective, source) else {
        return None;
    };
    if let Some(w) = &a.weight {
        if w.value < 0.0 {
            diags.push(
                Diagnostic::new(Code::ValueRange, w.span, "a weight cannot be negative")
                    .label("negative weight")
                    .help("a weight is 0 or more (1 when not given)"),
            );
            return None;
        }
    }
    Some(Alignment {
        cascade,
        department,
        source,
        label: format!("{}.{}", a.department.name, a.source.name),
        objective,
        weight: a.weight.as_ref().map_or(1.0, |w| w.value),
        rationale: a.rationale.as_ref().map(|r| r.value.clone()),
        span: d.span,
    })
}

/// The objective `id` names in `model` (a department's, named `department`), or why not:
/// `wrong-kind` or `unknown-ref` with a did-you-mean from that model's objectives.
fn objective_in(
    model: &Model,
    id: &ast::Ident,
    department: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let objectives = || model.ids_of(&[Kind::Objective]);
    match model.symbols.get(&id.name) {
        Some(Symbol {
            kind: Kind::Objective,
            index,
            ..
        }) => return Some(*index),
        Some(sym) => diags.push(wrong_kind(id, sym.kind, objectives())),
        None => {
            let mut diag = unknown(id, "objective", objectives());
            if let Some(dept) = department {
                diag.message = format!("department `{dept}` has no objective `{}`", id.name);
            }
            diags.push(diag);
        }
    }
    None
}

fn unknown<'a>(id: &ast::Ident, what: &str, ids: impl Iterator<Item = &'a str>) -> Diagnostic {
    let d = Diagnostic::new(
        Code::UnknownRef,
        id.span,
        format!("unknown {what} `{}`", id.name),
    )
    .label(format!("no {what} has this id"));
    match did_you_mean(&id.name, ids) {
        Some(s) => d.help(format!("did you mean `{s}`?")).fix(
            id.span,
            s.to_string(),
            format!("replace with `{s}`"),
        ),
        None => d.help(format!(
            "declare the {what}, or check the spelling of the id"
        )),
    }
}

fn wrong_kind<'a>(
    id: &ast::Ident,
    kind: Kind,
    objectives: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    Diagnostic::new(
        Code::WrongKind,
        id.span,
        format!("`{}` is {}, not an objective", id.name, kind.with_article()),
    )
    .label("`align` links objectives")
    .maybe_help(
        did_you_mean(&id.name, objectives).map(|s| format!("did you mean the objective `{s}`?")),
    )
}

/// `alignment`, the departments' side: a department objective that is aligned to
/// nothing, neither itself nor an objective it leads to on the department's map. Pushed
/// into the department's diagnostics (its files hold the objective), at its levels.
pub(crate) fn unaligned(model: &Model, departments: &mut [Compilation], opts: &Options) {
    for (d, dept) in departments.iter_mut().enumerate() {
        let aligned: Vec<usize> = model
            .alignments
            .iter()
            .filter(|a| a.department == d)
            .map(|a| a.source)
            .collect();
        let Some(cascade) = model.cascades.iter().find(|c| c.department == Some(d)) else {
            continue;
        };
        if cascade.align_failed {
            continue;
        }
        let m = &dept.model;
        let graph = Graph::new(m.objectives.len(), m.links.iter().map(|l| (l.from, l.to)));
        let served = graph.reaching(|o| aligned.contains(&o));
        let mut diags = Vec::new();
        for (o, objective) in m.objectives.iter().enumerate() {
            if served[o] || m.broken_link_ends.contains(&o) {
                continue;
            }
            diags.push(
                Diagnostic::new(
                    Code::Alignment,
                    objective.id_span,
                    format!("`{}` serves no company objective", objective.id),
                )
                .label("aligned to nothing, and leads to nothing aligned")
                .help(format!(
                    "align it in the company's scorecard (`align {}.{} -> OBJECTIVE`), or link it on this map to an objective that is aligned",
                    cascade.id, objective.id
                )),
            );
        }
        let mut diags = lint::apply_levels(diags, m, &opts.lints, &dept.sources);
        dept.diagnostics.append(&mut diags);
    }
}
