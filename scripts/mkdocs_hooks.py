"""MkDocs hooks of the documentation site (``mkdocs.yml``, ``hooks:``).

Two jobs, both so that the site is built from the repository as it is, with no copy of
any file committed under ``docs/``:

- **Mounts.** The teaching notebooks (``notebooks/*.ipynb``) and their README are added
  to the site's files as ``notebooks/...``, so mkdocs-jupyter renders them where they
  live (:func:`on_files` runs before the plugin's own, which is what picks them up).
- **Docstrings in RST style.** The docstrings mark code with ``double backticks`` and
  name objects with Sphinx roles (``:func:`~akimsim.replicas.run_replicas```). On the API
  pages :func:`on_page_content` turns a role into an optional cross-reference, which
  mkdocs-autorefs links when the object has a page and leaves as code when not (an
  optional reference never warns), and drops the ``::`` that announces a literal block.
- **Offline notebooks.** mkdocs-jupyter's pages carry a script that would fetch Mermaid
  from a CDN if a notebook held a diagram; :func:`on_post_page` removes it (no notebook
  has one), so no page asks another host for anything.
- **Links that leave the site.** The pages link to files of the repository that are not
  pages of the site (``../experiments/...``, ``../src/...``, ``../README.md``). There is
  no public address to send them to, so such a link becomes the repository path in
  code, ``experiments/regime_comparison/README.md``, which a reader opens in their
  checkout; an image outside ``docs/`` is copied into the site instead. A link to a
  file that does not exist anywhere is left alone, so MkDocs reports it and ``mkdocs
  build --strict`` fails: a broken link, inside the site or out of it, is an error.
  Links inside fenced code and inline code are not touched.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parent.parent

#: repository folders mounted into the site: (folder, glob); a file's path in the site is
#: its path in the repository, as for an image from outside ``docs/``
MOUNTS: tuple[tuple[str, str], ...] = (("notebooks", "*.ipynb"), ("notebooks", "README.md"))

#: fenced code, inline code, or a Markdown link or image; only the last two are rewritten
TOKEN = re.compile(
    r"(?P<fence>^[ \t]*(?P<f>```+|~~~+)[^\n]*\n.*?^[ \t]*(?P=f)[ \t]*$)"
    r"|(?P<code>(?P<t>`+).+?(?P=t))"
    r"|(?P<link>(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\))",
    re.MULTILINE | re.DOTALL,
)


#: the files added to the site (absolute path -> path in the site), set by on_files
_ADDED: dict[Path, str] = {}


def _docs_dir(config) -> Path:
    return Path(config["docs_dir"]).resolve()


def _mounted(config) -> dict[Path, str]:
    """Absolute path of every mounted file -> its path in the site."""
    found: dict[Path, str] = {}
    for folder, pattern in MOUNTS:
        for path in sorted((REPO / folder).glob(pattern)):
            found[path.resolve()] = path.relative_to(REPO).as_posix()
    return found


def _outside_images(config) -> dict[Path, str]:
    """Images outside ``docs/`` that a page shows -> their path in the site."""
    docs = _docs_dir(config)
    images: dict[Path, str] = {}
    for page in docs.rglob("*.md"):
        for match in TOKEN.finditer(page.read_text(encoding="utf-8")):
            if not match.group("link") or not match.group("bang"):
                continue
            target = _local(match.group("target"))
            if target is None:
                continue
            path = (page.parent / target[0]).resolve()
            if path.is_file() and not path.is_relative_to(docs) and path.is_relative_to(REPO):
                images[path] = path.relative_to(REPO).as_posix()
    return images


def _local(target: str) -> tuple[str, str] | None:
    """(path, '#anchor' or '') of a relative link, None for a URL or an anchor alone."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path or target.startswith("/"):
        return None
    return unquote(parts.path), f"#{parts.fragment}" if parts.fragment else ""


@event_priority(100)  # before mkdocs-jupyter's on_files, which wraps the notebooks
def on_files(files: Files, config) -> Files:
    _ADDED.clear()
    _ADDED.update({**_mounted(config), **_outside_images(config)})
    for uri in _ADDED.values():
        if files.get_file_from_path(uri) is None:
            # a file of the repository, at its own path (not File.generated: the
            # notebooks' wrapper reads abs_src_path from src_dir)
            files.append(File(uri, src_dir=str(REPO), dest_dir=config["site_dir"],
                              use_directory_urls=config["use_directory_urls"]))
    return files


#: the module script of an nbconvert page that imports Mermaid from a CDN
MERMAID = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?mermaid(?:(?!</script>).)*</script>",
                     re.DOTALL)


#: a Sphinx role as Markdown renders it: :func:<code>~akimsim.x.y</code>
ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|obj|exc|const):<code>(?P<text>[^<]+)</code>")


def _role(match: re.Match[str]) -> str:
    text = match.group("text").strip()
    explicit = re.fullmatch(r"(?P<shown>.+?)\s*&lt;(?P<target>[^&]+)&gt;", text)
    if explicit:
        shown, target = explicit.group("shown"), explicit.group("target")
    else:
        target = text.lstrip("~")
        shown = target.rsplit(".", 1)[-1] if text.startswith("~") else target.lstrip(".")
    return f'<autoref optional identifier="{target.lstrip(".")}"><code>{shown}</code></autoref>'


def on_page_content(html: str, page, config, files: Files) -> str:
    if not page.file.src_uri.startswith("api/"):
        return html
    return ROLE.sub(_role, html).replace("::</p>", ":</p>")


def on_post_page(output: str, page, config) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        return MERMAID.sub("", output)
    return output


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    docs = _docs_dir(config)
    source = Path(page.file.abs_src_path).resolve()
    here = posixpath.dirname(page.file.src_uri)

    def rewrite(match: re.Match[str]) -> str:
        whole = match.group(0)
        if not match.group("link"):
            return whole
        target = _local(match.group("target"))
        if target is None:
            return whole
        path, anchor = target
        resolved = (source.parent / path).resolve()
        if resolved.is_relative_to(docs):
            uri = resolved.relative_to(docs).as_posix()
        elif resolved in _ADDED:
            uri = _ADDED[resolved]
        elif resolved.exists() and resolved.is_relative_to(REPO):
            # a file of the repository that is not part of the site: name it
            shown = resolved.relative_to(REPO).as_posix() + ("/" if resolved.is_dir() else "")
            text = match.group("text").strip()
            if text.strip("`") in (path, shown, shown.rstrip("/"), ""):
                return f"`{shown}`"
            return f"{text} (`{shown}`)"
        else:
            return whole  # missing: MkDocs reports it
        link = posixpath.relpath(uri, here or ".") + anchor
        title = match.group("title") or ""
        return f"{match.group('bang')}[{match.group('text')}]({link}{title})"

    return TOKEN.sub(rewrite, markdown)
