"""Developer tools kept out of the runtime package (and the wheel): the deterministic scenes."""
