"""House rules that a reviewer would otherwise have to remember: the import direction
between the package's parts, compile flags in one place, no hidden random state.

The import rules are stated per folder (the part a module belongs to), so a new module
is covered as soon as it exists. ``check_imports`` is also run on a deliberately bad
module in a temporary package, to show that each rule can fail.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numba
import numpy as np
import pytest

import akimsim

PACKAGE = Path(akimsim.__file__).resolve().parent

#: the part of a module: its folder below the package, or its name for top-level files
CORE = {"world", "agents", "elections", "regimes", "model", "records", "metrics", "runner",
        "io", "streams"}
EDGE_PARTS = {"edge"}
#: what each part may import of the package (parts), and of third-party libraries it
#: may not import at all
MAY_IMPORT: dict[str, set[str]] = {
    "kernels": {"kernels"},
    "config": {"config"},
    "streams": {"kernels"},  # the counter-based generator's key derivation
    "world": {"world", "config", "kernels", "streams"},
    "agents": {"agents", "config", "kernels", "world"},
    "elections": {"elections", "config", "kernels", "world", "agents"},
    "regimes": {"regimes", "config", "kernels", "world", "agents", "elections"},
    "records": {"records", "config", "world", "regimes"},
    "metrics": {"metrics", "config", "records", "model"},
    "model": {"config", "kernels", "world", "agents", "elections", "regimes", "records",
              "metrics", "streams"},
    "io": set(),
    "runner": {"config", "io", "metrics", "model", "analysis"},
    "replicas": {"config", "model", "world", "kernels", "streams"},
    "analysis": {"analysis", "config", "glossary"},
    "glossary": set(),  # the vocabulary of measures: data only
    "calibration": {"calibration", "analysis", "config", "replicas", "world", "model",
                    "runner", "io"},
    "edge": {"edge", "config", "kernels", "world", "agents", "elections", "regimes",
             "records", "metrics", "model", "runner", "io", "streams", "analysis", "__init__",
             "replicas", "calibration", "glossary"},
    "__init__": {"config", "model"},
    "__main__": {"edge"},
}
#: third-party libraries only some parts may import
RESTRICTED = {"hydra": {"edge/hydra.py"}, "omegaconf": {"edge/hydra.py"},
              "solara": {"edge/dashboard.py"}, "matplotlib": {"analysis", "edge"},
              "numba": {"kernels", "edge"}}


def sources(root: Path = PACKAGE) -> list[Path]:
    return [p for p in root.rglob("*.py") if "configs" not in p.parts]


def part_of(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported(path: Path, package: str = "akimsim") -> list[tuple[str, int, bool]]:
    """Every module ``path`` imports (absolute names) with its line and whether the import
    runs (False for those under ``if TYPE_CHECKING:``); lazy imports count too."""
    tree = ast.parse(path.read_text())
    typing_only = {id(n) for guard in ast.walk(tree) if isinstance(guard, ast.If)
                   and ast.unparse(guard.test).endswith("TYPE_CHECKING")
                   for stmt in guard.body for n in ast.walk(stmt)}
    out = []
    for node in ast.walk(tree):
        runs = id(node) not in typing_only
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, runs) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == package:  # from akimsim import kernels, AkimModel
                out += [(f"{package}.{a.name}", node.lineno, runs) for a in node.names]
            else:
                out.append((node.module, node.lineno, runs))
    return out


def check_imports(root: Path = PACKAGE, package: str = "akimsim") -> list[str]:
    """Every import that breaks :data:`MAY_IMPORT` (type-only imports included) or
    :data:`RESTRICTED` (imports that run)."""
    problems = []
    parts = {part_of(p, root) for p in sources(root)} | set(MAY_IMPORT)
    for path in sources(root):
        part = part_of(path, root)
        rel = path.relative_to(root).as_posix()
        if part not in MAY_IMPORT:
            problems.append(f"{rel}: part {part!r} has no import rule in MAY_IMPORT")
            continue
        for name, line, runs in imported(path, package):
            top = name.split(".")[0]
            if top == package:
                pieces = name.split(".")
                # a name from the package root that is not a part comes from __init__
                target = pieces[1] if len(pieces) > 1 and pieces[1] in parts else "__init__"
                if target in parts and target != part and target not in MAY_IMPORT[part]:
                    problems.append(f"{rel}:{line}: {part} may not import {name}")
            elif top in RESTRICTED and runs:
                allowed = RESTRICTED[top]
                if part not in allowed and rel not in allowed:
                    problems.append(f"{rel}:{line}: only {sorted(allowed)} may import {top}")
    return problems


def test_every_part_imports_only_what_it_may():
    assert check_imports() == []


def test_the_rules_fail_on_a_bad_import(tmp_path):
    """A core module that imports the edge, a kernel that imports the model, analysis
    that imports the model and a Hydra import outside edge/hydra.py are all caught."""
    pkg = tmp_path / "akimsim"
    for folder in ("kernels", "world", "analysis", "edge"):
        (pkg / folder).mkdir(parents=True)
    (pkg / "kernels" / "bad.py").write_text("from akimsim.model import AkimModel\n")
    (pkg / "world" / "bad.py").write_text("def f():\n    from akimsim.edge import cli\n")
    (pkg / "analysis" / "bad.py").write_text("import akimsim.model\n")
    (pkg / "edge" / "cli.py").write_text("import hydra\n")
    (pkg / "model.py").write_text("from akimsim import analysis\n")
    (pkg / "edge" / "hydra.py").write_text("import hydra\nfrom akimsim.model import AkimModel\n")
    found = sorted(check_imports(pkg))
    assert found == [
        "analysis/bad.py:1: analysis may not import akimsim.model",
        "edge/cli.py:1: only ['edge/hydra.py'] may import hydra",
        "kernels/bad.py:1: kernels may not import akimsim.model",
        "model.py:1: model may not import akimsim.analysis",
        "world/bad.py:2: world may not import akimsim.edge",
    ]


def test_every_subpackage_says_what_it_owns_and_may_import():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert len(doc.split()) >= 20, init
        assert re.search(r"\bimport", doc, re.IGNORECASE), f"{init}: say what it may import"


def test_only_the_jit_module_sets_compile_flags():
    pattern = re.compile(r"\b(njit|numba\.jit|@jit)\b")
    offenders = [p.name for p in sources() if p.name != "_jit.py" and pattern.search(p.read_text())]
    assert offenders == []


def test_no_global_random_state_in_the_package():
    pattern = re.compile(r"np\.random\.(seed|rand|randn|randint|choice|normal|uniform|shuffle|"
                         r"permutation|random)\(|\bimport random\b")
    offenders = [p.name for p in sources() if pattern.search(p.read_text())]
    assert offenders == []


def all_kernels():
    """Every Numba dispatcher defined in the kernels package, helpers included."""
    import importlib

    found = {}
    for path in sorted((PACKAGE / "kernels").glob("*.py")):
        module = importlib.import_module(f"akimsim.kernels.{path.stem}")
        for name, obj in vars(module).items():
            if isinstance(obj, numba.core.registry.CPUDispatcher) \
                    and obj.py_func.__module__ == module.__name__:
                found[f"{path.stem}.{name}"] = obj
    return found


def test_every_kernel_is_cached_and_every_parallel_loop_is_a_kernel():
    found = all_kernels()
    kernels = {n: f for n, f in found.items() if n.endswith("_kernel")}
    assert len(kernels) == 17
    for name, fn in found.items():
        assert fn._cache.__class__.__name__ == "FunctionCache", name
        is_kernel = name.endswith("_kernel")
        assert (fn.targetoptions.get("parallel") is True) == is_kernel, name
        uses_prange = "prange(" in Path(fn.py_func.__code__.co_filename).read_text() \
            .split(f"def {fn.__name__}(")[1].split("\n@")[0]
        assert uses_prange == is_kernel, name


@pytest.mark.parametrize("name", sorted(n for n in all_kernels() if n.endswith("_kernel")))
def test_no_kernel_takes_more_than_six_arguments(name):
    fn = all_kernels()[name]
    assert fn.py_func.__code__.co_argcount <= 6, name


def test_population_memory_per_voter():
    from akimsim import AkimModel, toy_config

    model = AkimModel(toy_config())
    per_voter = model.population.nbytes / model.population.n
    assert per_voter <= 48
    assert model.population.home.dtype == np.int32
