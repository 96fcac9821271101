"""Progress bars on a terminal, silence elsewhere (CI logs, notebooks, pipes)."""
from __future__ import annotations

import sys

from tqdm import tqdm


def on_terminal() -> bool:
    return sys.stderr.isatty()


def progress(iterable, description: str, total: int | None = None):
    """Wrap an iterable in a tqdm bar when stderr is a terminal."""
    return tqdm(iterable, desc=description, total=total, disable=not on_terminal(),
                leave=False, unit="step")
