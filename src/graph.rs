//! A directed graph over objectives (nodes `0..n`, edges in declaration order) with the
//! walks the checks, scoring and the map layout need. Every walk is iterative.

use std::collections::VecDeque;

/// Adjacency lists; each entry is `(other node, edge index)`.
#[derive(Clone, Debug)]
pub struct Graph {
    out: Vec<Vec<(usize, usize)>>,
    inn: Vec<Vec<(usize, usize)>>,
    edges: Vec<(usize, usize)>,
}

impl Graph {
    /// A graph of `n` nodes with the given edges (edge `i` is the `i`-th pair).
    pub fn new(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Graph {
        let mut g = Graph {
            out: vec![Vec::new(); n],
            inn: vec![Vec::new(); n],
            edges: Vec::new(),
        };
        for (i, (a, b)) in edges.into_iter().enumerate() {
            g.out[a].push((b, i));
            g.inn[b].push((a, i));
            g.edges.push((a, b));
        }
        g
    }

    /// Whether any edge ends at `node`.
    pub fn has_in(&self, node: usize) -> bool {
        !self.inn[node].is_empty()
    }

    /// Whether any edge starts at `node`.
    pub fn has_out(&self, node: usize) -> bool {
        !self.out[node].is_empty()
    }

    /// Nodes that can reach a node satisfying `goal` (goal nodes included).
    pub fn reaching(&self, goal: impl Fn(usize) -> bool) -> Vec<bool> {
        let n = self.out.len();
        let mut seen = vec![false; n];
        let mut queue: VecDeque<usize> = (0..n).filter(|&i| goal(i)).collect();
        for &i in &queue {
            seen[i] = true;
        }
        while let Some(v) = queue.pop_front() {
            for &(u, _) in &self.inn[v] {
                if !seen[u] {
                    seen[u] = true;
                    queue.push_back(u);
                }
            }
        }
        seen
    }

    /// Strongly connected components (Tarjan, iterative), each sorted, in order of
    /// their smallest node.
    pub fn sccs(&self) -> Vec<Vec<usize>> {
        let n = self.out.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0;
        let mut out = Vec::new();
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (v, ref mut i)) = calls.last_mut() {
                if let Some(&(w, _)) = self.out[v].get(*i) {
                    *i += 1;
                    if index[w] == usize::MAX {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comp.sort_unstable();
                    out.push(comp);
                }
            }
        }
        out.sort_by_key(|c| c[0]);
        out
    }

    /// One concrete cycle per strongly connected component that has one: the edge
    /// indices around the shortest circle through the component's smallest node.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.out.len();
        let mut comp_of = vec![usize::MAX; n];
        let sccs = self.sccs();
        for (c, nodes) in sccs.iter().enumerate() {
            for &v in nodes {
                comp_of[v] = c;
            }
        }
        let mut cycles = Vec::new();
        for (c, nodes) in sccs.iter().enumerate() {
            let start = nodes[0];
            if nodes.len() == 1 {
                if let Some(&(_, e)) = self.out[start].iter().find(|(w, _)| *w == start) {
                    cycles.push(vec![e]);
                }
                continue;
            }
            // Breadth-first from `start` inside the component until an edge returns.
            let mut parent: Vec<Option<usize>> = vec![None; n];
            let mut seen = vec![false; n];
            seen[start] = true;
            let mut queue = VecDeque::from([start]);
            let mut closing = None;
            'bfs: while let Some(v) = queue.pop_front() {
                for &(w, e) in &self.out[v] {
                    if comp_of[w] != c {
                        continue;
                    }
                    if w == start {
                        closing = Some((v, e));
                        break 'bfs;
                    }
                    if !seen[w] {
                        seen[w] = true;
                        parent[w] = Some(e);
                        queue.push_back(w);
                    }
                }
            }
            if let Some((mut v, e)) = closing {
                let mut path = vec![e];
                while v != start {
                    let Some(pe) = parent[v] else { break };
                    path.push(pe);
                    v = self.edges[pe].0;
                }
                path.reverse();
                cycles.push(path);
            }
        }
        cycles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_one_cycle_per_component_in_order() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 5
        let g = Graph::new(6, [(0, 1), (1, 2), (2, 0), (3, 3), (4, 5)]);
        assert_eq!(g.cycles(), vec![vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn walks_a_long_chain_without_recursion() {
        let n = 200_000;
        let g = Graph::new(n, (0..n - 1).map(|i| (i, i + 1)).chain([(n - 1, 0)]));
        assert_eq!(g.cycles()[0].len(), n);
        let g = Graph::new(n, (0..n - 1).map(|i| (i, i + 1)));
        assert!(g.cycles().is_empty());
        assert!(g.reaching(|v| v == n - 1).iter().all(|&b| b));
    }
}
