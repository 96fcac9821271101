"""What ``iness build`` and ``iness survey`` say on the console: a short summary in
plain words (read, kept, merged, set aside, flagged, where the outputs are, what
to open next), the detailed figures written to a log file whose path it prints.

Every function here returns lines; none prints, so each is tested on small frames.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from iness.analysis import ledger_summary, raw_rows
from iness.paths import logs_dir

#: the first line of every log iness writes: a file without it is never replaced
LOG_HEADER = "# written by iness: the detail behind the console's summary"
#: the frameworks' names in the console's sentences
FRAMEWORK_WORDS = {"category": "categories", "activity": "key activities"}
#: what the console calls a ledger reason, when the reason alone is not plain enough
#: (a reason missing here is shown as the ledger words it)
REASON_WORDS = {
    "project id not in the project file": "links to a project missing from the export",
    "organisation id not in the organisation file": (
        "links to an organisation missing from the export"
    ),
    "link listed again on its other side": "links listed on both of their sides",
    "repeated link (same organisation, project and role)": "the same link given twice",
    "duplicate: same name": "duplicates by name",
    "duplicate: same website": "duplicates by website",
}


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 row``, ``2,479 rows``.

    >>> plural(1, "row"), plural(2479, "row"), plural(2, "entry", "entries")
    ('1 row', '2,479 rows', '2 entries')
    """
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def counted(counts: pd.Series, most: int = 3) -> str:
    """The largest counts of a series as ``name (n)``, at most ``most`` of them,
    then how many others there are.

    >>> counted(pd.Series({"a": 5, "b": 9, "c": 1, "d": 1}), most=2)
    'b (9), a (5) and 2 others'
    """
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    shown = ", ".join(
        f"{REASON_WORDS.get(name, name)} ({count:,})" for name, count in counts.head(most).items()
    )
    rest = len(counts) - most
    return shown + (f" and {plural(rest, 'other')}" if rest > 0 else "")


def ledger_lines(summary: pd.DataFrame, ledger: pd.DataFrame) -> list[str]:
    """Read, kept, merged and set aside, one line each, from the ledger's summary
    per file (rows_in, kept, merged, set_aside) and the ledger itself."""
    totals = summary.sum()
    files = plural(len(summary), "file")
    lines = [
        f"read: {plural(int(totals['rows_in']), 'raw row')} from {files}",
        f"kept: {int(totals['kept']):,}",
    ]
    records = ledger[raw_rows(ledger)]
    for outcome, words in (("merged", "merged into another record"), ("set_aside", "set aside")):
        rows = records[records["outcome"] == outcome]
        if len(rows):
            lines.append(
                f"{words}: {int(totals[outcome]):,}, why: "
                + counted(rows["reason"].fillna("no reason").value_counts())
            )
    return lines


def flagged_line(ledger: pd.DataFrame, unread: pd.DataFrame) -> str | None:
    """Records kept but flagged as suspect, and values kept but not read as
    written (``unread``: one row per table, column and flag, with ``records``)."""
    reasons = ledger["reason"].dropna()
    suspects = int(reasons.str.startswith("suspect: ").sum())
    parts = []
    if suspects:
        parts.append(
            f"{plural(suspects, 'suspect record')} (spam, tests, keyboard mash), "
            "kept but left out of the analyses"
        )
    if len(unread):
        parts.append(
            f"{plural(int(unread['records'].sum()), 'value')} not read as written "
            "(kept, marked in a *_flag column)"
        )
    return "flagged: " + "; ".join(parts) if parts else None


def _range(values: pd.Series) -> str:
    low, high = values.min(), values.max()
    return f"{low:.2f}" if round(low, 2) == round(high, 2) else f"{low:.2f} to {high:.2f}"


