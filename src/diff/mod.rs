//! `bsc diff OLD NEW` (LANGUAGE.md §9.4): what changed between two scored scorecards.
//! Both sides go through the one pipeline ([`crate::build`]); `REV:FILE` reads the files
//! of a git revision ([`git::GitRev`]). Items are matched by id, so a retitled item is
//! `changed`, not removed and added.
//!
//! Changes, in this order: the scorecard, perspectives, objectives, measures,
//! initiatives, links; within a kind, in the new side's declaration order (removed items
//! after, in the old side's). Each is `added`, `removed`, `changed` (a property, or a
//! score that moved by at least [`SCORE_MOVE`]) or `status` (the status changed; the
//! score's move rides along). Then alignments (`align` lines, matched by
//! `D.OBJ -> OBJ`).
//!
//! Cascades (LANGUAGE.md §9.6): each department is matched by its cascade id and, when
//! on both sides, diffed the same way (a [`DepartmentDiff`], with its own departments);
//! with `REV:FILE` the department files are read at REV too, through the same file
//! layer.

pub mod git;
mod render;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::files::{Disk, FileSystem};
use crate::model::Model;
use crate::num::Num;
use crate::period::Period;
use crate::score::{Scores, Status};
use crate::{Build, Error, Options};

pub use render::{human, json, markdown, words};

/// The smallest score move reported (half a point of a percent).
pub const SCORE_MOVE: f64 = 0.005;

/// One side of a diff, compiled and scored.
pub struct Side {
    /// As given on the command line (`HEAD~1:plan.bsc`, `plan.bsc`).
    pub label: String,
    pub build: Build,
}

/// Compiles and scores `spec`: a file, or `REV:FILE` (FILE relative to the current
/// folder, every file it reads taken at REV). A file that exists on disk under the whole
/// name is a file.
pub fn load(spec: &str, opts: &Options) -> Result<Side, Error> {
    let as_file = Path::new(spec);
    let build = match spec.split_once(':') {
        Some((rev, file)) if !as_file.exists() && !rev.is_empty() && !file.is_empty() => {
            let cwd = std::env::current_dir().map_err(|e| Error::Read {
                path: ".".into(),
                reason: e.to_string(),
            })?;
            let fs = git::GitRev::open(&cwd, rev)?;
            let entry: PathBuf = crate::files::lexical_absolute(&cwd.join(file));
            let bytes = fs
                .read(&entry, crate::files::MAX_SOURCE_BYTES)
                .map_err(|e| Error::Read {
                    path: spec.to_string(),
                    reason: e.reason(),
                })?;
            let opts = Options {
                root: Some(opts.root.clone().unwrap_or_else(|| fs.top().to_path_buf())),
                ..opts.clone()
            };
            Build::new(crate::compile_bytes(&fs, file, &entry, &bytes, &opts))
        }
        _ => crate::build(&Disk, as_file, opts)?,
    };
    Ok(Side {
        label: spec.to_string(),
        build,
    })
}

/// What a change is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Removed,
    Changed,
    Status,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub kind: Kind,
    /// `scorecard`, `perspective`, `objective`, `measure`, `initiative`, `link`.
    pub item: &'static str,
    pub id: String,
    pub title: String,
    /// What changed (`title`, `target`, `score`, …); absent for `added` and `removed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<serde_json::Value>,
    /// With `status`: the score before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<(Option<Num>, Option<Num>)>,
}

/// A side's header in the diff.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub file: String,
    pub as_of: Option<Period>,
    pub score: Option<Num>,
    pub status: Status,
    pub errors: usize,
}

/// The whole diff.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub old: Summary,
    pub new: Summary,
    pub changes: Vec<Change>,
    /// The departments the company cascades to (LANGUAGE.md §9.6), matched by cascade
    /// id: in the new side's order, removed departments after.
    pub departments: Vec<DepartmentDiff>,
}

