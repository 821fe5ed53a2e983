"""ccrnn-reproduce: one command per claim of the papers (see scripts/ccrnn-reproduce --help)."""
