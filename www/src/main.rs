//! The page's first wasm: the state-machine workbench. The EventBridge workbench and the
//! Practice section come with `stepbridge-full`, loaded when the user opens them.

fn main() {
    stepbridge_www::start(None);
}
