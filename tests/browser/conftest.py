"""Real-browser fixtures: system Chromium posing as a phone, the app served by uvicorn in a thread
against a fresh copy of the template database, and helpers the flows share."""

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from app.core.config import PROJECT_ROOT
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
ARTIFACTS = PROJECT_ROOT / "artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright's own Chromium cannot be downloaded here; Debian's works.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


@pytest.fixture
def live_server(database_url) -> Iterator[str]:
    """The app on a free local port; settings and engine are read per request, so it uses this
    test's database."""
    from app.main import app

    # Binding here, and handing uvicorn the socket, leaves no window for another process to
    # take the port (xdist workers start servers side by side).
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture(autouse=True)
def no_console_errors(page: Page, request: pytest.FixtureRequest) -> Iterator[None]:
    """Every flow must run without script errors; a CSP violation is reported as one too. A
    flow that makes requests fail on purpose names the lines it expects (htmx logs each
    failure) with @pytest.mark.console_errors(pattern, …)."""
    documents: set[str] = set()
    errors: list[str] = []
    marker = request.node.get_closest_marker("console_errors")
    expected = [re.compile(pattern) for pattern in (marker.args if marker else ())]

    def note_document(request: Request) -> None:
        # A page, or what HTMX asks for in its place: their 4xx are answers the page shows.
        if request.is_navigation_request() or request.resource_type in ("xhr", "fetch"):
            documents.add(request.url)

    def collect(message: ConsoleMessage) -> None:
        url = message.location.get("url", "").split("#")[0]
        # Chromium also logs a page's own 4xx status; forms shown again with 400/422 mean it.
        if message.text.startswith("Failed to load resource") and url in documents:
            return
        if any(pattern.search(message.text) for pattern in expected):
            return
        if message.type == "error":
            errors.append(f"{message.text} ({url})")

    page.on("request", note_document)
    page.on("console", collect)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    assert not errors, "\n".join(errors)


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@contextmanager
def screenshot_on_failure(page: Page, name: str) -> Iterator[None]:
    """A flow's own screenshot when it fails, named for the step it was on."""
    try:
        yield
    except BaseException:
        screenshot(page, f"{name}-failed")
        raise


# True once the service worker keeps every page the server names for the signed-in member.
_ALL_PAGES_KEPT = """async () => {
  if (!(await caches.has("pages"))) return false;
  const { urls } = await (await fetch("/offline/urls")).json();
  const pages = await caches.open("pages");
  for (const url of urls) {
    if (!(await pages.match(url, { ignoreVary: true }))) return false;
  }
  return true;
}"""


def wait_until_kept(page: Page) -> None:
    """Wait until the phone holds the member's offline copies (service workers allowed)."""
    page.wait_for_function(_ALL_PAGES_KEPT, polling=250, timeout=30_000)


def submit_login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill in the login page shown in Chinese and tap 登录."""
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def sign_in(page: Page, server: str, username: str) -> None:
    """Sign in and wait for the role's home (members land on their worklist, leads on their
    team view)."""
    page.goto(f"{server}/login")
    submit_login(page, username)
    expect(page).not_to_have_url(re.compile(r"/login"))


def tab(page: Page, name: str) -> None:
    """Tap an entry of the bottom navigation."""
    page.locator("nav.tabbar").get_by_role("link", name=name, exact=True).click()
