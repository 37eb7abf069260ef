"""Which site a page belongs to, for the per-site statistics and the ``sites:`` scope of rules.

By default the site is the directory a page sits in (`cleaner.io.pages.discover`).
``cleaner run --site-from REGEX`` takes it from the page's path instead (the
named group ``site``, else group 1, else the whole match), for corpora laid
out flat (``example.org__page-17.txt``).  ``site_from_url`` is the host of a
``url`` field, for readers of records that carry one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

import regex


class _HasSite(Protocol):
    rel: str
    site: str


_Sited = TypeVar("_Sited", bound=_HasSite)


class SitePatternError(ValueError):
    pass


def compile_site_pattern(pattern: str) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise SitePatternError(f"--site-from: bad regex {pattern!r}: {exc}") from None


def site_from_path(rel: str, pattern: regex.Pattern[str]) -> str | None:
    """The site named by ``pattern`` in the page's relative path, or None when it does not match."""
    m = pattern.search(rel)
    if m is None:
        return None
    if "site" in pattern.groupindex:
        site = m.group("site")
    elif pattern.groups:
        site = m.group(1)
    else:
        site = m.group(0)
    return site or None


def with_sites_from(items: list[_Sited], pattern: str) -> list[_Sited]:
    """Pages (or shards) with their site taken from the path; one the pattern misses keeps its directory's."""
    pat = compile_site_pattern(pattern)
    return [replace(it, site=site) if (site := site_from_path(it.rel, pat)) else it for it in items]  # type: ignore[type-var]


def site_from_url(url: str) -> str:
    """``https://www.Example.org/a/b`` -> ``example.org``."""
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
