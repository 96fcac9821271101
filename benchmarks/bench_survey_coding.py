"""A researcher's survey with a coded sample: how long its tables take to build
when the classifier is measured out of fold on the survey's own coded units.

    python benchmarks/bench_survey_coding.py [--platforms 5000] [--coded 100]

The survey is resampled from the DSI4EU projects (built with ``iness build``;
see ``bench_large_survey.py``). Its coded sample is ``--coded`` random units
whose description DSI4EU's coders read, each given their settled coding: a
realistic adjudicated ``codings.csv``, written into the survey's coding folder
(``data/coding/<name>/``) for the run and removed after it. Each build runs in
a fresh process (``--force``), first without the coding, then with it.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

#: the survey's name, so that its coding folder is one nobody else uses
NAME = "bench-survey-coding"


def coded_sample(tables: Path, count: int, seed: int = 1) -> pd.DataFrame:
    """``count`` settled codings of the survey's units, each DSI4EU's coding of
    the same description (the rows of a codings.csv, lists as text)."""
    from iness.reference import codebook
    from iness.store import codes
    import iness
    dsi4eu = iness.load("projects")
    coding = codes.codings()
    final = codes.final_of(coding).set_index("unit_id")
    dsi4eu_units = codebook.coding_units(dsi4eu).assign(description=dsi4eu["description"]
                                                        .to_numpy())
    by_text = (dsi4eu_units[dsi4eu_units["unit_id"].isin(final.index)]
               .drop_duplicates("description").set_index("description")["unit_id"])
    projects = pd.read_parquet(tables / "projects.parquet")
    units = codebook.coding_units(projects).assign(description=projects["description"]
                                                   .to_numpy(),
                                                   project_name=projects["project_name"]
                                                   .to_numpy())
    units = units[units["description"].isin(by_text.index)].drop_duplicates("unit_id")
    picked = units.sample(n=count, random_state=np.random.RandomState(seed))
    raw = pd.read_csv(codes.CODING_FILE, dtype=str, keep_default_na=False)
    raw = raw[raw["coder"] == codes.FINAL].set_index("unit_id")
    rows = raw.loc[by_text.loc[picked["description"]].to_numpy()].reset_index()
    return rows.assign(unit_id=picked["unit_id"].to_numpy(),
                       project_name=picked["project_name"].to_numpy())[list(codes.CODING_COLUMNS)]


def stage_build(csv: Path, tables: Path) -> dict:
    import resource
    import iness
    started = time.perf_counter()
    iness.build_survey(csv, tables, name=NAME, force=True)
    seconds = time.perf_counter() - started
    quality = pd.read_parquet(tables / "classifier_quality.parquet")
    own = quality[quality["measured_on"] == "survey"]
    # CPU seconds of this process and its fold workers: on a shared machine the
    # wall time also counts other people's work
    cpu = sum(getattr(resource.getrusage(who), field)
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    # the resampled texts repeat DSI4EU's, which the classifier learnt: its
    # scores here say nothing of its quality, only that the units were scored
    return {"build_seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "scored_units": int(own["n"].max()) if len(own) else 0}


def run_stage(csv: Path, tables: Path) -> dict:
    """One build in a fresh process: its time (process start included) and result."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, "--stage", str(csv), str(tables)],
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(result.stderr.strip().splitlines()[-1])
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    return {"process_seconds": round(time.perf_counter() - started, 1), **outcome}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=5000)
    parser.add_argument("--coded", type=int, default=100)
    parser.add_argument("--stage", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage_build(Path(args.stage[0]), Path(args.stage[1]))))
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_large_survey import synthetic_survey
    from iness.build import CODINGS_FILE
    from iness.paths import coding_dir
    folder = coding_dir(NAME)
    if folder.exists():
        raise SystemExit(f"{folder} exists: this benchmark writes only a folder of its own")
    with tempfile.TemporaryDirectory(prefix="iness-bench-coding-") as name:
        csv, tables = Path(name) / f"{NAME}.csv", Path(name) / "tables"
        synthetic_survey(args.platforms).to_csv(csv, index=False)
        without = run_stage(csv, tables)
        print(f"{args.platforms:,} platforms, no coding: {without}", flush=True)
        folder.mkdir(parents=True)
        try:
            coded_sample(tables, args.coded).to_csv(folder / CODINGS_FILE, index=False,
                                                    lineterminator="\n")
            coded = run_stage(csv, tables)
        finally:
            (folder / CODINGS_FILE).unlink(missing_ok=True)
            folder.rmdir()
        print(f"{args.platforms:,} platforms, {args.coded} coded units: {coded}")


if __name__ == "__main__":
    main()
