"""How big and how fast is the HTML report for a large run?

Makes a synthetic run of N pages (default 10,000) with real change logs: each
page is generated text with injected chrome lines, no-break spaces, typos and
blank-line runs, and four toy stages commit edits through `Page.commit`, so
logs hold deletions, replacements and absorbed edits like a real run.  Then it
measures: building the report (seconds, MB), and in headless Chromium the
time until the overview is usable, the time to open a page, and the time to
apply a rule filter over all pages.  The peer is the same data written
uncompressed (what the file would weigh without gzip chunks).

    python benchmarks/report_bench.py --pages 10000 [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import regex
from wordfreq import top_n_list

from cleaner.core.page import Page, Proposal
from cleaner.io.changelog import serialize_log
from cleaner.io.pages import atomic_write, log_path, sha256
from cleaner.review.model import iter_pages
from cleaner.review.report import build_report

CHROME = [
    ("chrome.nav.share", "Share on {w} · Tweet · Pin it"),
    ("chrome.builder.byline", "Posted by {w} on March {n}, 2023"),
    ("chrome.notice.cookies", "We use cookies to improve your experience. Accept all cookies"),
    ("chrome.nav.related", "Related posts: {w} {w} {w}"),
    ("chrome.comments.section", "{n} Comments"),
    ("chrome.notice.newsletter", "Subscribe to our newsletter for {w} updates"),
    ("chrome.builder.read-time", "{n} min read"),
    ("chrome.nav.breadcrumb", "Home › {w} › {w}"),
]
CHROME_RE = [(rid, regex.compile("^" + regex.escape(t).replace(r"\{w\}", r"\w+").replace(r"\{n\}", r"\d+") + "$", regex.M))
             for rid, t in CHROME]
TYPOS = {"the": "teh", "which": "whcih", "their": "thier", "because": "becuase", "people": "poeple", "about": "abuot"}


def make_page(rng: random.Random, words: list[str], weights: list[float]) -> str:
    lines: list[str] = []
    for _ in range(rng.randint(4, 22)):
        r = rng.random()
        if r < 0.25:
            rid, t = rng.choice(CHROME)
            lines.append(t.replace("{w}", rng.choice(words[:300]).capitalize(), 1).replace("{w}", rng.choice(words[:300]))
                         .replace("{w}", rng.choice(words[:300])).replace("{n}", str(rng.randint(1, 99))))
        else:
            sents = []
            for _ in range(rng.randint(1, 4)):
                ws = rng.choices(words, weights, k=rng.randint(6, 22))
                ws = [TYPOS.get(w, w) if rng.random() < 0.3 else w for w in ws]
                sents.append(" ".join(ws).capitalize() + ".")
            para = " ".join(sents)
            if rng.random() < 0.2:
                para = para.replace(" ", "\u00a0", 1)
            lines.append(para)
        lines.append("\n" * rng.choice((0, 0, 0, 1, 2)))
    return "\n".join(lines) + "\n"


def clean(page: Page) -> None:
    text = page.text
    page.commit("normalize", [Proposal(m.start(), m.end(), " ", "normalize.unicode-space", "U+00A0 space") for m in regex.finditer("\u00a0", text)])
    text = page.text
    props = []
    for rid, rx in CHROME_RE:
        props += [Proposal(m.start(), min(m.end() + 1, len(text)), "", rid, f"{rid.split('.')[-1]} line (synthetic)") for m in rx.finditer(text)]
    page.commit("chrome", props)
    text = page.text
    back = {v: k for k, v in TYPOS.items()}
    page.commit("spelling", [Proposal(m.start(), m.end(), back[m.group()], "spelling.common-typo", f"{m.group()} is a known typo of {back[m.group()]}")
                             for m in regex.finditer(r"\b(?:" + "|".join(back) + r")\b", text)])
    text = page.text
    page.commit("tidy", [Proposal(m.start() + 2, m.end(), "", "tidy.blank-lines", "run of blank lines") for m in regex.finditer(r"\n{3,}", text)])


def synthesize(outdir: Path, n: int, seed: int = 7) -> tuple[int, int]:
    rng = random.Random(seed)
    words = top_n_list("en", 4000)
    weights = [1 / (i + 10) for i in range(len(words))]
    raw_total = edits = 0
    for i in range(n):
        raw = make_page(rng, words, weights)
        page = Page(raw, name=f"site{i % 97:02d}/page{i:05d}.txt")
        clean(page)
        out = outdir / page.name
        header = {"name": page.name, "encoding": "utf-8", "raw_sha256": sha256(raw.encode()), "raw_chars": len(raw),
                  "rules_digest": "synthetic", "site": f"site{i % 97:02d}", "warnings": []}
        atomic_write(log_path(out), serialize_log(header, page.edits))
        atomic_write(out, page.text.encode("utf-8"))
        raw_total += len(raw)
        edits += len(page.edits)
    return raw_total, edits


def browser_times(report: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]
    out: dict[str, float] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for attempt in range(3):
            pg = b.new_page(viewport={"width": 1280, "height": 900})
            t0 = time.perf_counter()
            pg.goto(report.as_uri(), timeout=120_000)
            pg.wait_for_selector("body[data-ready='1']", timeout=120_000)
            load = time.perf_counter() - t0
            t0 = time.perf_counter()
            name = pg.get_attribute("#pagetable tbody tr:nth-child(3)", "data-page")
            pg.click("#pagetable tbody tr:nth-child(3) a")
            pg.wait_for_selector(f"#text[data-page='{name}']")
            open_page = time.perf_counter() - t0
            t0 = time.perf_counter()
            pg.click("#next")
            pg.wait_for_function(f"() => document.getElementById('text').dataset.page !== '{name}'")
            next_page = time.perf_counter() - t0
            pg.click("#back")
            t0 = time.perf_counter()
            pg.select_option("#rule-select", label=pg.eval_on_selector("#rule-select optgroup:nth-of-type(2) option", "o => o.textContent"))
            pg.wait_for_function("() => /match/.test(document.getElementById('page-count').textContent)")
            filt = time.perf_counter() - t0
            if attempt:  # the first round warms the disk cache and the browser
                for k, v in (("load_s", load), ("open_page_s", open_page), ("next_page_s", next_page), ("filter_s", filt)):
                    out[k] = min(out.get(k, v), v)
            pg.close()
        b.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="Keep the synthetic run in this directory.")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="report-bench-"))
    try:
        t0 = time.perf_counter()
        raw_chars, edits = synthesize(work, args.pages)
        print(f"synthetic run: {args.pages:,} pages, {raw_chars / 1e6:.1f} M characters, {edits:,} top-level edits "
              f"in {time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        pages = list(iter_pages(work))
        html = build_report(pages, work)
        report = work / "report.html"
        report.write_text(html, encoding="utf-8")
        build = time.perf_counter() - t0
        size = report.stat().st_size
        peer = len(json.dumps([{"r": p.raw, "e": [e.to_json() for e in p.edits]} for p in pages], ensure_ascii=False).encode())
        print(f"report: {size / 1e6:.2f} MB in {build:.1f}s (read logs + build); "
              f"peer, the same pages and logs as plain JSON: {peer / 1e6:.2f} MB "
              f"(gzip of that: {len(gzip.compress(json.dumps([p.raw for p in pages]).encode(), 6)) / 1e6:.2f} MB for the raw text alone)")
        if not args.no_browser:
            t = browser_times(report)
            print(f"headless Chromium (best of 2 after a warm-up): overview ready {t['load_s'] * 1000:.0f} ms, "
                  f"open a page {t['open_page_s'] * 1000:.0f} ms, next page {t['next_page_s'] * 1000:.0f} ms, "
                  f"rule filter over all pages {t['filter_s'] * 1000:.0f} ms")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
