"""Rewrite the generated blocks of docs/odd.md (parameter tables, patterns).

    python scripts/write_odd.py
"""

from __future__ import annotations

from pathlib import Path

from akimsim.calibration.odd import render

DOC = Path(__file__).resolve().parent.parent / "docs" / "odd.md"

if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {DOC}")
