"""HTTP endpoints of the simulator: one module per resource, all built on `common`."""
