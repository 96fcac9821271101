"""The bibliography: one file of references (package data), cited by key from
the notebooks and rendered on the report's references page."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from iness import i18n
from iness.paths import PACKAGE_DATA

REFERENCES = PACKAGE_DATA / "references.csv"


@lru_cache(maxsize=1)
def references() -> pd.DataFrame:
    """Every reference: key, short (author-year), reference (Markdown), url, and
    ``short_fr``, ``reference_fr`` where French writes them otherwise ("et",
    dates): empty means the same in French."""
    return pd.read_csv(REFERENCES, dtype=str, keep_default_na=False).set_index("key")


def _field(key: str, column: str, lang: str | None = None) -> str:
    table = references()
    if key not in table.index:
        raise KeyError(f"no reference {key!r} in {REFERENCES.name}; known: "
                       f"{', '.join(table.index)}")
    lang = i18n.language(lang)
    translated = table.loc[key, f"{column}_{lang}"] if f"{column}_{lang}" in table else ""
    return i18n.typography(translated or table.loc[key, column], lang)


def cite(key: str, lang: str | None = None) -> str:
    """The author-year citation of a reference in the language set, e.g.
    ``Polanyi (1944)``.

    >>> cite("moore2015"), cite("moore2015", "fr")
    ('Moore, Riddell and Vocisano (2015)', 'Moore, Riddell et Vocisano (2015)')
    """
    return _field(key, "short", lang)


def entry(key: str, lang: str | None = None) -> str:
    """One full reference in Markdown, with its address when it has one."""
    url = references().loc[key, "url"]
    return _field(key, "reference", lang) + (f" <{url}>" if url else "")


def bibliography(keys: list[str] | None = None, lang: str | None = None) -> str:
    """A Markdown list of the references (all of them by default), sorted by
    their citation."""
    table = references()
    keys = list(table.index) if keys is None else keys
    ordered = sorted(dict.fromkeys(keys), key=lambda key: table.loc[key, "short"].lower())
    return "\n".join(f"- {entry(key, lang)}" for key in ordered)
