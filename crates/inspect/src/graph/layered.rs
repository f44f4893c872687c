//! A layered (Sugiyama-style) placement of one flat graph: the states of one machine or
//! branch, with containers already reduced to boxes of a known size.
//!
//! Steps: break cycles with a depth-first search from the start (the edges that close a
//! loop become "back" edges), give every vertex the layer of its longest path from a
//! source, split edges that span several layers with dummy vertices, order each layer
//! by barycentres (keeping the order with the fewest crossings), assign x by pulling
//! each vertex towards its neighbours in alternating sweeps, and route forward edges
//! through their dummies and back edges on a lane to the right of everything they pass.
//!
//! Written here rather than taken from a crate: the state machine needs boxes of very
//! different sizes (containers), edge polylines, and side-routed loops, which the
//! available crates (rust-sugiyama: points only, no routes; layout-rs: a Graphviz
//! renderer) do not give.

/// Horizontal gap between neighbouring boxes.
const GAP_X: f64 = 40.0;
/// Vertical gap between layers (room for edge labels and back-edge turns).
const GAP_Y: f64 = 56.0;
/// Width a dummy vertex reserves, so parallel long edges do not overlap.
const DUMMY_W: f64 = 12.0;
/// Spacing between the lanes of back edges.
const LANE_GAP: f64 = 14.0;
/// Barycentre sweeps (down then up) for crossing reduction.
const ORDER_SWEEPS: usize = 8;
/// Sweeps for coordinate assignment.
const PLACE_SWEEPS: usize = 6;

/// The placement of a flat graph: top-left corner per vertex, one polyline per link (in
/// the order given), and the bounding size, all relative to a (0, 0) origin.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placed {
    pub pos: Vec<(f64, f64)>,
    pub routes: Vec<Vec<[f64; 2]>>,
    pub width: f64,
    pub height: f64,
}

struct Vertex {
    w: f64,
    h: f64,
    layer: usize,
    x: f64,
    y: f64,
}

/// Lay out vertices of the given sizes joined by `links` (from, to). `start` is placed on
/// the first layer and `end` on the last; any other vertex without a forward predecessor
/// starts on the layer after `start`. Out-of-range link ends are ignored (empty route).
pub(crate) fn place(
    sizes: &[(f64, f64)],
    links: &[(usize, usize)],
    start: Option<usize>,
    end: Option<usize>,
) -> Placed {
    let n = sizes.len();
    if n == 0 {
        return Placed::default();
    }
    let valid: Vec<bool> = links.iter().map(|&(a, b)| a < n && b < n).collect();
    let (back, discovery) = find_back_links(n, links, &valid, start);
    let layers_of = assign_layers(n, links, &valid, &back, start, end);

    let mut verts: Vec<Vertex> = sizes
        .iter()
        .zip(&layers_of)
        .map(|(&(w, h), &layer)| Vertex {
            w: w.max(1.0),
            h: h.max(1.0),
            layer,
            x: 0.0,
            y: 0.0,
        })
        .collect();
    let mut rank: Vec<usize> = discovery;

    // Chains: every forward link as the list of vertices it passes (dummies between).
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(links.len());
    for (i, &(a, b)) in links.iter().enumerate() {
        if !valid[i] || back[i] {
            chains.push(Vec::new());
            continue;
        }
        let mut chain = vec![a];
        let (la, lb) = (verts[a].layer, verts[b].layer);
        for layer in la + 1..lb {
            verts.push(Vertex {
                w: DUMMY_W,
                h: 0.0,
                layer,
                x: 0.0,
                y: 0.0,
            });
            // Dummies sort right after the vertex they leave.
            rank.push(rank[a]);
            chain.push(verts.len() - 1);
        }
        chain.push(b);
        chains.push(chain);
    }

    let layer_count = verts.iter().map(|v| v.layer).max().unwrap_or(0) + 1;
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    let mut order: Vec<usize> = (0..verts.len()).collect();
    order.sort_by_key(|&v| (rank[v], v));
    for v in order {
        layers[verts[v].layer].push(v);
    }
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); verts.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); verts.len()];
    for chain in &chains {
        for pair in chain.windows(2) {
            down[pair[0]].push(pair[1]);
            up[pair[1]].push(pair[0]);
        }
    }
    order_layers(&mut layers, &up, &down);
    assign_x(&mut verts, &layers, &up, &down);

    // y: each layer as tall as its tallest box, boxes at its top (a short state beside a
    // tall container stays next to what leads to it).
    let mut layer_top = Vec::with_capacity(layer_count);
    let mut layer_h = Vec::with_capacity(layer_count);
    let mut y = 0.0;
    for layer in &layers {
        let h = layer.iter().map(|&v| verts[v].h).fold(0.0, f64::max);
        layer_top.push(y);
        layer_h.push(h);
        y += h + GAP_Y;
    }
    for v in verts.iter_mut() {
        v.y = layer_top[v.layer];
    }

    let mut routes = route_forward(&verts, &chains, &layer_top, &layer_h);
    route_back(&verts, links, &valid, &back, &layers, &mut routes);

    // Normalise so the bounding box of boxes and routes starts at (0, 0).
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for v in verts.iter().take(n) {
        min_x = min_x.min(v.x);
        min_y = min_y.min(v.y);
        max_x = max_x.max(v.x + v.w);
        max_y = max_y.max(v.y + v.h);
    }
    for p in routes.iter().flatten() {
        min_x = min_x.min(p[0]);
        min_y = min_y.min(p[1]);
        max_x = max_x.max(p[0]);
        max_y = max_y.max(p[1]);
    }
    let pos = verts
        .iter()
        .take(n)
        .map(|v| (v.x - min_x, v.y - min_y))
        .collect();
    for p in routes.iter_mut().flatten() {
        p[0] -= min_x;
        p[1] -= min_y;
    }
    Placed {
        pos,
        routes,
        width: max_x - min_x,
        height: max_y - min_y,
    }
}

