#!/usr/bin/env python3
"""Assemble the coders' files into ``iness/data/coding/codings.csv``.

WORKDIR holds ``records/chunk_*.jsonl`` (what the coders read), ``pass_a/`` and
``pass_b/`` (the two independent codings) and ``adjudication/`` (the settled
disagreements). The output has one row per unit and coder (``a``, ``b``,
``final``); ``final`` is the agreed coding where both passes agree on every
variable, the adjudicator's decision elsewhere. Descriptions are not copied:
the coding file holds unit ids, names, codes and reasons only.

The file is written whole or not at all, and never with fewer rows than it
has unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guard import write_csv_text  # noqa: E402  (the sibling module of the coding scripts)

from iness.coding import workbench  # noqa: E402
from iness.reference.codebook import CONFIDENCE  # noqa: E402
from iness.store import codes  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "iness" / "data" / "coding" / "codings.csv"
#: the variables on which two passes are compared, and a coding file's columns
COMPARED = list(workbench.COMPARED)
COLUMNS = list(codes.CODING_COLUMNS)


def read_jsonl(paths) -> dict[str, dict]:
    """Records by unit id from JSON-lines files; a unit found twice stops the run."""
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


def final_coding(unit_id: str, a: dict, b: dict, settled: dict[str, dict]) -> dict:
    """Both passes' coding where they agree on every variable (with the surer of
    their two confidences), else the adjudicator's."""
    differing = disagreements(a, b)
    if not differing:
        return dict(
            normalised(a),
            reason=f"both coders agree; a: {a['reason']}",
            confidence=min(a["confidence"], b["confidence"], key=CONFIDENCE.index),
        )
    if unit_id in settled:
        final = normalised(settled[unit_id])
        final["reason"] = f"settled ({', '.join(differing)}): {settled[unit_id]['reason']}"
        return final
    raise SystemExit(
        f"unit {unit_id}: coders disagree on {differing} and no adjudication was found"
    )


def assemble(workdir: Path) -> tuple[int, list[list[str]]]:
    """The number of units and the coding's rows (three per unit), from WORKDIR."""
    records = read_jsonl(workdir.glob("records/chunk_*.jsonl"))
    if not records:
        raise SystemExit(f"{workdir}: no records/chunk_*.jsonl found: is it the coders' folder?")
    passes = {
        "a": read_jsonl(workdir.glob("pass_a/*.jsonl")),
        "b": read_jsonl(workdir.glob("pass_b/*.jsonl")),
    }
    settled = read_jsonl(workdir.glob("adjudication/*.jsonl"))
    rows = []
    for unit_id in sorted(records):
        a, b = passes["a"].get(unit_id), passes["b"].get(unit_id)
        if a is None or b is None:
            raise SystemExit(
                f"unit {unit_id} lacks a coding (a: {a is not None}, b: {b is not None})"
            )
        final = final_coding(unit_id, a, b, settled)
        name = records[unit_id]["name"]
        for coder, record in (("a", normalised(a)), ("b", normalised(b)), ("final", final)):
            rows.append([unit_id, name, coder] + [cell(record[key]) for key in COLUMNS[3:]])
    return len(records), rows


def as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Assemble the coders' two passes and the adjudication into one coding "
        "file (three rows per unit: a, b, final)."
    )
    parser.add_argument(
        "workdir", type=Path, help="folder with records/, pass_a/, pass_b/ and adjudication/"
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT})")
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even if the result has no rows or fewer rows than --out",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    units, rows = assemble(args.workdir)
    write_csv_text(args.out, as_csv(rows), force=args.force)
    print(f"{units} units, {len(rows)} rows written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
