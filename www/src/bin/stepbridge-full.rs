//! The whole playground, the EventBridge workbench and the Practice section included. The
//! page loads it in place of `stepbridge-www` when the user opens one of those sections.

fn main() {
    stepbridge_www::start(Some(stepbridge_www::sections()));
}