/// One department of the diff: added, removed, or on both sides and diffed the way the
/// company is.
#[derive(Clone, Debug, Serialize)]
pub struct DepartmentDiff {
    /// The cascade id (`sales`).
    pub id: String,
    /// The department scorecard's title on the new side (the old side when removed).
    pub title: String,
    /// `added` or `removed` when the department is on one side only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    pub old: Option<Summary>,
    pub new: Option<Summary>,
    pub changes: Vec<Change>,
    /// Its own departments.
    pub departments: Vec<DepartmentDiff>,
}

impl Diff {
    /// Whether nothing changed, in the company or any department.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.departments.iter().all(DepartmentDiff::is_empty)
    }

    /// Every change, the company's (department `""`) and its departments' (`sales`,
    /// `sales/north` for a department's department), depth first.
    pub fn all_changes(&self) -> Vec<(String, &Change)> {
        let mut out: Vec<(String, &Change)> =
            self.changes.iter().map(|c| (String::new(), c)).collect();
        for d in &self.departments {
            d.collect("", &mut out);
        }
        out
    }

    /// Every department, depth first, with its path of cascade ids (`sales/north`).
    pub fn all_departments(&self) -> Vec<(String, &DepartmentDiff)> {
        let mut out = Vec::new();
        for d in &self.departments {
            d.walk("", &mut out);
        }
        out
    }
}

impl DepartmentDiff {
    /// Whether the department is on both sides with nothing changed.
    pub fn is_empty(&self) -> bool {
        self.kind.is_none()
            && self.changes.is_empty()
            && self.departments.iter().all(DepartmentDiff::is_empty)
    }

    fn path(&self, parent: &str) -> String {
        if parent.is_empty() {
            self.id.clone()
        } else {
            format!("{parent}/{}", self.id)
        }
    }

    fn collect<'a>(&'a self, parent: &str, out: &mut Vec<(String, &'a Change)>) {
        let path = self.path(parent);
        out.extend(self.changes.iter().map(|c| (path.clone(), c)));
        for d in &self.departments {
            d.collect(&path, out);
        }
    }

    fn walk<'a>(&'a self, parent: &str, out: &mut Vec<(String, &'a DepartmentDiff)>) {
        let path = self.path(parent);
        out.push((path.clone(), self));
        for d in &self.departments {
            d.walk(&path, out);
        }
    }
}

fn summary(s: &Side) -> Summary {
    summary_of(&s.label, &s.build)
}

fn summary_of(file: &str, b: &Build) -> Summary {
    let sc = &b.scores;
    Summary {
        file: file.to_string(),
        as_of: sc.as_of,
        score: sc.scorecard.score.map(Num),
        status: sc.scorecard.status,
        errors: b.compilation.errors(),
    }
}

fn v<T: Serialize>(x: T) -> Option<serde_json::Value> {
    serde_json::to_value(x).ok()
}

/// Collects changes of one item kind.
struct Out<'a> {
    item: &'static str,
    changes: &'a mut Vec<Change>,
}

impl Out<'_> {
    fn push(&mut self, kind: Kind, id: &str, title: &str) {
        self.changes.push(Change {
            kind,
            item: self.item,
            id: id.to_string(),
            title: title.to_string(),
            field: None,
            from: None,
            to: None,
            score: None,
        });
    }

    /// A property that differs.
    fn field<T: Serialize + PartialEq>(
        &mut self,
        id: &str,
        title: &str,
        field: &'static str,
        a: T,
        b: T,
    ) {
        if a != b {
            self.changes.push(Change {
                kind: Kind::Changed,
                item: self.item,
                id: id.to_string(),
                title: title.to_string(),
                field: Some(field),
                from: v(a),
                to: v(b),
                score: None,
            });
        }
    }

    /// A status change, or else a score move of at least [`SCORE_MOVE`].
    fn score(&mut self, id: &str, title: &str, a: (Option<f64>, Status), b: (Option<f64>, Status)) {
        let round = |x: Option<f64>| x.map(|x| Num((x * 1e9).round() / 1e9));
        if a.1 != b.1 {
            self.changes.push(Change {
                kind: Kind::Status,
                item: self.item,
                id: id.to_string(),
                title: title.to_string(),
                field: Some("status"),
                from: v(a.1),
                to: v(b.1),
                score: Some((round(a.0), round(b.0))),
            });
        } else if let (Some(x), Some(y)) = (a.0, b.0) {
            if (x - y).abs() >= SCORE_MOVE - 1e-12 {
                self.field(id, title, "score", round(Some(x)), round(Some(y)));
            }
        }
    }
}

