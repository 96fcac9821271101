#!/usr/bin/env python3
"""Check the FORMAT of a coding file against the records it codes.

It checks keys and allowed values (the codebook's, read from iness) only; it
never suggests codes. It writes nothing; its exit code is 1 when a coding is
missing, unknown or malformed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from iness.reference import codebook

KEYS = [
    "unit_id",
    "usable",
    "is_platform",
    "categories",
    "primary_category",
    "activities",
    "resources",
    "scope",
    "confidence",
    "reason",
]
#: how many problems and missing ids are printed (the counts are always complete)
SHOWN = 30


def usable_problems(coding: dict) -> list[str]:
    """What is wrong with the codes of a record the coder found usable."""
    categories = codebook.allowed("categories")
    problems = []
    if not isinstance(coding["is_platform"], bool):
        problems.append("is_platform must be true/false")
    if any(value not in categories for value in coding["categories"]):
        problems.append("unknown category")
    if len(set(coding["categories"])) != len(coding["categories"]):
        problems.append("repeated category")
    if coding["primary_category"] not in codebook.allowed("primary_category"):
        problems.append("unknown primary_category")
    if coding["categories"] and coding["primary_category"] not in coding["categories"]:
        problems.append("primary_category must be one of categories")
    if not coding["categories"] and coding["primary_category"] != codebook.NONE:
        problems.append(f"primary_category must be {codebook.NONE} when categories is empty")
    if any(value not in codebook.allowed("activities") for value in coding["activities"]):
        problems.append("unknown activity")
    if coding["activities"] and coding["is_platform"] is not True:
        problems.append("activities only for platforms")
    if any(value not in codebook.allowed("resources") for value in coding["resources"]):
        problems.append("unknown resource")
    if coding["scope"] not in codebook.allowed("scope"):
        problems.append("unknown scope")
    return problems


def coding_problems(coding: dict) -> list[str]:
    """What is wrong with one coding (a parsed JSON line); empty when nothing is."""
    if sorted(coding) != sorted(KEYS):
        return [f"keys must be exactly {KEYS}"]
    problems = []
    if not isinstance(coding["usable"], bool):
        problems.append("usable must be true/false")
    if coding["usable"]:
        problems += usable_problems(coding)
    elif (
        coding["is_platform"] is not None
        or coding["categories"]
        or coding["activities"]
        or coding["resources"]
        or coding["primary_category"] is not None
        or coding["scope"] is not None
    ):
        problems.append(
            "unusable records get is_platform/primary_category/scope null and empty lists"
        )
    if coding["confidence"] not in codebook.CONFIDENCE:
        problems.append("unknown confidence")
    if not isinstance(coding["reason"], str) or not coding["reason"].strip():
        problems.append("reason missing")
    return problems


def check(record_ids: list[str], lines: list[str]) -> tuple[set[str], list[str]]:
    """The unit ids coded and every problem found, one line each."""
    problems, seen = [], set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            coding = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not JSON ({error})")
            continue
        if not isinstance(coding, dict):
            problems.append(f"line {number}: not a JSON object")
            continue
        where = f"line {number} ({coding.get('unit_id')})"
        problems += [f"{where}: {problem}" for problem in coding_problems(coding)]
        if "unit_id" in coding:
            seen.add(coding["unit_id"])
    return seen, problems


def read_record_ids(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["unit_id"] for line in lines if line.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Check the format of a coding file (JSON lines) against the records "
        "it codes: keys and the codebook's values only. Writes nothing."
    )
    parser.add_argument("records", type=Path, help="the records coded (JSON lines, unit_id)")
    parser.add_argument("codes", type=Path, help="the coding to check (JSON lines)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    records = read_record_ids(args.records)
    seen, problems = check(records, args.codes.read_text(encoding="utf-8").splitlines())
    missing = [unit for unit in records if unit not in seen]
    extra = seen - set(records)
    print(
        f"{len(seen)} coded of {len(records)} records; {len(missing)} missing; "
        f"{len(extra)} unknown ids; {len(problems)} format problems"
    )
    for problem in problems[:SHOWN]:
        print(" ", problem)
    if missing:
        print("  first missing:", missing[:10])
    return 1 if problems or missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
