"""Synthetic DSI4EU-shaped surveys, for tests and benchmarks.

Files are written in the exact formats of the five raw files, drawn from the
package's real vocabularies, with the same kinds of mess as the real data:
typos, translations and free text in tag fields, spam and keyboard-mash names,
duplicate organisations, fragments for websites, country names in the region
column, (0, 0) and misplaced coordinates, epoch placeholders, HTML descriptions,
and links to projects missing from the export. Deterministic for a given seed.
"""
from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from iness.reference.vocabularies import org_type_table, role_table, size_band_table
from iness.pipeline.clean.vocab import facet_labels, variant_table
from iness.pipeline.raw import RAW_SPECS

#: the real files' sizes, the unit of ``scale``
REAL_SIZE = {"orgs_2016": 1172, "projects_2016": 738, "links_2016": 3600,
             "orgs_2017": 1228, "projects_2017": 829}

CITIES = [  # (country name as in the files, city, latitude, longitude)
    ("United Kingdom", "London", 51.5073219, -0.1276473),
    ("Spain", "Barcelona", 41.3828939, 2.1774322),
    ("France", "Paris", 48.8566101, 2.3514992),
    ("Italy", "Rome", 41.8933203, 12.4829321),
    ("Netherlands", "Amsterdam", 52.3745403, 4.8979755),
    ("Germany", "Berlin", 52.5170365, 13.3888599),
    ("Belgium", "Brussels", 50.8465573, 4.351697),
    ("Greece", "Athens", 37.9839412, 23.7283052),
    ("Portugal", "Lisbon", 38.7077507, -9.1365919),
    ("Korea, Republic of", "Seoul", 37.5666791, 126.9782914),
]
REGION_AS_COUNTRY = ["Wales", "Scotland", "Deutschland", "Nederland", "espana", "England"]
SPAM_NAMES = ["Buy2essays.com", "cheap essay writing service", "Pak SEO Company",
              "Geometry Dash", "happywheels10", "qdsfds", "r2t2t2t2t2", "test", "bleh"]
WORDS = ["open", "data", "city", "lab", "commons", "civic", "maker", "food", "health",
         "learn", "share", "green", "network", "digital", "social", "hub", "care",
         "map", "vote", "fund", "energy", "repair", "bike", "school", "tech"]
FREE_TAGS = ["social innovation", "community", "makers", "open source", "fablab",
             "citizen science", "crowdfunding", "volunteering", "refugees", "happy wheels"]


class _Maker:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        labels, variants = facet_labels(), variant_table()
        self.tags = {facet: group["tag"].tolist() for facet, group in labels.groupby("facet")}
        self.variants = {facet: group["variant"].tolist()
                         for facet, group in variants.groupby("facet")}
        self.recoded = variants.loc[variants["kind"] == "recode", "variant"].tolist()

    def pick(self, values, size=None):
        return self.rng.choice(np.asarray(values, dtype=object), size=size)

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.rng.bytes(16)))

    def name(self) -> str:
        words = self.pick(WORDS, self.rng.integers(1, 4))
        return " ".join(word.capitalize() for word in words) + f" {self.rng.integers(1, 10**6)}"

    def labels(self, facet: str, how_many: int, mess: float = 0.1) -> list[str]:
        tags, variants = self.tags[facet], self.variants.get(facet, [])
        chosen = list(self.pick(tags, how_many))
        if variants and self.rng.random() < mess:
            chosen.append(self.pick(variants))
        if self.rng.random() < mess:
            chosen.append(self.pick(FREE_TAGS))
        return list(dict.fromkeys(chosen))


