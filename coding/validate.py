#!/usr/bin/env python3
"""Check the FORMAT of a coding file: python3 validate.py RECORDS.jsonl CODES.jsonl
It checks keys and allowed values only; it never suggests codes."""
import json, sys
CAT = ["civic_engagement", "data_transparency", "education", "finance", "sharing", "science",
       "health", "social_inclusion"]
ACT = ["matching", "knowledge_brokerage", "information_collection", "alerting",
       "crowdsourcing_crowdfunding"]
RES = ["market_sales", "market_fees", "market_subscriptions", "redistribution_grants",
       "redistribution_contracts", "reciprocity_donations", "reciprocity_volunteering",
       "reciprocity_crowdfunding"]
SCOPE = ["local", "national", "international", "not_stated"]
CONF = ["high", "medium", "low"]
KEYS = ["unit_id", "usable", "is_platform", "categories", "primary_category", "activities",
        "resources", "scope", "confidence", "reason"]
records = [json.loads(l)["unit_id"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
problems, seen = [], set()
for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    if not line.strip():
        continue
    try:
        c = json.loads(line)
    except json.JSONDecodeError as e:
        problems.append(f"line {n}: not JSON ({e})"); continue
    where = f"line {n} ({c.get('unit_id')})"
    if sorted(c) != sorted(KEYS):
        problems.append(f"{where}: keys must be exactly {KEYS}"); continue
    seen.add(c["unit_id"])
    if not isinstance(c["usable"], bool): problems.append(f"{where}: usable must be true/false")
    if c["usable"]:
        if not isinstance(c["is_platform"], bool): problems.append(f"{where}: is_platform must be true/false")
        if any(x not in CAT for x in c["categories"]): problems.append(f"{where}: unknown category")
        if len(set(c["categories"])) != len(c["categories"]): problems.append(f"{where}: repeated category")
        if c["primary_category"] not in CAT + ["none"]: problems.append(f"{where}: unknown primary_category")
        if c["categories"] and c["primary_category"] not in c["categories"]: problems.append(f"{where}: primary_category must be one of categories")
        if not c["categories"] and c["primary_category"] != "none": problems.append(f"{where}: primary_category must be none when categories is empty")
        if any(x not in ACT for x in c["activities"]): problems.append(f"{where}: unknown activity")
        if c["activities"] and c["is_platform"] is not True: problems.append(f"{where}: activities only for platforms")
        if any(x not in RES for x in c["resources"]): problems.append(f"{where}: unknown resource")
        if c["scope"] not in SCOPE: problems.append(f"{where}: unknown scope")
    else:
        if c["is_platform"] is not None or c["categories"] or c["activities"] or c["resources"] or c["primary_category"] is not None or c["scope"] is not None:
            problems.append(f"{where}: unusable records get is_platform/primary_category/scope null and empty lists")
    if c["confidence"] not in CONF: problems.append(f"{where}: unknown confidence")
    if not isinstance(c["reason"], str) or not c["reason"].strip(): problems.append(f"{where}: reason missing")
missing = [u for u in records if u not in seen]
extra = seen - set(records)
print(f"{len(seen)} coded of {len(records)} records; {len(missing)} missing; {len(extra)} unknown ids; {len(problems)} format problems")
for p in problems[:30]: print(" ", p)
if missing: print("  first missing:", missing[:10])
sys.exit(1 if problems or missing or extra else 0)
