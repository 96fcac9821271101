"""Skip work whose inputs have not changed.

The tables and each notebook's page are kept with a digest of what made them
(``inputs.json`` beside them): the package's own files, the raw files or the
tables read, the notebook's cells and its parameters. When the digest is the
same on the next run, the work is skipped; ``--force`` redoes it.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from iness.paths import PACKAGE_DATA

#: where a folder's digests are kept (a file iness writes with the outputs)
INPUTS_FILE = "inputs.json"
PACKAGE = PACKAGE_DATA.parent


def digest_files(paths: list[Path], root: Path | None = None) -> str:
    """SHA-256 over the files' names (relative to ``root``) and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        name = path.relative_to(root) if root else path.name
        digest.update(str(name).encode() + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def package_digest() -> str:
    """The package's code and data: any change to iness changes every result."""
    files = [path for path in PACKAGE.rglob("*") if path.is_file()
             and "__pycache__" not in path.parts and path.suffix != ".pyc"]
    return digest_files(files, PACKAGE)


def tables_digest(folder: Path) -> str:
    """The tables a notebook reads (their Parquet files)."""
    return digest_files(list(Path(folder).glob("*.parquet")))


def notebook_digest(path: Path) -> str:
    """A notebook's cells (ids and sources, not outputs): saving its outputs
    back does not make it new."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [(cell.get("id"), cell["cell_type"], "".join(cell["source"]))
             for cell in notebook["cells"]]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def key(*parts) -> str:
    """One digest of several inputs (strings, or anything JSON can write)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def recorded(folder: Path) -> dict:
    """The digests kept in a folder (empty when it has none or an unreadable one)."""
    path = Path(folder) / INPUTS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def as_text(digests: dict) -> str:
    """The digests as the file writes them (sorted, byte-stable)."""
    return json.dumps(digests, indent=1, sort_keys=True) + "\n"
