//! The strategy map: bands, nodes and numbered links placed by [`crate::layout`] (the
//! last layout reused while its input is unchanged), the numbered list of links with
//! their rationale and evidence, and the parts the map is printed in.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::tables::AlignedView;
use super::{pct, symbol};
use crate::layout::{self, LayoutInput};
use crate::model::Model;
use crate::score::Scores;

#[derive(Serialize)]
struct Line {
    text: String,
    /// From the top of its node.
    y: i64,
    /// A department objective's line under the title.
    department: bool,
}

#[derive(Serialize)]
struct BandView {
    id: String,
    title: String,
    y: f64,
    height: f64,
    label_y: f64,
}

#[derive(Serialize)]
struct NodeView {
    id: String,
    /// Where its text starts and its size, in whole pixels as the SVG writes them.
    x: String,
    y: String,
    w: String,
    h: String,
    /// The baseline of the status line.
    st_y: String,
    lines: Vec<Line>,
    status: &'static str,
    symbol: &'static str,
    score: String,
    title: String,
    /// Its lines do not hold the whole title (a word or the text was cut with "…"):
    /// the node carries the title whole as its `<title>`.
    cut: bool,
}

#[derive(Serialize)]
struct EdgeView {
    d: String,
    backward: bool,
    /// The link's number in the list under the map, and where the number is drawn.
    n: usize,
    lx: String,
    ly: String,
}

/// A link in the numbered list under the map: the why of the strategy, readable on
/// paper and on a phone.
#[derive(Serialize)]
struct WhyLink {
    n: usize,
    from_id: String,
    from_title: String,
    to_id: String,
    to_title: String,
    rationale: Option<String>,
    /// The number of an earlier link with the same rationale (a chain `a -> b -> c : "…"`
    /// gives each of its links the one text): said there, referred to here.
    same_as: Option<usize>,
    evidence: String,
    verdict: &'static str,
    backward: bool,
}

#[derive(Serialize)]
pub(super) struct MapView {
    width: f64,
    height: f64,
    bands: Vec<BandView>,
    nodes: Vec<NodeView>,
    edges: Vec<EdgeView>,
    crossings: usize,
    why: Vec<WhyLink>,
    /// The narrowest the map may be drawn on screen with its smallest text at 9 px.
    fit_min: f64,
    /// The parts of the map printed one below the other, each narrow enough that its
    /// text stays at 9 px or more on a portrait A4 or Letter page.
    slices: Vec<Slice>,
    /// The same on a landscape page.
    slices_landscape: Vec<Slice>,
}

#[derive(Serialize)]
struct Slice {
    x: f64,
    w: f64,
}

/// The smallest text of the map (the status line and the link numbers), in px.
const MAP_MIN_FONT: f64 = 11.0;

/// The smallest text size the map may be drawn at, in px.
const MIN_DRAWN_FONT: f64 = 9.0;

/// The widest map part printed on one page: a portrait A4 page with 12 mm margins is
/// 703 CSS px wide, and 703 × 11 / 9 = 859.
const PRINT_SLICE: f64 = 840.0;

/// The same on a landscape page: Letter, the narrower, is 965 CSS px wide with 12 mm
/// margins, and 965 × 11 / 9 = 1,179.
const PRINT_SLICE_LANDSCAPE: f64 = 1150.0;

/// How much consecutive printed parts overlap, so a node cut at one edge is whole in
/// the next part.
const PRINT_OVERLAP: f64 = 200.0;

/// The parts of a map `width` wide printed one below the other, each at most `widest`.
fn slices(width: f64, widest: f64) -> Vec<Slice> {
    let mut out = Vec::new();
    let mut x = 0.0;
    loop {
        let w = (width - x).min(widest);
        out.push(Slice { x, w });
        if x + w >= width - 1e-9 {
            return out;
        }
        x += widest - PRINT_OVERLAP;
    }
}

