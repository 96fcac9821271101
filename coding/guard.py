"""How the coding scripts write a file: whole or not at all, and never an empty
or shorter table over a longer one unless asked (``--force``).

The coding by reading and the revised crosswalk are the project's most costly
data: a script run with the wrong arguments must not be able to wipe them.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path


def data_rows(text: str) -> int:
    """Rows of a CSV text, its header left out (quoted line breaks are one row).

    >>> data_rows('a,b\\n1,"x\\ny"\\n2,z\\n')
    2
    """
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


def refusal(path: Path, text: str, force: bool) -> str | None:
    """Why writing ``text`` over ``path`` is refused, or None when it may go ahead."""
    if force:
        return None
    new = data_rows(text)
    if new == 0:
        return f"{path}: refusing to write a table with no rows (--force to write it anyway)"
    if path.is_file():
        old = data_rows(path.read_text(encoding="utf-8"))
        if new < old:
            return f"{path}: refusing to replace {old} rows with {new} (--force to write it anyway)"
    return None


def write_csv_text(path: Path | str, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically (a temporary sibling, then a rename),
    after :func:`refusal` allowed it; a refusal exits with its one-line reason."""
    path = Path(path)
    reason = refusal(path, text, force)
    if reason:
        raise SystemExit(reason)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
