"""The bibliography: one file of references (package data), cited by key from
the notebooks and rendered on the report's references page."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .paths import PACKAGE_DATA

REFERENCES = PACKAGE_DATA / "references.csv"


@lru_cache(maxsize=1)
def references() -> pd.DataFrame:
    """Every reference: key, short (author-year), reference (Markdown), url."""
    return pd.read_csv(REFERENCES, dtype=str, keep_default_na=False).set_index("key")


def cite(key: str) -> str:
    """The author-year citation of a reference, e.g. ``Polanyi (1944)``.

    >>> cite("polanyi1944")
    'Polanyi (1944)'
    """
    table = references()
    if key not in table.index:
        raise KeyError(f"no reference {key!r} in {REFERENCES.name}; known: "
                       f"{', '.join(table.index)}")
    return table.loc[key, "short"]


def entry(key: str) -> str:
    """One full reference in Markdown, with its address when it has one."""
    row = references().loc[key]
    return row["reference"] + (f" <{row['url']}>" if row["url"] else "")


def bibliography(keys: list[str] | None = None) -> str:
    """A Markdown list of the references (all of them by default), sorted by
    their citation."""
    table = references()
    keys = list(table.index) if keys is None else keys
    ordered = sorted(dict.fromkeys(keys), key=lambda key: table.loc[key, "short"].lower())
    return "\n".join(f"- {entry(key)}" for key in ordered)