/// The point halfway along a link's drawing, where its number goes.
fn midpoint(points: &[(f64, f64)], same_band: bool) -> (f64, f64) {
    if same_band && points.len() == 3 {
        let [(x0, y0), (cx, cy), (x1, y1)] = [points[0], points[1], points[2]];
        return (
            0.25 * x0 + 0.5 * cx + 0.25 * x1,
            0.25 * y0 + 0.5 * cy + 0.25 * y1,
        );
    }
    let seg = |a: (f64, f64), b: (f64, f64)| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let total: f64 = points.windows(2).map(|w| seg(w[0], w[1])).sum();
    let mut left = total / 2.0;
    for w in points.windows(2) {
        let l = seg(w[0], w[1]);
        if l >= left && l > 0.0 {
            let t = left / l;
            return (
                w[0].0 + t * (w[1].0 - w[0].0),
                w[0].1 + t * (w[1].1 - w[0].1),
            );
        }
        left -= l;
    }
    points.first().copied().unwrap_or((0.0, 0.0))
}

pub(super) fn map_view(
    model: &Model,
    scores: &Scores,
    levels_top_down: &[usize],
    aligned: &[Vec<AlignedView>],
) -> MapView {
    let mut bands = Vec::new();
    let mut band_of = vec![usize::MAX; model.perspectives.len()];
    for &p in levels_top_down {
        if model.perspectives[p].objectives.is_empty() {
            continue;
        }
        band_of[p] = bands.len();
        bands.push(layout::Band {
            id: model.perspectives[p].id.clone(),
            title: model.perspectives[p].title.clone(),
        });
    }
    let nodes: Vec<layout::NodeIn> = model
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| layout::NodeIn {
            band: band_of[o.perspective],
            title: o.title.clone(),
            // Under the title, each department objective aligned to it.
            extra: aligned.get(i).map_or_else(Vec::new, |a| {
                a.iter()
                    .map(|v| format!("{} {}: {}", v.symbol, v.department, v.title))
                    .collect()
            }),
        })
        .collect();
    let edges: Vec<(usize, usize)> = model.links.iter().map(|l| (l.from, l.to)).collect();
    let input = LayoutInput {
        bands,
        nodes,
        edges,
    };
    let lay = layout_cached(&input);
    let band_views = input
        .bands
        .iter()
        .zip(&lay.bands)
        .map(|(b, bb)| BandView {
            id: b.id.clone(),
            title: b.title.clone(),
            y: bb.y,
            height: bb.height,
            // In the band's padding above its nodes (the layout keeps no gutter for it).
            label_y: bb.y + 18.0,
        })
        .collect();
    let node_views = model
        .objectives
        .iter()
        .zip(&lay.nodes)
        .enumerate()
        .map(|(i, (o, nb))| {
            let r = &scores.objectives[i];
            let title_lines = nb.title_lines;
            let lines = nb
                .lines
                .iter()
                .enumerate()
                .map(|(k, t)| Line {
                    text: t.clone(),
                    y: 20 + 16 * k as i64,
                    department: k >= title_lines,
                })
                .collect();
            NodeView {
                id: o.id.clone(),
                // The node's origin is where its text starts, 10 px into its box.
                x: coord(nb.x + 10.0),
                y: coord(nb.y),
                w: coord(nb.w),
                h: coord(nb.h),
                st_y: coord(nb.h - 8.0),
                lines,
                status: r.status.as_str(),
                symbol: symbol(r.status),
                score: pct(r.score),
                cut: nb.lines[..title_lines.min(nb.lines.len())].join(" ") != o.title,
                title: o.title.clone(),
            }
        })
        .collect();
    // Links are unique per (driver, outcome); the layout drops self-loops.
    let link_of: std::collections::BTreeMap<(usize, usize), usize> = model
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| ((l.from, l.to), i))
        .collect();
    let edge_views = lay
        .edges
        .iter()
        .filter_map(|e| {
            let link = *link_of.get(&(e.from, e.to))?;
            let d = path_of(&e.points, e.same_band);
            let (lx, ly) = midpoint(&e.points, e.same_band);
            // The tooltip of a link is its item in the numbered list under the map.
            Some(EdgeView {
                d,
                backward: e.backward,
                n: link + 1,
                lx: coord(lx),
                ly: coord(ly),
            })
        })
        .collect();
    let mut first_with: std::collections::BTreeMap<&str, usize> = Default::default();
    let why = model
        .links
        .iter()
        .zip(&scores.links)
        .enumerate()
        .map(|(i, (l, ev))| WhyLink {
            same_as: l
                .rationale
                .as_deref()
                .and_then(|r| match first_with.get(r) {
                    Some(&n) => Some(n),
                    None => {
                        first_with.insert(r, i + 1);
                        None
                    }
                }),
            n: i + 1,
            from_id: model.objectives[l.from].id.clone(),
            from_title: model.objectives[l.from].title.clone(),
            to_id: model.objectives[l.to].id.clone(),
            to_title: model.objectives[l.to].title.clone(),
            rationale: l.rationale.clone(),
            evidence: ev.words(),
            verdict: ev.verdict,
            backward: model.perspectives[model.objectives[l.from].perspective].level
                > model.perspectives[model.objectives[l.to].perspective].level,
        })
        .collect();
    MapView {
        fit_min: lay.width * MIN_DRAWN_FONT / MAP_MIN_FONT,
        slices: slices(lay.width, PRINT_SLICE),
        slices_landscape: slices(lay.width, PRINT_SLICE_LANDSCAPE),
        width: lay.width,
        height: lay.height,
        bands: band_views,
        nodes: node_views,
        edges: edge_views,
        crossings: lay.crossings,
        why,
    }
}

