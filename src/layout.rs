//! Layout of the strategy map: a deterministic layered (Sugiyama-style) graph layout
//! that places objectives in horizontal perspective bands, orders each band to keep
//! link crossings low, assigns coordinates and routes every link.
//!
//! The steps:
//! 1. Every link between non-adjacent bands is split by a narrow virtual (dummy) node
//!    in each band it crosses; a backward link (from an upper band to a lower one) is
//!    treated as reversed while ordering. Links inside one band take no part in the
//!    ordering.
//! 2. Ordering, a deterministic search that keeps the best order seen; source order
//!    (dummies after the real nodes) stays when it has no crossing.
//!    * Two starts, as Graphviz's dot starts: breadth-first orders upwards from the
//!      items without links below and downwards from those without links above,
//!      taken in source order. Each gets median iterations: weighted-median sweeps,
//!      alternately down and up, each followed by adjacent transpositions; every
//!      other pair of iterations lets the sweep reverse ties, and the others let the
//!      transpositions swap pairs that keep the crossings, so the order moves along
//!      plateaus.
//!    * Sifting: each item in turn moves to the slot of its layer with the fewest
//!      crossings, until no item moves.
//!    * Iterated local search: a random layer (fixed-seed generator) is reordered by
//!      the medians of a neighbour layer and its surroundings sifted again; the result
//!      stays if it has fewer crossings.
//!
//!    Sifting work is bounded (growing like `size^1.5`), so large maps take bounded
//!    time. Crossings between two layers are counted in O(E log V) (sort plus a
//!    Fenwick-tree inversion count).
//! 3. x coordinates: nodes are packed in order with a minimum gap, then pulled towards
//!    the weighted mean of their neighbours (dummy chains pull harder, so long links
//!    stay straight). Each band is solved exactly under its ordering and gap
//!    constraints by isotonic regression (pool adjacent violators), which is linear.
//! 4. y coordinates: bands are stacked top to bottom, each as tall as its tallest node
//!    plus padding; every box of a band fills its node area (as tall as the tallest).
//!
//! Link geometry ([`EdgePath::points`], always from the driver `from` to the outcome
//! `to`, so an arrowhead belongs at the last point):
//! * between bands: a polyline. It starts on the border of the source box (top for a
//!   normal upward link, bottom for a backward one), runs vertically to the bottom of
//!   the band's node area when it leaves the bottom of a box shorter than the band's
//!   tallest node (likewise at the target), passes
//!   each crossed band vertically through its dummy slot (two points per crossed band:
//!   where it enters and where it leaves the node area) and ends on the border of the
//!   target box (bottom for an upward link, top for a backward one). Attachment points
//!   are spread over the middle of the box side in the order of the links' other ends.
//!   No segment enters any node box.
//! * inside one band (`same_band`): three points `[start, control, end]`, to be drawn
//!   as a quadratic Bézier curve (`M start Q control end`). So that arcs do not stack,
//!   each gets a track: shortest first, one more than the highest track of the arcs of
//!   its band it overlaps. Even tracks arc above the band's nodes (from the top of the
//!   source box to the top of the target), odd tracks below them (bottom to bottom);
//!   the higher the track, the further the arc rises and the closer to the box's
//!   centre it starts and ends.

use std::cmp::Ordering;

/// Left gutter kept free for the band titles drawn by the caller: none, the caller draws
/// them at the top left of each band, in its padding above the nodes (a gutter as wide as
/// the longest title made every map that much wider, and a longer title still ran into
/// the first node).
const GUTTER: f64 = 0.0;
/// Margin around the drawing (right of the gutter, and on the right side).
const MARGIN: f64 = 16.0;
/// Width of every node box.
const NODE_W: f64 = 170.0;
/// Height of one wrapped title line (13px font).
const LINE_H: f64 = 16.0;
/// Vertical padding of a node box: room above the title and for one status line below.
const NODE_PAD: f64 = 30.0;
/// Maximum characters per title line.
const WRAP: usize = 22;
/// Maximum number of title lines.
const MAX_LINES: usize = 4;
/// Padding above and below the node area of a band.
const BAND_PAD: f64 = 28.0;
/// Height of the node area of a band without real nodes.
const EMPTY_AREA: f64 = 16.0;
/// Horizontal gap between two real node boxes.
const NODE_GAP: f64 = 32.0;
/// Width of the slot a dummy node occupies.
const DUMMY_W: f64 = 8.0;
/// Gap between a dummy slot and its neighbours.
const DUMMY_GAP: f64 = 14.0;
/// Least height of a same-band arc's top above the band's node area.
const ARC_MIN_RISE: f64 = 8.0;
/// Greatest height of a same-band arc's top above the band's node area (it stays in
/// the band's padding).
const ARC_MAX_RISE: f64 = BAND_PAD - 4.0;
/// Extra rise of a same-band arc per pixel of span, so nested arcs separate.
const ARC_RISE_PER_PX: f64 = 0.02;
/// How much further each track of same-band arcs on one side rises.
const ARC_TRACK_STEP: f64 = 7.0;
/// Fraction of a box side over which link attachment points are spread.
const PORT_SPAN: f64 = 0.6;
/// Median iterations (each a sweep down or up, then transpositions) from each start.
const START_ITERATIONS: usize = 8;
/// Bound on the passes of one round of adjacent transpositions.
const MAX_TRANSPOSE_PASSES: usize = 20;
/// Sifting work allowed per `size^1.5`, `size` being the number of items plus layer
/// segments (work counts the items, links and slots visited). A sifting pass costs
/// about `size^2 / layers`, so small maps get many passes and large ones a few.
const SIFT_WORK: f64 = 20.0;
/// Least sifting work, so that small maps still get a search.
const MIN_SIFT_WORK: usize = 100_000;
/// Most sifting work, so that large maps take bounded time.
const MAX_SIFT_WORK: usize = 50_000_000;
/// Perturbations in a row without improvement after which the search stops.
const MAX_FAILED_KICKS: usize = 100;
/// Seed of the perturbations' pseudo-random generator (the layout is deterministic).
const SEED: u64 = 0x2545_f491;
/// Rounds (down and up) of the coordinate-assignment pass.
const X_ROUNDS: usize = 10;

/// A perspective band; bands are given top to bottom (index 0 = top of the picture).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Band {
    /// The perspective's identifier.
    pub id: String,
    /// The title the caller draws in the left gutter.
    pub title: String,
}

/// An objective to place, in source (declaration) order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeIn {
    /// Index into [`LayoutInput::bands`]; an out-of-range index means the last band.
    pub band: usize,
    /// The title, wrapped into [`NodeBox::lines`].
    pub title: String,
    /// Lines drawn under the title (a department objective aligned to it), each cut to
    /// a line's width and added to [`NodeBox::lines`] after the title's.
    pub extra: Vec<String>,
}

/// What to lay out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LayoutInput {
    /// Bands, top to bottom.
    pub bands: Vec<Band>,
    /// Nodes in source order.
    pub nodes: Vec<NodeIn>,
    /// Links as (driver node, outcome node); out-of-range indices and self-loops are
    /// ignored.
    pub edges: Vec<(usize, usize)>,
}

/// The vertical extent of a band (it spans the whole width).
#[derive(Debug, Clone, PartialEq)]
pub struct BandBox {
    /// Top of the band.
    pub y: f64,
    /// Height of the band.
    pub height: f64,
}

/// A placed node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    /// Left side of the box.
    pub x: f64,
    /// Top side of the box.
    pub y: f64,
    /// Width of the box.
    pub w: f64,
    /// Height of the box.
    pub h: f64,
    /// The title wrapped into lines, then the extra lines wrapped (plain text; the
    /// caller escapes it).
    pub lines: Vec<String>,
    /// How many of `lines` are the title's.
    pub title_lines: usize,
}

/// A routed link; see the module documentation for how to draw `points`.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgePath {
    /// The driver node.
    pub from: usize,
    /// The outcome node.
    pub to: usize,
    /// From the border of `from`'s box to the border of `to`'s box: a polyline, or
    /// for a same-band link `[start, control, end]` of a quadratic curve.
    pub points: Vec<(f64, f64)>,
    /// The link goes from an upper band down to a lower one.
    pub backward: bool,
    /// Both ends are in the same band.
    pub same_band: bool,
}

/// The finished layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Width of the drawing, the left gutter included.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// One box per input band (one implicit band if there are nodes but no bands).
    pub bands: Vec<BandBox>,
    /// One box per input node, in input order.
    pub nodes: Vec<NodeBox>,
    /// One path per valid input link (self-loops and out-of-range links dropped), in
    /// input order.
    pub edges: Vec<EdgePath>,
    /// Crossings of the final order on the layered graph (dummy nodes included,
    /// same-band links excluded).
    pub crossings: usize,
}

impl Layout {
    /// Pairs of drawn links (polylines; same-band curves left out) that cross at least
    /// once: what a reader sees, counted the way `bench/run.py` counts dot's.
    pub fn drawn_crossings(&self) -> usize {
        let lines: Vec<&[(f64, f64)]> = self
            .edges
            .iter()
            .filter(|e| !e.same_band)
            .map(|e| e.points.as_slice())
            .collect();
        polyline_crossings(&lines)
    }
}

