"""Drive the dashboard (``akimsim dashboard``) in a headless Chromium.

Takes the screenshots shown in the README and docs/dashboard.md, in a 1,280 px wide
window (a classroom projector's)::

    .venv/bin/python scripts/screenshot_dashboard.py
    # writes docs/dashboard.png (the page after three years) and docs/dashboard_help.png
    # (the help panel open)

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
#: CSS class suffixes of the figures (img.akimsim-<name>, .akimsim-<name>-caption)
FIGURES = ("policy", "result", "votes", "councils", "timeline")
#: the figures that change with (nearly) every year of a run with direct rural elections
VIEWS = ("policy", "result", "votes", "timeline")
#: a projector's window: every text on the page is at least 12 px wide at this size
PROJECTOR = (1280, 800)
#: Mesa's SolaraViz controls the page hides (it sets them itself)
HIDDEN_CONTROLS = ("Play Interval", "Render Interval", "Use Threads")

#: the smallest computed font size (CSS px) of the visible text: every non-blank text
#: node of the page whose element has a size and is not hidden (display, visibility,
#: opacity, or inside a hidden ancestor: checkVisibility), nothing else left out. Text
#: drawn in the figures is checked apart: each figure is shown at its full size
#: (figure_scales), so its smallest text is the figure's (akimsim.edge.dashboard
#: .MIN_FONT_PT points = as many CSS px).
MIN_FONT_JS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let smallest = null, node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TITLE'].includes(el.tagName)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (smallest === null || size < smallest.size) smallest = {size, text: text.slice(0, 60)};
  }
  return smallest;
}"""


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
        """Until the status and every figure are on the page."""
        self.page.locator(".akimsim-status-year").wait_for(timeout=timeout * 1000)
        for view in FIGURES:
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
        start of a run ("Before <first year>: press Step ...") and every text in
        ``expect``."""
        self.button("Reset").click()
        self.page.wait_for_function(
            """(expect) => {
                 const card = document.querySelector('.akimsim-status-card');
                 const year = document.querySelector('.akimsim-status-year');
                 return card && year && year.textContent.startsWith('Before ') &&
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
                 return status &&
                        (status.textContent.match(/^Year (\\S+):/)?.[1] ?? '-') !== year &&
                        img && img.src !== src &&
                        [...document.querySelectorAll('img.solara-image')]
                          .every(i => i.complete); }""",
            arg=[year, timeline], timeout=timeout * 1000)
        return self.year()

    # ------------------------------------------------------------------ readings

    def year(self) -> str:
        """The year simulated last, "-" before the first step."""
        text = self.page.locator(".akimsim-status-year").inner_text()
        m = re.match(r"Year (\S+):", text)
        return m.group(1) if m else "-"

    def status(self) -> str:
        return "\n".join(self.page.locator(
            ".akimsim-status-card .v-card__text span").all_inner_texts())

    def captions(self) -> dict[str, str]:
        return {v: self.page.locator(f".akimsim-{v}-caption").inner_text() for v in FIGURES}

    def min_font(self) -> dict[str, Any]:
        """The smallest computed font size of the visible text (:data:`MIN_FONT_JS`):
        ``{"size": px, "text": the text}``."""
        found: dict[str, Any] = self.page.evaluate(MIN_FONT_JS)
        return found

    def figure_scales(self) -> dict[str, float]:
        """Each figure's shown width over the width it was drawn for (the PNG's pixels
        over ``png_scale``): 1 or more means its text is at least its size in points."""
        from akimsim.edge.dashboard import PNG_SCALE

        return {v: self.page.evaluate(
            """([v, scale]) => { const img = document.querySelector('img.akimsim-' + v);
                 return img.getBoundingClientRect().width / (img.naturalWidth / scale); }""",
            [v, PNG_SCALE]) for v in FIGURES}

    def figure_colours(self) -> dict[str, dict[str, str]]:
        """The colour each figure drew each candidate in (its ``data-colours``)."""
        raw = {v: self.page.locator(f".akimsim-{v}-figure").get_attribute("data-colours")
               or "" for v in FIGURES}
        return {v: dict(pair.split(":", 1) for pair in text.split(",") if pair)
                for v, text in raw.items()}

    def legend(self) -> list[dict[str, str]]:
        """The legend of the contest in focus: id, colour and text of each entry."""
        entries: list[dict[str, str]] = self.page.evaluate(
            """() => [...document.querySelectorAll('.akimsim-legend-entry')].map(e => ({
                 id: e.dataset.candidateId, colour: e.dataset.colour,
                 text: e.textContent.trim()}))""")
        return entries

    def slider_values(self) -> dict[str, tuple[str, str]]:
        """Each slider of the sidebar: (its value, the value its thumb label shows) when
        the label is visible, else (value, "")."""
        values: dict[str, tuple[str, str]] = {}
        for field in self.page.locator(".v-navigation-drawer .v-input").filter(
                has=self.page.locator("[role=slider]")).all():
            if not field.is_visible():
                continue
            name = field.locator("label").first.inner_text().strip()
            value = str(field.locator("[role=slider]").get_attribute("aria-valuenow"))
            thumb = field.locator(".v-slider__thumb-label")
            values[name] = (value, thumb.inner_text().strip() if thumb.is_visible() else "")
        return values

    def open_help(self) -> None:
        """Open the help panel; wait until its glossary entries show."""
        self.page.get_by_text("Help: what the page shows", exact=False).click()
        self.page.locator(".akimsim-help .akimsim-term").last.wait_for()

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
                   viewport: tuple[int, int] = PROJECTOR) -> Iterator[Dashboard]:
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


def page_height(dash: Dashboard) -> int:
    """The height (CSS px) the window needs to show the whole page: the page scrolls
    inside Solara's layout, so a full-page screenshot alone would cut it."""
    height: int = dash.page.evaluate(
        """() => Math.ceil(Math.max(
             ...[...document.querySelectorAll('.akimsim-main, .v-navigation-drawer .v-card')]
               .map(e => e.getBoundingClientRect().bottom + 24)))""")
    return height


