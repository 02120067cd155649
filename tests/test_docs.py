"""The documentation: it cites only what the repository holds, its citations of
docs/sources.md land on an anchor that exists, and the site builds under --strict."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"

#: the project's domain and evidence notes lived outside the repository (as
#: shared/DOMAIN.md and shared/EVIDENCE.md); docs/sources.md replaced them. Any mention of
#: them, of the folder they lived in, or of a bare DOMAIN or EVIDENCE, points a reader at
#: a file they do not have.
OUTSIDE = re.compile(r"\b(?:DOMAIN|EVIDENCE)\b|/work/shared\b|(?<![\w.])\.\./shared/")

#: a citation of a source: docs/sources.md#<anchor>, or sources.md#<anchor> in a relative link
CITATION = re.compile(r"sources\.md#(?P<anchor>[A-Za-z0-9_-]+)")

#: an anchor of docs/sources.md: an HTML anchor (<a id="...">) or an attribute list {#...}
ANCHOR = re.compile(r"<a\s+id=\"(?P<html>[^\"]+)\"\s*>|\{\s*#(?P<attr>[A-Za-z0-9_-]+)[^}]*\}")


def repository_files() -> list[Path]:
    """The files git tracks, plus new ones not ignored (so a file counts before its first
    commit), that exist and read as text."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode("utf-8").split("\0")
    files = []
    for name in sorted(set(listed)):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (figures, parquet)
        files.append(path)
    return files


def text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def anchors_of_sources() -> set[str]:
    return {m.group("html") or m.group("attr") for m in ANCHOR.finditer(text_of(SOURCES))}


def test_no_reference_to_files_outside_the_repository():
    offenders = []
    for path in repository_files():
        if path == Path(__file__).resolve():
            continue  # the pattern itself
        for number, line in enumerate(text_of(path).splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not offenders, (
        "references to notes outside the repository; cite docs/sources.md#<anchor> instead:\n"
        + "\n".join(offenders))


def test_every_citation_of_the_sources_names_an_anchor_that_exists():
    anchors = anchors_of_sources()
    assert {"rural-direct-2021", "studies", "open-questions"} <= anchors
    cited: dict[str, list[str]] = {}
    for path in repository_files():
        for number, line in enumerate(text_of(path).splitlines(), 1):
            for match in CITATION.finditer(line):
                cited.setdefault(match.group("anchor"), []).append(
                    f"{path.relative_to(ROOT)}:{number}")
    assert cited, "no citation of docs/sources.md found"
    missing = {anchor: where for anchor, where in cited.items() if anchor not in anchors}
    assert not missing, "citations of anchors docs/sources.md does not define:\n" + "\n".join(
        f"#{anchor}: {', '.join(where)}" for anchor, where in sorted(missing.items()))


def test_anchors_of_the_sources_are_unique():
    found = [m.group("html") or m.group("attr") for m in ANCHOR.finditer(text_of(SOURCES))]
    assert len(found) == len(set(found)), sorted({a for a in found if found.count(a) > 1})


#: a script or style the browser would fetch from another host
FETCHED = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//"
                     r"|import\(\s*[\"'](?:https?:)?//|fonts\.googleapis", re.IGNORECASE)


@pytest.mark.process
def test_the_documentation_site_builds_strictly(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    assert "<h1" in (site / "glossary" / "index.html").read_text(encoding="utf-8")
    sources = (site / "sources" / "index.html").read_text(encoding="utf-8")
    assert 'id="rural-direct-2021"' in sources
    replicas = (site / "api" / "replicas" / "index.html").read_text(encoding="utf-8")
    assert 'id="akimsim.replicas.run_replicas"' in replicas
    analysis = (site / "api" / "analysis" / "index.html").read_text(encoding="utf-8")
    assert 'id="akimsim.analysis.compare_arms"' in analysis
    notebook = (site / "notebooks" / "01_first_village" / "index.html").read_text(
        encoding="utf-8")
    assert "jp-Cell" in notebook
    assert "from akimsim" in notebook
    assert len(list((site / "notebooks").glob("*/index.html"))) == len(
        list((ROOT / "notebooks").glob("*.ipynb")))
    # offline: no page fetches anything from another host (links to one are fine)
    fetching = [str(page.relative_to(site)) for page in site.rglob("*.html")
                if FETCHED.search(page.read_text(encoding="utf-8"))]
    assert not fetching, fetching
