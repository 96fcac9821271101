"""Time each stage of the main job on this machine, in one run, and print them:
fetch (from the cache), build, each notebook, the HTML pages, and the whole.

    python benchmarks/bench_main_job.py

Outputs go to a temporary folder; the project's data/ and reports/ are untouched
except that the raw cache is filled if empty.
"""
from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path


def main() -> None:
    from iness import build, fetch, report
    logging.getLogger("pooch").setLevel(logging.WARNING)
    timings = []
    started_all = time.perf_counter()

    def timed(label, function):
        started = time.perf_counter()
        result = function()
        timings.append((label, time.perf_counter() - started))
        return result

    fetch.fetch_all(progress=False)
    timed("fetch (cache hit)", lambda: fetch.fetch_all(progress=False))
    target = Path(tempfile.mkdtemp(prefix="iness-bench-"))
    timed("build", lambda: build.build(target / "tables"))
    html_seconds = 0.0
    for path in report.notebook_paths():
        notebook = timed(f"notebook {path.name}", lambda path=path: report.execute(
            path, target / "figures" / path.stem, {"DATA": str(target / "tables")}))
        started = time.perf_counter()
        (target / f"{path.stem}.html").write_text(report.to_html(notebook), encoding="utf-8")
        html_seconds += time.perf_counter() - started
    timings.append(("HTML pages", html_seconds))
    timings.append(("whole main job", time.perf_counter() - started_all))
    width = max(len(label) for label, _ in timings)
    for label, seconds in timings:
        print(f"{label:<{width}}  {seconds:6.1f} s")


if __name__ == "__main__":
    main()
