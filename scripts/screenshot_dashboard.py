"""Drive the dashboard (``akimsim dashboard``) in a headless Chromium.

Takes the screenshot shown in the README::

    .venv/bin/python scripts/screenshot_dashboard.py            # writes docs/dashboard.png

and lends ``tests/test_dashboard.py`` its helpers: :class:`Server` starts the dashboard
on a free local port, :func:`open_dashboard` loads it in the system's Chromium through
Playwright (no browser download: ``apt-get install -y chromium``) and returns a
:class:`Dashboard` that changes controls, presses the buttons, reads the views and
records every request the page makes and every error it shows or logs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "AKIMSIM_CHROMIUM"
INSTALL_HINT = ("the dashboard's browser test needs Debian's Chromium: run "
                "`apt-get update && apt-get install -y chromium` (as root), or set "
                f"{CHROMIUM_ENV} to a Chromium or Chrome executable")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
VIEWS = ("policy", "votes", "timeline")  # CSS class suffixes of the three figures


def find_chromium() -> str | None:
    """The Chromium executable: ``$AKIMSIM_CHROMIUM``, else the first on PATH."""
    env = os.environ.get(CHROMIUM_ENV)
    if env:
        return env if Path(env).is_file() else shutil.which(env)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``akimsim dashboard`` on a free port of 127.0.0.1, as a context manager."""

    def __init__(self, start_year: int | None = None, end_year: int | None = None,
                 port: int | None = None, timeout: float = 90.0) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.timeout = timeout
        self.args = [sys.executable, "-m", "akimsim", "dashboard", "--host", "127.0.0.1",
                     "--port", str(self.port), "--no-browser"]
        if start_year is not None:
            self.args += ["--start-year", str(start_year)]
        if end_year is not None:
            self.args += ["--end-year", str(end_year)]
        self.proc: subprocess.Popen[bytes] | None = None
        # the server's output, kept for the error message when it fails (removed after)
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (lives as long as the server)
            prefix="akimsim-dashboard-", suffix=".log", delete=False)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=ROOT)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the dashboard server exited with status "
                                   f"{self.proc.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.__exit__(TimeoutError)
        raise TimeoutError(f"the dashboard did not answer on {self.url} within "
                           f"{self.timeout:.0f} s:\n{self.output()}")

    def __exit__(self, exc_type: object = None, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # the launcher stops its Solara server and exits
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if exc_type is None:
            Path(self.log.name).unlink(missing_ok=True)
        else:
            print(f"dashboard server output kept in {self.log.name}", file=sys.stderr)


class Dashboard:
    """The loaded page: actions, readings and what the page requested and reported."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.console_errors.append(f"pageerror: {e}"))

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    # ------------------------------------------------------------------ actions

    def load(self, url: str, timeout: float = 60.0) -> None:
        self.page.goto(url)
        self.wait_views(timeout)

    def wait_views(self, timeout: float = 60.0) -> None:
        """Until the status and the three figures are on the page."""
        self.page.locator(".akimsim-status-year").wait_for(timeout=timeout * 1000)
        for view in VIEWS:
            self.page.locator(f"img.akimsim-{view}").wait_for(timeout=timeout * 1000)

    def select(self, label: str, value: str) -> None:
        """Choose ``value`` in the drop-down labelled ``label``."""
        field = self.page.locator(".v-select").filter(
            has=self.page.locator("label", has_text=label))
        field.locator(".v-select__slot").click()
        menu = self.page.locator(".menuable__content__active")
        menu.locator(".v-list-item").filter(
            has_text=re.compile(rf"^\s*{re.escape(value)}\s*$")).click()
        self.page.wait_for_function(
            """([label, value]) => [...document.querySelectorAll('.v-select')].some(
                 s => s.querySelector('label')?.textContent.trim() === label &&
                      s.querySelector('.v-select__selection')?.textContent.trim() === value)""",
            arg=[label, value])

    def slide(self, label: str, steps: int) -> None:
        """Move the slider labelled ``label`` by ``steps`` (keyboard arrows)."""
        field = self.page.locator(".v-input").filter(
            has=self.page.locator("label", has_text=label)).filter(
            has=self.page.locator("[role=slider]"))
        thumb = field.locator("[role=slider]")
        thumb.focus()
        for _ in range(abs(steps)):
            thumb.press("ArrowRight" if steps > 0 else "ArrowLeft")
        thumb.blur()

    def button(self, name: str) -> Any:
        return self.page.get_by_role("button", name=name, exact=True)

    def play_button(self) -> Any:
        """Mesa's play/pause button (labelled ▶, or ❚❚ while playing)."""
        return self.page.get_by_role("button", name=re.compile(r"^\s*(▶|❚❚)\s*$"))

    def reset(self, expect: tuple[str, ...] = (), timeout: float = 30.0) -> None:
        """Press Reset: a new model from the controls. Waits until the status shows the
        start of a run and every text in ``expect``."""
        self.button("Reset").click()
        self.page.wait_for_function(
            """(expect) => {
                 const card = document.querySelector('.akimsim-status-card');
                 const year = document.querySelector('.akimsim-status-year');
                 return card && year && year.textContent.startsWith('Year -:') &&
                        expect.every(t => card.textContent.includes(t)); }""",
            arg=list(expect), timeout=timeout * 1000)

    def step(self, timeout: float = 30.0) -> str:
        """Press Step; wait until the status shows the next year and the metrics over
        time have redrawn (the other views redraw only when what they show changed).
        Returns the new year."""
        year = self.year()
        timeline = self.view_srcs()["timeline"]
        self.button("Step").click()
        self.page.wait_for_function(
            """([year, src]) => {
                 const status = document.querySelector('.akimsim-status-year');
                 const img = document.querySelector('img.akimsim-timeline');
                 return status && status.textContent.match(/^Year (\\S+):/)?.[1] !== year &&
                        img && img.src !== src &&
                        [...document.querySelectorAll('img.solara-image')]
                          .every(i => i.complete); }""",
            arg=[year, timeline], timeout=timeout * 1000)
        return self.year()

    # ------------------------------------------------------------------ readings

    def year(self) -> str:
        text = self.page.locator(".akimsim-status-year").inner_text()
        m = re.match(r"Year (\S+):", text)
        return m.group(1) if m else text

    def status(self) -> str:
        return "\n".join(self.page.locator(
            ".akimsim-status-card .v-card__text span").all_inner_texts())

    def captions(self) -> dict[str, str]:
        return {v: self.page.locator(f".akimsim-{v}-caption").inner_text() for v in VIEWS}

    def view_srcs(self) -> dict[str, str]:
        return {v: str(self.page.locator(f"img.akimsim-{v}").get_attribute("src"))
                for v in VIEWS}

    def view_hashes(self) -> dict[str, str]:
        """SHA-256 of each figure's image bytes, as the browser holds them."""
        return {v: self.page.evaluate(
            """async (v) => {
                 const img = document.querySelector('img.akimsim-' + v);
                 const buf = await (await fetch(img.src)).arrayBuffer();
                 const digest = await crypto.subtle.digest('SHA-256', buf);
                 return [...new Uint8Array(digest)]
                   .map(b => b.toString(16).padStart(2, '0')).join('') + ':' + buf.byteLength;
               }""", v) for v in VIEWS}

    def errors_shown(self) -> list[str]:
        """Error alerts and tracebacks visible on the page."""
        found = [t for t in self.page.locator(".v-alert.error, .error--text").all_inner_texts()
                 if t.strip()]
        body = self.page.locator("body").inner_text()
        found += [line for line in body.splitlines()
                  if "Traceback" in line or re.search(r"\b\w*Error\b:", line)]
        return found

    def outside_requests(self) -> list[str]:
        """Requests the page made to anywhere but this machine."""
        outside = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob"):
                host = urlparse(parsed.path).hostname if parsed.scheme == "blob" else None
                if host is None or host in LOCAL_HOSTS:
                    continue
            elif parsed.hostname in LOCAL_HOSTS:
                continue
            outside.append(url)
        return outside


@contextlib.contextmanager
def open_dashboard(url: str, chromium: str | None = None,
                   viewport: tuple[int, int] = (1500, 1150)) -> Iterator[Dashboard]:
    """Chromium (headless, the system's) on ``url``, via Playwright."""
    from playwright.sync_api import sync_playwright

    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError(INSTALL_HINT)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=exe, headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--no-first-run", "--disable-component-update", "--disable-sync",
                  "--disable-background-networking", "--disable-domain-reliability"])
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.set_default_timeout(30_000)
            dash = Dashboard(page)
            dash.load(url)
            yield dash
        finally:
            browser.close()


def take_screenshot(out: Path, steps: int = 5) -> Path:
    """The README's picture: three districts of five villages, districts and villages
    electing their akims directly by two-round majority, a few years into the run."""
    with Server(start_year=2013, end_year=2030) as server, open_dashboard(server.url) as dash:
        dash.slide("Districts", 2)
        dash.slide("Villages per district", 1)
        dash.select("District akims", "direct")
        dash.select("Rural akims", "direct")
        dash.select("Rule of direct elections", "two_round")
        dash.reset(expect=("3 districts", "15 rural posts", "district direct", "rural direct", "two_round"))
        for _ in range(steps):
            dash.step()
        dash.page.wait_for_timeout(500)
        problems = dash.errors_shown() + dash.outside_requests()
        if problems:
            raise RuntimeError(f"the dashboard reported problems: {problems}")
        out.parent.mkdir(parents=True, exist_ok=True)
        dash.page.screenshot(path=str(out), full_page=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--steps", type=int, default=5, help="years to simulate (default 5)")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print(f"screenshot_dashboard: error: {INSTALL_HINT}", file=sys.stderr)
        return 2
    path = take_screenshot(args.out, args.steps)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
