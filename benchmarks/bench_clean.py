"""Benchmark of the clean step on synthetic DSI4EU-shaped surveys.

Prints, for 1x, 10x and 100x the real size (``--scales``), the rows cleaned per
second, the wall and CPU seconds and the peak memory of the clean step, each
run in a fresh process so that peaks do not mix (the survey is written by
another process first, so the peak is that of reading the raw files and
cleaning them); with ``--repeat``, the median and the spread (min-max) of the
runs. Then a naive row-by-row version of one step (tag canonicalisation) next
to the vectorised one, and whether the 100x targets are met. Run:

    python benchmarks/bench_clean.py [--scales 1 10 100] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: issue 12, item 6: the clean step on the synthetic 100x survey
TARGET_SCALE = 100
TARGET_SECONDS = 15.0
TARGET_PEAK_MIB = 2048  # 2 GiB


def write(scale: float) -> Path:
    """Write one synthetic survey (seed 1) to a fresh temporary folder."""
    from iness.pipeline import synthetic
    folder = Path(tempfile.mkdtemp(prefix=f"iness-bench-{scale:g}x-"))
    synthetic.write_survey(folder, scale=scale, seed=1)
    return folder


def measure(folder: Path) -> dict:
    """Read and clean one written survey in this process; return timings and peak memory."""
    from iness.pipeline import raw
    from iness.pipeline.clean.adapters import dsi4eu
    from iness.pipeline.clean.assemble import clean_survey
    frames = {name: raw.read_raw(name, folder / name) for name in raw.RAW_SPECS}
    rows = sum(len(frame) for frame in frames.values())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    tables = clean_survey(dsi4eu(frames))
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "peak_mib": peak / 1024, "peak_before_clean_mib": before / 1024,
            "tag_rows": len(tables["tags"])}


def run_scale(scale: float, repeat: int) -> dict:
    """Median and spread of ``repeat`` runs of one scale, each in a fresh process."""
    folder = Path(subprocess.run([sys.executable, __file__, "--write", str(scale)],
                                 capture_output=True, text=True, check=True
                                 ).stdout.strip().splitlines()[-1])
    runs = []
    try:
        for _ in range(repeat):
            result = subprocess.run([sys.executable, __file__, "--one", str(folder)],
                                    capture_output=True, text=True, check=True)
            runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(folder)
    summary = {"scale": scale, "rows": runs[0]["rows"], "runs": len(runs)}
    for key in ("seconds", "cpu_seconds", "peak_mib", "peak_before_clean_mib"):
        values = [run[key] for run in runs]
        summary[key] = statistics.median(values)
        summary[f"{key}_range"] = (min(values), max(values))
    summary["rows_per_second"] = summary["rows"] / summary["seconds"]
    return summary


def spread(summary: dict, key: str, digits: int) -> str:
    low, high = summary[f"{key}_range"]
    return f"{low:.{digits}f}-{high:.{digits}f}" if summary["runs"] > 1 else "-"


def verdict(summary: dict) -> str:
    """Whether the median run meets the issue's targets."""
    fast = summary["seconds"] <= TARGET_SECONDS
    small = summary["peak_mib"] <= TARGET_PEAK_MIB
    return (f"target at {TARGET_SCALE:g}x: <= {TARGET_SECONDS:g} s and <= "
            f"{TARGET_PEAK_MIB:,} MiB (2 GiB) peak: {summary['seconds']:.2f} s "
            f"({'met' if fast else 'NOT met'}), {summary['peak_mib']:,.0f} MiB "
            f"({'met' if small else 'NOT met'})")


def naive_versus_vectorised(scale: float) -> dict:
    """Tag canonicalisation: one match per row against one per distinct value."""
    from iness.pipeline import raw, synthetic
    from iness.pipeline.clean import vocab
    from iness.pipeline.clean.records import tags_from_text
    from iness.pipeline.clean.waves import FACETS_2016, PROJECTS_2016
    with tempfile.TemporaryDirectory(prefix="iness-bench-naive-") as name:
        synthetic.write_survey(Path(name), scale=scale, seed=1)
        projects = raw.read_raw(PROJECTS_2016, Path(name) / PROJECTS_2016)
    tags = tags_from_text(projects, FACETS_2016, "project", projects["Project ID"], PROJECTS_2016)
    started = time.perf_counter()
    naive = [vocab.match_tag(value, facet).tag for facet, value
             in zip(tags["facet"], tags["raw_value"])]
    naive_seconds = time.perf_counter() - started
    started = time.perf_counter()
    fast = vocab.canonicalise_tags(tags)
    fast_seconds = time.perf_counter() - started
    assert fast["tag"].tolist() == naive
    return {"tag_rows": len(tags), "naive_seconds": round(naive_seconds, 2),
            "vectorised_seconds": round(fast_seconds, 3),
            "speed_up": round(naive_seconds / fast_seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per scale, each in a fresh process (default 1)")
    parser.add_argument("--write", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write is not None:
        print(write(args.write))
        return
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    print(f"{'scale':>6} {'raw rows':>10} {'seconds':>8} {'(min-max)':>12} {'CPU s':>7} "
          f"{'rows/s':>9} {'peak MiB':>9} {'(min-max)':>11} {'raw MiB':>8}")
    target = None
    for scale in args.scales:
        row = run_scale(scale, args.repeat)
        print(f"{row['scale']:>5g}x {row['rows']:>10,} {row['seconds']:>8.2f} "
              f"{spread(row, 'seconds', 2):>12} {row['cpu_seconds']:>7.2f} "
              f"{row['rows_per_second']:>9,.0f} {row['peak_mib']:>9,.0f} "
              f"{spread(row, 'peak_mib', 0):>11} {row['peak_before_clean_mib']:>8,.0f}",
              flush=True)
        if scale == TARGET_SCALE:
            target = row
    print(f"(median of {args.repeat} run(s) per scale; CPU s: this process's CPU time, "
          "steadier than wall seconds on a shared machine; raw MiB: peak after reading "
          "the raw files, before cleaning)")
    comparison = naive_versus_vectorised(10)
    print(f"\ntag canonicalisation at 10x ({comparison['tag_rows']:,} tag rows): "
          f"row by row {comparison['naive_seconds']} s, once per distinct value "
          f"{comparison['vectorised_seconds']} s ({comparison['speed_up']}x faster)")
    if target is not None:
        print(verdict(target))
    else:
        print(f"target at {TARGET_SCALE:g}x not measured (add {TARGET_SCALE:g} to --scales)")


if __name__ == "__main__":
    main()
