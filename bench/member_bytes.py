"""Benchmark: a member's whole flow on a cold cache must take ≤ 80 KB over the wire (issue 11).

Starts uvicorn on loopback with a fresh SQLite database of demo data and drives Debian's
Chromium at phone size through the flow: the login page, signing in as member1, the
worklist, a household, its visit form, the leaflets and one leaflet, and the calculator for a
person. Every answer's bytes as transferred (gzip as served, headers included) are summed.

The flow is measured with the service worker blocked: that is what the member opens. A second
run lets the worker in and reports apart what it adds in the background (the app shell it
installs and the copies of the member's pages it keeps for reading offline); that is paid
once, on good signal, and is not part of the goal.

    python bench/member_bytes.py [--figures FILE]
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Request, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.goals import Figure, arguments, report  # noqa: E402
from bench.serving import Server  # noqa: E402

GOAL_KB = 80.0
CHROMIUM = "/usr/bin/chromium"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
ALL_PAGES_KEPT = """async () => {
  if (!(await caches.has("pages"))) return false;
  const { urls } = await (await fetch("/offline/urls")).json();
  const pages = await caches.open("pages");
  for (const url of urls) {
    if (!(await pages.match(url, { ignoreVary: true }))) return false;
  }
  return true;
}"""


def serve_demo(folder: Path) -> Server:
    """A migrated database with the demo data, then the server on it."""
    os.environ["VANGUARD_DATABASE_URL"] = f"sqlite:///{folder / 'vanguard.db'}"
    for command in ("migrate", "demo"):
        subprocess.run([sys.executable, "-m", "app.cli", command], cwd=ROOT, check=True)
    return Server(folder / "server.log")


class Wire:
    """Bytes received from the network (answers a worker or the memory cache gave weigh 0)."""

    def __init__(self, context: BrowserContext) -> None:
        self.received = 0
        self.requests = 0
        context.on("requestfinished", self.count)

    def count(self, request: Request) -> None:
        response = request.response()
        if response is None or response.from_service_worker:
            return
        sizes = request.sizes()
        received = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.received += received
        self.requests += received > 0


def member_flow(page: Page, server: str) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("用户名", exact=True).fill("member1")
    page.get_by_label("密码", exact=True).fill("vanguard-demo")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{server}/worklist")
    household = page.locator("li.work-item a.row-link").first.get_attribute("href")
    page.goto(f"{server}{household}")
    calculator = page.locator('a[href^="/calculator?person_id="]').first.get_attribute("href")
    page.goto(f"{server}{household}/visits/new")
    page.goto(f"{server}/leaflets")
    page.locator("ul.leaflet-list a").first.click()
    page.wait_for_load_state()
    page.goto(f"{server}{calculator}")
    page.wait_for_load_state("networkidle")


def measure(browser, server: str, service_workers: str) -> Wire:
    context = browser.new_context(**PHONE, service_workers=service_workers)
    wire = Wire(context)
    page = context.new_page()
    member_flow(page, server)
    if service_workers == "allow":
        page.wait_for_function(ALL_PAGES_KEPT, polling=500, timeout=120_000)
    context.close()
    return wire


def main() -> None:
    args = arguments(argparse.ArgumentParser(description=__doc__.split("\n\n")[0]))
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_demo(Path(tmp)) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        flow = measure(browser, server.url, "block")
        worker = measure(browser, server.url, "allow")
        browser.close()
    background = (worker.received - flow.received) / 1024
    print(
        f"with the service worker: {worker.received / 1024:.1f} KB in {worker.requests}"
        f" requests, {background:.1f} KB of them in the background (the app shell and the"
        " offline copies of the member's pages, not part of the goal)"
    )
    how = f"{flow.requests} requests, gzip, service worker blocked"
    figure = Figure("member flow, cold cache", flow.received / 1024, "KB", GOAL_KB, False, how)
    report([figure], args.figures)


if __name__ == "__main__":
    main()
