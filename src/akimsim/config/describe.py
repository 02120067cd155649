"""The schema described from its own source: every field's default, valid range, status
(law, figure, assumption, open question) and comment.

The status and the meaning come from the comments beside each field in
:mod:`akimsim.config.schema` (the comment on the field's line, else the comment lines
just above it), the range from its :class:`~akimsim.config.bounds.Bounds`. The ODD
document's parameter tables (``docs/odd.md``) are generated from here, so they cannot
drift from the code.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from dataclasses import dataclass
from typing import Any

from akimsim.config import schema
from akimsim.config.bounds import bounds_of


@dataclass(frozen=True)
class FieldInfo:
    """One field of a config section."""

    path: str
    default: Any
    valid: str
    status: str
    comment: str


def _comments(cls: type) -> dict[str, str]:
    """Each field's comment: the one on its line, else the comment lines right above."""
    source = inspect.getsource(cls)
    lines = source.splitlines()
    tree = ast.parse(source)
    body = tree.body[0]
    assert isinstance(body, ast.ClassDef)
    out: dict[str, str] = {}
    block = ""  # the comment above the current run of fields
    previous_end = -2
    for node in body.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            line = lines[node.lineno - 1]
            same = line.split("#", 1)[1].strip() if "#" in line else ""
            above: list[str] = []
            k = node.lineno - 2
            while k >= 0 and lines[k].strip().startswith("#"):
                above.insert(0, lines[k].strip().lstrip("#").strip())
                k -= 1
            text = " ".join(p for p in (" ".join(above), same) if p)
            if not text and node.lineno - 1 == previous_end + 1:
                text = block  # a bare field right below another shares its comment
            out[node.target.id] = text
            if above:
                block = " ".join(above)  # a comment above a run of fields covers the run
            elif same:
                block = ""
            previous_end = (node.end_lineno or node.lineno) - 1
    return out


def status_of(comment: str) -> str:
    """The status a comment gives: a mechanism's switch, calibrated, law, figure, open
    question or assumption; "not labelled" when it names none."""
    text = comment.lower()
    if text.startswith("a switch"):
        return "switch"
    if "calibrated" in text:
        return "calibrated"
    if re.search(r"\blaw\b", text):
        return "law"
    if "open question" in text:
        return "open question"
    if re.search(r"\bfigure\b", text):
        return "figure"
    if "assumption" in text:
        return "assumption"
    return "not labelled"


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def fields_of(cls: type, prefix: str) -> list[FieldInfo]:
    """The scalar fields of a config dataclass (nested sections are left to their own
    table), with their path under ``prefix``."""
    comments = _comments(cls)
    out = []
    for f in dataclasses.fields(cls):
        value = _default(f)
        if dataclasses.is_dataclass(value):
            continue
        if isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            continue
        bounds = bounds_of(f.metadata)
        if bounds is not None:
            valid = bounds.describe()
        elif isinstance(value, bool):
            valid = "true or false"
        elif hasattr(type(value), "__members__"):
            valid = ", ".join(type(value).__members__)
        else:
            valid = str(f.type).replace("'", "")
        if isinstance(value, list):
            value = [str(v) for v in value]
        elif hasattr(value, "value"):
            value = value.value
        comment = comments.get(f.name, "")
        out.append(FieldInfo(f"{prefix}.{f.name}" if prefix else f.name, value, valid,
                             status_of(comment), comment))
    return out


#: the behaviour sections the ODD tables list, with their paths
SECTIONS: tuple[tuple[str, type], ...] = (
    ("behaviour.voters", schema.VoterBehaviour),
    ("behaviour.candidates", schema.CandidateBehaviour),
    ("behaviour.akims", schema.AkimBehaviour),
    ("behaviour.appointers", schema.AppointerBehaviour),
    ("behaviour.maslikhats", schema.MaslikhatBehaviour),
    ("behaviour.parties[i]", schema.PartyConfig),
    ("rule", schema.RuleConfig),
    ("territory", schema.TerritoryConfig),
)


def markdown_tables(sections: tuple[tuple[str, type], ...] = SECTIONS,
                    calibrated: dict[str, float] | None = None) -> str:
    """One Markdown table per section: field, default, valid values, status, comment.
    ``calibrated`` maps a path to its calibrated value (shown, and the status says so)."""
    calibrated = calibrated or {}
    parts = []
    for prefix, cls in sections:
        parts += [f"#### `{prefix}` ({cls.__name__})", "",
                  "| field | default | valid values | status | comment in the schema |",
                  "|---|---|---|---|---|"]
        for info in fields_of(cls, prefix):
            status = info.status
            default = f"`{info.default}`"
            if info.path in calibrated and calibrated[info.path] != info.default:
                status = "set by the calibrated preset"
                default = f"`{calibrated[info.path]:.4g}` (schema `{info.default}`)"
            comment = info.comment.replace("|", "\\|")
            parts.append(f"| `{info.path.rsplit('.', 1)[-1]}` | {default} | {info.valid} | "
                         f"{status} | {comment} |")
        parts.append("")
    return "\n".join(parts)
