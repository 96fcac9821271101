"""The package's layout shows the flow: each stage imports only from the stages
before it (sources -> pipeline -> tables -> codes -> analysis -> figures and
notebooks -> report), function-level imports included. The scripts beside the
package (coding/, benchmarks/) import only what the package has."""

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

import iness

PACKAGE = Path(iness.__file__).parent
SCRIPTS = sorted(
    [*(PACKAGE.parent / "coding").glob("*.py"), *(PACKAGE.parent / "benchmarks").glob("*.py")]
)
#: the stages, in the order the data flows through them
STAGES = [
    {"paths", "errors", "progress", "outputs", "cache", "i18n", "text", "frames"},
    {"reference"},
    {"pipeline"},
    {"store"},
    {"coding"},
    {"analysis"},
    {"notebook"},
    # the tutorial walks students through the whole flow, the build included
    {"build", "summary", "tutorial", "report", "cli", "__init__"},
]


def stage_of(top: str) -> int:
    return next(number for number, names in enumerate(STAGES) if top in names)


def imported_tops(path: Path) -> list[tuple[str, int]]:
    """(first package part under iness, line) of every iness import in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import on line {node.lineno}")
        modules = (
            [node.module]
            if isinstance(node, ast.ImportFrom) and node.module
            else [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        for module in modules:
            parts = module.split(".")
            if parts[0] != "iness":
                continue
            if len(parts) > 1:
                found.append((parts[1], node.lineno))
            else:  # from iness import x, y
                found += [
                    (alias.name, node.lineno)
                    for alias in node.names
                    if any(alias.name in names for names in STAGES)
                ]
    return found


def test_every_module_is_in_a_stage():
    tops = {
        path.relative_to(PACKAGE).parts[0].removesuffix(".py") for path in PACKAGE.rglob("*.py")
    }
    assert tops == set().union(*STAGES)


def test_no_module_imports_from_a_later_stage():
    backwards = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = stage_of(path.relative_to(PACKAGE).parts[0].removesuffix(".py"))
        for top, line in imported_tops(path):
            if stage_of(top) > here:
                backwards.append(f"{path.relative_to(PACKAGE)}:{line} imports iness.{top}")
    assert backwards == []


def iness_imports(path: Path) -> list[tuple[str, str | None, int]]:
    """(module, name imported from it or None, line) of every iness import of a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [
                (alias.name, None, node.lineno)
                for alias in node.names
                if alias.name.split(".")[0] == "iness"
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "iness":
            found += [(node.module, alias.name, node.lineno) for alias in node.names]
    return found


def missing_import(module: str, name: str | None) -> bool:
    """Whether ``import module`` or ``from module import name`` would fail."""
    if importlib.util.find_spec(module) is None:
        return True
    if name is None:
        return False
    return (
        not hasattr(importlib.import_module(module), name)
        and importlib.util.find_spec(f"{module}.{name}") is None
    )


def test_the_scripts_are_found():
    assert {path.parent.name for path in SCRIPTS} == {"coding", "benchmarks"}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_script_imports_only_what_the_package_has(path):
    """``import iness.codes`` once broke coding/revise_crosswalk.py unnoticed."""
    broken = [
        f"{path.name}:{line} imports {module}" + (f".{name}" if name else "")
        for module, name, line in iness_imports(path)
        if missing_import(module, name)
    ]
    relative = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert broken == [] and relative == []


def test_old_flat_names_still_work_but_warn_where_they_went():
    with pytest.warns(DeprecationWarning, match=r"iness\.figures is now iness\.notebook\.figures"):
        moved = iness.__getattr__("figures")
    assert moved is importlib.import_module("iness.notebook.figures")
