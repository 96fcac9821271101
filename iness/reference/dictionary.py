"""The data dictionary: what each processed table holds, column by column (kind,
empty allowed, allowed values, meaning in English and French). One place, read
by the pandera schemas (:mod:`iness.store.schemas`), by :func:`iness.load` (which
columns a table file must have) and by the report's data-dictionary page."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from iness.paths import PACKAGE_DATA

#: where each table's columns, types and meanings are written: the schemas
#: (iness.store.schemas) and the report's data dictionary both come from it
DICTIONARY = PACKAGE_DATA / "tables" / "dictionary.csv"
TABLES = PACKAGE_DATA / "tables" / "tables.csv"
#: survey years: DSI4EU is 2016 and 2017; a researcher's own survey may use any year
WAVE_RANGE = (1990, 2100)


@lru_cache(maxsize=1)
def dictionary() -> pd.DataFrame:
    """Every column of every processed table: kind, nullable, allowed values and
    meaning (en, fr)."""
    return pd.read_csv(DICTIONARY, dtype=str, keep_default_na=False)


def table_descriptions() -> pd.DataFrame:
    """Every processed table: its key columns and meaning (en, fr)."""
    return pd.read_csv(TABLES, dtype=str, keep_default_na=False).set_index("table")


def vocabulary(name: str) -> list[str]:
    """Allowed values: ``a|b|c`` written out, or a named vocabulary."""
    from iness.reference import codebook
    from iness.reference.vocabularies import org_type_table, role_table, size_band_table
    from iness.reference.codebook import CONFIDENCE, METHODS
    named = {"org_types": lambda: org_type_table()["org_type"].tolist(),
             "size_bands": lambda: size_band_table()["size_band"].tolist(),
             "roles": lambda: role_table()["role"].tolist(),
             "methods": lambda: list(METHODS), "confidence": lambda: list(CONFIDENCE)}
    if name.startswith("codebook:"):
        return codebook.allowed(name.split(":", 1)[1])
    return named[name]() if name in named else name.split("|")


def table_columns(table: str) -> list[str]:
    """The columns of one processed table, in the dictionary's order."""
    frame = dictionary()
    return frame.loc[frame["table"] == table, "column"].tolist()


def dictionary_markdown(lang: str = "en") -> str:
    """The data dictionary as Markdown: one section per table, one row per column."""
    heading = {"en": ("Column", "Type", "Empty allowed", "Allowed values", "Meaning", "Key"),
               "fr": ("Colonne", "Type", "Vide permis", "Valeurs permises", "Sens", "Clé")}[lang]
    yes_no = {"en": {"yes": "yes", "no": "no"}, "fr": {"yes": "oui", "no": "non"}}[lang]
    parts = []
    for table, about in table_descriptions().iterrows():
        colon = " :" if lang == "fr" else ":"
        key = (f" {heading[5]}{colon} `{', '.join(about['key'].split('|'))}`." if about["key"]
               else "")
        parts.append(f"## {table}\n\n{about[f'meaning_{lang}']}.{key}\n")
        parts.append("| " + " | ".join(heading[:5]) + " |\n|---|---|---|---|---|")
        for row in dictionary().query("table == @table").itertuples():
            allowed = ", ".join(vocabulary(row.allowed)) if row.allowed else ""
            parts.append(f"| `{row.column}` | {row.kind} | {yes_no[row.nullable]} | {allowed} | "
                         f"{getattr(row, f'meaning_{lang}')} |")
        parts.append("")
    from iness.i18n import typography
    return typography("\n".join(parts), lang)