/// Whether segments p1-p2 and p3-p4 cross properly (touching ends do not count).
fn cross(p1: (f64, f64), p2: (f64, f64), p3: (f64, f64), p4: (f64, f64)) -> bool {
    let d = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let (d1, d2, d3, d4) = (d(p3, p4, p1), d(p3, p4, p2), d(p1, p2, p3), d(p1, p2, p4));
    ((d1 > 1e-9 && d2 < -1e-9) || (d1 < -1e-9 && d2 > 1e-9))
        && ((d3 > 1e-9 && d4 < -1e-9) || (d3 < -1e-9 && d4 > 1e-9))
}

/// Pairs of polylines that cross at least once.
fn polyline_crossings(lines: &[&[(f64, f64)]]) -> usize {
    // Bounding boxes first: most pairs are far apart.
    let boxes: Vec<(f64, f64, f64, f64)> = lines
        .iter()
        .map(|l| {
            l.iter()
                .fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |b, p| {
                    (b.0.min(p.0), b.1.min(p.1), b.2.max(p.0), b.3.max(p.1))
                })
        })
        .collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| boxes[a].0.total_cmp(&boxes[b].0));
    let mut n = 0;
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if boxes[j].0 > boxes[i].2 {
                break;
            }
            if boxes[j].1 > boxes[i].3 || boxes[i].1 > boxes[j].3 {
                continue;
            }
            let hit = lines[i]
                .windows(2)
                .any(|a| lines[j].windows(2).any(|b| cross(a[0], a[1], b[0], b[1])));
            n += usize::from(hit);
        }
    }
    n
}

/// Counts the crossings of a layered order: `order[band]` lists node ids left to
/// right; `edges` join nodes of adjacent bands (in either direction). Edges whose ends
/// are missing from `order` or not in adjacent bands are ignored.
pub fn count_crossings(order: &[Vec<usize>], edges: &[(usize, usize)]) -> usize {
    let size = order
        .iter()
        .flatten()
        .copied()
        .max()
        .map_or(0, |m| m.saturating_add(1));
    let mut layer = vec![usize::MAX; size];
    let mut pos = vec![0usize; size];
    for (l, ids) in order.iter().enumerate() {
        for (i, &id) in ids.iter().enumerate() {
            layer[id] = l;
            pos[id] = i;
        }
    }
    let mut pairs: Vec<Vec<(usize, usize)>> = vec![Vec::new(); order.len()];
    for &(a, b) in edges {
        let (Some(&la), Some(&lb)) = (layer.get(a), layer.get(b)) else {
            continue;
        };
        if la == usize::MAX || lb == usize::MAX {
            continue;
        }
        if la + 1 == lb {
            pairs[la].push((pos[a], pos[b]));
        } else if lb + 1 == la {
            pairs[lb].push((pos[b], pos[a]));
        }
    }
    let mut fen = Fenwick::default();
    pairs
        .iter_mut()
        .enumerate()
        .map(|(l, p)| {
            let lower = order.get(l + 1).map_or(0, Vec::len);
            bilayer_crossings(p, lower, &mut fen)
        })
        .sum()
}

/// A Fenwick tree over positions, reused between layer pairs.
#[derive(Default)]
struct Fenwick {
    tree: Vec<usize>,
}

impl Fenwick {
    fn reset(&mut self, n: usize) {
        self.tree.clear();
        self.tree.resize(n + 1, 0);
    }

