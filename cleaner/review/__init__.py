"""Review what a run did: terminal diff, statistics, HTML report, progress bar (all read the change logs)."""