def coding_lines(quality) -> list[str]:
    """The coding by reading and how well the cheaper methods find its codes, in
    words a newcomer can read (from a :class:`iness.coding.measure.Quality`)."""
    lines = []
    status = getattr(quality, "status", pd.Series(dtype=int))
    if len(status):
        words = {
            "coded": "coded",
            "unusable_text": "with a text too poor to code",
            "no_description": "without a description",
        }
        lines.append(
            "coding by reading: "
            + ", ".join(
                f"{count:,} projects {words.get(name, name)}" for name, count in status.items()
            )
        )
    intercoder = quality.intercoder
    if len(intercoder):
        alpha = intercoder[intercoder["target"].isin(["", "all"])]["alpha"].dropna()
        if len(alpha):
            lines.append(
                f"agreement between the two independent readings: {_range(alpha)} "
                "(Krippendorff's alpha per variable; 1 = perfect, 0.8 or more "
                "is reliable)"
            )
    found = []
    if len(quality.classifier_cv):
        found.append(f"text classifier {_range(quality.classifier_cv['f1'].dropna())} by code")
    after = quality.crosswalk_after
    if len(after):
        micro = after[after["target"] == "all"]
        found += [
            f"tag crosswalk {row.f1:.2f} for {FRAMEWORK_WORDS.get(row.framework, row.framework)}"
            for row in micro.itertuples()
        ]
    if found:
        lines.append(
            "cheaper methods against the reading, F1 (1 = finds exactly the "
            "readers' codes, 0 = none): " + ", ".join(found)
        )
    return lines


def write_log(name: str, text: str) -> Path | None:
    """Write ``text`` as ``logs_dir()/NAME.txt`` whole (a temporary sibling, then
    a rename), under :data:`LOG_HEADER`; return its path. A file of that name
    iness did not write is left alone (None)."""
    folder = logs_dir()
    path = folder / f"{name}.txt"
    if path.exists() and not path.read_text(encoding="utf-8", errors="replace").startswith(
        LOG_HEADER
    ):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(f"{LOG_HEADER}\n{text.rstrip()}\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    return path


def details_line(log: Path | None) -> str:
    if log is None:
        return "details: run again with --verbose to print them"
    return f"details: {log} (or run again with --verbose)"


def build_summary(
    ledger_summary: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    unread: pd.DataFrame,
    quality,
    target: Path,
    log: Path | None,
    seconds: float,
    next_step: str | None,
) -> list[str]:
    """The lines ``iness build`` ends with."""
    kept = {name: len(tables[name]) for name in ("organisations", "projects", "links")}
    lines = [f"Built the clean tables in {seconds:.1f} s."]
    ledger = ledger_lines(ledger_summary, tables["ledger"])
    ledger[1] += (
        f" raw rows, as {plural(kept['organisations'], 'organisation')}, "
        f"{plural(kept['projects'], 'project')} and {plural(kept['links'], 'link')}"
    )
    lines += ["  " + line for line in ledger]
    flagged = flagged_line(tables["ledger"], unread)
    lines += ["  " + line for line in ([flagged] if flagged else []) + coding_lines(quality)]
    lines.append(
        f"  tables: {target} (Parquet and CSV; the ledger says what became of each raw row)"
    )
    lines.append("  " + details_line(log))
    if next_step:
        lines.append(f"  next: {next_step}")
    return lines


def category_counts(examples: pd.DataFrame) -> list[str]:
    """One line per target: its label and how many platforms it holds (from
    :func:`iness.analysis.survey_examples`: label, n), never their names."""
    width = max((len(label) for label in examples["label"]), default=0)
    return [f"{row.label:<{width}}  {row.n:>6,}" for row in examples.itertuples()]


def survey_summary(
    ledger: pd.DataFrame,
    projects: pd.DataFrame,
    unread: pd.DataFrame,
    examples: pd.DataFrame,
    method: str | None,
    tables: Path,
    table_file: Path | None,
) -> list[str]:
    """The lines ``iness survey`` prints once the tables are written: what was
    read, kept and set aside, and the platforms per social issue as counts,
    with the file holding their names."""
    lines = [f"Tables written to {tables}"]
    lines += ["  " + line for line in ledger_lines(ledger_summary(ledger), ledger)]
    lines[2] += f" rows, as {plural(len(projects), 'platform')}"
    flagged = flagged_line(ledger, unread)
    if flagged:
        lines.append("  " + flagged)
    measured_by = (
        f" (measured by: {method})"
        if method
        else " (each platform by its best method: classifier, else tags)"
    )
    lines.append(
        f"Platforms per social issue of the talk{measured_by}; a platform may count under several:"
    )
    lines += ["  " + line for line in category_counts(examples)]
    if table_file is not None:
        lines.append(f"  their names: {table_file}")
    return lines