    fn add(&mut self, i: usize) {
        let mut i = i + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// Number of added positions `<= i`.
    fn prefix(&self, i: usize) -> usize {
        let mut i = (i + 1).min(self.tree.len().saturating_sub(1));
        let mut s = 0;
        while i > 0 {
            s += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        s
    }
}

/// Crossings among segments `(upper position, lower position)` between two layers:
/// the inversions of the lower positions once sorted by upper position, O(E log V).
fn bilayer_crossings(pairs: &mut [(usize, usize)], lower_len: usize, fen: &mut Fenwick) -> usize {
    if pairs.len() < 2 {
        return 0;
    }
    pairs.sort_unstable();
    let n = lower_len.max(pairs.iter().map(|p| p.1 + 1).max().unwrap_or(0));
    fen.reset(n);
    let mut crossings = 0;
    for (inserted, &(_, q)) in pairs.iter().enumerate() {
        crossings += inserted - fen.prefix(q);
        fen.add(q);
    }
    crossings
}

/// The layered graph: real nodes are items `0..real`, dummies follow.
struct Graph {
    real: usize,
    layer: Vec<usize>,
    /// Neighbours in the layer above.
    up: Vec<Vec<usize>>,
    /// Neighbours in the layer below.
    down: Vec<Vec<usize>>,
    /// `segs[l]`: segments (item in layer l, item in layer l + 1).
    segs: Vec<Vec<(usize, usize)>>,
}

impl Graph {
    fn is_dummy(&self, item: usize) -> bool {
        item >= self.real
    }

    fn width(&self, item: usize) -> f64 {
        if self.is_dummy(item) { DUMMY_W } else { NODE_W }
    }

    fn add_dummy(&mut self, layer: usize) -> usize {
        self.layer.push(layer);
        self.up.push(Vec::new());
        self.down.push(Vec::new());
        self.layer.len() - 1
    }

    /// Joins `upper` (layer l) and `lower` (layer l + 1).
    fn join(&mut self, upper: usize, lower: usize) {
        let l = self.layer[upper];
        self.down[upper].push(lower);
        self.up[lower].push(upper);
        self.segs[l].push((upper, lower));
    }
}

/// A valid input link and how it is laid out.
struct Link {
    from: usize,
    to: usize,
    backward: bool,
    /// Items from `from` to `to` (dummies between); empty for a same-band link.
    chain: Vec<usize>,
}

/// Lays out the strategy map; see the module documentation.
pub fn layout(input: &LayoutInput) -> Layout {
    let n = input.nodes.len();
    let layers = if n == 0 {
        input.bands.len()
    } else {
        input.bands.len().max(1)
    };
    if n == 0 {
        return empty_layout(layers);
    }
    let band_of: Vec<usize> = input.nodes.iter().map(|v| v.band.min(layers - 1)).collect();
    let title_lines: Vec<usize> = input.nodes.iter().map(|v| wrap(&v.title).len()).collect();
    let lines: Vec<Vec<String>> = input
        .nodes
        .iter()
        .map(|v| {
            let mut l = wrap(&v.title);
            l.extend(v.extra.iter().flat_map(|e| wrap(e)));
            l
        })
        .collect();
    let heights: Vec<f64> = lines.iter().map(|l| node_height(l.len())).collect();

    // 1. The layered graph.
    let (g, links) = layered_graph(&band_of, layers, &input.edges);

    // 2. Ordering.
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for item in 0..g.layer.len() {
        order[g.layer[item]].push(item);
    }
    let crossings = order_layers(&g, &mut order);

    // 3. x coordinates (centres), shifted right of the gutter.
    let mut cx = assign_x(&g, &order);
    let left = (0..cx.len())
        .map(|i| cx[i] - g.width(i) / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = GUTTER + MARGIN - left;
    for x in &mut cx {
        *x += shift;
    }
    let right = (0..cx.len())
        .map(|i| cx[i] + g.width(i) / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);

    // 4. y coordinates.
    let mut area_h = vec![0.0f64; layers];
    for (i, &b) in band_of.iter().enumerate() {
        area_h[b] = area_h[b].max(heights[i]);
    }
    let mut bands = Vec::with_capacity(layers);
    let mut y = 0.0;
    for &a in &area_h {
        let height = 2.0 * BAND_PAD + if a > 0.0 { a } else { EMPTY_AREA };
        bands.push(BandBox { y, height });
        y += height;
    }
    let area_top: Vec<f64> = bands.iter().map(|b| b.y + BAND_PAD).collect();
    let area_bottom: Vec<f64> = bands.iter().map(|b| b.y + b.height - BAND_PAD).collect();
    let nodes: Vec<NodeBox> = (0..n)
        .map(|i| {
            // Every box of a band is as tall as the band's tallest, so that links leave
            // and arcs pass below a band along one line.
            let b = band_of[i];
            let h = area_h[b].max(heights[i]);
            NodeBox {
                x: cx[i] - NODE_W / 2.0,
                y: area_top[b],
                w: NODE_W,
                h,
                lines: lines[i].clone(),
                title_lines: title_lines[i],
            }
        })
        .collect();

    // 5. Routing.
    let ports = assign_ports(&links, &nodes, &cx);
    let geo = Geometry {
        band_of: &band_of,
        nodes: &nodes,
        cx: &cx,
        g: &g,
        area_top: &area_top,
        area_bottom: &area_bottom,
    };
    let tracks = arc_tracks(&links, &band_of, &cx);
    let edges = links
        .iter()
        .enumerate()
        .map(|(k, link)| {
            let points = if link.chain.is_empty() {
                geo.arc(link.from, link.to, tracks[k])
            } else {
                geo.route(link, ports[k])
            };
            EdgePath {
                from: link.from,
                to: link.to,
                points,
                backward: link.backward,
                same_band: link.chain.is_empty(),
            }
        })
        .collect();

    Layout {
        width: right + MARGIN,
        height: y,
        bands,
        nodes,
        edges,
        crossings,
    }
}

/// The track of every same-band link (0 for the others): arcs of one band, shortest
/// first, each one above the highest track of the arcs it overlaps.
fn arc_tracks(links: &[Link], band_of: &[usize], cx: &[f64]) -> Vec<usize> {
    let mut tracks = vec![0; links.len()];
    let mut arcs: Vec<(usize, f64, f64, usize)> = links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.chain.is_empty())
        .map(|(k, l)| {
            let (a, b) = (cx[l.from], cx[l.to]);
            (k, a.min(b), a.max(b), band_of[l.from])
        })
        .collect();
    arcs.sort_by(|x, y| (x.2 - x.1).total_cmp(&(y.2 - y.1)).then(x.0.cmp(&y.0)));
    let mut placed: Vec<(f64, f64, usize, usize)> = Vec::with_capacity(arcs.len());
    for (k, lo, hi, band) in arcs {
        let t = placed
            .iter()
            .filter(|p| p.2 == band && p.0 < hi - 1e-9 && lo < p.1 - 1e-9)
            .map(|p| p.3 + 1)
            .max()
            .unwrap_or(0);
        tracks[k] = t;
        placed.push((lo, hi, band, t));
    }
    tracks
}

/// The layered graph of nodes in bands `band_of` (each below `layers`) and the valid
/// links among `edges`, each with its chain of items.
fn layered_graph(band_of: &[usize], layers: usize, edges: &[(usize, usize)]) -> (Graph, Vec<Link>) {
    let n = band_of.len();
    let mut g = Graph {
        real: n,
        layer: band_of.to_vec(),
        up: vec![Vec::new(); n],
        down: vec![Vec::new(); n],
        segs: vec![Vec::new(); layers],
    };
    let mut links = Vec::new();
    for &(from, to) in edges {
        if from >= n || to >= n || from == to {
            continue;
        }
        let (bf, bt) = (band_of[from], band_of[to]);
        let mut chain = Vec::new();
        if bf != bt {
            let (top, bottom) = if bf > bt { (to, from) } else { (from, to) };
            let (lt, lb) = (bf.min(bt), bf.max(bt));
            let mut downward = vec![top];
            let mut prev = top;
            for l in lt + 1..lb {
                let d = g.add_dummy(l);
                g.join(prev, d);
                downward.push(d);
                prev = d;
            }
            g.join(prev, bottom);
            downward.push(bottom);
            if bf > bt {
                downward.reverse();
            }
            chain = downward;
        }
        links.push(Link {
            from,
            to,
            backward: bf < bt,
            chain,
        });
    }
    (g, links)
}

/// The layout of an input without nodes: its bands at minimal height.
fn empty_layout(layers: usize) -> Layout {
    let band_h = 2.0 * BAND_PAD + EMPTY_AREA;
    let bands: Vec<BandBox> = (0..layers)
        .map(|l| BandBox {
            y: l as f64 * band_h,
            height: band_h,
        })
        .collect();
    Layout {
        width: GUTTER + NODE_W + 2.0 * MARGIN,
        height: band_h * layers.max(1) as f64,
        bands,
        nodes: Vec::new(),
        edges: Vec::new(),
        crossings: 0,
    }
}

/// Height of a node box with `lines` title lines (at least one line's room).
fn node_height(lines: usize) -> f64 {
    NODE_PAD + LINE_H * lines.max(1) as f64
}

/// Wraps a title at word boundaries into at most [`MAX_LINES`] lines of at most
/// [`WRAP`] characters. A word longer than a line is cut with "…"; text that does not
/// fit ends the last line with "…".
fn wrap(title: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0;
    let mut truncated = false;
    for word in title.split_whitespace() {
        let wlen = word.chars().count();
        let word: String = if wlen > WRAP {
            let mut w: String = word.chars().take(WRAP - 1).collect();
            w.push('…');
            w
        } else {
            word.to_string()
        };
        let wlen = wlen.min(WRAP);
        if cur_len > 0 && cur_len + 1 + wlen <= WRAP {
            cur.push(' ');
            cur.push_str(&word);
            cur_len += 1 + wlen;
            continue;
        }
        if cur_len > 0 {
            lines.push(std::mem::take(&mut cur));
        }
        if lines.len() == MAX_LINES {
            truncated = true;
            cur_len = 0;
            break;
        }
        cur = word;
        cur_len = wlen;
    }
    if cur_len > 0 {
        lines.push(cur);
    }
    if truncated {
        if let Some(last) = lines.last_mut() {
            let mut chars: Vec<char> = last.chars().collect();
            if chars.last() != Some(&'…') {
                chars.truncate(WRAP - 1);
                while chars.last().is_some_and(|c| c.is_whitespace()) {
                    chars.pop();
                }
                chars.push('…');
            }
            *last = chars.into_iter().collect();
        }
    }
    lines
}

/// Orders every layer (see the module documentation); returns the final crossings.
fn order_layers(g: &Graph, order: &mut [Vec<usize>]) -> usize {
    let mut s = Search::new(g, order);
    if s.best_c > 0 && order.len() > 1 {
        s.starts(order);
        s.restore(order);
        s.sift(order, &mut vec![true; order.len()]);
        s.keep_if_better(order);
        s.perturb(order);
        s.restore(order);
    }
    s.best_c
}

/// Neighbour lists in one flat array: the neighbours of item `i` are
/// `items[off[i]..off[i + 1]]`.
struct Adjacency {
    off: Vec<usize>,
    items: Vec<usize>,
}

impl Adjacency {
    fn new(nbrs: &[Vec<usize>]) -> Self {
        let mut off = Vec::with_capacity(nbrs.len() + 1);
        off.push(0);
        let mut items = Vec::new();
        for ns in nbrs {
            items.extend_from_slice(ns);
            off.push(items.len());
        }
        Adjacency { off, items }
    }

    fn of(&self, item: usize) -> &[usize] {
        &self.items[self.off[item]..self.off[item + 1]]
    }
}

/// A linear congruential generator: pseudo-random numbers that are the same on every
/// run.
#[derive(Clone, Copy)]
struct Lcg(u64);

impl Lcg {
    /// A pseudo-random number below `m` (0 if `m` is 0).
    fn below(&mut self, m: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % m.max(1)
    }
}

/// The search for a layer order with few crossings: the current order (positions and
/// crossings), the best order seen, the work left, and scratch space.
struct Search<'a> {
    g: &'a Graph,
    /// Every item's neighbours above and below.
    up: Adjacency,
    down: Adjacency,
    /// Position of every item in its layer.
    pos: Vec<usize>,
    /// Crossings of the current order.
    cur_c: usize,
    /// The best order seen, and its crossings.
    best: Vec<Vec<usize>>,
    best_c: usize,
    /// Sifting work left (items, links and slots visited); sifting stops when it runs
    /// out, so the search takes bounded time.
    work: usize,
    /// Per item: the value of `clock` when it or one of its neighbours last moved
    /// during transpositions.
    stamp: Vec<usize>,
    /// Counts the layer scans of transpositions.
    clock: usize,
    /// The pseudo-random generator of the perturbations (fixed seed).
    rng: Lcg,
    /// Per position in the layer above and below the sifted item: see [`fill_gain`].
    gain_up: Vec<isize>,
    gain_down: Vec<isize>,
    /// Sorted positions of the sifted item's neighbours.
    keys: Vec<usize>,
    /// Scratch space of median sweeps.
    medians: MedianScratch,
    /// Scratch space of crossing counts.
    fen: Fenwick,
    pairs: Vec<(usize, usize)>,
}

impl<'a> Search<'a> {
    fn new(g: &'a Graph, order: &[Vec<usize>]) -> Self {
        let items = g.layer.len();
        let size = items + g.segs.iter().map(Vec::len).sum::<usize>();
        let work = (SIFT_WORK * (size as f64).powf(1.5)) as usize;
        let mut s = Search {
            g,
            up: Adjacency::new(&g.up),
            down: Adjacency::new(&g.down),
            pos: vec![0; items],
            cur_c: 0,
            best: order.to_vec(),
            best_c: 0,
            work: work.clamp(MIN_SIFT_WORK, MAX_SIFT_WORK),
            stamp: vec![0; items],
            clock: 0,
            rng: Lcg(SEED),
            gain_up: Vec::new(),
            gain_down: Vec::new(),
            keys: Vec::new(),
            medians: MedianScratch::default(),
            fen: Fenwick::default(),
            pairs: Vec::new(),
        };
        s.load(order);
        s.best_c = s.cur_c;
        s
    }

    /// Takes `order` as the current order: positions and crossings.
    fn load(&mut self, order: &[Vec<usize>]) {
        set_positions(order, &mut self.pos);
        self.cur_c = self.crossings(order);
    }

    /// Crossings of the current order.
    fn crossings(&mut self, order: &[Vec<usize>]) -> usize {
        (0..order.len().saturating_sub(1))
            .map(|l| self.crossings_below(order, l))
            .sum()
    }

    /// Crossings between layers `l` and `l + 1`.
    fn crossings_below(&mut self, order: &[Vec<usize>], l: usize) -> usize {
        self.pairs.clear();
        let pos = &self.pos;
        self.pairs
            .extend(self.g.segs[l].iter().map(|&(u, v)| (pos[u], pos[v])));
        bilayer_crossings(&mut self.pairs, order[l + 1].len(), &mut self.fen)
    }

    /// Crossings between layer `l` and its neighbour layers.
    fn crossings_around(&mut self, order: &[Vec<usize>], l: usize) -> usize {
        let above = if l > 0 {
            self.crossings_below(order, l - 1)
        } else {
            0
        };
        let below = if l + 1 < order.len() {
            self.crossings_below(order, l)
        } else {
            0
        };
        above + below
    }

    /// Makes the current order the best one if it has fewer crossings.
    fn keep_if_better(&mut self, order: &[Vec<usize>]) -> bool {
        if self.cur_c < self.best_c {
            self.best_c = self.cur_c;
            self.best.clone_from_slice(order);
            true
        } else {
            false
        }
    }

