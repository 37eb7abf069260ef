"""Engines decide where the two passes run; the work itself is in `cleaner.core.pipeline`."""
