"""``python -m cleaner.cli``: the same command line as ``cleaner``."""

from cleaner.cli import main

main()