/// Pairs the items of two sides by id: `(old index, new index)`, new order first, then
/// the removed in old order.
fn pair<'a>(
    old: impl Iterator<Item = &'a str> + Clone,
    new: impl Iterator<Item = &'a str>,
) -> Vec<(Option<usize>, Option<usize>)> {
    let old_ids: std::collections::HashMap<&str, usize> =
        old.clone().enumerate().map(|(i, id)| (id, i)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (j, id) in new.enumerate() {
        let i = old_ids.get(id).copied();
        if let Some(i) = i {
            seen.insert(i);
        }
        out.push((i, Some(j)));
    }
    for (i, _) in old.enumerate() {
        if !seen.contains(&i) {
            out.push((Some(i), None));
        }
    }
    out
}

fn targets(m: &crate::model::Measure) -> Vec<(Num, Option<Period>)> {
    m.props
        .targets
        .iter()
        .map(|t| (Num(t.value), t.by))
        .collect()
}

/// The changes from `old` to `new`, the company's and each department's.
pub fn diff(old: &Side, new: &Side) -> Diff {
    Diff {
        schema: "bsc-diff/1",
        old: summary(old),
        new: summary(new),
        changes: changes(&old.build, &new.build),
        departments: departments(
            (rev_of(&old.label), &old.build),
            (rev_of(&new.label), &new.build),
        ),
    }
}

/// The revision of a `REV:FILE` label, to name a department's file the same way.
fn rev_of(label: &str) -> Option<&str> {
    if Path::new(label).exists() {
        return None;
    }
    label.split_once(':').map(|(rev, _)| rev)
}

/// The changes of one scorecard (without its departments).
fn changes(old: &Build, new: &Build) -> Vec<Change> {
    let (a, b) = (&old.compilation.model, &new.compilation.model);
    let (sa, sb) = (&old.scores, &new.scores);
    let mut changes = Vec::new();
    scorecard(a, b, sa, sb, &mut changes);
    perspectives(a, b, sa, sb, &mut changes);
    objectives(a, b, sa, sb, &mut changes);
    measures(a, b, sa, sb, &mut changes);
    initiatives(a, b, &mut changes);
    links(a, b, &mut changes);
    alignments(a, b, &mut changes);
    changes
}

/// A department's cascade id, its shown file and its build (`None` when it could not
/// be read).
fn cascaded(b: &Build) -> Vec<(&str, &str, Option<&Build>)> {
    b.compilation
        .model
        .cascades
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.path.as_str(),
                c.department.and_then(|d| b.departments.get(d)),
            )
        })
        .collect()
}