    /// Returns to the best order.
    fn restore(&mut self, order: &mut [Vec<usize>]) {
        order.clone_from_slice(&self.best);
        set_positions(order, &mut self.pos);
        self.cur_c = self.best_c;
    }

    /// Two starting orders, breadth-first upwards and downwards from the given one,
    /// each improved by median iterations.
    fn starts(&mut self, order: &mut [Vec<usize>]) {
        let given = order.to_vec();
        for upward in [true, false] {
            if self.best_c == 0 {
                return;
            }
            breadth_first(self.g, &given, order, upward);
            self.load(order);
            self.transpose(order, false);
            self.keep_if_better(order);
            self.iterate(order);
        }
    }

    /// Median iterations: a median sweep (alternately down and up) and transpositions.
    /// Every other pair of iterations the sweep reverses ties, and the others the
    /// transpositions make swaps that keep the crossings, so that the order moves
    /// along plateaus. The best order is kept, ties included.
    fn iterate(&mut self, order: &mut [Vec<usize>]) {
        for iter in 0..START_ITERATIONS {
            if self.cur_c == 0 {
                return;
            }
            let reverse = iter % 4 < 2;
            self.median_sweep(order, iter % 2 == 0, reverse);
            self.transpose(order, !reverse);
            if self.cur_c <= self.best_c {
                self.best_c = self.cur_c;
                self.best.clone_from_slice(order);
            }
        }
    }

    /// Reorders every layer after the first of the sweep by the medians of its
    /// neighbours in the previous one.
    fn median_sweep(&mut self, order: &mut [Vec<usize>], down: bool, reverse: bool) {
        let n = order.len();
        for k in 1..n {
            let (l, nbrs) = if down {
                (k, &self.up)
            } else {
                (n - 1 - k, &self.down)
            };
            median_layer(
                &mut order[l],
                &mut self.pos,
                nbrs,
                reverse,
                &mut self.medians,
            );
        }
        self.cur_c = self.crossings(order);
    }

    /// Swaps the items at `i` and `i + 1` of a layer.
    fn swap(&mut self, layer: &mut [usize], i: usize) {
        layer.swap(i, i + 1);
        self.pos[layer[i]] = i;
        self.pos[layer[i + 1]] = i + 1;
    }

    /// Crossings among the links of `u` and `v`, two items of one layer: (with `u`
    /// left of `v`, with `v` left of `u`).
    fn pair_crossings(&self, u: usize, v: usize) -> (usize, usize) {
        let (a1, b1) = side_crossings(self.up.of(u), self.up.of(v), &self.pos);
        let (a2, b2) = side_crossings(self.down.of(u), self.down.of(v), &self.pos);
        (a1 + a2, b1 + b2)
    }

    /// Adjacent transpositions, layer by layer, until a pass gains nothing (at most
    /// [`MAX_TRANSPOSE_PASSES`]); with `equal`, swaps that keep the crossings are made
    /// too. A pair is examined again only if it, or a neighbour of its items, moved
    /// since its layer's last scan.
    fn transpose(&mut self, order: &mut [Vec<usize>], equal: bool) {
        let n = order.len();
        let mut last_scan = vec![0; n];
        let mut candidate = vec![true; n];
        for _ in 0..MAX_TRANSPOSE_PASSES {
            let mut gained = 0;
            for l in 0..n {
                if !candidate[l] {
                    continue;
                }
                candidate[l] = false;
                self.clock += 1;
                let (now, since) = (self.clock, last_scan[l]);
                last_scan[l] = now;
                let mut changed = false;
                for i in 0..order[l].len().saturating_sub(1) {
                    let (u, v) = (order[l][i], order[l][i + 1]);
                    if since > 0 && self.stamp[u] < since && self.stamp[v] < since {
                        continue;
                    }
                    let (keep, swap) = self.pair_crossings(u, v);
                    if swap < keep || (equal && keep > 0 && swap == keep) {
                        self.swap(&mut order[l], i);
                        for x in [u, v] {
                            self.stamp[x] = now;
                            for &w in self.up.of(x).iter().chain(self.down.of(x)) {
                                self.stamp[w] = now;
                            }
                        }
                        gained += keep - swap;
                        changed = true;
                    }
                }
                if changed {
                    for c in candidate.iter_mut().take(l + 2).skip(l.saturating_sub(1)) {
                        *c = true;
                    }
                }
            }
            self.cur_c -= gained;
            if gained == 0 {
                break;
            }
        }
    }

    /// Iterated local search from the best order: reorders a random layer by the
    /// medians of one neighbour layer, sifts around it and keeps the result if it has
    /// fewer crossings; until the work runs out or [`MAX_FAILED_KICKS`] tries in a row
    /// fail.
    fn perturb(&mut self, order: &mut [Vec<usize>]) {
        let layers: Vec<usize> = (0..order.len()).filter(|&l| order[l].len() > 1).collect();
        let mut failed = 0;
        while self.work > 0 && self.best_c > 0 && !layers.is_empty() && failed < MAX_FAILED_KICKS {
            let l = layers[self.rng.below(layers.len())];
            let before = self.crossings_around(order, l);
            let nbrs = if self.rng.below(2) == 0 {
                &self.up
            } else {
                &self.down
            };
            median_layer(&mut order[l], &mut self.pos, nbrs, false, &mut self.medians);
            self.cur_c = self.cur_c + self.crossings_around(order, l) - before;
            let mut dirty = vec![false; order.len()];
            for d in dirty.iter_mut().take(l + 2).skip(l.saturating_sub(1)) {
                *d = true;
            }
            self.sift(order, &mut dirty);
            if self.keep_if_better(order) {
                failed = 0;
            } else {
                self.restore(order);
                failed += 1;
            }
        }
    }

    /// Sifts dirty layers, alternately down and up, until none changes or the work
    /// runs out; a layer in which an item moved makes itself and its neighbours dirty.
    fn sift(&mut self, order: &mut [Vec<usize>], dirty: &mut [bool]) {
        let n = order.len();
        let mut down = true;
        let mut items = Vec::new();
        while self.work > 0 && dirty.iter().any(|&d| d) {
            for k in 0..n {
                let l = if down { k } else { n - 1 - k };
                if dirty[l] {
                    dirty[l] = false;
                    if self.sift_layer(order, l, &mut items) {
                        for d in dirty.iter_mut().take(l + 2).skip(l.saturating_sub(1)) {
                            *d = true;
                        }
                    }
                }
            }
            down = !down;
        }
    }

    /// Sifts every item of layer `l`, most linked first; returns whether any moved.
    fn sift_layer(&mut self, order: &mut [Vec<usize>], l: usize, items: &mut Vec<usize>) -> bool {
        let g = self.g;
        let above = if l > 0 { order[l - 1].len() } else { 0 };
        let below = order.get(l + 1).map_or(0, Vec::len);
        self.gain_up.resize(above, 0);
        self.gain_down.resize(below, 0);
        let links = if l > 0 { g.segs[l - 1].len() } else { 0 } + g.segs[l].len();
        let cost = order[l].len() + links + above + below;
        items.clear();
        items.extend_from_slice(&order[l]);
        items.sort_by_key(|&v| std::cmp::Reverse(g.up[v].len() + g.down[v].len()));
        let mut moved = false;
        for &v in items.iter() {
            if self.work < cost {
                self.work = 0;
                break;
            }
            self.work -= cost;
            moved |= self.sift_item(&mut order[l], v);
        }
        moved
    }

