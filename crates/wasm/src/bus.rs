//! Simulated bus exports (owner: the bus work).
