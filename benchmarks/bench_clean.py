"""Benchmark of the clean step on synthetic DSI4EU-shaped surveys.

Prints, for 1x, 10x and 100x the real size (``--scales``), the rows cleaned per
second and the peak memory of the clean step, each scale in a fresh process
so that peaks do not mix; then a naive row-by-row version of one step (tag
canonicalisation) next to the vectorised one. Run:

    python benchmarks/bench_clean.py [--scales 1 10 100]
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


def measure(scale: float) -> dict:
    """Clean one synthetic survey in this process; return timings and peak memory."""
    from iness import raw, synthetic
    from iness.clean.adapters import dsi4eu
    from iness.clean.assemble import clean_survey
    folder = Path(tempfile.mkdtemp(prefix=f"iness-bench-{scale}x-"))
    synthetic.write_survey(folder, scale=scale, seed=1)
    frames = {name: raw.read_raw(name, folder / name) for name in raw.RAW_SPECS}
    rows = sum(len(frame) for frame in frames.values())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    tables = clean_survey(dsi4eu(frames))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"scale": scale, "rows": rows, "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds), "peak_mib": round(peak / 1024),
            "peak_before_clean_mib": round(before / 1024),
            "tag_rows": len(tables["tags"])}


def naive_versus_vectorised(scale: float) -> dict:
    """Tag canonicalisation: one match per row against one per distinct value."""
    from iness import raw, synthetic
    from iness.clean import vocab
    from iness.clean.records import tags_from_text
    from iness.clean.waves import FACETS_2016, PROJECTS_2016
    folder = Path(tempfile.mkdtemp(prefix="iness-bench-naive-"))
    synthetic.write_survey(folder, scale=scale, seed=1)
    projects = raw.read_raw(PROJECTS_2016, folder / PROJECTS_2016)
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
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    print(f"{'scale':>6} {'raw rows':>10} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9}")
    for scale in args.scales:
        result = subprocess.run([sys.executable, __file__, "--one", str(scale)],
                                capture_output=True, text=True, check=True)
        row = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{row['scale']:>5g}x {row['rows']:>10,} {row['seconds']:>8.2f} "
              f"{row['rows_per_second']:>9,} {row['peak_mib']:>9,}", flush=True)
    comparison = naive_versus_vectorised(10)
    print(f"\ntag canonicalisation at 10x ({comparison['tag_rows']:,} tag rows): "
          f"row by row {comparison['naive_seconds']} s, once per distinct value "
          f"{comparison['vectorised_seconds']} s ({comparison['speed_up']}x faster)")


if __name__ == "__main__":
    main()
