//! A simulated EventBridge bus, on the same virtual clock idea as the interpreter.
//! It joins the two halves of the product: a rule's state machine target starts an
//! execution in `stepbridge-asl` with the (transformed) event as input.
