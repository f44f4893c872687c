//! The state machine as a graph (laid out in the worker), with the path the run took,
//! failed, caught and retried states marked; zoom, pan, click for details, export as SVG.

use super::use_ctx;
use crate::browser;
use crate::state::Action;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::rc::Rc;
use stepbridge_inspect::graph::GraphLayout;
use stepbridge_inspect::trace::NodeStats;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq)]
struct Camera {
    scale: f64,
    x: f64,
    y: f64,
}

const MIN_SCALE: f64 = 0.2;
const MAX_SCALE: f64 = 3.0;

/// The first step of each node, so a click on a node opens its details.
fn first_steps(trace: &Value) -> HashMap<String, usize> {
    trace
        .get("firstSteps")
        .and_then(|s| HashMap::<String, usize>::deserialize(s).ok())
        .unwrap_or_default()
}

#[function_component(GraphView)]
pub fn graph_view() -> Html {
    let ctx = use_ctx();
    let camera = use_state(|| Camera {
        scale: 1.0,
        x: 0.0,
        y: 0.0,
    });
    let drag = use_mut_ref(|| None::<(f64, f64, Camera)>);
    let svg_ref = use_node_ref();
    let canvas_ref = use_node_ref();
    let graph = ctx.state.graph.clone();
    let layout = use_memo(graph.clone(), |graph| {
        graph
            .as_ref()
            .and_then(|g| GraphLayout::deserialize(&**g).ok())
            .unwrap_or(GraphLayout {
                width: 0.0,
                height: 0.0,
                nodes: Vec::new(),
                edges: Vec::new(),
            })
    });
    let report = ctx.state.report.clone();
    let stats: Rc<HashMap<String, NodeStats>> = use_memo(report.clone(), |report| {
        report
            .as_ref()
            .and_then(|r| r.trace.get("nodeStats"))
            .and_then(|s| HashMap::<String, NodeStats>::deserialize(s).ok())
            .unwrap_or_default()
    });
    let visits = use_memo(report.clone(), |report| {
        report
            .as_ref()
            .map(|r| first_steps(&r.trace))
            .unwrap_or_default()
    });
    // The selected step's node, from its detail (the worker sends it with the step).
    let selected_node = ctx
        .state
        .step_detail
        .as_ref()
        .filter(|(step, _)| ctx.state.step == Some(*step))
        .and_then(|(_, detail)| {
            detail
                .get("visit")?
                .get("node")?
                .as_str()
                .map(str::to_string)
        });

    // Ctrl+wheel zooms the graph instead of the page; Yew's wheel listeners are passive
    // (they cannot prevent the page zoom), so this one is registered by hand.
    {
        let camera = camera.clone();
        let canvas = canvas_ref.clone();
        use_effect_with(layout.nodes.is_empty(), move |_| {
            let listener = canvas.cast::<web_sys::Element>().map(|el| {
                gloo::events::EventListener::new_with_options(
                    &el,
                    "wheel",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        let Some(e) = event.dyn_ref::<web_sys::WheelEvent>() else {
                            return;
                        };
                        if !(e.ctrl_key() || e.meta_key()) {
                            return;
                        }
                        e.prevent_default();
                        let c = *camera;
                        let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
                        camera.set(Camera {
                            scale: (c.scale * factor).clamp(MIN_SCALE, MAX_SCALE),
                            ..c
                        });
                    },
                )
            });
            move || drop(listener)
        });
    }

    if layout.nodes.is_empty() {
        return html! {
            <p class="hint" data-testid="graph-empty">
                { if graph.is_some() { "The definition has no states to draw." } else { "The graph appears once the definition parses." } }
            </p>
        };
    }

    let zoom = |factor: f64| {
        let camera = camera.clone();
        Callback::from(move |_| {
            let c = *camera;
            camera.set(Camera {
                scale: (c.scale * factor).clamp(MIN_SCALE, MAX_SCALE),
                ..c
            });
        })
    };
    let fit = {
        let camera = camera.clone();
        Callback::from(move |_| {
            camera.set(Camera {
                scale: 1.0,
                x: 0.0,
                y: 0.0,
            })
        })
    };
    let on_down = {
        let drag = drag.clone();
        let camera = camera.clone();
        Callback::from(move |e: PointerEvent| {
            *drag.borrow_mut() = Some((e.client_x() as f64, e.client_y() as f64, *camera));
        })
    };
    let on_move = {
        let drag = drag.clone();
        let camera = camera.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some((x0, y0, c)) = *drag.borrow() {
                let (dx, dy) = (e.client_x() as f64 - x0, e.client_y() as f64 - y0);
                if dx.abs() + dy.abs() > 2.0 {
                    camera.set(Camera {
                        x: c.x + dx,
                        y: c.y + dy,
                        ..c
                    });
                }
            }
        })
    };
    let on_up = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| *drag.borrow_mut() = None)
    };
    let on_export = {
        let svg_ref = svg_ref.clone();
        Callback::from(move |_| {
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                let mut text = svg.outer_html();
                if !text.contains("xmlns=") {
                    text = text.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1);
                }
                browser::download("state-machine.svg", &text, "image/svg+xml");
            }
        })
    };

    let c = *camera;
    let margin = 20.0;
    let (w, h) = (layout.width + 2.0 * margin, layout.height + 2.0 * margin);
    let nodes = layout.nodes.iter().map(|n| {
        let st = stats.get(&n.id).cloned().unwrap_or_default();
        let classes = classes!(
            "node",
            format!("t-{}", n.kind.to_lowercase()),
            n.group.then_some("group"),
            n.missing.then_some("missing"),
            (st.visits > 0).then_some("visited"),
            (st.failed > st.caught).then_some("failed"),
            (st.caught > 0).then_some("caught"),
            (selected_node.as_deref() == Some(n.id.as_str())).then_some("selected"),
        );
        let step = visits.get(&n.id).copied();
        let onclick = {
            let ctx = ctx.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                if let Some(step) = step {
                    ctx.dispatch(Action::SelectStep(Some(step)));
                }
            })
        };
        let onkeydown = {
            let ctx = ctx.clone();
            Callback::from(move |e: KeyboardEvent| {
                if (e.key() == "Enter" || e.key() == " ") && step.is_some() {
                    e.prevent_default();
                    ctx.dispatch(Action::SelectStep(step));
                }
            })
        };
        let title = n.label.clone().filter(|_| n.group).unwrap_or_else(|| n.name.clone());
        let badge = match (st.retries, st.visits) {
            (r, _) if r > 0 => format!("↻{r}"),
            (_, v) if v > 1 => format!("×{v}"),
            _ => String::new(),
        };
        let interactive = step.is_some() && !n.group;
        html! {
            <g class={classes} data-node={n.id.clone()} data-testid={format!("node-{}", n.id)}
                onclick={onclick} onkeydown={onkeydown}
                tabindex={if interactive { "0" } else { "-1" }}
                role={if interactive { "button" } else { "img" }}
                aria-label={format!("{} ({}){}", n.name, n.kind, if st.visits > 0 { format!(", ran {} times", st.visits) } else { String::new() })}>
                <rect x={n.x.to_string()} y={n.y.to_string()} width={n.w.to_string()} height={n.h.to_string()} rx="6" />
                if n.group {
                    <text class="group-label" x={(n.x + 8.0).to_string()} y={(n.y + 16.0).to_string()}>{ title }</text>
                } else if let Some(detail) = n.label.clone().filter(|_| n.h >= 48.0) {
                    <text x={(n.x + n.w / 2.0).to_string()} y={(n.y + n.h / 2.0 - 2.0).to_string()} text-anchor="middle">{ n.name.clone() }</text>
                    <text class="node-detail" x={(n.x + n.w / 2.0).to_string()} y={(n.y + n.h / 2.0 + 11.0).to_string()} text-anchor="middle">{ detail }</text>
                } else {
                    <text x={(n.x + n.w / 2.0).to_string()} y={(n.y + n.h / 2.0 + 4.0).to_string()} text-anchor="middle">{ n.name.clone() }</text>
                }
                if !badge.is_empty() {
                    <text class="badge" x={(n.x + n.w - 4.0).to_string()} y={(n.y + 12.0).to_string()} text-anchor="end">{ badge }</text>
                }
            </g>
        }
    });
    let edges = layout.edges.iter().map(|e| {
        let d = e
            .points
            .iter()
            .enumerate()
            .map(|(i, [x, y])| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }))
            .collect::<Vec<_>>()
            .join(" ");
        let taken = stats.get(&e.from).is_some_and(|s| s.visits > 0)
            && stats.get(&e.to).is_some_and(|s| s.visits > 0);
        let mid = e.points.get(e.points.len() / 2).copied();
        html! {
            <g class={classes!("edge", format!("k-{:?}", e.kind).to_lowercase(), taken.then_some("taken"))}>
                <path d={d} marker-end="url(#arrow)" />
                if let (Some(label), Some([x, y])) = (&e.label, mid) {
                    <text class="edge-label" x={(x + 4.0).to_string()} y={(y - 4.0).to_string()}>{ label }</text>
                }
            </g>
        }
    });
    html! {
        <div class="graph-view" data-testid="graph-view">
            <div class="graph-tools">
                <button class="small" onclick={zoom(1.2)} aria-label="Zoom in">{ "+" }</button>
                <button class="small" onclick={zoom(1.0 / 1.2)} aria-label="Zoom out">{ "−" }</button>
                <button class="small" onclick={fit}>{ "Reset view" }</button>
                <button class="small" onclick={on_export} data-testid="export-svg">{ "Export SVG" }</button>
                <span class="hint">{ "Drag to pan, Ctrl+wheel to zoom; click a state for its details." }</span>
            </div>
            <div class="graph-canvas" ref={canvas_ref} onpointerdown={on_down} onpointermove={on_move}
                onpointerup={on_up.clone()} onpointerleave={on_up}>
                <svg ref={svg_ref} class="graph" width={(w * c.scale).to_string()} height={(h * c.scale).to_string()}
                    viewBox={format!("{} {} {w} {h}", -margin - c.x / c.scale, -margin - c.y / c.scale)}
                    role="group" aria-label="State machine graph">
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" />
                        </marker>
                    </defs>
                    { for nodes }
                    { for edges }
                </svg>
            </div>
        </div>
    }
}