    /// Moves item `v` to the slot of its layer with the fewest crossings (the current
    /// one on ties); returns whether it moved.
    fn sift_item(&mut self, layer: &mut [usize], v: usize) -> bool {
        for (nbrs, gain) in [
            (&self.up, &mut self.gain_up),
            (&self.down, &mut self.gain_down),
        ] {
            self.keys.clear();
            self.keys.extend(nbrs.of(v).iter().map(|&x| self.pos[x]));
            self.keys.sort_unstable();
            fill_gain(gain, &self.keys);
        }
        // Crossings of `v`'s links when `v` sits after the first `k` other items,
        // relative to `k = 0`.
        let (mut cost, mut cur) = (0isize, 0isize);
        let (mut best, mut best_at, mut k) = (0isize, 0usize, 0usize);
        for &w in layer.iter() {
            if w == v {
                cur = cost;
                continue;
            }
            let up: isize = self
                .up
                .of(w)
                .iter()
                .map(|&x| self.gain_up[self.pos[x]])
                .sum();
            let down: isize = self
                .down
                .of(w)
                .iter()
                .map(|&x| self.gain_down[self.pos[x]])
                .sum();
            cost += up + down;
            k += 1;
            if cost < best {
                best = cost;
                best_at = k;
            }
        }
        if best >= cur {
            return false;
        }
        let from = self.pos[v];
        if best_at > from {
            for i in from..best_at {
                self.swap(layer, i);
            }
        } else {
            for i in (best_at..from).rev() {
                self.swap(layer, i);
            }
        }
        self.cur_c -= (cur - best) as usize;
        true
    }
}

/// Fills `order` with a breadth-first order of the items, as Graphviz's dot starts:
/// from every item without links below (`upward`) or above, taken in the `given`
/// order, following links up (or down); each item goes to the end of its layer when
/// reached.
fn breadth_first(g: &Graph, given: &[Vec<usize>], order: &mut [Vec<usize>], upward: bool) {
    let (back, forth) = if upward {
        (&g.down, &g.up)
    } else {
        (&g.up, &g.down)
    };
    for layer in order.iter_mut() {
        layer.clear();
    }
    let mut seen = vec![false; g.layer.len()];
    let mut queue = std::collections::VecDeque::new();
    for &root in given.iter().flatten() {
        if !back[root].is_empty() || seen[root] {
            continue;
        }
        seen[root] = true;
        queue.push_back(root);
        while let Some(x) = queue.pop_front() {
            order[g.layer[x]].push(x);
            for &y in &forth[x] {
                if !seen[y] {
                    seen[y] = true;
                    queue.push_back(y);
                }
            }
        }
    }
}

/// For every position `x` of a neighbour layer: the change in crossings when an item
/// whose neighbours there sit at the sorted positions `keys` moves from the left to the
/// right of an item with a link to `x` (its links left of `x` start crossing that one,
/// those right of it stop).
fn fill_gain(gain: &mut [isize], keys: &[usize]) {
    let mut slots = gain.iter_mut();
    rank_counts(keys, 0..slots.len(), |below, above| {
        if let Some(g) = slots.next() {
            *g = below as isize - above as isize;
        }
    });
}

/// For each `x` of the non-decreasing `xs`, in one pass: how many of the sorted `keys`
/// are below `x` and how many above.
fn rank_counts(
    keys: &[usize],
    xs: impl Iterator<Item = usize>,
    mut each: impl FnMut(usize, usize),
) {
    let (mut lt, mut le) = (0, 0);
    for x in xs {
        while lt < keys.len() && keys[lt] < x {
            lt += 1;
        }
        le = le.max(lt);
        while le < keys.len() && keys[le] == x {
            le += 1;
        }
        each(lt, keys.len() - le);
    }
}

/// Records every item's position in its layer.
fn set_positions(order: &[Vec<usize>], pos: &mut [usize]) {
    for layer in order {
        for (i, &item) in layer.iter().enumerate() {
            pos[item] = i;
        }
    }
}

/// Crossings between the links of two items to their neighbours `a` and `b` on one
/// side: (first item left, first item right), i.e. the pairs of `x` in `a` and `y` in
/// `b` with `x` right of `y`, and those with `x` left of `y`. Quadratic for the usual
/// few links, by sorting for many.
fn side_crossings(a: &[usize], b: &[usize], pos: &[usize]) -> (usize, usize) {
    if a.len() * b.len() <= 64 {
        let (mut left, mut right) = (0, 0);
        for &x in a {
            for &y in b {
                left += usize::from(pos[x] > pos[y]);
                right += usize::from(pos[x] < pos[y]);
            }
        }
        return (left, right);
    }
    let sorted = |ns: &[usize]| {
        let mut ps: Vec<usize> = ns.iter().map(|&v| pos[v]).collect();
        ps.sort_unstable();
        ps
    };
    let (pa, pb) = (sorted(a), sorted(b));
    let (mut left, mut right) = (0, 0);
    rank_counts(&pb, pa.iter().copied(), |below, above| {
        left += below;
        right += above;
    });
    (left, right)
}

/// Scratch space of [`median_layer`].
#[derive(Default)]
struct MedianScratch {
    ps: Vec<usize>,
    slots: Vec<usize>,
    movable: Vec<(f64, usize, usize)>,
}

/// Reorders one layer by the weighted median of each item's neighbours in the fixed
/// layer (`nbrs`). Items without neighbours keep their slots; ties keep the current
/// order, or reverse it with `reverse`.
fn median_layer(
    layer: &mut [usize],
    pos: &mut [usize],
    nbrs: &Adjacency,
    reverse: bool,
    m: &mut MedianScratch,
) {
    m.slots.clear();
    m.movable.clear();
    for (i, &item) in layer.iter().enumerate() {
        let ns = nbrs.of(item);
        if ns.is_empty() {
            continue;
        }
        m.ps.clear();
        m.ps.extend(ns.iter().map(|&v| pos[v]));
        m.ps.sort_unstable();
        m.slots.push(i);
        let tie = if reverse { usize::MAX - i } else { i };
        m.movable.push((median(&m.ps), tie, item));
    }
    m.movable
        .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (&slot, &(_, _, item)) in m.slots.iter().zip(&m.movable) {
        layer[slot] = item;
    }
    for (i, &item) in layer.iter().enumerate() {
        pos[item] = i;
    }
}

/// The weighted median of sorted positions: for an even count, between the two middle
/// positions, nearer to the side whose positions lie closer together.
fn median(ps: &[usize]) -> f64 {
    let at = |i: usize| ps[i] as f64;
    let j = ps.len();
    match j {
        1 => at(0),
        2 => (at(0) + at(1)) / 2.0,
        _ if j % 2 == 1 => at(j / 2),
        _ => {
            let (lm, rm) = (j / 2 - 1, j / 2);
            let (lspan, rspan) = (at(lm) - at(0), at(j - 1) - at(rm));
            if lspan + rspan == 0.0 {
                (at(lm) + at(rm)) / 2.0
            } else {
                (at(lm) * rspan + at(rm) * lspan) / (lspan + rspan)
            }
        }
    }
}

/// Weight of the segment between two items: dummy chains pull harder so long links
/// stay straight.
fn seg_weight(g: &Graph, a: usize, b: usize) -> f64 {
    match (g.is_dummy(a), g.is_dummy(b)) {
        (true, true) => 8.0,
        (false, false) => 1.0,
        _ => 2.0,
    }
}

/// Centre x of every item: packed, then pulled towards neighbours band by band.
fn assign_x(g: &Graph, order: &[Vec<usize>]) -> Vec<f64> {
    let mut x = vec![0.0f64; g.layer.len()];
    for layer in order {
        let mut cur = 0.0;
        for (i, &item) in layer.iter().enumerate() {
            if i > 0 {
                cur += separation(g, layer[i - 1], item);
            }
            x[item] = cur;
        }
    }
    let mut desired = Vec::new();
    let mut weight = Vec::new();
    for _ in 0..X_ROUNDS {
        let down = 0..order.len();
        for l in down.clone().chain(down.rev()) {
            let layer = &order[l];
            desired.clear();
            weight.clear();
            for &item in layer {
                let (mut sw, mut swx) = (0.0, 0.0);
                for &v in g.up[item].iter().chain(&g.down[item]) {
                    let w = seg_weight(g, item, v);
                    sw += w;
                    swx += w * x[v];
                }
                if sw > 0.0 {
                    desired.push(swx / sw);
                    weight.push(sw);
                } else {
                    desired.push(x[item]);
                    weight.push(1e-3);
                }
            }
            place_layer(g, layer, &desired, &weight, &mut x);
        }
    }
    x
}

/// Minimum distance between the centres of adjacent items.
fn separation(g: &Graph, a: usize, b: usize) -> f64 {
    let gap = if g.is_dummy(a) || g.is_dummy(b) {
        DUMMY_GAP
    } else {
        NODE_GAP
    };
    (g.width(a) + g.width(b)) / 2.0 + gap
}

/// Places one layer as close as possible (weighted least squares) to `desired` while
/// keeping the order and minimum separations: isotonic regression by pool adjacent
/// violators on `x - offset`.
fn place_layer(g: &Graph, layer: &[usize], desired: &[f64], weight: &[f64], x: &mut [f64]) {
    let mut offset = Vec::with_capacity(layer.len());
    let mut acc = 0.0;
    for (i, &item) in layer.iter().enumerate() {
        if i > 0 {
            acc += separation(g, layer[i - 1], item);
        }
        offset.push(acc);
    }
    // Blocks of (total weight, weighted sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for i in 0..layer.len() {
        blocks.push((weight[i], weight[i] * (desired[i] - offset[i]), 1));
        while blocks.len() >= 2 {
            let (w1, s1, c1) = blocks[blocks.len() - 1];
            let (w0, s0, c0) = blocks[blocks.len() - 2];
            if s0 / w0 > s1 / w1 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (w0 + w1, s0 + s1, c0 + c1);
            } else {
                break;
            }
        }
    }
    let mut i = 0;
    for (w, s, c) in blocks {
        let y = s / w;
        for _ in 0..c {
            x[layer[i]] = y + offset[i];
            i += 1;
        }
    }
}

/// Attachment x of each inter-band link at its (source, target) box, spread over the
/// middle of the box side in the order of the links' other ends.
fn assign_ports(links: &[Link], nodes: &[NodeBox], cx: &[f64]) -> Vec<(f64, f64)> {
    let mut ports: Vec<(f64, f64)> = links
        .iter()
        .map(|l| {
            let a = cx.get(l.from).copied().unwrap_or(0.0);
            let b = cx.get(l.to).copied().unwrap_or(0.0);
            (a, b)
        })
        .collect();
    // (node, side: false = top, true = bottom) -> [(far x, link, is source)]
    let mut sides: Vec<[Vec<(f64, usize, bool)>; 2]> = vec![[Vec::new(), Vec::new()]; nodes.len()];
    for (k, l) in links.iter().enumerate() {
        let len = l.chain.len();
        if len < 2 {
            continue;
        }
        // A link leaves the top of its source when it goes up (not backward).
        let src_side = usize::from(l.backward);
        let tgt_side = 1 - src_side;
        sides[l.from][src_side].push((cx[l.chain[1]], k, true));
        sides[l.to][tgt_side].push((cx[l.chain[len - 2]], k, false));
    }
    for (node, both) in sides.iter_mut().enumerate() {
        for side in both.iter_mut() {
            side.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let count = side.len() as f64;
            for (i, &(_, k, is_source)) in side.iter().enumerate() {
                let frac = (i as f64 + 1.0) / (count + 1.0) - 0.5;
                let px = cx[node] + frac * PORT_SPAN * nodes[node].w;
                if is_source {
                    ports[k].0 = px;
                } else {
                    ports[k].1 = px;
                }
            }
        }
    }
    ports
}

