//! Temporary stand-in for the strategy-map layout (a helper is writing the real one).
pub struct Band {
    pub id: String,
    pub title: String,
}
pub struct NodeIn {
    pub band: usize,
    pub title: String,
}
pub struct LayoutInput {
    pub bands: Vec<Band>,
    pub nodes: Vec<NodeIn>,
    pub edges: Vec<(usize, usize)>,
}
pub struct BandBox {
    pub y: f64,
    pub height: f64,
}
pub struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub lines: Vec<String>,
}
pub struct EdgePath {
    pub from: usize,
    pub to: usize,
    pub points: Vec<(f64, f64)>,
    pub backward: bool,
    pub same_band: bool,
}
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub bands: Vec<BandBox>,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
    pub crossings: usize,
}
pub fn layout(input: &LayoutInput) -> Layout {
    let bands: Vec<BandBox> = input
        .bands
        .iter()
        .enumerate()
        .map(|(i, _)| BandBox {
            y: i as f64 * 100.0,
            height: 100.0,
        })
        .collect();
    let mut count = vec![0usize; input.bands.len()];
    let nodes: Vec<NodeBox> = input
        .nodes
        .iter()
        .map(|n| {
            let k = count[n.band];
            count[n.band] += 1;
            NodeBox {
                x: 160.0 + k as f64 * 200.0,
                y: n.band as f64 * 100.0 + 20.0,
                w: 170.0,
                h: 60.0,
                lines: vec![n.title.clone()],
            }
        })
        .collect();
    let edges = input
        .edges
        .iter()
        .map(|&(a, b)| EdgePath {
            from: a,
            to: b,
            points: vec![
                (nodes[a].x + 85.0, nodes[a].y),
                (nodes[b].x + 85.0, nodes[b].y + 60.0),
            ],
            backward: false,
            same_band: false,
        })
        .collect();
    Layout {
        width: 1200.0,
        height: bands.len() as f64 * 100.0,
        bands,
        nodes,
        edges,
        crossings: 0,
    }
}
