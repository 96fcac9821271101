"""The codebook: how a platform is coded in the talk's frameworks by reading it.

Package data in ``iness/data/codebook/`` (French and English): the variables
(``usable``, ``is_platform``, ``categories``, ``primary_category``,
``activities``, ``resources``, ``scope``, ``confidence``, ``reason``), the
definition and boundaries of each value, and the decision rules for borderline
cases. Labels of categories and activities, and the talk's examples, come from
the frameworks (:mod:`iness.reference.taxonomy`), so that each is written once.

A *coding unit* is one text to read: projects with the same name and the same
description (the same project listed in both waves, or listed twice) are one
unit, coded once and carried to each of them.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

import pandas as pd

from iness.reference import taxonomy
from iness.text import collapse_spaces, compact_key
from iness.paths import PACKAGE_DATA

CODEBOOK_DIR = PACKAGE_DATA / "codebook"
#: variables whose values are the talk's framework targets
FRAMEWORK_OF = {"categories": "category", "primary_category": "category",
                "activities": "activity"}
NONE = "none"
#: the measurement methods, best first, and how sure a code is (the codes table)
METHODS = ("coded", "declared", "classifier", "crosswalk")
CONFIDENCE = ("high", "medium", "low")
#: the columns of the codes table, and the separator of its list values
CODES_COLUMNS = ["entity_id", "wave", "framework", "target_id", "subcategory_id", "method",
                 "confidence", "score", "evidence"]
LIST_SEPARATOR = ";"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(CODEBOOK_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def variables() -> pd.DataFrame:
    """variable_id, order, kind, and applies_to, question and instruction (en, fr)."""
    frame = _read("variables")
    return frame.assign(order=frame["order"].astype(int)).sort_values("order")


@lru_cache(maxsize=None)
def values() -> pd.DataFrame:
    """Definition, what it includes and what it excludes, per value of each variable."""
    frame = _read("values")
    return frame.assign(order=frame["order"].astype(int))


@lru_cache(maxsize=None)
def rules() -> pd.DataFrame:
    """Decision rules for borderline cases."""
    return _read("rules")


@lru_cache(maxsize=None)
def version() -> str:
    return _read("version")["version"].iloc[-1]


def allowed(variable: str) -> list[str]:
    """The value ids a coder may give to ``variable`` (in codebook order).

    >>> allowed("activities")[:2]
    ['matching', 'knowledge_brokerage']
    >>> allowed("primary_category")[-1]
    'none'
    """
    if variable in ("categories", "primary_category"):
        ids = taxonomy.categories().query("in_talk").sort_values("order")["category_id"].tolist()
        return ids + ([NONE] if variable == "primary_category" else [])
    if variable == "activities":
        return taxonomy.activities().sort_values("order")["activity_id"].tolist()
    found = values()[values()["variable_id"] == variable].sort_values("order")
    if found.empty:
        raise KeyError(f"the codebook has no list of values for {variable!r}")
    return found["value_id"].tolist()


def value_label(variable: str, value_id: str, language: str = "en") -> str:
    """A value's label: the framework's label for categories and activities, else the id."""
    framework = FRAMEWORK_OF.get(variable)
    if framework and value_id != NONE:
        return taxonomy.label_of(framework, language)[value_id]
    if value_id == NONE:
        return "None of the eight" if language == "en" else "Aucune des huit"
    return value_id


#: the labels.csv key of a value of each variable whose values are not the talk's targets
VALUE_LABEL_KEY = {"resources": "value_resource_{}", "scope": "value_scope_{}",
                   "confidence": "value_confidence_{}"}


def shown_label(variable: str, value_id: str, language: str = "en") -> str:
    """A value's label as a reader sees it: the framework's for categories and
    activities, ``labels.csv``'s for resources, scope and confidence.

    >>> shown_label("resources", "market_sales", "fr"), shown_label("confidence", "low", "fr")
    ('Ventes (marché)', 'Faible')
    """
    from iness import i18n
    key = VALUE_LABEL_KEY.get(variable, "").format(value_id)
    return i18n.label(key, language, default=value_label(variable, value_id, language))


def _examples(framework: str, target_id: str) -> str:
    found = taxonomy.examples()
    found = found[(found["framework"] == framework) & (found["target_id"] == target_id)]
    return ", ".join(found["platform"])


HEADINGS = {
    "en": {"title": "Codebook", "version": "version", "colon": ":", "question": "Question",
           "applies": "Coded for", "values": "Values", "includes": "includes",
           "excludes": "not", "examples": "the talk's examples", "rules": "Decision rules",
           "or_categories": "one of the categories above, or",
           "intro": ("How a project of a survey is coded in the talk's frameworks by reading "
                     "its name, website and description. Both independent codings of DSI4EU "
                     "used this version.")},
    "fr": {"title": "Grille de codage", "version": "version", "colon": "\u00a0:", "question": "Question",
           "applies": "Codé pour", "values": "Valeurs", "includes": "comprend",
           "excludes": "exclut", "examples": "exemples de l'exposé", "rules": "Règles de décision",
           "or_categories": "une des catégories ci-dessus, ou",
           "intro": ("Comment un projet d'une enquête est codé dans les cadres de l'exposé en "
                     "lisant son nom, son site et sa description. Les deux codages "
                     "indépendants de DSI4EU ont utilisé cette version.")},
}


def render_markdown(language: str = "en") -> str:
    """The whole codebook as one Markdown page, in English or French."""
    from iness import i18n
    words = HEADINGS[language]
    lines = [f"# {words['title']} ({words['version']} {version()})", "", words["intro"], ""]
    table = values()
    for variable in variables().itertuples():
        var_id = variable.variable_id
        name = i18n.label(f"variable_{var_id}", language)
        lines += [f"## {name} · `{var_id}`", "",
                  f"**{words['question']}{words['colon']}** {getattr(variable, f'question_{language}')}", "",
                  f"**{words['applies']}{words['colon']}** {getattr(variable, f'applies_to_{language}')}", "",
                  getattr(variable, f"instruction_{language}"), ""]
        if variable.kind == "text" or var_id == "usable" or var_id == "is_platform":
            continue
        lines += [f"{words['values']}" + (" (" + words["or_categories"] + ")"
                  if var_id == "primary_category" else "") + ":", ""]
        own = table[table["variable_id"] == var_id].set_index("value_id")
        shared = table[table["variable_id"] == ("categories" if var_id == "primary_category"
                                                 else var_id)].set_index("value_id")
        listed = [NONE] if var_id == "primary_category" else allowed(var_id)
        for value_id in listed:
            row = own.loc[value_id] if value_id in own.index else shared.loc[value_id]
            label = shown_label(var_id, value_id, language)
            text = f"- **{label}** · `{value_id}`: {row[f'definition_{language}']}"
            if row[f"include_{language}"]:
                text += f" *{words['includes']}:* {row[f'include_{language}']}"
            if row[f"exclude_{language}"]:
                text += f" *{words['excludes']}:* {row[f'exclude_{language}']}"
            framework = FRAMEWORK_OF.get(var_id)
            examples = _examples(framework, value_id) if framework else ""
            if examples:
                text += f" *{words['examples']}:* {examples}."
            lines.append(text)
        lines.append("")
    lines += [f"## {words['rules']}", ""]
    for rule in rules().itertuples():
        lines.append(f"- **{getattr(rule, f'case_{language}')}** (`{rule.rule_id}`): "
                     f"{getattr(rule, f'rule_{language}')}")
    return i18n.typography("\n".join(lines) + "\n", language)


def unit_key(name: str | None, description: str | None) -> str:
    """The coding unit of a record: same compact name and same text, same unit.

    >>> unit_key("Open Food Facts", "A food  database") == unit_key("OpenFoodFacts", "a food database")
    True
    """
    text = (collapse_spaces(description) or "").lower()
    digest = hashlib.sha1(f"{compact_key(name)}\n{text}".encode("utf-8")).hexdigest()
    return digest[:12]


def coding_units(projects: pd.DataFrame) -> pd.DataFrame:
    """One row per project with ``unit_id`` (the text it is coded from) and
    ``has_description``; projects without a description are never coded."""
    has_text = projects["description"].map(lambda text: bool(collapse_spaces(text)))
    units = [unit_key(name, text) if ok else None for name, text, ok in
             zip(projects["project_name"], projects["description"], has_text)]
    return pd.DataFrame({"wave": projects["wave"].to_numpy(),
                         "project_id": projects["project_id"].to_numpy(),
                         "unit_id": units, "has_description": has_text.to_numpy()})