fn title_of(b: &Build) -> String {
    b.compilation
        .model
        .scorecard
        .as_ref()
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

/// The departments of two builds, matched by cascade id.
fn departments(old: (Option<&str>, &Build), new: (Option<&str>, &Build)) -> Vec<DepartmentDiff> {
    let (da, db) = (cascaded(old.1), cascaded(new.1));
    let label = |rev: Option<&str>, path: &str| match rev {
        Some(r) => format!("{r}:{path}"),
        None => path.to_string(),
    };
    let mut out = Vec::new();
    for (i, j) in pair(da.iter().map(|d| d.0), db.iter().map(|d| d.0)) {
        let a = i.map(|i| &da[i]);
        let b = j.map(|j| &db[j]);
        let (id, ba, bb) = match (a, b) {
            (Some(a), Some(b)) => (a.0, a.2, b.2),
            (Some(a), None) => (a.0, a.2, None),
            (None, Some(b)) => (b.0, None, b.2),
            (None, None) => continue,
        };
        let summary = |side: Option<&(&str, &str, Option<&Build>)>, rev| {
            side.and_then(|(_, path, b)| b.map(|b| summary_of(&label(rev, path), b)))
        };
        let (sa, sb) = (summary(a, old.0), summary(b, new.0));
        let title = bb.or(ba).map(title_of).unwrap_or_default();
        let (kind, changes, departments) = match (ba, bb) {
            (Some(x), Some(y)) => (None, changes(x, y), departments((old.0, x), (new.0, y))),
            (None, Some(_)) => (Some(Kind::Added), Vec::new(), Vec::new()),
            (Some(_), None) => (Some(Kind::Removed), Vec::new(), Vec::new()),
            // Unreadable on both sides: the compile errors say so.
            (None, None) => continue,
        };
        out.push(DepartmentDiff {
            id: id.to_string(),
            title,
            kind,
            old: sa,
            new: sb,
            changes,
            departments,
        });
    }
    out
}

fn scorecard(a: &Model, b: &Model, sa: &Scores, sb: &Scores, changes: &mut Vec<Change>) {
    let mut out = Out {
        item: "scorecard",
        changes,
    };
    let title = |m: &Model| {
        m.scorecard
            .as_ref()
            .map(|s| s.title.clone())
            .unwrap_or_default()
    };
    let (ta, tb) = (title(a), title(b));
    out.field("", &tb, "title", &ta, &tb);
    let sc = |m: &Model| m.scorecard.clone().unwrap_or_default();
    let (ca, cb) = (sc(a), sc(b));
    out.field("", &tb, "period", ca.period, cb.period);
    out.field("", &tb, "vision", &ca.vision, &cb.vision);
    out.field("", &tb, "owner", &ca.owner, &cb.owner);
    out.score(
        "",
        &tb,
        (sa.scorecard.score, sa.scorecard.status),
        (sb.scorecard.score, sb.scorecard.status),
    );
}

fn perspectives(a: &Model, b: &Model, sa: &Scores, sb: &Scores, changes: &mut Vec<Change>) {
    let mut out = Out {
        item: "perspective",
        changes,
    };
    // Predeclared perspectives that no file opens are no item of the plan.
    let used =
        |m: &Model, i: usize| !m.perspectives[i].predeclared || m.perspectives[i].span.is_some();
    for (i, j) in pair(
        a.perspectives.iter().map(|p| p.id.as_str()),
        b.perspectives.iter().map(|p| p.id.as_str()),
    ) {
        match (i, j) {
            (None, Some(j)) if used(b, j) => {
                out.push(Kind::Added, &b.perspectives[j].id, &b.perspectives[j].title)
            }
            (Some(i), None) if used(a, i) => out.push(
                Kind::Removed,
                &a.perspectives[i].id,
                &a.perspectives[i].title,
            ),
            (Some(i), Some(j)) => {
                let (p, q) = (&a.perspectives[i], &b.perspectives[j]);
                match (used(a, i), used(b, j)) {
                    (false, true) => out.push(Kind::Added, &q.id, &q.title),
                    (true, false) => out.push(Kind::Removed, &p.id, &p.title),
                    _ => {
                        out.field(&q.id, &q.title, "title", &p.title, &q.title);
                        out.field(&q.id, &q.title, "level", p.level, q.level);
                    }
                }
                let (x, y) = (&sa.perspectives[i], &sb.perspectives[j]);
                out.score(&q.id, &q.title, (x.score, x.status), (y.score, y.status));
            }
            _ => {}
        }
    }
}

fn objectives(a: &Model, b: &Model, sa: &Scores, sb: &Scores, changes: &mut Vec<Change>) {
    let mut out = Out {
        item: "objective",
        changes,
    };
    for (i, j) in pair(
        a.objectives.iter().map(|o| o.id.as_str()),
        b.objectives.iter().map(|o| o.id.as_str()),
    ) {
        match (i, j) {
            (None, Some(j)) => out.push(Kind::Added, &b.objectives[j].id, &b.objectives[j].title),
            (Some(i), None) => out.push(Kind::Removed, &a.objectives[i].id, &a.objectives[i].title),
            (Some(i), Some(j)) => {
                let (p, q) = (&a.objectives[i], &b.objectives[j]);
                let (id, t) = (q.id.as_str(), q.title.as_str());
                out.field(id, t, "title", &p.title, &q.title);
                out.field(
                    id,
                    t,
                    "perspective",
                    &a.perspectives[p.perspective].id,
                    &b.perspectives[q.perspective].id,
                );
                out.field(id, t, "owner", &p.owner, &q.owner);
                out.field(id, t, "due", p.due, q.due);
                out.field(id, t, "weight", Num(p.weight), Num(q.weight));
                let (x, y) = (&sa.objectives[i], &sb.objectives[j]);
                out.score(id, t, (x.score, x.status), (y.score, y.status));
            }
            _ => {}
        }
    }
}

fn measures(a: &Model, b: &Model, sa: &Scores, sb: &Scores, changes: &mut Vec<Change>) {
    let mut out = Out {
        item: "measure",
        changes,
    };
    for (i, j) in pair(
        a.measures.iter().map(|m| m.id.as_str()),
        b.measures.iter().map(|m| m.id.as_str()),
    ) {
        match (i, j) {
            (None, Some(j)) => out.push(Kind::Added, &b.measures[j].id, &b.measures[j].title),
            (Some(i), None) => out.push(Kind::Removed, &a.measures[i].id, &a.measures[i].title),
            (Some(i), Some(j)) => {
                let (p, q) = (&a.measures[i], &b.measures[j]);
                let (id, t) = (q.id.as_str(), q.title.as_str());
                out.field(id, t, "title", &p.title, &q.title);
                out.field(
                    id,
                    t,
                    "objective",
                    &a.objectives[p.objective].id,
                    &b.objectives[q.objective].id,
                );
                out.field(id, t, "targets", targets(p), targets(q));
                let th = |m: &crate::model::Measure| m.props.threshold.map(|x| Num(x.value));
                out.field(id, t, "threshold", th(p), th(q));
                let bl = |m: &crate::model::Measure| m.props.baseline.map(|x| Num(x.value));
                out.field(id, t, "baseline", bl(p), bl(q));
                out.field(id, t, "weight", Num(p.weight()), Num(q.weight()));
                out.field(id, t, "direction", p.props.direction, q.props.direction);
                out.field(id, t, "unit", &p.props.unit, &q.props.unit);
                out.field(id, t, "owner", &p.props.owner, &q.props.owner);
                let (x, y) = (&sa.measures[i], &sb.measures[j]);
                let actual = |s: &crate::score::MeasureScore| s.actual.map(|(p, v)| (p, Num(v)));
                out.field(id, t, "actual", actual(x), actual(y));
                // Past actuals written again with other values (a restated month): the
                // periods both sides have, where the values differ, but the current
                // actual's (`actual` says that one).
                let current = y.actual.map(|(period, _)| period);
                out.field(
                    id,
                    t,
                    "restated",
                    restated(p, q, current),
                    restated(q, p, current),
                );
                out.score(id, t, (x.progress, x.status), (y.progress, y.status));
            }
            _ => {}
        }
    }
}

/// The actuals of `m` at the periods where `other` has an actual of another value,
/// `except` left out.
fn restated(
    m: &crate::model::Measure,
    other: &crate::model::Measure,
    except: Option<Period>,
) -> Vec<(Period, Num)> {
    m.props
        .actuals
        .iter()
        .filter(|a| Some(a.period) != except)
        .filter(|a| {
            other
                .props
                .actuals
                .iter()
                .any(|b| b.period == a.period && b.value != a.value)
        })
        .map(|a| (a.period, Num(a.value)))
        .collect()
}

fn initiatives(a: &Model, b: &Model, changes: &mut Vec<Change>) {
    let mut out = Out {
        item: "initiative",
        changes,
    };
    for (i, j) in pair(
        a.initiatives.iter().map(|x| x.id.as_str()),
        b.initiatives.iter().map(|x| x.id.as_str()),
    ) {
        match (i, j) {
            (None, Some(j)) => out.push(Kind::Added, &b.initiatives[j].id, &b.initiatives[j].title),
            (Some(i), None) => {
                out.push(Kind::Removed, &a.initiatives[i].id, &a.initiatives[i].title)
            }
            (Some(i), Some(j)) => {
                let (p, q) = (&a.initiatives[i], &b.initiatives[j]);
                let (id, t) = (q.id.as_str(), q.title.as_str());
                out.field(id, t, "title", &p.title, &q.title);
                out.field(id, t, "owner", &p.owner, &q.owner);
                out.field(id, t, "status", p.status, q.status);
                out.field(id, t, "progress", p.progress.map(Num), q.progress.map(Num));
                out.field(id, t, "budget", p.budget.map(Num), q.budget.map(Num));
                out.field(id, t, "spent", p.spent.map(Num), q.spent.map(Num));
                out.field(id, t, "start", p.start, q.start);
                out.field(id, t, "end", p.end, q.end);
            }
            _ => {}
        }
    }
}

/// `align D.OBJ -> OBJ` lines, matched by `D.OBJ -> OBJ`.
fn alignments(a: &Model, b: &Model, changes: &mut Vec<Change>) {
    let mut out = Out {
        item: "alignment",
        changes,
    };
    let ids = |m: &Model| -> Vec<String> {
        m.alignments
            .iter()
            .map(|x| format!("{} -> {}", x.label, m.objectives[x.objective].id))
            .collect()
    };
    let (la, lb) = (ids(a), ids(b));
    for (i, j) in pair(la.iter().map(String::as_str), lb.iter().map(String::as_str)) {
        match (i, j) {
            (None, Some(j)) => out.push(Kind::Added, &lb[j], ""),
            (Some(i), None) => out.push(Kind::Removed, &la[i], ""),
            (Some(i), Some(j)) => {
                let (p, q) = (&a.alignments[i], &b.alignments[j]);
                out.field(&lb[j], "", "weight", Num(p.weight), Num(q.weight));
                out.field(&lb[j], "", "rationale", &p.rationale, &q.rationale);
            }
            _ => {}
        }
    }
}

fn links(a: &Model, b: &Model, changes: &mut Vec<Change>) {
    let mut out = Out {
        item: "link",
        changes,
    };
    let ids = |m: &Model| -> Vec<String> {
        m.links
            .iter()
            .map(|l| format!("{} -> {}", m.objectives[l.from].id, m.objectives[l.to].id))
            .collect()
    };
    let (la, lb) = (ids(a), ids(b));
    for (i, j) in pair(la.iter().map(String::as_str), lb.iter().map(String::as_str)) {
        match (i, j) {
            (None, Some(j)) => out.push(Kind::Added, &lb[j], ""),
            (Some(i), None) => out.push(Kind::Removed, &la[i], ""),
            (Some(i), Some(j)) => out.field(
                &lb[j],
                "",
                "rationale",
                &a.links[i].rationale,
                &b.links[j].rationale,
            ),
            _ => {}
        }
    }
}
