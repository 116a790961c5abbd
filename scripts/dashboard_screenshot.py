"""docs/dashboard.png and docs/dashboard_compare.png: the dashboard of a scenario in headless
Chromium, after running its horizon, then the comparison with the FSL budget at zero.

    .venv/bin/python scripts/dashboard_screenshot.py [SCENARIO] [--out docs]

Needs Debian's chromium at /usr/bin/chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]


def start(scenario: Path) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-u", "-m", "inclusion_sim.cli", "dashboard", str(scenario)]
    server = subprocess.Popen(
        [*command, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = next(m.group(1) for line in server.stdout if (m := re.search(r"at (http://\S+)", line)))
    for _ in range(180):
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return server, url
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the dashboard did not answer at {url}")


def click_until(page, button, text: str) -> None:
    """Clicks in the first moments after the page appears can be lost: retry until `text`."""
    for _ in range(4):
        button.click()
        try:
            page.get_by_text(text).wait_for(timeout=30_000)
            return
        except PlaywrightTimeout:
            pass
    raise SystemExit(f"{text!r} never showed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=ROOT / "scenarios/energy_baseline.toml")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    server, url = start(Path(args.scenario))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1900})
            page.goto(url, timeout=120_000)
            page.locator(".ism-value").first.wait_for(timeout=120_000)
            run = page.get_by_role("button", name=re.compile("Run to the horizon"))
            horizon = re.search(r"month (\d+)", run.inner_text(), re.I).group(1)
            click_until(page, run, f"month {horizon} of {horizon}")
            page.screenshot(path=args.out / "dashboard.png")
            slider = page.locator(".v-input", has_text="fsl_budget").locator("[role=slider]")
            slider.focus()
            slider.press("Home")
            click_until(page, page.get_by_role("button", name="Reset"), "fsl_budget: 800000.0")
            page.get_by_role("tab", name="Page 1").click()
            page.get_by_role("button", name="Compare with the shipped scenario").click()
            page.locator('.ism-value[data-key^="difference:"]').first.wait_for(timeout=300_000)
            page.screenshot(path=args.out / "dashboard_compare.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"Wrote {args.out / 'dashboard.png'} and {args.out / 'dashboard_compare.png'}")


if __name__ == "__main__":
    main()