def _orgs_2016(maker: _Maker, count: int) -> pd.DataFrame:
    types = org_type_table()["raw_2016"].tolist() + [""]
    sizes = size_band_table()["raw"].tolist() + [""]
    rows = []
    for index in range(count):
        country, city, lat, lon = CITIES[maker.rng.integers(len(CITIES))]
        name = maker.name() if maker.rng.random() > 0.02 else maker.pick(SPAM_NAMES)
        website = f"www.{name.split()[0].lower()}{index}.org"
        region = "" if maker.rng.random() < 0.5 else city
        roll = maker.rng.random()
        if roll < 0.05:
            region = maker.pick(REGION_AS_COUNTRY)
        if roll > 0.97:
            website = maker.pick(["en", "index.php", "?page_id=85"])
        latitude, longitude = f"{lat + maker.rng.normal(0, 0.05):.6f}", \
            f"{lon + maker.rng.normal(0, 0.05):.6f}"
        if maker.rng.random() < 0.01:
            latitude, longitude = "0", "0"
        if maker.rng.random() < 0.1:
            latitude = longitude = country = city = ""
        rows.append([maker.uuid(), f"  {name} " if roll < 0.01 else name,
                     maker.pick(types), maker.pick(sizes), "", website, "", maker.uuid(),
                     latitude, longitude, maker.uuid(), "1 Main Street", "", region,
                     country, city])
    frame = pd.DataFrame(rows, columns=RAW_SPECS["wave2016/orgs.csv"].columns)
    duplicates = frame.sample(n=max(1, count // 100), random_state=int(maker.rng.integers(1e9)))
    duplicates = duplicates.assign(**{"Organisation ID": [maker.uuid() for _ in duplicates.index],
                                      "Name": duplicates["Name"].str.upper()})
    return pd.concat([frame, duplicates], ignore_index=True)


def _projects_2016(maker: _Maker, count: int) -> pd.DataFrame:
    types = maker.tags["project_type"]
    rows = []
    for index in range(count):
        name = maker.name() if maker.rng.random() > 0.02 else maker.pick(SPAM_NAMES)
        rows.append([
            maker.uuid(), name,
            maker.pick(types) if maker.rng.random() > 0.05 else "a mix of trainingskill things",
            f"www.project{index}.eu" if maker.rng.random() > 0.4 else "",
            ", ".join(maker.labels("area", maker.rng.integers(1, 4))),
            ", ".join(maker.labels("dsi_area", maker.rng.integers(1, 3), mess=0)),
            "An increase in the quality of things.\r\r\nFor all. ",
            ", ".join(maker.labels("tech_focus", maker.rng.integers(1, 3), mess=0)),
            ", ".join(maker.pick(maker.recoded, int(maker.rng.integers(1, 4)))),
            maker.uuid(), f"{maker.rng.integers(1, 13)}/1/{maker.rng.integers(2013, 2018)}"
            if maker.rng.random() < 0.3 else ""])
    return pd.DataFrame(rows, columns=RAW_SPECS["wave2016/projects.csv"].columns)


def _links_2016(maker: _Maker, count: int, org_ids, project_ids) -> pd.DataFrame:
    roles = role_table()["role"].tolist()
    orphan = maker.rng.random(count) < 0.6
    projects = np.where(orphan, [maker.uuid() for _ in range(count)],
                        maker.pick(project_ids, count))
    return pd.DataFrame({"Linking ID": [maker.uuid() for _ in range(count)],
                         "Organisation ID": maker.pick(org_ids, count),
                         "Project ID": projects, "Role": maker.pick(roles, count)})


def _carried_over(maker: _Maker, old_names: list[str], count: int) -> list[str]:
    """2017 names: as in the real dump, most records are migrated 2016 ones (same
    name), the rest new."""
    names = []
    for index in range(count):
        migrated = index < len(old_names) and maker.rng.random() < MIGRATED_SHARE
        names.append(old_names[index] if migrated else maker.name())
    return names


#: share of 2017 records that are 2016 records carried over (real: about 97 %)
MIGRATED_SHARE = 0.95


def _records_2017_orgs(maker: _Maker, count: int, names: list[str]) -> list[dict]:
    types = org_type_table()
    records = []
    for index in range(count):
        country, city, lat, lon = CITIES[maker.rng.integers(len(CITIES))]
        type_index = int(maker.rng.integers(len(types) + 1))
        org_type = ({"id": 0, "name": ""} if type_index == len(types) else
                    {"id": type_index + 1, "name": types["raw_2017"].iloc[type_index]})
        located = maker.rng.random() > 0.1
        records.append({
            "organisation_id": index + 1, "organisation_name": names[index],
            "website": f"http://www.org{index}.net" if maker.rng.random() < 0.1 else "",
            "short_description": "",
            "long_description": "<p>Caf&eacute; for&nbsp;<b>makers</b></p>"
            if maker.rng.random() < 0.05 else "",
            "country": country if located else "", "region": city if located else "",
            "latitude": lat if located else "", "longitude": lon if located else "",
            "address": ",\n", "organisation_type": org_type,
            "organisation_size": maker.pick(size_band_table()["raw"].tolist() + [""]),
            "startDate": "2014-01-01" if maker.rng.random() < 0.05 else "",
            "linked_project_ids": [], "tags": list(maker.pick(FREE_TAGS, 2))
            if maker.rng.random() < 0.05 else [],
            "networkTags": [{"id": "13", "name": "FabLab Network"}]
            if maker.rng.random() < 0.03 else [],
            "created": "1970-01-01" if maker.rng.random() < 0.9 else "2017-02-27"})
    return records


def _records_2017_projects(maker: _Maker, count: int, org_count: int,
                           names: list[str]) -> list[dict]:
    def items(facet, how_many):
        return [{"id": str(i), "name": label.capitalize()}
                for i, label in enumerate(maker.labels(facet, how_many, mess=0.05))]
    records = []
    for index in range(count):
        records.append({
            "project_id": index + 1, "project_name": names[index], "website": "",
            "short_description": "", "long_description": "<p>We help&rsquo;s people</p>",
            "social_impact": "", "start_date": None, "end_date": None, "country": "",
            "region": "", "latitude": "", "longitude": "",
            "linked_organisation_ids": [str(maker.rng.integers(1, org_count + 1))],
            "who_we_help_tags": [], "support_tags": items("area", 2),
            "focus": items("tech_focus", 1), "technology": items("tech_method", 2),
            "creation_date": "1970-01-01"})
    return records


def _link_both_sides(orgs: list[dict], projects: list[dict]) -> None:
    by_id = {record["organisation_id"]: record for record in orgs}
    for project in projects:
        for org_id in project["linked_organisation_ids"]:
            by_id[int(org_id)]["linked_project_ids"].append(str(project["project_id"]))


def write_survey(folder: Path | str, scale: float = 1.0, seed: int = 0) -> Path:
    """Write the five raw files at ``scale`` times the real size into ``folder``
    (laid out like the mirror: ``wave2016/orgs.csv``...)."""
    folder = Path(folder)
    maker = _Maker(seed)
    size = {key: max(5, int(round(value * scale))) for key, value in REAL_SIZE.items()}
    orgs = _orgs_2016(maker, size["orgs_2016"])
    projects = _projects_2016(maker, size["projects_2016"])
    links = _links_2016(maker, size["links_2016"], orgs["Organisation ID"],
                        projects["Project ID"])
    orgs17 = _records_2017_orgs(maker, size["orgs_2017"], _carried_over(
        maker, orgs["Name"].str.strip().tolist(), size["orgs_2017"]))
    projects17 = _records_2017_projects(maker, size["projects_2017"], size["orgs_2017"],
                                        _carried_over(maker, projects["Project Name"].tolist(),
                                                      size["projects_2017"]))
    _link_both_sides(orgs17, projects17)
    (folder / "wave2016").mkdir(parents=True, exist_ok=True)
    (folder / "wave2017").mkdir(parents=True, exist_ok=True)
    for name, frame in (("orgs.csv", orgs), ("projects.csv", projects),
                        ("org-projects.csv", links)):
        frame.to_csv(folder / "wave2016" / name, index=False, quoting=csv.QUOTE_MINIMAL,
                     lineterminator="\n")
    for name, records in (("organisations2.json", orgs17), ("projects2.json", projects17)):
        (folder / "wave2017" / name).write_text(json.dumps(records), encoding="utf-8")
    return folder