/// Depth-first search (iterative: machines can be long) from `start`, then from every
/// vertex not yet reached, in index order. A link to a vertex still on the stack closes a
/// cycle. Also returns the discovery rank of each vertex (the initial left-to-right order).
fn find_back_links(
    n: usize,
    links: &[(usize, usize)],
    valid: &[bool],
    start: Option<usize>,
) -> (Vec<bool>, Vec<usize>) {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(a, _)) in links.iter().enumerate() {
        if valid[i] {
            out[a].push(i);
        }
    }
    // 0 unvisited, 1 on the stack, 2 done.
    let mut color = vec![0u8; n];
    let mut back = vec![false; links.len()];
    let mut discovery = vec![0usize; n];
    let mut next_rank = 0;
    let roots = start.into_iter().filter(|&s| s < n).chain(0..n);
    for root in roots {
        if color[root] != 0 {
            continue;
        }
        color[root] = 1;
        discovery[root] = next_rank;
        next_rank += 1;
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(top) = stack.last_mut() {
            let (v, k) = *top;
            if let Some(&li) = out[v].get(k) {
                top.1 += 1;
                let w = links[li].1;
                match color[w] {
                    0 => {
                        color[w] = 1;
                        discovery[w] = next_rank;
                        next_rank += 1;
                        stack.push((w, 0));
                    }
                    1 => back[li] = true,
                    _ => {}
                }
            } else {
                color[v] = 2;
                stack.pop();
            }
        }
    }
    (back, discovery)
}

/// Longest-path layering over the forward links.
fn assign_layers(
    n: usize,
    links: &[(usize, usize)],
    valid: &[bool],
    back: &[bool],
    start: Option<usize>,
    end: Option<usize>,
) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(a, b)) in links.iter().enumerate() {
        if valid[i] && !back[i] && a != b {
            indegree[b] += 1;
            out[a].push(b);
        }
    }
    let first = usize::from(start.is_some_and(|s| s < n));
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = Vec::new();
    for v in 0..n {
        if indegree[v] == 0 {
            layer[v] = if Some(v) == start { 0 } else { first };
            queue.push(v);
        }
    }
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push(w);
            }
        }
    }
    if let Some(e) = end.filter(|&e| e < n) {
        let deepest = (0..n).filter(|&v| v != e).map(|v| layer[v]).max();
        layer[e] = deepest.map_or(0, |d| d + 1);
    }
    layer
}

