//! JSONata 2.0, written for Step Functions' JSONata mode.
