"""environment.yml (conda) and pyproject.toml (pip) list the same packages."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def names(requirements):
    return {re.split(r"[<>=!~ \[]", item.strip(), maxsplit=1)[0].lower().replace("_", "-")
            for item in requirements}


def pyproject_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [item for group in project["optional-dependencies"].values() for item in group]
    return names(project["dependencies"] + extras)


def environment_packages():
    conda, pip, in_pip = [], [], False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        item = re.match(r"^(\s*)- (.+)$", line)
        if line.strip() == "- pip:":
            in_pip = True
        elif item and in_pip and len(item.group(1)) > 2:
            pip.append(item.group(2))
        elif item and line.startswith("  - ") and line.split("#")[0].strip() != "- pip:":
            conda.append(item.group(2))
    return names(conda + pip) - {"python", "pip", "conda-forge"}


def test_same_packages_in_both():
    assert environment_packages() == pyproject_packages()


def test_bounds_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = {re.split(r"[<>=]", item)[0].lower().replace("_", "-"): item.lower().replace("_", "-")
              for item in project["dependencies"]}
    text = (ROOT / "environment.yml").read_text().lower().replace("_", "-")
    for spec in bounds.values():
        assert spec in text, f"{spec} (pyproject) not in environment.yml"


def test_licence_and_citation_agree():
    import yaml
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert citation["license"] == "BSD-3-Clause"
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
    assert project["license"]["text"].startswith("BSD-3-Clause")
    assert citation["version"] == project["version"]
