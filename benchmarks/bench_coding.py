"""Benchmark of the coding workbench on a 5,000-row survey (issue 20), from the
sample to the prediction-powered shares.

Writes a synthetic survey in the template (descriptions drawn from the shipped
example survey's, numbered so that every row is its own coding unit), then
times, each in a fresh process as a user runs them:

- ``iness coding sample FILE --n 500 --stratify country_code`` (reading the
  survey included, as ``iness survey`` reads it);
- ``iness coding merge`` of the two filled sheets (filled here by openpyxl,
  untimed: coder ``b`` disagrees on every seventh unit), 1,000 bootstrap
  replicates;
- ``iness coding merge --final`` with the adjudication sheet filled (untimed)
  with coder ``a``'s values: writes ``data/coding/<name>/codings.csv``;
- ``iness survey FILE --no-report``, which builds the survey with that coding;
- the prediction-powered shares,
  ``iness.analysis.ppi.survey_shares(iness.survey(folder), name)``.

Everything is written under a temporary ``INESS_HOME`` (never the repository's
``data/``), removed at the end. DSI4EU is not built there, so the survey is
built without the classifier (:func:`iness.build.dsi4eu_projects` gives None).
Prints wall and CPU seconds of each step against the 30 s target: the machine
may be shared, and wall seconds then count other people's work too. Run:

    python benchmarks/bench_coding.py [--rows 5000] [--n 500]
"""
from __future__ import annotations

import argparse
import os
import resource
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


def fill_adjudication(source: Path, target: Path) -> int:
    """The adjudication sheet settled with coder ``a``'s value on every row; its rows."""
    import openpyxl
    book = openpyxl.load_workbook(source)
    sheet = book["adjudication"]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, header.index("final") + 1, sheet.cell(row, header.index("a") + 1).value)
        sheet.cell(row, header.index("final_reason") + 1, "benchmark: coder a")
    book.save(target)
    return sheet.max_row - 1


def children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(arguments: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one fresh Python process (imports included), and
    the last line it printed."""
    started, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run([sys.executable, *arguments], check=True, capture_output=True,
                            text=True)
    lines = result.stdout.strip().splitlines()
    return time.perf_counter() - started, children_cpu() - cpu, lines[-1] if lines else ""


def iness_command(*arguments: str) -> list[str]:
    return ["-m", "iness.cli", *arguments]


#: the shares step as a user writes it in a notebook; prints what it measured
SHARES = ("import sys, iness; from iness.analysis import ppi; "
          "shares = ppi.survey_shares(iness.survey(sys.argv[1]), sys.argv[2]); "
          "print(f'{len(shares)} shares')")


def run_steps(home: Path, rows: int, n: int) -> dict[str, tuple[float, float, str]]:
    """Wall and CPU seconds of each step and its last printed line, everything
    written under ``home``."""
    from iness.paths import coding_dir, processed_dir
    survey = home / "bench_survey.csv"
    write_survey(survey, rows)
    name = survey.stem
    sheets = coding_dir(name)
    times = {"sample": timed(iness_command("coding", "sample", str(survey), "--n", str(n),
                                           "--stratify", "country_code"))}
    fill(sheets / "coding_a.xlsx", home / "a.xlsx", disagree=False)
    fill(sheets / "coding_b.xlsx", home / "b.xlsx", disagree=True)
    filled = [str(home / "a.xlsx"), str(home / "b.xlsx")]
    times["merge"] = timed(iness_command("coding", "merge", *filled, "--name", name))
    fill_adjudication(sheets / "adjudication.xlsx", home / "adjudicated.xlsx")
    times["merge --final"] = timed(iness_command("coding", "merge", *filled, "--name", name,
                                                 "--final", str(home / "adjudicated.xlsx")))
    if not (sheets / "codings.csv").is_file():
        raise SystemExit(f"merge --final wrote no {sheets / 'codings.csv'}")
    times["survey --no-report"] = timed(iness_command("survey", str(survey), "--no-report"))
    times["ppi survey_shares"] = timed(["-c", SHARES, str(processed_dir(name)), name])
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000, help="rows of the survey")
    parser.add_argument("--n", type=int, default=500, help="units sampled")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="iness-bench-coding-"))
    previous = os.environ.get("INESS_HOME")
    os.environ["INESS_HOME"] = str(home)  # the steps' processes inherit it
    try:
        times = run_steps(home, args.rows, args.n)
    finally:
        shutil.rmtree(home)
        if previous is None:
            del os.environ["INESS_HOME"]
        else:
            os.environ["INESS_HOME"] = previous
    print(f"{args.rows:,}-row survey, {args.n} units sampled, two coders; each step a fresh "
          f"process. Wall seconds count other people's work on a shared machine (CPU "
          f"seconds do not); the target is {TARGET_SECONDS:g} s.")
    for step, (wall, cpu, said) in times.items():
        verdict = "under" if max(wall, cpu) < TARGET_SECONDS else (
            "OVER (wall only)" if cpu < TARGET_SECONDS else "OVER")
        shown = "" if str(home) in said else f"   ({said[:60]})"  # not the removed paths
        print(f"  {step:<20} wall {wall:5.1f} s   CPU {cpu:5.1f} s   {verdict} target{shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
