"""Writing result tables (CSV as the experiments commit them, Markdown, Excel) and
reports (:class:`Report`: Markdown and one self-contained HTML file)."""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """A result table as CSV, floats to 6 significant digits (what the experiments commit)."""
    frame.to_csv(path, index=False, float_format="%.6g")


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table of ``frame`` with floats rounded to ``digits``."""
    return frame.to_markdown(index=False, floatfmt=f".{digits}f")


class Report:
    """A report written twice from the same blocks: Markdown (figures as PNG files beside
    it) and one self-contained HTML file (figures embedded, no external resource), so
    it opens in any browser and can be mailed as one file.

    >>> r = Report("Title")
    >>> r.heading("Answer"); r.text("Turnout rises.")  # doctest: +SKIP
    >>> r.write(Path("out"), "report")  # doctest: +SKIP
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self._blocks: list[tuple[str, Any]] = []

    def heading(self, text: str, level: int = 2) -> None:
        self._blocks.append(("heading", (level, text)))

    def text(self, text: str) -> None:
        """A paragraph; ``**bold**`` and `` `code` `` are kept in both forms."""
        self._blocks.append(("text", text))

    def bullets(self, items: Sequence[str]) -> None:
        self._blocks.append(("bullets", list(items)))

    def code(self, text: str) -> None:
        self._blocks.append(("code", text))

    def table(self, frame: pd.DataFrame, digits: int = 3) -> None:
        self._blocks.append(("table", (frame, digits)))

    def figure(self, fig: Any, name: str, caption: str = "") -> None:
        """A matplotlib figure, rendered now to PNG (the figure is closed)."""
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        self._blocks.append(("figure", (name, buf.getvalue(), caption)))

    # ------------------------------------------------------------------ writing

    def markdown(self, figure_dir: str = "figures") -> str:
        out = [f"# {self.title}", ""]
        for kind, value in self._blocks:
            if kind == "heading":
                out += ["#" * value[0] + " " + value[1], ""]
            elif kind == "text":
                out += [value, ""]
            elif kind == "bullets":
                out += [f"- {item}" for item in value] + [""]
            elif kind == "code":
                out += ["```bash", value, "```", ""]
            elif kind == "table":
                out += [markdown_table(value[0], value[1]), ""]
            elif kind == "figure":
                name, _, caption = value
                out += [f"![{caption or name}]({figure_dir}/{name}.png)", ""]
                if caption:
                    out += [f"*{caption}*", ""]
        return "\n".join(out)

    def html(self) -> str:
        body = [f"<h1>{html.escape(self.title)}</h1>"]
        for kind, value in self._blocks:
            if kind == "heading":
                level = min(6, value[0])
                body.append(f"<h{level}>{_inline(value[1])}</h{level}>")
            elif kind == "text":
                body.append(f"<p>{_inline(value)}</p>")
            elif kind == "bullets":
                body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in value)
                            + "</ul>")
            elif kind == "code":
                body.append(f"<pre><code>{html.escape(value)}</code></pre>")
            elif kind == "table":
                frame, digits = value
                # cells keep their Markdown emphasis (**bold**, `code`), everything escaped
                cells = frame.map(lambda v: _inline(v) if isinstance(v, str) else v)
                cells.columns = [html.escape(str(c)) for c in frame.columns]
                body.append(cells.to_html(index=False, na_rep="–", border=0, escape=False,
                                          float_format=lambda v, d=digits: f"{v:.{d}f}",
                                          classes="data"))
            elif kind == "figure":
                name, png, caption = value
                data = base64.b64encode(png).decode("ascii")
                body.append(f'<figure><img alt="{html.escape(caption or name)}" '
                            f'src="data:image/png;base64,{data}">'
                            + (f"<figcaption>{html.escape(caption)}</figcaption>"
                               if caption else "") + "</figure>")
        return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head>"
                f"<body>{''.join(body)}</body></html>\n")

    def write(self, out: str | Path, name: str = "report") -> list[Path]:
        """``out/<name>.md`` with ``out/figures/*.png``, and ``out/<name>.html``."""
        root = Path(out)
        figures = root / "figures"
        figures.mkdir(parents=True, exist_ok=True)
        paths = []
        for kind, value in self._blocks:
            if kind == "figure":
                path = figures / f"{value[0]}.png"
                path.write_bytes(value[1])
                paths.append(path)
        md, page = root / f"{name}.md", root / f"{name}.html"
        md.write_text(self.markdown(), encoding="utf-8")
        page.write_text(self.html(), encoding="utf-8")
        return [md, page, *paths]


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:70rem;
margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1d1d1d;font-size:16px}
h1{font-size:1.7rem}h2{font-size:1.35rem;border-bottom:1px solid #ddd;margin-top:2rem}
h3{font-size:1.1rem}table.data{border-collapse:collapse;margin:.6rem 0 1.2rem;
font-size:.92rem}table.data th,table.data td{padding:.25rem .6rem;border-bottom:1px solid
#e4e4e4;text-align:right}table.data th{background:#f4f4f4}table.data td:first-child,
table.data th:first-child{text-align:left}img{max-width:100%}pre{background:#f6f6f6;
padding:.7rem;overflow-x:auto;font-size:.88rem}code{font-size:.92em}
figcaption{font-size:.9rem;color:#555}
"""


def _inline(text: str) -> str:
    """Markdown's ``**bold**`` and `` `code` `` as HTML, the rest escaped."""
    parts = re.split(r"(\*\*[^*]+\*\*|`[^`]+`)", text)
    out = []
    for p in parts:
        if p.startswith("**") and p.endswith("**") and len(p) > 4:
            out.append(f"<strong>{html.escape(p[2:-2])}</strong>")
        elif p.startswith("`") and p.endswith("`") and len(p) > 2:
            out.append(f"<code>{html.escape(p[1:-1])}</code>")
        else:
            out.append(html.escape(p))
    return "".join(out)


def write_tables(tables: dict[str, pd.DataFrame], out: str | Path,
                 workbook: str = "tables.xlsx") -> list[Path]:
    """Each table as ``out/<name>.csv`` and all of them as sheets of one Excel workbook
    (sheet names cut to Excel's 31 characters)."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = root / f"{name}.csv"
        write_csv(frame, path)
        paths.append(path)
    book = root / workbook
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return [*paths, book]
