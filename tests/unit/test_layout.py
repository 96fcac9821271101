"""The package's layout shows the flow: each stage imports only from the stages
before it (sources -> pipeline -> tables -> codes -> analysis -> figures and
notebooks -> report), function-level imports included."""
import ast
from pathlib import Path

import iness

PACKAGE = Path(iness.__file__).parent
#: the stages, in the order the data flows through them
STAGES = [
    {"paths", "errors", "progress", "outputs", "cache", "i18n", "text", "frames"},
    {"reference"},
    {"pipeline"},
    {"store"},
    {"coding"},
    {"analysis"},
    {"notebook"},
    {"build", "report", "cli", "__init__"},
]


def stage_of(top: str) -> int:
    return next(number for number, names in enumerate(STAGES) if top in names)


def imported_tops(path: Path) -> list[tuple[str, int]]:
    """(first package part under iness, line) of every iness import in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import on line {node.lineno}")
        modules = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                   [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
        for module in modules:
            parts = module.split(".")
            if parts[0] != "iness":
                continue
            if len(parts) > 1:
                found.append((parts[1], node.lineno))
            else:  # from iness import x, y
                found += [(alias.name, node.lineno) for alias in node.names
                          if any(alias.name in names for names in STAGES)]
    return found


def test_every_module_is_in_a_stage():
    tops = {path.relative_to(PACKAGE).parts[0].removesuffix(".py")
            for path in PACKAGE.rglob("*.py")}
    assert tops == set().union(*STAGES)


def test_no_module_imports_from_a_later_stage():
    backwards = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = stage_of(path.relative_to(PACKAGE).parts[0].removesuffix(".py"))
        for top, line in imported_tops(path):
            if stage_of(top) > here:
                backwards.append(f"{path.relative_to(PACKAGE)}:{line} imports iness.{top}")
    assert backwards == []
