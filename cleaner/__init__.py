"""cleaner: clean scraped web text, with a change log for every edit."""

__version__ = "0.1.0"
