"""sqla-tui test suite."""
