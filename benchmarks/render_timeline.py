"""The whole-model part of docs/performance.md, from ``benchmarks/results/timeline.json``
(written by ``bench_timeline.py``), and the log-log figure ``docs/scaling.png``.

Called by ``render_performance.py``; the reasons for missed targets are written by hand
between the ``timeline-reasons`` markers and kept by a re-render.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

START, END = "<!-- timeline-reasons:start -->", "<!-- timeline-reasons:end -->"

#: the targets of issue 11: (what, limit, unit, comparison)
TARGETS = [
    ("national 2013-2030, build + run in-process", 1.5, "s", "<="),
    ("10 % sample, build + run in-process", 0.4, "s", "<="),
    ("`akimsim` (national) whole command, warm cache", 3.0, "s", "<="),
    ("`akimsim territory=toy` whole command", 1.2, "s", "<="),
    ("replica API, 10 % sample, both cores", 5.0, "runs/s", ">="),
    ("national peak memory (in-process child)", 1.0, "GB", "<="),
    ("Mesa-idiomatic twin on synthetic_region, times slower than akimsim", 100.0, "x", ">="),
]


def _table(head: list[str], rows: list[list[str]]) -> str:
    sep = ["---"] + ["---:"] * (len(head) - 1)
    return "\n".join(["| " + " | ".join(head) + " |", "| " + " | ".join(sep) + " |"]
                     + ["| " + " | ".join(r) + " |" for r in rows])


def _g(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}g}"


def _scale(t: dict[str, Any], scale: float) -> dict[str, Any] | None:
    return next((s for s in t.get("scaling", []) if s.get("scale") == scale
                 and "error" not in s), None)


def measured(t: dict[str, Any]) -> list[float | None]:
    """The measured value of each of :data:`TARGETS` (None when not measured)."""
    nat, tenth = _scale(t, 1.0), _scale(t, 0.1)
    cmds = {c["command"]: c for c in t.get("commands", []) if "error" not in c}
    reps = [r for r in t.get("replicas", []) if r.get("workers") == 2 and "error" not in r]
    reps = sorted(reps, key=lambda r: -r["runs"])
    tw = t.get("twin", {}).get("synthetic_region", {})
    return [
        nat["total_s_median"] if nat else None,
        tenth["total_s_median"] if tenth else None,
        cmds.get("akimsim", {}).get("wall_s_median"),
        cmds.get("akimsim territory=toy", {}).get("wall_s_median"),
        reps[0].get("steady_runs_per_s", reps[0]["runs_per_s"]) if reps else None,
        nat["peak_rss_mb"] / 1000 if nat else None,
        tw.get("ratio"),
    ]


def targets(t: dict[str, Any]) -> tuple[str, list[str]]:
    rows, missed = [], []
    for (what, limit, unit, op), value in zip(TARGETS, measured(t), strict=True):
        if value is None:
            status = "not measured"
        else:
            ok = value <= limit if op == "<=" else value >= limit
            status = "pass" if ok else "**miss**"
            if not ok:
                missed.append(f"{what}: {value:.3g} {unit} against {op} {limit:g} {unit}")
        rows.append([what, f"{op} {limit:g} {unit}", _g(value), status])
    return _table(["target", "limit", "measured", "status"], rows), missed


def scaling(t: dict[str, Any]) -> str:
    rows = []
    for s in t.get("scaling", []):
        if "error" in s:
            rows.append([s["name"], "failed: " + s["error"].splitlines()[-1][:80]] + [""] * 8)
            continue
        total = s["total_s_median"]
        rows.append([s["name"], f"{s['voters']:,}", f"{s['units']:,}", f"{s['contests']:,}",
                     _g(s["build_s_median"]), _g(s["run_s_median"]), _g(total),
                     f"{s['peak_rss_mb'] / 1000:.2f}",
                     f"{total / s['contests'] * 1e6:.0f}", f"{total / s['voters'] * 1e9:.0f}"])
    return _table(["territory", "voters", "units", "contests", "build s", "run s", "total s",
                   "peak GB", "µs per contest", "ns per voter"], rows)


def phases(t: dict[str, Any]) -> str:
    cols = [s for s in t.get("scaling", []) if "error" not in s]
    names = sorted({p for s in cols for p in s["phases_s_median"]},
                   key=lambda p: (not p.startswith("_"), p))
    rows = []
    for p in names:
        row = [f"`{p}`"]
        for s in cols:
            sec = s["phases_s_median"].get(p, 0.0)
            row.append(f"{sec:.3f} ({sec / s['contests'] * 1e6:.0f} µs/c, "
                       f"{sec / s['voters'] * 1e9:.0f} ns/v)")
        rows.append(row)
    return _table(["phase"] + [s["name"] for s in cols], rows)


def commands(t: dict[str, Any]) -> str:
    rows = []
    for c in t.get("commands", []):
        if "error" in c:
            rows.append([f"`{c['command']}`", "failed", ""])
        else:
            rows.append([f"`{c['command']}`", _g(c["wall_s_median"]),
                         f"{c['peak_rss_mb'] / 1000:.2f}"])
    st = t.get("startup", {})
    text = _table(["command", "wall s (median, spawn to exit)", "peak GB"], rows)
    if st:
        text += (f"\n\nStart-up: `import akimsim.edge.cli` takes {st['import_cli_s_median']:.2f} s "
                 f"inside a fresh interpreter (median), of which `import mesa` alone "
                 f"{st['import_mesa_s']:.2f} s; spawn, import and exit "
                 f"{st['spawn_import_exit_s_median']:.2f} s.")
    return text


def replicas(t: dict[str, Any]) -> str:
    rows = []
    for r in t.get("replicas", []):
        if "error" in r:
            rows.append([str(r["workers"]), "failed", "", "", ""])
        else:
            rows.append([str(r["workers"]), str(r["runs"]), _g(r["wall_s"]),
                         _g(r["runs_per_s"]), _g(r.get("steady_runs_per_s"))])
    return (_table(["workers", "runs", "wall s", "runs per s, start included",
                    "steady runs per s"], rows)
            + "\n\nWall time of `run_replicas(seeds_of(cfg, range(runs)), workers=...)` at "
            "10 % of Kazakhstan with the default measure (the summary table), including the "
            "workers' start (spawn, import, territory); the steady rate is the marginal one "
            "between the two sizes, without the start. The target is checked on the steady "
            "rate with two workers.")


def twin(t: dict[str, Any]) -> str:
    tw = t.get("twin")
    if not tw:
        return "Not measured in this run."
    if "error" in tw:
        return f"Not measured: {tw['error']}"
    rows = []
    for name, r in tw.items():
        if not isinstance(r, dict) or "ratio" not in r:
            continue
        ours, twin_r = r.get("akimsim", {}), r.get("twin", {})
        rows.append([name, f"{r.get('voters', 0):,}", _g(ours.get("total_s")),
                     _g(twin_r.get("total_s")), _g(r.get("ratio")), _g(r.get("ratio_run")),
                     f"{ours.get('contests', '-')} / {twin_r.get('contests', '-')}",
                     f"{_g(ours.get('mean_turnout'))} / {_g(twin_r.get('mean_turnout'))}"])
    return _table(["territory", "voters", "akimsim s (build + run)", "twin s",
                   "twin / akimsim", "run only", "contests (akimsim / twin)",
                   "turnout (akimsim / twin)"], rows)


def figure(t: dict[str, Any], path: Path) -> bool:
    """Time and peak memory against voters and contests, log-log; False if no data."""
    pts = [s for s in t.get("scaling", []) if "error" not in s]
    if len(pts) < 2:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    voters = [s["voters"] for s in pts]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    series = [("build", [s["build_s_median"] for s in pts]),
              ("run (18 years)", [s["run_s_median"] for s in pts]),
              ("total", [s["total_s_median"] for s in pts])]
    for label, ys in series:
        axes[0].loglog(voters, ys, "o-", label=label)
    axes[0].set_xlabel("voters")
    axes[0].set_ylabel("seconds (median)")
    axes[0].set_title("time against voters")
    axes[0].legend()
    contests = [s["contests"] for s in pts]
    axes[1].loglog(contests, [s["total_s_median"] for s in pts], "o-")
    for s in pts:
        axes[1].annotate(s["name"], (s["contests"], s["total_s_median"]), fontsize=8)
    axes[1].set_xlabel("contests over the timeline")
    axes[1].set_ylabel("seconds, build + run")
    axes[1].set_title("time against contests")
    axes[2].loglog(voters, [s["peak_rss_mb"] / 1000 for s in pts], "o-")
    axes[2].set_xlabel("voters")
    axes[2].set_ylabel("peak memory, GB")
    axes[2].set_title("memory against voters")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def reasons(old_text: str | None, missed: list[str]) -> str:
    if old_text and START in old_text and END in old_text:
        kept = old_text.split(START, 1)[1].split(END, 1)[0].strip()
        if kept and "PLACEHOLDER" not in kept:
            return f"{START}\n{kept}\n{END}"
    body = ("Every target was met in this run." if not missed else
            "> **PLACEHOLDER**: explain each missed target with the profile.\n>\n"
            + "\n".join(f"> - {m}" for m in missed))
    return f"{START}\n{body}\n{END}"


def section(t: dict[str, Any] | None, old_text: str | None, figure_path: Path) -> str:
    if t is None:
        return ("## The whole model\n\nNot measured yet: run "
                "`.venv/bin/python benchmarks/bench_timeline.py`.")
    table, missed = targets(t)
    src = t.get("source", {})
    parts = [
        "## The whole model: timeline, scaling, start-up, replicas",
        "Measured by `.venv/bin/python benchmarks/bench_timeline.py` (part of `make bench`) "
        f"at commit {src.get('commit', '?')} on {t.get('machine', {}).get('date', '?')}. "
        "Each in-process measurement runs in a child process of its own after a warm-up "
        "run (Numba cache and file cache warm), the default reform timeline 2013-2030 "
        "(`kazakhstan_reform`); medians over the repeats; peak memory is the child's "
        "ru_maxrss.",
        table,
        "### How cost grows",
        scaling(t),
        "![time and memory against voters and contests](scaling.png)"
        if figure(t, figure_path) else "",
        "### Where the time goes, phase by phase",
        "Seconds per phase summed over the timeline (median run), with the cost per contest "
        "(µs/c) and per voter (ns/v).",
        phases(t),
        "### Whole commands and start-up",
        commands(t),
        "### Replicas",
        replicas(t),
        "### A Mesa-idiomatic twin",
        "`benchmarks/mesa_twin.py`: the same direct plurality elections with every voter "
        "and candidate a Mesa agent activated through `AgentSet` (the peer a Mesa user "
        "would write), timed in the same run against akimsim on the same territory and "
        "configuration (every tier direct, plurality).",
        twin(t),
        "### Missed whole-model targets and why",
        reasons(old_text, missed),
    ]
    return "\n\n".join(p for p in parts if p)
