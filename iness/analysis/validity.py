"""Whether the classifier's codes are measured on the survey they describe.

:func:`classifier_validity` reads a survey's ``classifier_quality`` table: a
survey with units coded by reading has the classifier's out-of-fold scores on
them (``measured_on = survey``); one without has only DSI4EU's cross-validated
scores (``measured_on = dsi4eu``), and its classifier codes are unvalidated.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iness.reference import codebook

#: the targets whose F1 the sentence ranges over (the primary category has an accuracy)
BINARY_FRAMEWORKS = ("is_platform", "category", "activity")
#: framework of the table -> labels.csv key of its name
FRAMEWORK_LABELS = {"is_platform": "framework_is_platform", "category": "category",
                    "activity": "activity", "primary_category": "framework_primary_category"}
#: framework -> codebook variable whose labels name its targets
TARGET_VARIABLES = {"category": "categories", "activity": "activities"}
DISPLAY_COLUMNS = ("framework", "target", "n", "positives", "precision", "recall", "f1")


@dataclass
class ClassifierValidity:
    """The classifier on one survey: ``validated`` when it was measured on
    ``coded_units`` of the survey's own coded units; ``table`` holds the rows
    that say how good it is (the survey's own, else DSI4EU's)."""
    validated: bool
    coded_units: int
    folds: int
    table: pd.DataFrame

    def text(self, lang: str | None = None) -> str:
        """One sentence saying how far the classifier's codes can be trusted here."""
        from iness.i18n import label, num
        binary = self.table[self.table["framework"].isin(BINARY_FRAMEWORKS)]
        f1 = binary["f1"].dropna()
        if f1.empty:
            return label("classifier_absent", lang)
        low, high = num(f1.min(), 2, lang), num(f1.max(), 2, lang)
        if not self.validated:
            return label("classifier_unvalidated", lang).format(low=low, high=high)
        platform = binary.loc[binary["framework"] == "is_platform", "f1"].dropna()
        return label("classifier_validated", lang).format(
            n=num(self.coded_units, 0, lang), k=self.folds, low=low, high=high,
            platform=num(platform.iloc[0], 2, lang) if len(platform) else "–")

    def display(self, lang: str | None = None) -> pd.DataFrame:
        """The scores as a table for a page: labelled framework and target, n,
        positives, precision, recall and F1 (empty where not measurable)."""
        from iness.i18n import label
        shown = self.table[self.table["framework"].isin(BINARY_FRAMEWORKS)]
        shown = shown[list(DISPLAY_COLUMNS)].copy()
        shown["target"] = [target_label(framework, target, lang) for framework, target
                           in zip(shown["framework"], shown["target"])]
        shown["framework"] = [label(FRAMEWORK_LABELS[framework], lang)
                              for framework in shown["framework"]]
        return shown.rename(columns={column: label(f"classifier_quality_{column}", lang)
                                     for column in DISPLAY_COLUMNS}).reset_index(drop=True)


def target_label(framework: str, target: str, lang: str | None = None) -> str:
    """A target's words: the codebook's label for a category or activity."""
    from iness.i18n import label, language
    if framework in TARGET_VARIABLES:
        return codebook.value_label(TARGET_VARIABLES[framework], target, language(lang))
    return label(FRAMEWORK_LABELS[framework], lang)


def classifier_validity(survey) -> ClassifierValidity:
    """How the classifier was measured on ``survey`` (an :class:`iness.Survey`):
    on its own coded units, out of fold, or only on DSI4EU's coding."""
    table = survey.classifier_quality
    own = table[table["measured_on"] == "survey"]
    chosen = own if len(own) else table[table["measured_on"] == "dsi4eu"]
    return ClassifierValidity(
        validated=bool(len(own)), coded_units=int(own["n"].max()) if len(own) else 0,
        folds=int(chosen["folds"].max()) if len(chosen) else 0,
        table=chosen.reset_index(drop=True))
