"""A researcher's survey of many platforms, end to end: read and build the
tables, then run each notebook on them in its own process, and print the time
and the peak memory of each stage (the notebook's kernel included).

    python benchmarks/bench_large_survey.py [--platforms 50000] [--notebooks 06 07]

The survey is made by resampling the DSI4EU projects (built with ``iness
build``): names get a number, so that every platform is distinct, and each keeps
its description, country, coordinates and tags. Outputs go to a temporary
folder.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

#: template column -> DSI4EU tag facet carried into it
TAG_COLUMNS = {"areas": "area", "dsi_areas": "dsi_area", "tech_focus": "tech_focus",
               "tech_methods": "tech_method"}


def synthetic_survey(platforms: int, seed: int = 1) -> pd.DataFrame:
    """A survey in the template's columns, resampled from the DSI4EU projects."""
    import iness
    survey = iness.survey()
    rng = np.random.default_rng(seed)
    projects = survey.projects.reset_index(drop=True)
    picked = projects.iloc[rng.integers(0, len(projects), platforms)].reset_index(drop=True)
    tags = survey.tags[survey.tags["entity"] == "project"]
    organisations = survey.links.drop_duplicates(["wave", "project_id"]).merge(
        survey.organisations[["wave", "org_id", "org_name", "country_code", "latitude",
                              "longitude"]], on=["wave", "org_id"])
    lead = picked[["wave", "project_id"]].merge(organisations, on=["wave", "project_id"],
                                                how="left")
    frame = pd.DataFrame({
        "platform_id": [f"B{i:06d}" for i in range(platforms)],
        "platform_name": [f"{name} {i}" for i, name in enumerate(picked["project_name"])],
        "wave": 2024,
        "website": ["https://" + domain if isinstance(domain, str) else None
                    for domain in picked["website_domain"]],
        "description": picked["description"],
        "country": lead["country_code"].fillna(picked["country_code"]),
        "latitude": lead["latitude"].fillna(picked["latitude"]),
        "longitude": lead["longitude"].fillna(picked["longitude"]),
        # about three platforms per organisation, as in DSI4EU
        "organisation_name": [f"{name} {i // 3}" if isinstance(name, str) else None
                              for i, name in enumerate(lead["org_name"])],
    })
    # DSI4EU holds spreadsheet errors typed as text ('#NAME?'): a survey file
    # with them is refused cell by cell, as it should be; the benchmark drops them
    frame["description"] = frame["description"].where(
        ~frame["description"].fillna("").str.startswith("#"))
    for column, facet in TAG_COLUMNS.items():
        joined = (tags[tags["facet"] == facet].groupby(["wave", "entity_id"])["tag"]
                  .agg(lambda values: "; ".join(sorted(set(values)))))
        keys = list(zip(picked["wave"], picked["project_id"]))
        frame[column] = [joined.get(key) for key in keys]
    return frame


def peak_mib() -> tuple[int, int]:
    """Peak resident memory of this process and of its finished children, MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return own, children


def run_stage(arguments: list[str]) -> dict:
    """Run one stage in a fresh process; return its time and peak memory."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, *arguments], capture_output=True,
                            text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        return {"seconds": round(seconds, 1), "error": tail[0] if tail else "failed"}
    return {"seconds": round(seconds, 1), **json.loads(result.stdout.strip().splitlines()[-1])}


def stage_build(csv: Path, tables: Path) -> dict:
    import iness
    iness.build_survey(csv, tables)
    own, children = peak_mib()
    return {"peak_mib": max(own, children)}


def stage_notebook(name: str, tables: Path, target: Path) -> dict:
    from iness import report
    report.write_report(target=target, parameters={"DATA": str(tables)}, notebooks=[name])
    own, children = peak_mib()
    return {"peak_mib": max(own, children)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platforms", type=int, default=50_000)
    parser.add_argument("--notebooks", nargs="*", help="notebook number prefixes (default all)")
    parser.add_argument("--stage", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        kind, *rest = args.stage
        outcome = (stage_build(Path(rest[0]), Path(rest[1])) if kind == "build" else
                   stage_notebook(rest[0], Path(rest[1]), Path(rest[2])))
        print(json.dumps(outcome))
        return
    from iness import report
    with tempfile.TemporaryDirectory(prefix="iness-bench-large-") as name:
        run_all(Path(name), args, report)


def run_all(folder: Path, args, report) -> None:
    """Write the large survey into ``folder``, build it, run each notebook on it."""
    csv = folder / "large_survey.csv"
    started = time.perf_counter()
    synthetic_survey(args.platforms).to_csv(csv, index=False)
    print(f"survey of {args.platforms:,} platforms written in "
          f"{time.perf_counter() - started:.1f} s ({csv.stat().st_size / 1e6:.1f} MB)")
    tables = folder / "tables"
    row = run_stage(["--stage", "build", str(csv), str(tables)])
    print(f"{'stage':<28} {'seconds':>8} {'peak MiB':>9}")
    print(f"{'read and build tables':<28} {row['seconds']:>8.1f} {row.get('peak_mib', '-'):>9}"
          + (f"  {row['error']}" if "error" in row else ""), flush=True)
    if "error" in row:
        return
    wanted = args.notebooks
    for path in report.notebook_paths():
        if wanted and not any(path.name.startswith(prefix) for prefix in wanted):
            continue
        row = run_stage(["--stage", "notebook", path.name, str(tables),
                         str(folder / f"reports-{path.stem}")])
        print(f"{path.stem:<28} {row['seconds']:>8.1f} {row.get('peak_mib', '-'):>9}"
              + (f"  {row['error']}" if "error" in row else ""), flush=True)


if __name__ == "__main__":
    main()
