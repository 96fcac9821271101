#!/usr/bin/env python3
"""Write the shipped example survey's filled coding sheets and adjudication.

    python coding/example_sheets.py [--out FOLDER] [--force]

The example survey (``iness/data/survey/example_survey.csv``: the talk's named
platforms) was coded blind to the talk's placement by two independent
language-model passes and an adjudication (``iness/data/coding/example_codings.csv``,
coders ``a``, ``b`` and ``final``; prompts in ``coding/*_round3.md``). This
script draws the tutorial's sample exactly as ``iness coding sample
iness/data/survey/example_survey.csv --n 20 --seed 2020`` does, writes each
pass's codes into that coder's sheet as the coder would have picked them, and
fills the ``final`` column of the adjudication sheet ``merge`` lists for them.
Students then run ``merge`` on these files (see the tutorial notebook).

Writes ``coding_a.xlsx``, ``coding_b.xlsx`` and ``adjudication.xlsx`` into
FOLDER (default ``iness/data/survey/example_coding/``); refuses to replace
existing files unless ``--force``. ``--help`` writes nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "iness" / "data" / "survey" / "example_survey.csv"
CODINGS = ROOT / "iness" / "data" / "coding" / "example_codings.csv"
DEFAULT_OUT = ROOT / "iness" / "data" / "survey" / "example_coding"
SAMPLE_SIZE, SEED, CODERS = 20, 2020, ("a", "b")


def example_units():
    """The example survey's codable units, read as ``iness coding sample`` reads it."""
    from iness.build import survey_tables
    from iness.coding import workbench
    from iness.pipeline.clean.adapters import template
    from iness.pipeline.own_survey import DEFAULT_WAVE, checked_survey
    records = template(checked_survey(SURVEY), SURVEY.name, DEFAULT_WAVE)
    tables, _ = survey_tables(records, training=lambda _: None)
    return workbench.coding_units(tables["projects"])


def passes_by_unit(units):
    """The example's codings (keyed by platform id) keyed by the sample's unit ids."""
    from iness.store.codes import read_codings
    codings = read_codings(CODINGS)
    unit_of = dict(zip(units["platform_id"], units["unit_id"]))
    unknown = sorted(set(codings["unit_id"]) - set(unit_of))
    codable = codings[~codings["unit_id"].isin(unknown)]
    return codable.assign(unit_id=codable["unit_id"].map(unit_of))


def filled_adjudication(disagreements, final):
    """The adjudication table ``merge`` lists, its ``final`` taken from the adjudicated pass."""
    from iness.coding import workbench
    decided = final.set_index("unit_id")
    values, reasons = [], []
    for row in disagreements.itertuples():
        value = decided.at[row.unit_id, row.variable]
        # an adjudicated empty list is written 'none': merge never takes an empty final
        values.append(workbench.canonical(row.variable, value) or "none")
        reasons.append(decided.at[row.unit_id, "reason"])
    return disagreements.assign(final=values, final_reason=reasons)


def sheets() -> dict[str, bytes]:
    """The three files, as bytes."""
    from iness.coding import workbench
    units = example_units()
    sample = workbench.draw_sample(units, SAMPLE_SIZE, None, SEED)
    coded = passes_by_unit(units)
    files = {}
    with tempfile.TemporaryDirectory() as scratch:
        paths = []
        for coder in CODERS:
            book = workbench.coding_workbook(sample, coder, SURVEY.stem, "en",
                                             filled=coded[coded["coder"] == coder])
            files[f"coding_{coder}.xlsx"] = workbench.xlsx_bytes(book)
            paths.append(Path(scratch) / f"coding_{coder}.xlsx")
            paths[-1].write_bytes(files[f"coding_{coder}.xlsx"])
        merged = workbench.merge_sheets(paths, None, sample)
    table = filled_adjudication(merged.disagreements, coded[coded["coder"] == "final"])
    files["adjudication.xlsx"] = workbench.xlsx_bytes(workbench.adjudication_workbook(table))
    return files


def write(out: Path, files: dict[str, bytes], force: bool) -> None:
    """Each file written atomically; an existing file replaced only with ``force``."""
    existing = [name for name in files if (out / name).exists()]
    if existing and not force:
        raise SystemExit(f"{out}: {', '.join(existing)} already exist; --force replaces them")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        handle, temporary = tempfile.mkstemp(dir=out, prefix=f".{name}.")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, out / name)
        print(f"wrote {out / name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the three files (default {DEFAULT_OUT.relative_to(ROOT)})")
    parser.add_argument("--force", action="store_true", help="replace existing files")
    args = parser.parse_args(argv)
    write(args.out, sheets(), args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
