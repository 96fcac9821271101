#!/usr/bin/env python3
"""Assemble the coders' files into ``iness/data/coding/codings.csv``.

    python coding/assemble.py WORKDIR

WORKDIR holds ``records/chunk_*.jsonl`` (what the coders read), ``pass_a/`` and
``pass_b/`` (the two independent codings) and ``adjudication/`` (the settled
disagreements). The output has one row per unit and coder (``a``, ``b``,
``final``); ``final`` is the agreed coding where both passes agree on every
variable, the adjudicator's decision elsewhere. Descriptions are not copied:
the coding file holds unit ids, names, codes and reasons only.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "iness" / "data" / "coding" / "codings.csv"
COMPARED = ["usable", "is_platform", "categories", "primary_category", "activities",
            "resources", "scope"]
COLUMNS = ["unit_id", "project_name", "coder", "usable", "is_platform", "categories",
           "primary_category", "activities", "resources", "scope", "confidence", "reason"]


def read_jsonl(paths) -> dict[str, dict]:
    found = {}
    for path in sorted(paths):
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                record = json.loads(line)
                if record["unit_id"] in found:
                    raise SystemExit(f"{path}, line {number}: unit {record['unit_id']} twice")
                found[record["unit_id"]] = record
    return found


def normalised(record: dict) -> dict:
    """Lists as sorted sets, so that order never counts as a disagreement."""
    out = dict(record)
    for key in ("categories", "activities", "resources"):
        out[key] = sorted(set(out.get(key) or []))
    return out


def disagreements(a: dict, b: dict) -> list[str]:
    a, b = normalised(a), normalised(b)
    return [key for key in COMPARED if a[key] != b[key]]


def cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def main(workdir: Path) -> None:
    records = read_jsonl(workdir.glob("records/chunk_*.jsonl"))
    passes = {"a": read_jsonl(workdir.glob("pass_a/*.jsonl")),
              "b": read_jsonl(workdir.glob("pass_b/*.jsonl"))}
    settled = read_jsonl(workdir.glob("adjudication/*.jsonl"))
    rows = []
    for unit_id in sorted(records):
        a, b = passes["a"].get(unit_id), passes["b"].get(unit_id)
        if a is None or b is None:
            raise SystemExit(f"unit {unit_id} lacks a coding (a: {a is not None}, "
                             f"b: {b is not None})")
        differing = disagreements(a, b)
        if not differing:
            final = dict(normalised(a), reason=f"both coders agree; a: {a['reason']}",
                         confidence=min(a["confidence"], b["confidence"],
                                        key=["high", "medium", "low"].index))
        elif unit_id in settled:
            final = normalised(settled[unit_id])
            final["reason"] = (f"settled ({', '.join(differing)}): "
                               f"{settled[unit_id]['reason']}")
        else:
            raise SystemExit(f"unit {unit_id}: coders disagree on {differing} and no "
                             "adjudication was found")
        name = records[unit_id]["name"]
        for coder, record in (("a", normalised(a)), ("b", normalised(b)), ("final", final)):
            rows.append([unit_id, name, coder] + [cell(record[key]) for key in COLUMNS[3:]])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"{len(records)} units, {len(rows)} rows written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