/// The last layout computed and what it was computed from. The layout is a pure
/// function of its input (bands, titles, links), and most saves under `bsc watch` change
/// neither (an actual, a target, a note): those reuse it, which saves the most expensive
/// step of a rebuild at scale (docs/performance.md).
static LAYOUT_CACHE: Mutex<Option<(LayoutInput, Arc<layout::Layout>)>> = Mutex::new(None);

fn layout_cached(input: &LayoutInput) -> Arc<layout::Layout> {
    // A poisoned lock only means another thread panicked while holding it: the cache is
    // then simply not used.
    if let Ok(cache) = LAYOUT_CACHE.lock() {
        if let Some((cached, lay)) = cache.as_ref() {
            if cached == input {
                return Arc::clone(lay);
            }
        }
    }
    let lay = Arc::new(layout::layout(input));
    if let Ok(mut cache) = LAYOUT_CACHE.lock() {
        *cache = Some((input.clone(), Arc::clone(&lay)));
    }
    lay
}

/// A map coordinate as the SVG writes it: in whole pixels.
fn coord(v: f64) -> String {
    crate::num::fmt_num(v.round())
}

/// An SVG path through the layout's points: a quadratic curve for a link inside one
/// band (the middle point is the control point), else a polyline.
fn path_of(points: &[(f64, f64)], same_band: bool) -> String {
    let mut d = String::new();
    if same_band && points.len() == 3 {
        let [(x0, y0), (cx, cy), (x1, y1)] = [points[0], points[1], points[2]];
        return format!("M{x0:.0} {y0:.0}Q{cx:.0} {cy:.0} {x1:.0} {y1:.0}");
    }
    // Whole pixels; a vertical step (a long link crossing a band) as `V`.
    let mut last: Option<(i64, i64)> = None;
    for &(x, y) in points {
        let (x, y) = (x.round() as i64, y.round() as i64);
        match last {
            None => d.push_str(&format!("M{x} {y}")),
            Some((lx, _)) if lx == x => d.push_str(&format!("V{y}")),
            Some(_) => d.push_str(&format!("L{x} {y}")),
        }
        last = Some((x, y));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_of_a_link_sits_halfway() {
        assert_eq!(
            midpoint(&[(0.0, 0.0), (0.0, 10.0), (30.0, 10.0)], false),
            (10.0, 10.0)
        );
        assert_eq!(
            midpoint(&[(0.0, 0.0), (10.0, -8.0), (20.0, 0.0)], true),
            (10.0, -4.0)
        );
    }
}