def take_screenshots(out: Path, help_out: Path | None = None, steps: int = 3) -> list[Path]:
    """The README's pictures, in a 1,280 px wide window: two districts of five villages,
    districts and villages electing their akims directly by two-round majority, from
    2019 to 2030, after ``steps`` years (``out``: the whole page); and the top of the page
    with the help panel open (``help_out``)."""
    written = []
    with Server(start_year=2019, end_year=2030) as server, open_dashboard(server.url) as dash:
        dash.slide("Districts", 1)
        dash.slide("Villages per district", 1)
        dash.select("District akims", "direct")
        dash.select("Rural akims", "direct")
        dash.select("Rule of direct elections", "two_round")
        dash.reset(expect=("2 districts", "10 rural posts", "district direct", "rural direct",
                           "two_round"))
        for _ in range(steps):
            dash.step()
        dash.page.wait_for_timeout(500)
        problems = dash.errors_shown() + dash.outside_requests()
        if problems:
            raise RuntimeError(f"the dashboard reported problems: {problems}")
        out.parent.mkdir(parents=True, exist_ok=True)
        dash.page.set_viewport_size({"width": PROJECTOR[0], "height": page_height(dash)})
        dash.page.wait_for_timeout(300)
        dash.page.screenshot(path=str(out))
        written.append(out)
        if help_out is not None:
            dash.page.set_viewport_size({"width": PROJECTOR[0], "height": PROJECTOR[1]})
            dash.open_help()
            dash.page.wait_for_timeout(400)
            bottom = dash.page.evaluate(
                "() => Math.ceil(document.querySelector('.akimsim-help')"
                ".getBoundingClientRect().bottom + 16)")
            dash.page.set_viewport_size({"width": PROJECTOR[0], "height": max(bottom, 400)})
            dash.page.wait_for_timeout(300)
            dash.page.screenshot(path=str(help_out))
            written.append(help_out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--help-out", type=Path, default=ROOT / "docs" / "dashboard_help.png",
                        help="the page with its help panel open")
    parser.add_argument("--steps", type=int, default=3, help="years to simulate (default 3)")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print(f"screenshot_dashboard: error: {INSTALL_HINT}", file=sys.stderr)
        return 2
    for path in take_screenshots(args.out, args.help_out, args.steps):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
