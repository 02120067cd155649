"""Write docs/performance.md from the benchmark results.

    .venv/bin/python benchmarks/render_performance.py [--kernels benchmarks/results/kernels.json]
        [--peers benchmarks/results/peers.json] [--ours-vs-peers
        benchmarks/results/ours_vs_peers.json] [--out docs/performance.md]

Reads ``kernels.json`` (written by ``bench_kernels.py``), ``timeline.json`` (written by
``bench_timeline.py``: the whole model, rendered by ``render_timeline.py``) and, when
present, the peer
comparison (``peers.json`` from ``peers/bench_peers.py`` and ``ours_vs_peers.json``
from ``peers/bench_ours.py``). The reasons for missed targets are written by hand
between the ``reasons`` markers; a re-render keeps whatever is there.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import render_timeline

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
START, END = "<!-- reasons:start -->", "<!-- reasons:end -->"
PLACEHOLDER = "PLACEHOLDER"


def ms(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1e3:.1f}" if x >= 0.01 else f"{x * 1e3:.2f}"


def fmt(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "-"
    return f"{x:.{digits}g}"


def table(head: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(head) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def load(path: Path) -> Any:
    return json.loads(path.read_text()) if path.is_file() else None


def machine_section(k: dict[str, Any]) -> str:
    m = k["machine"]
    bw = k["bandwidth"]
    s = k["setup"]
    mem = m.get("memory_bytes", 0) / 2**30
    rows = [
        ["CPU", f"{m.get('cpu_model', '?')} ({', '.join(m.get('cpu_flags', []))})"],
        ["cores", f"{m.get('cores')} (affinity {m.get('affinity_cores')}); "
                  f"Numba threads {m.get('numba_threads')}, threading layer "
                  f"{m.get('threading_layer', '?')}"],
        ["memory", f"{mem:.1f} GiB"],
        ["platform", m.get("platform", "?")],
        ["Python / NumPy / Numba", f"{m.get('python')} / {m.get('numpy')} / {m.get('numba')}"],
        ["NumPy SIMD", ", ".join(m.get("numpy_simd", [])) or "-"],
        ["date (UTC)", m.get("date", "?")],
        ["commit", k.get("git_commit", "?")],
        ["load average (1, 5, 15 min)", f"before {fmt_load(k.get('load_average_before'))}; "
                                        f"after the kernels "
                                        f"{fmt_load(k.get('load_average_after_kernels'))}; "
                                        f"at the end {fmt_load(k.get('load_average_after'))}"],
        ["memory bandwidth (this run)", f"streaming read {bw['read_GBps']:.1f} GB/s (Numba "
                                        f"parallel sum, {bw['read_threads']} threads, best of "
                                        f"{len(bw['read_samples_s'])}); copy "
                                        f"{bw['copy_GBps']:.1f} GB/s (np.copyto, read + write, "
                                        f"1 thread) on {bw['array_bytes'] / 1e9:.1f} GB"],
        ["data", f"{s['voters']:,} voters in {s['contests']:,} contests, {s['candidates']:,} "
                 f"candidates (2-{s['k_max']} per contest), {s['voted_share']:.1%} turned out"
                 + (" — QUICK RUN, 1/20 of the voters" if s.get("quick") else "")],
        ["repeats", f"{s['repeats']} per kernel, {s['numpy_repeats']} per NumPy reference "
                    f"(after one first call); first call = {k.get('first_call_meaning', '?')}"],
    ]
    return table(["", ""], [[a, b] for a, b in rows], "ll")


def fmt_load(x: list[float] | None) -> str:
    return "-" if not x else ", ".join(f"{v:.2f}" for v in x)


def targets_section(k: dict[str, Any], ovp: Any) -> tuple[str, list[str]]:
    rows, missed = [], []
    for t in k["targets"]:
        v = t["measured"]
        unit = t["unit"]
        val = "-" if v is None else (f"{v:.3g} {unit}" if unit != "x" else f"{v:.3g}x")
        status = {"pass": "pass", "miss": "**miss**", "n/a": "not measured"}[t["status"]]
        if not t.get("evaluated_at_national_scale", True):
            status += " (quick run)"
        rows.append([t["target"], f"{t['op']} {t['limit']:g} {unit}", val, status,
                     t["measured_as"]])
        if t["status"] != "pass":
            missed.append(f"{t['target']}: "
                          + (f"measured {val} against {t['op']} {t['limit']:g} {unit}"
                             if v is not None else "not measured in this run"))
    if ovp and isinstance(ovp.get("speedups"), list):
        for sp in ovp["speedups"]:
            if "meets_1000x" not in sp:
                continue
            name = (f"speed-up over {sp.get('library')}/{sp.get('variant')} "
                    f"({sp.get('method')}, one contest of "
                    f"{ovp.get('contest', {}).get('n_voters', '?'):,} voters)")
            val = f"{sp.get('speedup', 0):.3g}x"
            ok = bool(sp["meets_1000x"])
            rows.append([name, ">= 1000x", val, "pass" if ok else "**miss**",
                         "peer total (profile build + call) / ours (public rule fn); "
                         "`meets_1000x` in ours_vs_peers.json"])
            if not ok:
                missed.append(f"{name}: measured {val} against >= 1000x")
    head = ["target", "limit", "measured", "status", "measured as"]
    return table(head, rows, "lrrll"), missed


def kernels_section(k: dict[str, Any]) -> str:
    items = k["items"]
    rows = []
    for name, r in items.items():
        if r["kind"] == "numpy":
            continue
        ref_name = r.get("numpy_ratio_ref")
        ref = items.get(ref_name) if ref_name else None
        rows.append([
            f"`{name}`" if r["kind"] == "kernel" else name,
            ms(r["median_s"]),
            f"{ms(r['min_s'])}–{ms(r['max_s'])}",
            fmt(r.get("first_call_s")),
            ms(ref["median_s"]) if ref else "-",
            f"{r['numpy_ratio']:.1f}x" if "numpy_ratio" in r else "-",
            f"{r['bytes'] / 1e6:.0f}" if r.get("bytes") else "-",
            ms(r.get("bound_s")),
            f"{r['bandwidth_ratio']:.1f}" if "bandwidth_ratio" in r else "-",
            f"{r['peak_rss_mb']:.0f}",
            f"{round(r['peak_delta_mb']):+d}",
        ])
    head = ["item", "median ms", "min–max ms", "first call s", "NumPy ms", "speed-up",
            "bytes MB", "bound ms", "× bound", "peak RSS MB", "Δ MB"]
    return table(head, rows)


def numpy_section(k: dict[str, Any]) -> str:
    items = k["items"]
    rows = []
    for name, r in items.items():
        if r["kind"] != "numpy":
            continue
        of = r["reference_of"]
        ratio = r["median_s"] / items[of]["median_s"] if of in items else None
        rows.append([name.removeprefix("numpy: "), f"`{of}`" if items.get(of, {}).get(
            "kind") == "kernel" else of, ms(r["median_s"]), f"{ms(r['min_s'])}–{ms(r['max_s'])}",
            "-" if ratio is None else f"{ratio:.1f}x", f"{r['peak_rss_mb']:.0f}",
            f"{round(r['peak_delta_mb']):+d}"])
    head = ["NumPy reference", "of", "median ms", "min–max ms", "kernel speed-up",
            "peak RSS MB", "Δ MB"]
    return table(head, rows, "llrrrrr")


def checks_section(k: dict[str, Any]) -> str:
    rows = []
    for name, c in k["checks"].items():
        rows.append([name, c.get("compared", ""), "equal" if c["equal"] else
                     f"**DIFFER**: {c['detail']}"])
    return table(["check", "compared", "result"], rows, "lll")


def invariants_section(k: dict[str, Any]) -> str:
    inv = k.get("invariants", {})
    if not inv:
        return ""
    rows = [[name, c.get("compared", ""), "holds" if c["equal"] else f"**BROKEN**: {c['detail']}"]
            for name, c in inv.items()]
    return table(["invariant", "stated by", "result"], rows, "lll")


def kernels_hash(state: dict[str, Any]) -> str:
    """What the run hashed of the kernels: the package src/akimsim/kernels/*.py, or (in
    results from before the regrouping) the single file kernels.py."""
    if "kernels_sha1" in state:
        return f"src/akimsim/kernels/*.py sha1 {state['kernels_sha1'][:12]}"
    if "kernels_py_sha1" in state:
        return f"kernels.py sha1 {state['kernels_py_sha1'][:12]}"
    return "kernels not hashed"


def source_note(k: dict[str, Any]) -> str:
    a, b = k.get("source_at_start"), k.get("source_at_end")
    if not a:
        return ""
    text = (f"Source: commit {a['commit']}"
            + (f" with uncommitted changes in {len(a['src_changes'])} file(s) under src/"
               if a["src_changes"] else "") + f"; {kernels_hash(a)}.")
    if k.get("source_changed_during_run") and b:
        text += (f" **src/ changed during the run** (at the end: commit {b['commit']}, "
                 f"{kernels_hash(b)}); the kernels were imported at the start, the "
                 "subprocesses ran later code.")
    return text


def processes_section(k: dict[str, Any]) -> str:
    out = []
    tl = k.get("timeline")
    if tl:
        out.append(f"- National timeline: `{tl.get('command')}` exited {tl.get('returncode')}"
                   f"{' (killed at timeout)' if tl.get('timed_out') else ''} after "
                   f"{tl.get('wall_s', 0):.1f} s wall ({tl.get('user_s', 0):.1f} s user, "
                   f"{tl.get('sys_s', 0):.1f} s system); peak RSS "
                   f"{tl.get('peak_rss_mb', 0):.0f} MB (`ru_maxrss` of the child from "
                   f"`os.wait4`).")
    ws = k.get("warm_start")
    if ws and "step_start_median_s" in ws:
        runs = [r for r in ws["runs"] if not r.get("warmup")]
        starts = ", ".join(f"{r['step_start']:.2f}" for r in runs)
        out.append(f"- Warm-cache start: a new process imports akimsim, builds "
                   f"`AkimModel(RunConfig(regimes=kazakhstan_reform()))` and calls `step()`; "
                   f"after one warm-up run, the first step starts {ws['step_start_median_s']:.2f}"
                   f" s (median; runs: {starts} s) after the parent spawns the process "
                   f"(imports done at {ws['import_median_s']:.2f} s) and ends at "
                   f"{ws['step_done_median_s']:.2f} s.")
    elif ws:
        out.append(f"- Warm-cache start failed: `{ws.get('error', '')[-300:]}`")
    if not out:
        out.append("- Not measured in this run (`--skip-processes`).")
    return "\n".join(out)


def peers_section(peers: Any, ovp: Any) -> str:
    if not peers and not ovp:
        return ("No peer results in `benchmarks/results/` (see `benchmarks/peers/README.md`).")
    out = []
    if ovp and isinstance(ovp.get("speedups"), list):
        c = ovp.get("contest", {})
        out.append(f"One contest of {c.get('n_voters', '?'):,} voters and "
                   f"{c.get('n_candidates', '?')} candidates; akimsim through the public rule "
                   f"functions, peers with profile construction included.")
        ours = ovp.get("ours", {})
        rows = []
        for sp in ovp["speedups"]:
            rows.append([str(sp.get("library")), str(sp.get("variant")), str(sp.get("method")),
                         ms(sp.get("peer_total_s")), ms(sp.get("ours_s")),
                         f"{sp.get('speedup', 0):.3g}x"])
        out.append(table(["library", "variant", "method", "peer ms", "akimsim ms", "speed-up"],
                         rows, "lllrrr"))
        if ours:
            out.append("akimsim: " + "; ".join(
                f"{m} median {ms(v.get('median'))} ms (min {ms(v.get('min'))}, max "
                f"{ms(v.get('max'))}, {len(v.get('samples', []))} samples)"
                for m, v in ours.items() if isinstance(v, dict)))
        agree = ovp.get("agreement")
        if agree:
            out.append("Agreement with the peers' reference: " + ", ".join(
                f"{k_}: {'yes' if v else '**no**'}" for k_, v in agree.items()) + ".")
    elif peers:
        rows = []
        for r in peers.get("runs", []):
            tot = r.get("total_s", {})
            rows.append([str(r.get("library")), str(r.get("variant")), str(r.get("method")),
                         f"{r.get('n_voters', 0):,}", ms(tot.get("median"))])
        out.append(table(["library", "variant", "method", "voters", "total ms"], rows,
                         "lllrr"))
    if peers:
        v = peers.get("versions", {})
        out.append("Peer versions: " + ", ".join(f"{a} {b}" for a, b in v.items()) + ".")
    return "\n\n".join(out)


def reasons_block(old_text: str | None, missed: list[str]) -> str:
    if old_text and START in old_text and END in old_text:
        kept = old_text.split(START, 1)[1].split(END, 1)[0].strip()
        if kept and PLACEHOLDER not in kept:
            return f"{START}\n{kept}\n{END}"
    if not missed:
        body = "Every target was met in this run."
    else:
        body = ("> **PLACEHOLDER — to be completed by the lead engineer.** Explain, for each "
                "missed target above, why it is missed (what bounds the kernel: arithmetic of "
                "the random draws, memory traffic, scheduling, the baseline itself) and what "
                "would close the gap. Measured numbers:\n>\n"
                + "\n".join(f"> - {m}" for m in missed))
    return f"{START}\n{body}\n{END}"


def render(k: dict[str, Any], peers: Any, ovp: Any, old_text: str | None,
           timeline: Any = None) -> str:
    targets, missed = targets_section(k, ovp)
    cmd = k.get("command", "python benchmarks/bench_kernels.py").strip()
    quick = k["setup"].get("quick")
    parts = [
        "# Performance",
        "<!-- generated by benchmarks/render_performance.py from benchmarks/results/; "
        "edit only between the reasons markers -->",
        ("**This page was rendered from a quick run (1/20 of the voters); the targets are "
         "stated for the full electorate.**\n\n" if quick else "")
        + "Kernel timings at national scale: every voter of the shipped territory, split into "
        "one contest per unit (each unit's own voters), with 2-6 random candidates per "
        "contest. Kernels run after compilation, under `balanced()` (dynamic scheduling) as "
        "the package calls them. Each NumPy reference is vectorised (no Python loop over "
        "voters) and is checked to give the same result as the kernel — bit for bit where "
        "random draws are involved, through a NumPy port of the counter-based generator.",
        "## Machine and command",
        machine_section(k),
        source_note(k),
        f"```bash\nmake install\n.venv/bin/{cmd}\n"
        ".venv/bin/python benchmarks/render_performance.py\n```",
        render_timeline.section(timeline, old_text, ROOT / "docs" / "scaling.png"),
        "## Kernel targets",
        targets,
        "## Kernels",
        "Median, min–max and first call (compile + run) over the repeats; speed-up = the "
        "NumPy reference's median / the kernel's median (headline reference; all references "
        "in the next table); bytes = what the kernel must read and write (whole cache lines "
        "of row-major arrays it reads a column of); bound = bytes / streaming-read bandwidth; "
        "× bound = median / bound (1 = at the memory bound); peak RSS = VmHWM over the timed "
        "repeats after resetting it, Δ = above the RSS just before them.",
        kernels_section(k),
        "### NumPy references",
        numpy_section(k),
        "### Agreement checks",
        checks_section(k),
        "### Invariants between kernels",
        invariants_section(k),
        "### Whole model, in separate processes",
        processes_section(k),
        "## Peer libraries",
        peers_section(peers, ovp),
        "## Missed targets and why",
        ("Targets not met in this run:\n\n" + "\n".join(
            f"- {m.split(': ')[0]}" for m in missed) if missed else
         "No target was missed in this run."),
        reasons_block(old_text, missed),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="render docs/performance.md")
    ap.add_argument("--kernels", type=Path, default=RESULTS / "kernels.json")
    ap.add_argument("--peers", type=Path, default=RESULTS / "peers.json")
    ap.add_argument("--ours-vs-peers", type=Path, default=RESULTS / "ours_vs_peers.json")
    ap.add_argument("--timeline", type=Path, default=RESULTS / "timeline.json")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = ap.parse_args(argv)
    k = load(args.kernels)
    if k is None:
        raise SystemExit(f"{args.kernels} not found; run benchmarks/bench_kernels.py first")
    old = args.out.read_text() if args.out.is_file() else None
    text = render(k, load(args.peers), load(args.ours_vs_peers), old, load(args.timeline))
    text = re.sub(r"\n{3,}", "\n\n", text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