/// Crossings between two adjacent layers: links sorted by their upper end, then the
/// pairs whose lower ends are in the opposite order (counted with a Fenwick tree).
fn crossings(upper: &[usize], lower_len: usize, down: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut edges: Vec<(usize, usize)> = upper
        .iter()
        .flat_map(|&u| down[u].iter().map(move |&v| (pos[u], pos[v])))
        .collect();
    edges.sort_unstable();
    let mut tree = vec![0usize; lower_len + 1];
    let mut count = 0;
    for (seen, &(_, v)) in edges.iter().enumerate() {
        // Links already seen whose lower end is at or left of v do not cross this one.
        let mut at_or_left = 0;
        let mut i = v + 1;
        while i > 0 {
            at_or_left += tree[i];
            i &= i - 1;
        }
        count += seen - at_or_left;
        let mut i = v + 1;
        while i <= lower_len {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

fn total_crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    layers
        .windows(2)
        .map(|pair| crossings(&pair[0], pair[1].len(), down, pos))
        .sum()
}

fn positions(layers: &[Vec<usize>], count: usize) -> Vec<usize> {
    let mut pos = vec![0; count];
    for layer in layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    pos
}

/// Barycentre ordering: sweep down (order by the mean position of predecessors) and up
/// (of successors); vertices without neighbours on that side keep their place.
fn order_layers(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>]) {
    let count = up.len();
    let mut pos = positions(layers, count);
    let mut best = layers.to_vec();
    let mut best_crossings = total_crossings(layers, down, &pos);
    for sweep in 0..ORDER_SWEEPS {
        let downward = sweep % 2 == 0;
        let indices: Vec<usize> = if downward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for li in indices {
            let neighbours = if downward { up } else { down };
            let mut keyed: Vec<(f64, usize)> = layers[li]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &neighbours[v];
                    let key = if ns.is_empty() {
                        i as f64
                    } else {
                        ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[li] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[li].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = total_crossings(layers, down, &pos);
        if c < best_crossings {
            best_crossings = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// x by alternating sweeps: each vertex wants its centre at the mean centre of its
/// neighbours in the layer just placed; a left-to-right pass and a right-to-left pass each
/// give a placement that keeps the order and gaps, and their average does too.
fn assign_x(verts: &mut [Vertex], layers: &[Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>]) {
    for layer in layers {
        let mut x = 0.0;
        for &v in layer {
            verts[v].x = x;
            x += verts[v].w + GAP_X;
        }
    }
    // Centre every layer on the widest one.
    let widths: Vec<f64> = layers.iter().map(|l| layer_width(verts, l)).collect();
    let widest = widths.iter().copied().fold(0.0, f64::max);
    for (layer, w) in layers.iter().zip(&widths) {
        for &v in layer {
            verts[v].x += (widest - w) / 2.0;
        }
    }
    for sweep in 0..PLACE_SWEEPS {
        let downward = sweep % 2 == 0;
        let neighbours = if downward { up } else { down };
        let indices: Vec<usize> = if downward {
            (0..layers.len()).collect()
        } else {
            (0..layers.len()).rev().collect()
        };
        for li in indices {
            let layer = &layers[li];
            let desired: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let ns = &neighbours[v];
                    if ns.is_empty() {
                        verts[v].x
                    } else {
                        let c = ns
                            .iter()
                            .map(|&u| verts[u].x + verts[u].w / 2.0)
                            .sum::<f64>()
                            / ns.len() as f64;
                        c - verts[v].w / 2.0
                    }
                })
                .collect();
            let mut left = desired.clone();
            for i in 1..layer.len() {
                let min = left[i - 1] + verts[layer[i - 1]].w + gap(verts, layer, i);
                left[i] = left[i].max(min);
            }
            let mut right = desired;
            for i in (0..layer.len().saturating_sub(1)).rev() {
                let max = right[i + 1] - gap(verts, layer, i + 1) - verts[layer[i]].w;
                right[i] = right[i].min(max);
            }
            for (i, &v) in layer.iter().enumerate() {
                verts[v].x = (left[i] + right[i]) / 2.0;
            }
        }
    }
}

/// The gap before the i-th vertex of a layer: narrower between dummies.
fn gap(verts: &[Vertex], layer: &[usize], i: usize) -> f64 {
    let dummy = |v: usize| verts[v].h == 0.0;
    if dummy(layer[i]) || dummy(layer[i - 1]) {
        GAP_X / 2.0
    } else {
        GAP_X
    }
}

fn layer_width(verts: &[Vertex], layer: &[usize]) -> f64 {
    layer.iter().map(|&v| verts[v].w).sum::<f64>() + GAP_X * layer.len().saturating_sub(1) as f64
}

/// Forward links leave their source's bottom and enter their target's top, at ports
/// spread along the side in the order of where the links go (so two links between the
/// same boxes stay apart), and run vertically through each dummy's layer.
fn route_forward(
    verts: &[Vertex],
    chains: &[Vec<usize>],
    layer_top: &[f64],
    layer_h: &[f64],
) -> Vec<Vec<[f64; 2]>> {
    let centre = |v: usize| verts[v].x + verts[v].w / 2.0;
    let mut outs: Vec<Vec<(f64, usize)>> = vec![Vec::new(); verts.len()];
    let mut ins: Vec<Vec<(f64, usize)>> = vec![Vec::new(); verts.len()];
    for (i, chain) in chains.iter().enumerate() {
        if let (Some(&a), Some(&b)) = (chain.first(), chain.last()) {
            if chain.len() >= 2 {
                outs[a].push((centre(chain[1]), i));
                ins[b].push((centre(chain[chain.len() - 2]), i));
            }
        }
    }
    let mut out_port = vec![0.0; chains.len()];
    let mut in_port = vec![0.0; chains.len()];
    for (v, list) in outs.iter_mut().enumerate() {
        spread(verts, v, list, &mut out_port);
    }
    for (v, list) in ins.iter_mut().enumerate() {
        spread(verts, v, list, &mut in_port);
    }
    chains
        .iter()
        .enumerate()
        .map(|(i, chain)| {
            let (Some(&a), Some(&b)) = (chain.first(), chain.last()) else {
                return Vec::new();
            };
            let mut pts = vec![[out_port[i], verts[a].y + verts[a].h]];
            for &d in &chain[1..chain.len() - 1] {
                let l = verts[d].layer;
                pts.push([centre(d), layer_top[l]]);
                pts.push([centre(d), layer_top[l] + layer_h[l]]);
            }
            pts.push([in_port[i], verts[b].y]);
            pts
        })
        .collect()
}

fn spread(verts: &[Vertex], v: usize, list: &mut [(f64, usize)], port: &mut [f64]) {
    list.sort_by(|a, b| a.0.total_cmp(&b.0));
    let k = list.len() as f64;
    for (j, &(_, link)) in list.iter().enumerate() {
        port[link] = verts[v].x + verts[v].w * (j as f64 + 1.0) / (k + 1.0);
    }
}

/// Back links (loops) leave the source's bottom, run right to a lane beyond every box of
/// the layers they span, up, and back left into the target's top, turning in the gaps
/// between layers so that they never cross a box.
fn route_back(
    verts: &[Vertex],
    links: &[(usize, usize)],
    valid: &[bool],
    back: &[bool],
    layers: &[Vec<usize>],
    routes: &mut [Vec<[f64; 2]>],
) {
    let mut lanes_used = 0usize;
    for (i, &(a, b)) in links.iter().enumerate() {
        if !valid[i] || !back[i] {
            continue;
        }
        let (va, vb) = (&verts[a], &verts[b]);
        let (lo, hi) = (vb.layer.min(va.layer), vb.layer.max(va.layer));
        let right = layers[lo..=hi]
            .iter()
            .flatten()
            .map(|&v| verts[v].x + verts[v].w)
            .fold(f64::MIN, f64::max);
        let lane = right + GAP_X / 2.0 + LANE_GAP * lanes_used as f64;
        lanes_used += 1;
        let below = va.y + va.h + GAP_Y / 3.0;
        let above = vb.y - GAP_Y / 3.0;
        let sx = va.x + va.w * 0.75;
        let tx = vb.x + vb.w * 0.75;
        routes[i] = vec![
            [sx, va.y + va.h],
            [sx, below],
            [lane, below],
            [lane, above],
            [tx, above],
            [tx, vb.y],
        ];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_stacks_top_to_bottom() {
        let p = place(&[(60.0, 30.0); 3], &[(0, 1), (1, 2)], Some(0), Some(2));
        assert_eq!(p.pos.len(), 3);
        assert!(p.pos[0].1 < p.pos[1].1 && p.pos[1].1 < p.pos[2].1);
        // One column: same x for equal widths.
        assert_eq!(p.pos[0].0, p.pos[1].0);
        assert_eq!(p.routes[0], vec![[30.0, 30.0], [30.0, 86.0]]);
    }

    #[test]
    fn a_loop_becomes_a_side_route() {
        let p = place(
            &[(60.0, 30.0); 3],
            &[(0, 1), (1, 1), (1, 2)],
            Some(0),
            Some(2),
        );
        let r = &p.routes[1];
        assert_eq!(r.len(), 6);
        // The lane lies right of the box.
        assert!(r[2][0] > p.pos[1].0 + 60.0);
        assert!(p.width >= r[2][0]);
    }

    #[test]
    fn crossings_are_counted_pairwise() {
        // Upper a b, lower x y: a→y and b→x cross once; a→x, b→y do not.
        let down = vec![vec![3], vec![2], vec![], vec![]];
        let pos = vec![0, 1, 0, 1];
        assert_eq!(crossings(&[0, 1], 2, &down, &pos), 1);
        let down = vec![vec![2], vec![3], vec![], vec![]];
        assert_eq!(crossings(&[0, 1], 2, &down, &pos), 0);
        // Shared ends never cross.
        let down = vec![vec![2, 3], vec![3], vec![], vec![]];
        assert_eq!(crossings(&[0, 1], 2, &down, &pos), 0);
    }

    #[test]
    fn bad_links_and_empty_graphs_do_not_panic() {
        assert!(place(&[], &[(0, 1)], Some(0), None).pos.is_empty());
        let p = place(&[(10.0, 10.0)], &[(0, 5), (3, 0)], Some(7), Some(9));
        assert_eq!(p.pos.len(), 1);
        assert!(p.routes.iter().all(Vec::is_empty));
    }
}
