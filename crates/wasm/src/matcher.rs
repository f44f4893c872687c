//! Many-rule matching exports (owner: the fast matcher work).
