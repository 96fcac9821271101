"""The crosswalk in French: its justifications (``crosswalk_fr.csv``, keyed by
the English text, as a gettext catalogue is) and its revision notes, which
``coding/revise_crosswalk.py`` writes from templates and which are rendered here
from the same templates in French. ``crosswalk.csv`` itself stays as that
script writes it."""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from iness import i18n
from iness.paths import PACKAGE_DATA

CROSSWALK_FR = PACKAGE_DATA / "frameworks" / "crosswalk_fr.csv"
#: a revision note as revise_crosswalk.py writes it: ``reason: figures``
_NOTE = re.compile(r"(?P<reason>low precision|near-universal|feeds two frameworks "
                   r"\(also (?P<also>[^)]*)\)): (?P<figures>.*)")
_FIGURES = re.compile(r"precision (?P<precision>[0-9.]+) on (?P<n>[0-9]+) coded projects "
                      r"\((?P<coverage>[0-9]+)% of them carry the term\)")
NO_SUPPORT = "no coded project carries the term"
FRAMEWORK_WORDS = {"category": "catégorie", "activity": "activité"}
REASONS = {"low precision": "précision faible", "near-universal": "quasi universel"}


@lru_cache(maxsize=1)
def justifications() -> dict[str, str]:
    """English justification -> French."""
    frame = pd.read_csv(CROSSWALK_FR, dtype=str, keep_default_na=False)
    return dict(zip(frame["justification_en"], frame["justification_fr"]))


def justification(english: str, lang: str | None = None) -> str:
    """A row's justification in the language set; one with no French yet stays
    English and is noted as missing (an error in strict mode)."""
    lang = i18n.language(lang)
    if lang == i18n.SOURCE_LANGUAGE or not english:
        return english
    found = justifications().get(english)
    if found is None:
        if i18n.strict():
            raise i18n.MissingTranslation(f"no French justification for the crosswalk row "
                                          f"{english!r}: add it to {CROSSWALK_FR.name}")
        i18n.MISSING.add((lang, "crosswalk", english))
        return english
    return i18n.typography(found, lang)


def _also(also: str) -> str:
    from iness.reference import taxonomy
    parts = []
    for item in also.split(", "):
        framework, target = item.split(":", 1)
        label = taxonomy.label_of(framework, "fr").get(target, target)
        parts.append(f"{FRAMEWORK_WORDS.get(framework, framework)} « {label} »")
    return ", ".join(parts)


def revision_note(english: str, lang: str | None = None) -> str:
    """A revision note in the language set, with its numbers in the language's
    style.

    >>> revision_note("low precision: precision 0.03 on 29 coded projects "
    ...               "(17% of them carry the term)", "fr") == (
    ...     "précision faible\\u202f: précision de 0,03 sur 29 projets codés "
    ...     "(17\\u00a0% d\\u2019entre eux portent le terme)")
    True
    """
    lang = i18n.language(lang)
    if lang == i18n.SOURCE_LANGUAGE or not english:
        return english
    note = _NOTE.fullmatch(english)
    figures = _FIGURES.fullmatch(note.group("figures")) if note else None
    if not note or not (figures or note.group("figures") == NO_SUPPORT):
        raise ValueError(f"crosswalk.csv: revision_note {english!r} is not in the form "
                         "revise_crosswalk.py writes ('reason: precision P on N coded "
                         "projects (C% of them carry the term)')")
    reason = (f"alimente deux cadres (aussi {_also(note.group('also'))})" if note.group("also")
              else REASONS[note.group("reason")])
    said = ("aucun projet codé ne porte ce terme" if not figures else
            f"précision de {i18n.num(float(figures['precision']), 2, lang)} sur "
            f"{i18n.num(int(figures['n']), lang=lang)} projets codés "
            f"({figures['coverage']} % d'entre eux portent le terme)")
    return i18n.typography(f"{reason} : {said}", lang)


def localised(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The crosswalk (or any of its columns) with ``justification`` and
    ``revision_note`` in the language set."""
    if i18n.language(lang) == i18n.SOURCE_LANGUAGE:
        return frame
    frame = frame.copy()
    if "justification" in frame:
        frame["justification"] = [justification(text, lang) for text in frame["justification"]]
    if "revision_note" in frame:
        frame["revision_note"] = [revision_note(text, lang) for text in frame["revision_note"]]
    return frame
