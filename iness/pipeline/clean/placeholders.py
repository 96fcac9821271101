"""Descriptions that do not describe: placeholders ("no description", "tbd",
lorem ipsum, a dash), a description that only repeats the name, and one text
shared by many differently named records (a form's default, a directory's
boilerplate). Such texts are ``unusable``: never classified, never read as
evidence that two records are one actor, and counted in the report.

Why the thresholds (measured on DSI4EU's 2,800 non-suspect project texts of
2016 and 2017, whose every text was also read by the coders):

- a text shared by :data:`REPEATED_MIN_NAMES` or more differently named records
  of one wave: in DSI4EU no genuine text is shared by three names; the texts
  shared by two are one genuine project listed twice ("CATI - Computer Aided
  Trust Internet") and the placeholder "not yet", caught by the phrase list.
  Two records of one organisation may share a blurb, so two is not enough;
- under :data:`MIN_LETTERS` letters ('.', '-', 't'): nothing to read;
- the phrase list (``vocab/placeholder_texts.csv``) matches the whole text,
  never a part of it: "not yet" alone is a placeholder, "not yet launched
  app for ..." is a description.

Checked against the coders' reading of DSI4EU: the rules flag 30 texts (14
without letters, 14 placeholders, 2 equal to the name), 22 of which the
coders also found unusable; they coded the other 8 from the name and website
they saw beside the text. DSI4EU's own status comes from that reading; the
rules decide only for texts nobody read (a researcher's survey).
"""
from __future__ import annotations

import csv
from functools import lru_cache

import pandas as pd

from iness.paths import PACKAGE_DATA
from iness.text import is_missing, normalise_key

#: differently named records of one wave sharing a text that make it boilerplate
REPEATED_MIN_NAMES = 3
#: fewer letters than this is no text
MIN_LETTERS = 3
#: reasons, in the order they are tested
REASONS = ("no_letters", "placeholder", "lorem_ipsum", "same_as_name", "repeated_text")


@lru_cache(maxsize=1)
def placeholder_phrases() -> frozenset[str]:
    """Normalised whole texts that say nothing (``vocab/placeholder_texts.csv``)."""
    with open(PACKAGE_DATA / "vocab" / "placeholder_texts.csv", newline="",
              encoding="utf-8") as handle:
        return frozenset(normalise_key(row["text"]) for row in csv.DictReader(handle))


def text_reason(description: str | None, name: str | None = None) -> str | None:
    """Why one description is unusable on its own, or None (a missing
    description is not unusable: it is absent).

    >>> [text_reason(t) for t in ("No description.", "-", "Lorem ipsum dolor sit amet")]
    ['placeholder', 'no_letters', 'lorem_ipsum']
    >>> text_reason("Goteo", "Goteo"), text_reason("Not yet launched app for carers")
    ('same_as_name', None)
    """
    if is_missing(description):
        return None
    key = normalise_key(description)
    if sum(character.isalpha() for character in key) < MIN_LETTERS:
        return "no_letters"
    if key in placeholder_phrases():
        return "placeholder"
    if key.startswith("lorem ipsum"):
        return "lorem_ipsum"
    if name is not None and key == normalise_key(name):
        return "same_as_name"
    return None


def unusable_reasons(projects: pd.DataFrame) -> pd.Series:
    """Why each project's description is unusable (``REASONS``), or None; the
    projects need ``wave``, ``project_name`` and ``description``. Repeated
    texts are counted within a wave, by distinct names (one project seen in
    two waves, or listed twice under one name, is not repetition)."""
    reasons = pd.Series([text_reason(text, name) for text, name in
                         zip(projects["description"], projects["project_name"])],
                        index=projects.index, dtype=object)
    keys = projects["description"].map(normalise_key)
    names = projects["project_name"].map(normalise_key)
    shared = (pd.DataFrame({"wave": projects["wave"], "key": keys, "name": names})
              [keys != ""].groupby(["wave", "key"])["name"].transform("nunique"))
    repeated = shared.reindex(projects.index).fillna(0) >= REPEATED_MIN_NAMES
    return reasons.where(reasons.notna() | ~repeated, "repeated_text")


def unusable_table(projects: pd.DataFrame) -> pd.DataFrame:
    """Per wave and reason: how many projects' texts are unusable, out of how
    many with a description, and up to three examples (a table the notebooks
    show)."""
    described = projects[~projects["description"].map(is_missing)]
    reasons = unusable_reasons(described)
    found = described.assign(reason=reasons)[reasons.notna()]
    totals = described.groupby("wave").size().rename("with_description")
    table = (found.groupby(["wave", "reason"])
             .agg(projects=("project_id", "size"), examples=("description", _examples))
             .reset_index())
    return table.merge(totals.reset_index(), on="wave", how="left")[
        ["wave", "reason", "projects", "with_description", "examples"]]


def _examples(texts: pd.Series, count: int = 3, width: int = 40) -> str:
    """The first ``count`` distinct texts, each cut to ``width`` characters."""
    return "; ".join(list(dict.fromkeys(str(text)[:width] for text in texts))[:count])
