"""Benchmark of the coding workbench on a 5,000-row survey (issue 20).

Writes a synthetic survey in the template (descriptions drawn from the shipped
example survey's, numbered so that every row is its own coding unit), then
times, each in a fresh process as a user runs them:

- ``iness coding sample FILE --n 500 --stratify country`` (reading the survey
  included, as ``iness survey`` reads it);
- ``iness coding merge`` of the two filled sheets (filled here by openpyxl,
  untimed: coder ``b`` disagrees on every seventh unit), 1,000 bootstrap
  replicates.

Prints the seconds of each against the 30 s target. Run:

    python benchmarks/bench_coding.py [--rows 5000] [--n 500]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 30.0


def write_survey(path: Path, rows: int) -> None:
    import pandas as pd

    from iness.pipeline.own_survey import EXAMPLE_SURVEY
    example = pd.read_csv(EXAMPLE_SURVEY, dtype=str).dropna(subset=["description"])
    picked = example.iloc[[i % len(example) for i in range(rows)]].reset_index(drop=True)
    pd.DataFrame({"platform_id": [f"S{i:05d}" for i in range(rows)],
                  "platform_name": [f"{name} {i}" for i, name in
                                    enumerate(picked["platform_name"])],
                  "description": [f"{text} (listing {i})" for i, text in
                                  enumerate(picked["description"])],
                  "country": picked["country"]}).to_csv(path, index=False)


def fill(source: Path, target: Path, disagree: bool) -> None:
    import openpyxl
    book = openpyxl.load_workbook(source)
    sheet = book["coding"]
    header = [cell.value for cell in sheet[1]]
    education = next(h for h in header if h.endswith("[categories:education]"))
    sharing = next(h for h in header if h.endswith("[categories:sharing]"))
    for row in range(2, sheet.max_row + 1):
        other = disagree and row % 7 == 0
        values = {"usable": "yes", "is_platform": "no" if other else "yes",
                  education if other else sharing: "yes",
                  "primary_category": "education" if other else "sharing",
                  "scope": "local", "confidence": "medium", "reason": "benchmark"}
        for column, value in values.items():
            sheet.cell(row, header.index(column) + 1, value)
    book.save(target)


def timed(arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "iness.cli", *arguments], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000, help="rows of the survey")
    parser.add_argument("--n", type=int, default=500, help="units sampled")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="iness-bench-coding-"))
    try:
        survey = folder / "bench_survey.csv"
        write_survey(survey, args.rows)
        sheets = folder / "sheets"
        sample = timed(["coding", "sample", str(survey), "--n", str(args.n), "--stratify",
                        "country_code", "--out", str(sheets)])
        fill(sheets / "coding_a.xlsx", folder / "a.xlsx", disagree=False)
        fill(sheets / "coding_b.xlsx", folder / "b.xlsx", disagree=True)
        merge = timed(["coding", "merge", str(folder / "a.xlsx"), str(folder / "b.xlsx"),
                       "--out", str(folder / "merged")])
    finally:
        shutil.rmtree(folder)
    for name, seconds in (("sample", sample), ("merge", merge)):
        verdict = "under" if seconds < TARGET_SECONDS else "OVER"
        print(f"{name:<7} {args.rows:,} rows, {args.n} units: {seconds:5.1f} s "
              f"({verdict} the {TARGET_SECONDS:g} s target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
