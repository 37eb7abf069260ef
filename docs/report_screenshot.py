"""Make docs/report.png and docs/report-overview.png: the sample run's report in headless Chromium.

    python docs/report_screenshot.py      (or `make report-screenshot`)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cleaned"
        subprocess.run([sys.executable, "-m", "cleaner", "run", str(ROOT / "raw"), "-o", str(out), "-q"], check=True)
        subprocess.run([sys.executable, "-m", "cleaner", "report", str(out), "-q", "--title", "cleaner report: the sample run (raw/)"], check=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860}, device_scale_factor=1)
            page.goto((out / "report.html").as_uri())
            page.wait_for_selector("body[data-ready='1']")
            page.screenshot(path=str(ROOT / "docs" / "report-overview.png"))
            page.click("#pagetable tbody tr:nth-child(2) a")
            page.wait_for_selector("#text[data-page]")
            # a removal that covers an earlier edit shows the most in its tooltip
            target = page.locator("#text .e.del[data-depth='0']:has(.e)").first
            if not target.count():
                target = page.locator("#text .e.del").first
            target.hover()
            page.screenshot(path=str(ROOT / "docs" / "report.png"))
            browser.close()
    print("wrote docs/report.png and docs/report-overview.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