/// Everything routing needs.
struct Geometry<'a> {
    band_of: &'a [usize],
    nodes: &'a [NodeBox],
    cx: &'a [f64],
    g: &'a Graph,
    area_top: &'a [f64],
    area_bottom: &'a [f64],
}

impl Geometry<'_> {
    /// The polyline of an inter-band link; `ports` = (source x, target x).
    fn route(&self, link: &Link, ports: (f64, f64)) -> Vec<(f64, f64)> {
        let mut pts = Vec::with_capacity(2 * link.chain.len() + 2);
        let up = !link.backward;
        // Source: leave through the top (upward) or bottom (backward), then reach the
        // edge of the band's node area.
        let s = &self.nodes[link.from];
        let bs = self.band_of[link.from];
        if up {
            pts.push((ports.0, s.y));
            pts.push((ports.0, self.area_top[bs]));
        } else {
            pts.push((ports.0, s.y + s.h));
            pts.push((ports.0, self.area_bottom[bs]));
        }
        for &d in &link.chain[1..link.chain.len() - 1] {
            let l = self.g.layer[d];
            let (enter, leave) = if up {
                (self.area_bottom[l], self.area_top[l])
            } else {
                (self.area_top[l], self.area_bottom[l])
            };
            pts.push((self.cx[d], enter));
            pts.push((self.cx[d], leave));
        }
        let t = &self.nodes[link.to];
        let bt = self.band_of[link.to];
        if up {
            pts.push((ports.1, self.area_bottom[bt]));
            pts.push((ports.1, t.y + t.h));
        } else {
            pts.push((ports.1, self.area_top[bt]));
            pts.push((ports.1, t.y));
        }
        pts.dedup();
        pts
    }

    /// The quadratic curve of a same-band link on `track` (see the module
    /// documentation): even tracks from the top of the source to the top of the target,
    /// peaking above the band's node area; odd tracks from bottom to bottom, below it.
    fn arc(&self, from: usize, to: usize, track: usize) -> Vec<(f64, f64)> {
        let (a, b) = (&self.nodes[from], &self.nodes[to]);
        let dir = match self.cx[to].total_cmp(&self.cx[from]) {
            Ordering::Less => -1.0,
            _ => 1.0,
        };
        let above = track % 2 == 0;
        let level = (track / 2) as f64;
        let inset = 0.4 - 0.08 * (level.min(3.0));
        let (ya, yb) = if above {
            (a.y, b.y)
        } else {
            (a.y + a.h, b.y + b.h)
        };
        let start = (self.cx[from] + dir * inset * a.w, ya);
        let end = (self.cx[to] - dir * inset * b.w, yb);
        let rise =
            (ARC_MIN_RISE + ARC_TRACK_STEP * level + ARC_RISE_PER_PX * (end.0 - start.0).abs())
                .min(ARC_MAX_RISE);
        let peak = if above {
            self.area_top[self.band_of[from]] - rise
        } else {
            self.area_bottom[self.band_of[from]] + rise
        };
        // A quadratic curve reaches (y0 + 2c + y1) / 4 at its middle.
        let control = (
            (start.0 + end.0) / 2.0,
            2.0 * peak - (start.1 + end.1) / 2.0,
        );
        vec![start, control, end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(bands: usize, nodes: &[usize], edges: &[(usize, usize)]) -> LayoutInput {
        LayoutInput {
            bands: (0..bands)
                .map(|i| Band {
                    id: format!("b{i}"),
                    title: format!("Band {i}"),
                })
                .collect(),
            nodes: nodes
                .iter()
                .enumerate()
                .map(|(i, &band)| NodeIn {
                    band,
                    title: format!("Objective number {i}"),
                    extra: Vec::new(),
                })
                .collect(),
            edges: edges.to_vec(),
        }
    }

    fn strictly_inside(b: &NodeBox, p: (f64, f64)) -> bool {
        let e = 1e-6;
        p.0 > b.x + e && p.0 < b.x + b.w - e && p.1 > b.y + e && p.1 < b.y + b.h - e
    }

    /// Whether the segment p–q passes through the interior of the box (Liang–Barsky).
    fn segment_enters(b: &NodeBox, p: (f64, f64), q: (f64, f64)) -> bool {
        let e = 1e-6;
        let (x0, x1, y0, y1) = (b.x + e, b.x + b.w - e, b.y + e, b.y + b.h - e);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        for (pk, qk) in [
            (-dx, p.0 - x0),
            (dx, x1 - p.0),
            (-dy, p.1 - y0),
            (dy, y1 - p.1),
        ] {
            if pk == 0.0 {
                if qk <= 0.0 {
                    return false;
                }
            } else {
                let r = qk / pk;
                if pk < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 < t1
    }

    fn overlaps(a: &NodeBox, b: &NodeBox) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    /// Checks every geometric invariant of a layout.
    fn check_geometry(inp: &LayoutInput, lay: &Layout) {
        assert_eq!(lay.nodes.len(), inp.nodes.len());
        for (i, (nb, ni)) in lay.nodes.iter().zip(&inp.nodes).enumerate() {
            let band = &lay.bands[ni.band.min(lay.bands.len() - 1)];
            assert!(nb.y >= band.y + 10.0, "node {i} above its band");
            assert!(
                nb.y + nb.h <= band.y + band.height - 10.0,
                "node {i} below its band"
            );
            assert!(nb.x >= GUTTER, "node {i} in the gutter");
            assert!(nb.x + nb.w <= lay.width, "node {i} beyond the width");
            assert!(nb.h >= node_height(nb.lines.len()));
        }
        for w in lay.bands.windows(2) {
            assert_eq!(w[0].y + w[0].height, w[1].y);
        }
        // No two boxes overlap; boxes in one band keep the minimum gap.
        let mut by_band: Vec<Vec<&NodeBox>> = vec![Vec::new(); lay.bands.len()];
        for (nb, ni) in lay.nodes.iter().zip(&inp.nodes) {
            by_band[ni.band.min(lay.bands.len() - 1)].push(nb);
        }
        for boxes in &mut by_band {
            boxes.sort_by(|a, b| a.x.total_cmp(&b.x));
            for w in boxes.windows(2) {
                assert!(w[1].x - (w[0].x + w[0].w) >= 24.0 - 1e-6, "boxes too close");
                assert!(!overlaps(w[0], w[1]));
            }
        }
        for e in &lay.edges {
            assert!(e.points.len() >= 2);
            if e.same_band {
                assert_eq!(e.points.len(), 3);
                for (i, nb) in lay.nodes.iter().enumerate() {
                    assert!(!strictly_inside(nb, e.points[1]), "control point in {i}");
                    // Sample the curve.
                    let [p0, c, p1] = [e.points[0], e.points[1], e.points[2]];
                    for s in 1..40 {
                        let t = s as f64 / 40.0;
                        let u = 1.0 - t;
                        let p = (
                            u * u * p0.0 + 2.0 * u * t * c.0 + t * t * p1.0,
                            u * u * p0.1 + 2.0 * u * t * c.1 + t * t * p1.1,
                        );
                        assert!(!strictly_inside(nb, p), "arc {e:?} through node {i}");
                    }
                }
                continue;
            }
            // Ends on the right borders.
            let (s, t) = (&lay.nodes[e.from], &lay.nodes[e.to]);
            let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
            assert!(first.0 >= s.x && first.0 <= s.x + s.w);
            assert!(last.0 >= t.x && last.0 <= t.x + t.w);
            if e.backward {
                assert_eq!(first.1, s.y + s.h);
                assert_eq!(last.1, t.y);
            } else {
                assert_eq!(first.1, s.y);
                assert_eq!(last.1, t.y + t.h);
            }
            for (i, nb) in lay.nodes.iter().enumerate() {
                for &p in &e.points {
                    assert!(!strictly_inside(nb, p), "point of {e:?} inside node {i}");
                }
                for w in e.points.windows(2) {
                    assert!(!segment_enters(nb, w[0], w[1]), "{e:?} through node {i}");
                }
            }
        }
    }

    #[test]
    fn count_crossings_small_cases() {
        // A straight matching: none.
        assert_eq!(
            count_crossings(&[vec![0, 1], vec![2, 3]], &[(0, 2), (1, 3)]),
            0
        );
        // One X.
        assert_eq!(
            count_crossings(&[vec![0, 1], vec![2, 3]], &[(0, 3), (1, 2)]),
            1
        );
        // Direction does not matter.
        assert_eq!(
            count_crossings(&[vec![0, 1], vec![2, 3]], &[(3, 0), (2, 1)]),
            1
        );
        // A reversed matching of 4: all 6 pairs cross.
        let e: Vec<_> = (0..4).map(|i| (i, 7 - i)).collect();
        assert_eq!(
            count_crossings(&[vec![0, 1, 2, 3], vec![4, 5, 6, 7]], &e),
            6
        );
        // Shared endpoints never cross.
        assert_eq!(
            count_crossings(&[vec![0, 1], vec![2, 3]], &[(0, 2), (0, 3), (1, 3)]),
            0
        );
        // K2,2: exactly one crossing (0-3 with 1-2).
        assert_eq!(
            count_crossings(&[vec![0, 1], vec![2, 3]], &[(0, 2), (0, 3), (1, 2), (1, 3)]),
            1
        );
        // Three layers add up; non-adjacent and unknown ids are ignored.
        assert_eq!(
            count_crossings(
                &[vec![0, 1], vec![2, 3], vec![4, 5]],
                &[(0, 3), (1, 2), (2, 5), (3, 4), (0, 4), (9, 1)]
            ),
            2
        );
        assert_eq!(count_crossings(&[], &[(0, 1)]), 0);
    }

    #[test]
    fn count_crossings_matches_brute_force() {
        let mut lcg = Lcg(7);
        let mut rnd = |m: usize| lcg.below(m);
        for _ in 0..50 {
            let (a, b) = (1 + rnd(7), 1 + rnd(7));
            let order = vec![(0..a).collect::<Vec<_>>(), (a..a + b).collect()];
            let edges: Vec<_> = (0..rnd(15)).map(|_| (rnd(a), a + rnd(b))).collect();
            let mut brute = 0;
            for (i, &(u1, v1)) in edges.iter().enumerate() {
                for &(u2, v2) in &edges[i + 1..] {
                    if (u1 < u2 && v1 > v2) || (u1 > u2 && v1 < v2) {
                        brute += 1;
                    }
                }
            }
            assert_eq!(count_crossings(&order, &edges), brute);
        }
    }

    #[test]
    fn two_bands_permutation_reaches_zero() {
        // Top band 0..5, bottom band 5..10; bottom node 5 + i drives top node
        // perm[i]. Source order gives 5 crossings; the optimum is 0.
        let perm = [3, 0, 4, 1, 2];
        let edges: Vec<_> = perm.iter().enumerate().map(|(i, &p)| (5 + i, p)).collect();
        let order = vec![(0..5).collect::<Vec<_>>(), (5..10).collect()];
        assert_eq!(count_crossings(&order, &edges), 5);
        let inp = input(2, &[0, 0, 0, 0, 0, 1, 1, 1, 1, 1], &edges);
        let lay = layout(&inp);
        assert_eq!(lay.crossings, 0);
        check_geometry(&inp, &lay);
        // The drawing agrees: each driver sits below its outcome's left-to-right rank.
        let mut top: Vec<usize> = (0..5).collect();
        top.sort_by(|&a, &b| lay.nodes[a].x.total_cmp(&lay.nodes[b].x));
        let mut bottom: Vec<usize> = (5..10).collect();
        bottom.sort_by(|&a, &b| lay.nodes[a].x.total_cmp(&lay.nodes[b].x));
        let ranked: Vec<usize> = bottom.iter().map(|&d| perm[d - 5]).collect();
        assert_eq!(ranked, top);
    }

    #[test]
    fn three_bands_with_long_edge_reaches_zero() {
        // Bands: 0 = {0, 1}, 1 = {2, 3}, 2 = {4, 5}. The long edge 5 -> 0 crosses the
        // middle band; source order has crossings, the optimum (5 and the dummy on the
        // left) has none.
        let edges = [(5, 0), (2, 1), (4, 3), (3, 1), (4, 2)];
        let inp = input(3, &[0, 0, 1, 1, 2, 2], &edges);
        let lay = layout(&inp);
        assert_eq!(lay.crossings, 0);
        check_geometry(&inp, &lay);
        let long = &lay.edges[0];
        assert_eq!((long.from, long.to), (5, 0));
        assert!(!long.backward && !long.same_band);
        // Start and end on the boxes, two points (enter, leave) in the crossed band,
        // vertically through the dummy slot.
        assert_eq!(long.points.len(), 4);
        let mid = &lay.bands[1];
        let (p, q) = (long.points[1], long.points[2]);
        assert_eq!(p.0, q.0);
        assert!(p.1 > q.1, "upward");
        for pt in [p, q] {
            assert!(pt.1 >= mid.y && pt.1 <= mid.y + mid.height);
        }
    }

    #[test]
    fn long_edges_get_one_slot_per_crossed_band() {
        // Five bands; an edge from the bottom band to the top crosses three bands,
        // with real nodes in each of them in the way.
        let nodes = [0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4];
        let edges = [(10, 0), (7, 4), (8, 5), (9, 6), (4, 1), (5, 2), (6, 3)];
        let inp = input(5, &nodes, &edges);
        let lay = layout(&inp);
        check_geometry(&inp, &lay);
        let long = &lay.edges[0];
        assert_eq!(long.points.len(), 2 + 2 * 3);
        for (k, band) in [3usize, 2, 1].iter().enumerate() {
            let (p, q) = (long.points[1 + 2 * k], long.points[2 + 2 * k]);
            let b = &lay.bands[*band];
            assert_eq!(p.0, q.0, "vertical through band {band}");
            assert!(p.1 > b.y && p.1 < b.y + b.height);
            assert!(q.1 > b.y && q.1 < b.y + b.height);
        }
        assert_eq!(lay.crossings, 0);
    }

    #[test]
    fn backward_and_same_band_edges() {
        // 0 (top) -> 2 (bottom) is backward; 1 -> 0 stays in the top band; 2 -> 3 in
        // the bottom band has a node between them.
        let inp = input(2, &[0, 0, 1, 1, 1], &[(0, 2), (1, 0), (2, 4), (3, 1)]);
        let lay = layout(&inp);
        check_geometry(&inp, &lay);
        let back = &lay.edges[0];
        assert!(back.backward && !back.same_band);
        // Downward: starts at the bottom of 0 and ends at the top of 2.
        assert!(back.points[0].1 < back.points[back.points.len() - 1].1);
        let arc = &lay.edges[1];
        assert!(arc.same_band && !arc.backward);
        assert_eq!(arc.points.len(), 3);
        // The control point lies above both ends.
        assert!(arc.points[1].1 < arc.points[0].1 && arc.points[1].1 < arc.points[2].1);
        assert!(lay.edges[2].same_band);
        assert!(!lay.edges[3].backward && !lay.edges[3].same_band);
    }

    #[test]
    fn same_band_arcs_do_not_stack() {
        // Four nodes in one band: 0 -> 1, 1 -> 2 and 0 -> 3 overlap; 0 -> 2 too.
        let inp = input(1, &[0, 0, 0, 0], &[(0, 1), (1, 2), (0, 2), (0, 3)]);
        let lay = layout(&inp);
        check_geometry(&inp, &lay);
        let peak = |k: usize| {
            let p = &lay.edges[k].points;
            (p[0].1 + 2.0 * p[1].1 + p[2].1) / 4.0
        };
        // Neighbours share track 0, above; the longer arcs go below, then higher above.
        assert!(lay.edges.iter().all(|e| e.same_band));
        let tops = lay.nodes.iter().map(|n| n.y).fold(f64::INFINITY, f64::min);
        let bottoms = lay.nodes.iter().map(|n| n.y + n.h).fold(0.0, f64::max);
        assert!(peak(0) < tops && peak(1) < tops);
        assert!(peak(2) > bottoms, "0 -> 2 below the nodes");
        assert!(peak(3) < peak(0), "0 -> 3 above the short arcs");
        // No two arcs share a start point.
        let starts: Vec<(i64, i64)> = lay
            .edges
            .iter()
            .map(|e| (e.points[0].0 as i64, e.points[0].1 as i64))
            .collect();
        for (i, a) in starts.iter().enumerate() {
            assert!(!starts[i + 1..].contains(a), "{starts:?}");
        }
    }

    #[test]
    fn source_order_kept_without_edges() {
        let inp = input(3, &[2, 0, 1, 0, 2, 0, 1], &[]);
        let lay = layout(&inp);
        check_geometry(&inp, &lay);
        assert_eq!(lay.crossings, 0);
        for band in 0..3 {
            let xs: Vec<f64> = inp
                .nodes
                .iter()
                .zip(&lay.nodes)
                .filter(|(n, _)| n.band == band)
                .map(|(_, b)| b.x)
                .collect();
            assert!(xs.windows(2).all(|w| w[0] < w[1]), "band {band}: {xs:?}");
            // Packed from the left margin.
            assert_eq!(xs[0], GUTTER + MARGIN);
        }
    }

    #[test]
    fn source_order_kept_where_it_costs_nothing() {
        // Already crossing-free: nothing moves.
        let inp = input(2, &[0, 0, 0, 1, 1, 1], &[(3, 0), (4, 1), (5, 2), (5, 1)]);
        let lay = layout(&inp);
        assert_eq!(lay.crossings, 0);
        assert!(lay.nodes[0].x < lay.nodes[1].x && lay.nodes[1].x < lay.nodes[2].x);
        assert!(lay.nodes[3].x < lay.nodes[4].x && lay.nodes[4].x < lay.nodes[5].x);
    }

    #[test]
    fn deterministic() {
        let inp = generated(400, 5, 11);
        let a = layout(&inp);
        let b = layout(&inp);
        assert_eq!(a, b);
        check_geometry(&inp, &a);
    }

    #[test]
    fn wraps_titles() {
        assert_eq!(wrap("Grow revenue"), vec!["Grow revenue"]);
        assert_eq!(
            wrap("Increase   customer retention in key markets"),
            vec!["Increase customer", "retention in key", "markets"]
        );
        let long = wrap(&"word ".repeat(40));
        assert_eq!(long.len(), MAX_LINES);
        assert!(long.iter().all(|l| l.chars().count() <= WRAP));
        assert!(long[MAX_LINES - 1].ends_with('…'));
        let cut = wrap("Supercalifragilisticexpialidocious idea");
        assert_eq!(cut[0].chars().count(), WRAP);
        assert!(cut[0].ends_with('…'));
        assert_eq!(cut[1], "idea");
        assert!(wrap("   ").is_empty());
        let lay = layout(&input(1, &[0], &[]));
        assert_eq!(lay.nodes[0].h, NODE_PAD + LINE_H);
        assert_eq!(lay.nodes[0].w, NODE_W);
    }

    #[test]
    fn degenerate_inputs() {
        let empty = layout(&LayoutInput::default());
        assert!(empty.nodes.is_empty() && empty.edges.is_empty());
        assert!(empty.width > 0.0 && empty.height > 0.0);
        // Bands without nodes get a minimal height.
        let bands_only = layout(&input(3, &[], &[]));
        assert_eq!(bands_only.bands.len(), 3);
        assert!(bands_only.bands.iter().all(|b| b.height > 0.0));
        // Out-of-range links and self-loops are dropped; an empty middle band still
        // gets height and a dummy slot.
        let inp = input(3, &[0, 2], &[(1, 0), (0, 0), (5, 1), (1, 9)]);
        let lay = layout(&inp);
        assert_eq!(lay.edges.len(), 1);
        assert_eq!(lay.edges[0].points.len(), 4);
        assert!(lay.bands[1].height > 0.0);
        check_geometry(&inp, &lay);
        // Nodes without bands, or beyond the last band, land in the last band.
        let no_bands = LayoutInput {
            bands: Vec::new(),
            nodes: vec![NodeIn {
                band: 3,
                title: "x".into(),
                extra: vec!["a department objective".into()],
            }],
            edges: vec![(0, 0)],
        };
        let lay = layout(&no_bands);
        assert_eq!(lay.bands.len(), 1);
        assert_eq!(lay.nodes.len(), 1);
        assert!(lay.edges.is_empty());
    }

    /// A deterministic pseudo-random scorecard-like graph: mostly upward links between
    /// adjacent bands, some long, backward and same-band ones.
    fn generated(n: usize, bands: usize, seed: u64) -> LayoutInput {
        let mut lcg = Lcg(seed);
        let mut rnd = move |m: usize| lcg.below(m);
        let nodes: Vec<usize> = (0..n).map(|_| rnd(bands)).collect();
        let mut per_band: Vec<Vec<usize>> = vec![Vec::new(); bands];
        for (i, &b) in nodes.iter().enumerate() {
            per_band[b].push(i);
        }
        let mut edges = Vec::new();
        for _ in 0..n * 3 / 2 {
            let from = rnd(n);
            let fb = nodes[from];
            let tb = match rnd(20) {
                0 => rnd(bands),
                1..=3 => fb.saturating_sub(1 + rnd(3)),
                _ => fb.saturating_sub(1),
            };
            let pool = &per_band[tb];
            if !pool.is_empty() {
                edges.push((from, pool[rnd(pool.len())]));
            }
        }
        let mut inp = input(bands, &nodes, &edges);
        for (i, node) in inp.nodes.iter_mut().enumerate() {
            node.title = "Improve the thing ".repeat(1 + i % 5);
        }
        inp
    }

    #[test]
    fn large_graph_lays_out() {
        let inp = generated(10_000, 6, 3);
        let lay = layout(&inp);
        assert_eq!(lay.nodes.len(), 10_000);
        assert_eq!(
            lay.edges.len(),
            inp.edges.iter().filter(|e| e.0 != e.1).count()
        );
        assert!(lay.width > 0.0 && lay.height > 0.0);
        // Ordering must beat source order substantially at this size too.
        let plain = crossings_in_source_order(&inp);
        assert!(lay.crossings * 2 < plain, "{} vs {plain}", lay.crossings);
    }

    #[test]
    fn ordering_reduces_crossings_on_random_graphs() {
        for seed in 0..5 {
            let inp = generated(60, 4, seed);
            let lay = layout(&inp);
            check_geometry(&inp, &lay);
            // The same graph without ordering (real nodes in source order, each long
            // edge's dummies appended) must not be better.
            let plain = crossings_in_source_order(&inp);
            assert!(lay.crossings <= plain, "{} > {plain}", lay.crossings);
            assert!(lay.crossings < plain || plain == 0);
        }
    }

    #[test]
    fn placement_and_routing_add_no_crossings() {
        // The drawn links cross no more often than the order's count says.
        for (n, bands) in [(30, 3), (60, 4), (150, 5), (300, 6)] {
            for seed in 0..6 {
                let lay = layout(&generated(n, bands, seed));
                let drawn = lay.drawn_crossings();
                assert!(
                    drawn <= lay.crossings,
                    "{n} nodes, seed {seed}: {drawn} drawn > {}",
                    lay.crossings
                );
            }
        }
    }

    #[test]
    fn ordering_reports_the_crossings_of_its_order() {
        // The search updates its crossing count through swaps, sifting and
        // perturbations; the final order must be a permutation of every layer and its
        // count must match a fresh one.
        for seed in 0..8 {
            let inp = generated(150, 5, seed);
            let band_of: Vec<usize> = inp.nodes.iter().map(|v| v.band).collect();
            let (g, _) = layered_graph(&band_of, 5, &inp.edges);
            let mut order = vec![Vec::new(); 5];
            for item in 0..g.layer.len() {
                order[g.layer[item]].push(item);
            }
            let crossings = order_layers(&g, &mut order);
            let mut seen = vec![false; g.layer.len()];
            for (l, layer) in order.iter().enumerate() {
                for &item in layer {
                    assert_eq!(g.layer[item], l);
                    assert!(!seen[item]);
                    seen[item] = true;
                }
            }
            assert!(seen.iter().all(|&s| s));
            let segs: Vec<_> = g.segs.iter().flatten().copied().collect();
            assert_eq!(crossings, count_crossings(&order, &segs), "seed {seed}");
        }
    }

    #[test]
    fn scrambled_tree_reaches_zero() {
        // A binary tree of drivers under one outcome, four bands deep, each band
        // declared in an order that crosses everywhere.
        let mut nodes = vec![0];
        let mut edges = Vec::new();
        let mut prev = vec![0];
        for band in 1..4 {
            let mut next = Vec::new();
            for &parent in &prev {
                for _ in 0..2 {
                    next.push(nodes.len());
                    edges.push((nodes.len(), parent));
                    nodes.push(band);
                }
            }
            prev = next;
        }
        // Renumber so that each band lists its nodes in reverse, with the odd ones
        // first.
        let mut ids: Vec<usize> = (0..nodes.len()).collect();
        ids.sort_by_key(|&i| (nodes[i], i % 2 == 0, std::cmp::Reverse(i)));
        let mut new_id = vec![0; ids.len()];
        for (k, &i) in ids.iter().enumerate() {
            new_id[i] = k;
        }
        let bands: Vec<usize> = ids.iter().map(|&i| nodes[i]).collect();
        let edges: Vec<_> = edges.iter().map(|&(a, b)| (new_id[a], new_id[b])).collect();
        let inp = input(4, &bands, &edges);
        assert!(crossings_in_source_order(&inp) > 0);
        let lay = layout(&inp);
        assert_eq!(lay.crossings, 0);
        check_geometry(&inp, &lay);
    }

    #[test]
    fn weighted_median() {
        assert_eq!(median(&[4]), 4.0);
        assert_eq!(median(&[1, 3]), 2.0);
        assert_eq!(median(&[1, 5, 9]), 5.0);
        // Equal spans: the midpoint of the middle two.
        assert_eq!(median(&[2, 3, 5, 6]), 4.0);
        // The left side is packed tighter (span 1 against 8): nearer to its middle.
        assert!((median(&[0, 1, 2, 10]) - 10.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn side_crossings_agree_for_many_links() {
        let mut lcg = Lcg(5);
        let mut rnd = |m: usize| lcg.below(m);
        for _ in 0..50 {
            let pos: Vec<usize> = (0..40).map(|_| rnd(20)).collect();
            let a: Vec<usize> = (0..1 + rnd(15)).map(|_| rnd(40)).collect();
            let b: Vec<usize> = (0..1 + rnd(15)).map(|_| rnd(40)).collect();
            let (mut left, mut right) = (0, 0);
            for &x in &a {
                for &y in &b {
                    left += usize::from(pos[x] > pos[y]);
                    right += usize::from(pos[x] < pos[y]);
                }
            }
            assert_eq!(side_crossings(&a, &b, &pos), (left, right));
        }
    }

    /// Crossings of the unordered layered graph, built independently of the layout.
    fn crossings_in_source_order(inp: &LayoutInput) -> usize {
        let mut order: Vec<Vec<usize>> = vec![Vec::new(); inp.bands.len()];
        for (i, n) in inp.nodes.iter().enumerate() {
            order[n.band].push(i);
        }
        let mut next = inp.nodes.len();
        let mut segs = Vec::new();
        for &(a, b) in &inp.edges {
            let (ba, bb) = (inp.nodes[a].band, inp.nodes[b].band);
            if ba == bb {
                continue;
            }
            let (top, bottom) = if ba < bb { (a, b) } else { (b, a) };
            let (lt, lb) = (ba.min(bb), ba.max(bb));
            let mut prev = top;
            for layer in order.iter_mut().take(lb).skip(lt + 1) {
                layer.push(next);
                segs.push((prev, next));
                prev = next;
                next += 1;
            }
            segs.push((prev, bottom));
        }
        count_crossings(&order, &segs)
    }
}
