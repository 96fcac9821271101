"""Time the main job (``iness run``) cold on this machine, for both editions
and for the English one alone, and print each stage, the total, the target and
whether it is met: fetch (from the cache), build, each notebook run (as
``iness run`` runs them: in parallel, the editions of a notebook in one
kernel), the report as a whole (notebooks, HTML pages, index) and the whole
job; and the CPU seconds of the build, the report and the whole job ([CPU]).

    python benchmarks/bench_main_job.py [--repeat N] [--workers N]

Each run is cold: a fresh Python process that has imported nothing of the job,
with the build and every notebook forced. Outputs go to a temporary folder; the
project's data/ and reports/ are untouched except that the raw cache is filled
if empty. Other programs using the cores slow every stage: repeat
(``--repeat``) and read the spread; the verdict is on the median.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: the main job's budget, cold, on the project's 2-core machine
TARGET_SECONDS = 20.0


@contextlib.contextmanager
def notebook_seconds(report, into: dict):
    """Record each notebook run's own seconds (in its worker) while ``report`` runs them."""
    original = report.execute_all

    def recording(*args, **kwargs):
        for path, run, notebook, seconds, failure in original(*args, **kwargs):
            into[f"notebook {path.name} ({run.lang})"] = seconds
            yield path, run, notebook, seconds, failure

    report.execute_all = recording
    try:
        yield into
    finally:
        report.execute_all = original


def run_once(workers: int | None, langs: tuple[str, ...]) -> dict[str, float]:
    """Seconds per stage of one main job (the editions ``langs``), into a fresh
    temporary folder; the whole job counts iness's own imports, as ``iness run``
    pays them."""
    started_all = time.perf_counter()
    from iness import build, report
    from iness.pipeline import fetch
    logging.getLogger("pooch").setLevel(logging.WARNING)
    target = Path(tempfile.mkdtemp(prefix="iness-bench-"))
    timings: dict[str, float] = {}
    editions = {lang: report.edition_dir(target / "report", lang) for lang in langs}
    for label, step in (
            ("fetch (cache hit)", lambda: fetch.fetch_all(progress=False)),
            ("build", lambda: build.build(target / "tables")),
            ("report (notebooks + pages)", lambda: report.write_editions(
                editions, parameters={"DATA": str(target / "tables")}, workers=workers))):
        started, cpu = time.perf_counter(), cpu_seconds()
        with notebook_seconds(report, timings):
            step()
        timings[label] = time.perf_counter() - started
        timings[f"{label} [CPU]"] = cpu_seconds() - cpu
    timings["whole main job"] = time.perf_counter() - started_all
    timings["whole main job [CPU]"] = cpu_seconds()
    shutil.rmtree(target)  # the benchmark's own temporary folder
    return timings


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the notebook
    workers and their kernels): unlike wall time, other programs on the
    machine hardly change it."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                           resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def table(runs: list[dict[str, float]]) -> str:
    """One line per stage: median, and min-max over the runs."""
    labels = list(runs[0])
    width = max(len(label) for label in labels)
    lines = []
    for label in labels:
        values = [run[label] for run in runs]
        spread = f"  ({min(values):5.1f} - {max(values):5.1f})" if len(values) > 1 else ""
        lines.append(f"{label:<{width}}  {statistics.median(values):6.1f} s{spread}")
    return "\n".join(lines)


def verdict(runs: list[dict[str, float]], label: str) -> str:
    """Whether the median whole job meets :data:`TARGET_SECONDS`, and the
    shortest time any schedule could reach here: its CPU seconds over the cores."""
    whole = statistics.median(run["whole main job"] for run in runs)
    cpu = statistics.median(run["whole main job [CPU]"] for run in runs)
    cores = os.cpu_count() or 1
    met = "met" if whole <= TARGET_SECONDS else "NOT met"
    return (f"target: main job, {label}, <= {TARGET_SECONDS:.0f} s cold: {met} ({whole:.1f} s)"
            f"\nfloor: {cpu:.1f} CPU seconds on {cores} cores, so no schedule finishes in "
            f"under {cpu / cores:.1f} s")


def cold_run(workers: int | None, langs: tuple[str, ...]) -> dict[str, float]:
    """One run in a fresh interpreter, so that no import is already paid."""
    command = [sys.executable, __file__, "--one-run", "--lang", *langs]
    if workers:
        command += ["--workers", str(workers)]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode:
        raise SystemExit(f"the benchmark's run failed:\n{finished.stderr}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=1, help="cold runs (default 1)")
    arguments.add_argument("--workers", type=int, default=None,
                           help="notebook workers (default: iness run's)")
    arguments.add_argument("--lang", nargs="+", default=None, help=argparse.SUPPRESS)
    arguments.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)
    options = arguments.parse_args()
    if options.one_run:
        with contextlib.redirect_stdout(None):
            timings = run_once(options.workers, tuple(options.lang))
        print(json.dumps(timings))
        return
    from iness.pipeline import fetch
    fetch.fetch_all(progress=False)  # fill the raw cache, so that runs time a cache hit
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the runs")
    for langs, label in ((("en", "fr"), "both editions (iness run)"),
                         (("en",), "English edition only (iness run --lang en)")):
        runs = [cold_run(options.workers, langs) for _ in range(options.repeat)]
        print(f"\n{label}" + (f": {len(runs)} cold runs, median (min - max)"
                              if len(runs) > 1 else ""))
        print(table(runs))
        print(verdict(runs, label))


if __name__ == "__main__":
    main()
