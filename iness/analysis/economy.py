"""The resources platforms draw on, in the three principles of a plural economy.

Polanyi's (1944) forms of integration, as Laville (1994) uses them for the
solidarity economy: the **market** (sales, fees, subscriptions),
**redistribution** (public or philanthropic grants, public contracts) and
**reciprocity** (donations, volunteering, crowdfunding of the project itself).
A platform drawing on two or more is *hybrid*.

Two measurements, never mixed:

- the **resources** the coders read in a platform's description (``codes``
  rows of framework ``resource``, method ``coded``; or ``declared`` by an own
  survey): evidence of who pays, but only where the text says so. A text that
  says nothing is *not stated*, never "no resource";
- a **proxy** from who is *linked* to a project (organisation type and role,
  and the project type), mapped to principles by package data
  (``iness/data/frameworks/resource_proxy*.csv``, one justified row each):
  who takes part, not who pays.

The talk's seven examples, placed by hand from public knowledge, are in
``iness/data/frameworks/hybrid_examples.csv``.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from iness import analysis
from iness.reference import codebook, taxonomy
from iness.store import codes
from iness.reference.vocabularies import org_type_table, role_table
from iness.errors import RawDataError
from iness.frames import semi_join
from iness.paths import PACKAGE_DATA

PLATFORM = ["wave", "project_id"]
PRINCIPLES = ("market", "redistribution", "reciprocity")
HYBRID = "hybrid"
#: methods that read or declare a platform's resources (best first)
RESOURCE_METHODS = ("coded", "declared")
#: a role-less link (DSI4EU 2017, own surveys) has this role in the proxy's role table
NOT_RECORDED = "not_recorded"
#: groups with fewer platforms than this are marked small
SMALL = 30
CERTAINTY = ("high", "medium", "low")
PROXY_FILE = PACKAGE_DATA / "frameworks" / "resource_proxy.csv"
ROLES_FILE = PACKAGE_DATA / "frameworks" / "resource_proxy_roles.csv"
EXAMPLES_FILE = PACKAGE_DATA / "frameworks" / "hybrid_examples.csv"


def principle_of(resource: str) -> str:
    """The principle of a codebook resource.

    >>> principle_of("reciprocity_crowdfunding")
    'reciprocity'
    """
    principle = resource.split("_", 1)[0]
    if principle not in PRINCIPLES:
        raise ValueError(f"resource {resource!r} is not one of the codebook's "
                         f"market_*, redistribution_* or reciprocity_* values")
    return principle


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _check_values(frame: pd.DataFrame, path, column: str, allowed, blank_ok=False) -> None:
    """Raise on the first cell of ``column`` outside ``allowed`` (row 1 = first data row)."""
    for row, value in enumerate(frame[column], start=1):
        if value not in allowed and not (blank_ok and value == ""):
            raise RawDataError(path, f"{value!r} expected one of {', '.join(sorted(allowed))}"
                               + (" or empty" if blank_ok else ""), row=row, column=column)


# --- the proxy's rules (package data) ---------------------------------------

@lru_cache(maxsize=1)
def proxy_roles() -> pd.DataFrame:
    """role -> role_group (lead, partner, funder, advice, unknown), with the reason."""
    frame = _read(ROLES_FILE)
    vocab = role_table()
    _check_values(frame, ROLES_FILE, "role", {*vocab["role"], NOT_RECORDED})
    missing = {*vocab["role"], NOT_RECORDED} - set(frame["role"])
    if missing:
        raise RawDataError(ROLES_FILE, f"no row for role(s) {', '.join(sorted(missing))}",
                           column="role")
    funders = set(vocab.query("is_funder")["role"])
    for row, (role, group) in enumerate(zip(frame["role"], frame["role_group"]), start=1):
        if (group == "funder") != (role in funders):
            raise RawDataError(ROLES_FILE, f"role {role!r}: group 'funder' expected exactly "
                               "for the funder roles of vocab/roles.csv", row=row,
                               column="role_group")
    return frame


@lru_cache(maxsize=1)
def proxy_rules() -> pd.DataFrame:
    """evidence (org_type or term), key, role_group, principle ('' = not counted),
    reason. Every organisation type has exactly one row per role group."""
    frame = _read(PROXY_FILE)
    _check_values(frame, PROXY_FILE, "evidence", {"org_type", "term"})
    _check_values(frame, PROXY_FILE, "principle", set(PRINCIPLES), blank_ok=True)
    types = frame[frame["evidence"] == "org_type"]
    org_types = set(org_type_table()["org_type"])
    groups = set(proxy_roles()["role_group"])
    for row in types.itertuples():
        where = dict(row=row.Index + 1)
        if row.key not in org_types:
            raise RawDataError(PROXY_FILE, f"{row.key!r} is not an organisation type of "
                               f"vocab/org_types.csv", column="key", **where)
        if row.role_group not in groups:
            raise RawDataError(PROXY_FILE, f"{row.role_group!r} expected one of "
                               f"{', '.join(sorted(groups))}", column="role_group", **where)
    pairs = types.groupby(["key", "role_group"]).size()
    expected = pd.MultiIndex.from_product([sorted(org_types), sorted(groups)])
    if len(pairs) != len(expected) or (pairs > 1).any():
        raise RawDataError(PROXY_FILE, "every organisation type needs exactly one row per "
                           f"role group ({', '.join(sorted(groups))})", column="role_group")
    terms = frame[frame["evidence"] == "term"]
    for row in terms.itertuples():
        if ":" not in row.key:
            raise RawDataError(PROXY_FILE, f"{row.key!r} expected facet:term",
                               row=row.Index + 1, column="key")
    return frame


#: words of the proxy's tables in French (English: the ids as they are)
ROLE_GROUP_FR = {"lead": "porteur", "partner": "partenaire", "funder": "financeur",
                 "advice": "conseil", "unknown": "rôle inconnu"}
ORG_TYPE_FR = {"business": "entreprise", "government": "secteur public",
               "academia": "recherche", "grassroots": "collectif citoyen",
               "social_enterprise": "entreprise sociale, association ou fondation"}
CERTAINTY_FR = {"high": "élevée", "medium": "moyenne", "low": "faible"}
#: :func:`examples_in_survey`'s words for a text not coded, and for one stating no resource
NO_RESOURCE_WORDS = {"en": ("not coded", "none stated"), "fr": ("non codé", "aucune énoncée")}


def _word(value: str, french: dict[str, str], lang: str) -> str:
    """An id as a reader sees it: itself in English, its French word in French."""
    return value if lang == "en" else french.get(value, value)


def proxy_roles_table(lang: str = "en") -> pd.DataFrame:
    """:func:`proxy_roles` as a reader sees it: role, role group and reason in
    ``lang``."""
    roles = proxy_roles()
    return pd.DataFrame({
        "role": roles["role"],
        "role_group": [_word(g, ROLE_GROUP_FR, lang) for g in roles["role_group"]],
        "reason": roles["reason" if lang == "en" else f"reason_{lang}"]})


def proxy_table(lang: str = "en") -> pd.DataFrame:
    """The proxy's rules as a reader sees them: evidence, role group, principle
    (or 'not counted') and why."""
    rules = proxy_rules()
    not_counted = "not counted" if lang == "en" else "non compté"
    return pd.DataFrame({
        "evidence": [(f"{_word(key, ORG_TYPE_FR, lang)} ({_word(group, ROLE_GROUP_FR, lang)})"
                      if group else key)
                     for key, group in zip(rules["key"], rules["role_group"])],
        "principle": [_principle_label(p, lang) if p else not_counted
                      for p in rules["principle"]],
        "reason": rules["reason" if lang == "en" else f"reason_{lang}"]})


# --- the proxy: who is linked ----------------------------------------------

def proxy_principles(projects: pd.DataFrame, links: pd.DataFrame,
                     organisations: pd.DataFrame) -> pd.DataFrame:
    """The principles the proxy gives each project, and from what. Long:
    wave, project_id, principle, via ('academia as funder', 'project_type:
    research project'). Links whose organisation has no type give nothing."""
    rules = proxy_rules()
    by_type = rules[(rules["evidence"] == "org_type") & (rules["principle"] != "")]
    groups = proxy_roles().set_index("role")["role_group"]
    joined = links.merge(organisations[["wave", "org_id", "org_type"]], on=["wave", "org_id"])
    joined = joined.dropna(subset=["org_type"])
    roles = joined["role"].astype("string").fillna(NOT_RECORDED)
    unknown = set(roles) - set(groups.index)
    if unknown:
        raise ValueError(f"links: role(s) {', '.join(sorted(unknown))} are not in "
                         f"{ROLES_FILE.name}")
    joined = joined.assign(role_group=roles.map(groups).to_numpy())
    from_orgs = joined.merge(by_type, left_on=["org_type", "role_group"],
                             right_on=["key", "role_group"])
    from_orgs = from_orgs.assign(via=from_orgs["org_type"].astype(str) + " as "
                                 + from_orgs["role_group"].astype(str))
    by_term = rules[(rules["evidence"] == "term") & (rules["principle"] != "")]
    terms = pd.DataFrame(columns=PLATFORM + ["key"])
    if "project_type" in projects:
        typed = projects.dropna(subset=["project_type"])
        terms = pd.DataFrame({"wave": typed["wave"], "project_id": typed["project_id"],
                              "key": "project_type:" + typed["project_type"].astype(str)})
    from_terms = terms.merge(by_term, on="key").assign(via=lambda f: f["key"])
    found = pd.concat([from_orgs[PLATFORM + ["principle", "via"]],
                       from_terms[PLATFORM + ["principle", "via"]]], ignore_index=True)
    found = semi_join(found.drop_duplicates(), projects[PLATFORM], PLATFORM)
    return found.sort_values(PLATFORM + ["principle", "via"]).reset_index(drop=True)


def profile(principles: pd.DataFrame, platforms: pd.DataFrame) -> pd.DataFrame:
    """One row per platform of ``platforms`` (wave, project_id): a boolean per
    principle, their number and ``hybrid`` (two or more)."""
    keys = platforms[PLATFORM].drop_duplicates()
    table = pd.crosstab([principles["wave"], principles["project_id"]],
                        principles["principle"]).clip(upper=1).astype(bool)
    table = table.reindex(columns=list(PRINCIPLES), fill_value=False)
    table = table.reindex(pd.MultiIndex.from_frame(keys), fill_value=False)
    table["principles"] = table[list(PRINCIPLES)].sum(axis=1)
    table[HYBRID] = table["principles"] >= 2
    return table.reset_index()


# --- the coded (or declared) resources --------------------------------------

def resource_method(survey) -> str | None:
    """The best method that measured resources in this survey, or None."""
    present = set(survey.codes.loc[survey.codes["framework"] == "resource", "method"])
    return next((method for method in RESOURCE_METHODS if method in present), None)


def resource_base(survey, method: str, platforms_only: bool = True) -> pd.DataFrame:
    """wave, project_id of the projects whose resources ``method`` measured (a
    coded text read once counts once); with ``platforms_only``, only platforms."""
    return analysis.measured_platforms(survey, "resource", method, platforms_only)


def stated_resources(survey, method: str, base: pd.DataFrame) -> pd.DataFrame:
    """Long: wave, project_id, resource, principle, for the projects of ``base``
    whose text states a resource (``none`` rows left out)."""
    chosen = codes.select(survey.codes, "resource", method).rename(
        columns={"entity_id": "project_id", "target_id": "resource"})
    chosen = chosen[chosen["resource"] != codes.NONE].merge(base[PLATFORM], on=PLATFORM)
    chosen = chosen[PLATFORM + ["resource"]].drop_duplicates()
    return chosen.assign(principle=chosen["resource"].map(principle_of))


def coded_profile(survey, method: str, platforms_only: bool = True) -> pd.DataFrame:
    """One row per measured project: ``stated`` (its text states a resource), a
    boolean per principle, their number and ``hybrid``."""
    base = resource_base(survey, method, platforms_only)
    stated = stated_resources(survey, method, base)
    table = profile(stated, base)
    keys = stated[PLATFORM].drop_duplicates().assign(stated=True)
    table = table.merge(keys, on=PLATFORM, how="left")
    return table.assign(stated=table["stated"].astype("boolean").fillna(False).astype(bool))


def _principle_label(principle: str, lang: str) -> str:
    if principle == HYBRID:
        return "hybrid (2 or more)" if lang == "en" else "hybride (2 ou plus)"
    return {"en": {"market": "market", "redistribution": "redistribution",
                   "reciprocity": "reciprocity"},
            "fr": {"market": "marché", "redistribution": "redistribution",
                   "reciprocity": "réciprocité"}}[lang][principle]


def principle_shares(table: pd.DataFrame, lang: str = "en", stated_only: bool = False
                     ) -> pd.DataFrame:
    """Per principle and hybrid: platforms, n, share, 95 % Wilson interval and
    ``small`` (n under :data:`SMALL`). With ``stated_only``, among the rows whose
    text states a resource (column ``stated``), else among all rows."""
    rows = table[table["stated"]] if stated_only else table
    counts = [(p, int(rows[p].sum()), len(rows)) for p in (*PRINCIPLES, HYBRID)]
    out = pd.DataFrame(counts, columns=["principle", "platforms", "n"])
    out = analysis.with_intervals(out, "platforms", "n")
    out["label"] = [_principle_label(p, lang) for p in out["principle"]]
    out["small"] = out["n"] < SMALL
    return out[["principle", "label", "platforms", "n", "share", "ci_low", "ci_high", "small"]]


def resource_summary(survey, method: str, lang: str = "en") -> pd.DataFrame:
    """Coded platforms and all coded projects, each principle's share among those
    whose text states a resource and among all of them, with intervals."""
    frames = []
    names = {True: ("platforms", "plateformes"),
             False: ("projects, platforms or not", "projets, plateformes ou non")}
    for platforms_only in (True, False):
        table = coded_profile(survey, method, platforms_only)
        group = names[platforms_only][0 if lang == "en" else 1]
        for stated_only, base in ((True, "stated"), (False, "all")):
            frames.append(principle_shares(table, lang, stated_only).assign(
                group=group, base=base))
    return pd.concat(frames, ignore_index=True)


# --- the proxy against the coding -------------------------------------------

def agreement(coded: pd.DataFrame, proxied: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Per principle, on the coded projects: both say it, the proxy only, the
    text only, neither; and the share of the projects whose text states the
    principle that the proxy also flags (recall, 95 % interval)."""
    joined = coded.merge(proxied, on=PLATFORM, how="left", suffixes=("_coded", "_proxy"))
    rows = []
    for principle in (*PRINCIPLES, HYBRID):
        text = joined[f"{principle}_coded"]
        proxy = joined[f"{principle}_proxy"].astype("boolean").fillna(False).astype(bool)
        rows.append({"principle": principle, "label": _principle_label(principle, lang),
                     "both": int((text & proxy).sum()),
                     "proxy_only": int((~text & proxy).sum()),
                     "text_only": int((text & ~proxy).sum()),
                     "neither": int((~text & ~proxy).sum()), "n": len(joined)})
    out = pd.DataFrame(rows)
    out["stated_in_text"] = out["both"] + out["text_only"]
    recall = analysis.with_intervals(out, "both", "stated_in_text")
    out["proxy_finds"] = recall["share"].where(out["stated_in_text"] > 0)
    out["ci_low"], out["ci_high"] = recall["ci_low"], recall["ci_high"]
    return out


# --- the proxy by category (different evidence on each side) ----------------

def proxy_shares(proxied: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Per wave and principle (and hybrid): share of the wave's platforms the
    proxy flags, with n and 95 % intervals."""
    frames = [principle_shares(group.assign(stated=True), lang).assign(wave=wave)
              for wave, group in proxied.groupby("wave")]
    return pd.concat(frames, ignore_index=True)


def proxy_by_category(proxied: pd.DataFrame, members_category: pd.DataFrame, wave: int,
                      lang: str = "en") -> pd.DataFrame:
    """Per category of one wave (the talk's eight first) and principle (and
    hybrid): platforms the proxy flags, n, share, 95 % interval, small."""
    categories = members_category.rename(columns={"entity_id": "project_id"})
    categories = categories[categories["wave"] == wave].drop_duplicates(
        PLATFORM + ["target_id"])
    joined = categories[PLATFORM + ["target_id"]].merge(proxied, on=PLATFORM)
    order = [c for c in taxonomy.targets("category")["target_id"]
             if c in set(joined["target_id"])]
    labels = taxonomy.label_of("category", lang)
    frames = [principle_shares(joined[joined["target_id"] == target].assign(stated=True), lang)
              .assign(target_id=target, category=labels[target]) for target in order]
    if not frames:
        return pd.DataFrame(columns=["target_id", "category", "principle", "label",
                                     "platforms", "n", "share", "ci_low", "ci_high", "small"])
    return pd.concat(frames, ignore_index=True)


# --- the talk's examples ----------------------------------------------------

@lru_cache(maxsize=1)
def hybrid_examples() -> pd.DataFrame:
    """The talk's seven examples, one row per platform and resource, placed by
    hand from public knowledge, with certainty and source; plus ``principle``."""
    frame = _read(EXAMPLES_FILE)
    _check_values(frame, EXAMPLES_FILE, "resource", set(codebook.allowed("resources"))
                  - {codes.NONE})
    _check_values(frame, EXAMPLES_FILE, "certainty", set(CERTAINTY))
    for column in ("platform", "what_en", "what_fr", "source", "talk_slide"):
        for row, value in enumerate(frame[column], start=1):
            if not value.strip():
                raise RawDataError(EXAMPLES_FILE, "empty: expected text", row=row,
                                   column=column)
    return frame.assign(principle=frame["resource"].map(principle_of))


def examples_by_platform(lang: str = "en") -> pd.DataFrame:
    """One row per example platform: its principles, each with the best certainty of
    its rows; hybrid or not counting only high and medium certainty, and counting all."""
    frame = hybrid_examples()
    rank = {level: order for order, level in enumerate(CERTAINTY)}
    rows = []
    for platform, group in frame.groupby("platform", sort=False):
        firm = group[group["certainty"] != "low"]
        best = (group.assign(rank=group["certainty"].map(rank)).sort_values("rank")
                .drop_duplicates("principle"))
        best = best.set_index("principle").reindex([p for p in PRINCIPLES
                                                    if p in set(best["principle"])])
        rows.append({
            "platform": platform,
            "principles": "; ".join(f"{_principle_label(p, lang)} "
                                    f"({_word(c, CERTAINTY_FR, lang)})" for p, c in
                                    zip(best.index, best["certainty"])),
            "firm_principles": firm["principle"].nunique(),
            "all_principles": group["principle"].nunique()})
    out = pd.DataFrame(rows)
    out["hybrid_if_firm"] = out["firm_principles"] >= 2
    out["hybrid_if_all"] = out["all_principles"] >= 2
    return out


def examples_in_survey(survey, method: str | None, proxied: pd.DataFrame,
                       lang: str = "en") -> pd.DataFrame:
    """Each example platform: found among the survey's projects or not (same
    compact name), and there its stated resources and proxy principles (words
    in ``lang``)."""
    french = lang != "en"

    def via(value: str) -> str:
        """'grassroots as funder' in ``lang`` (a survey term stays as it is)."""
        if not french or " as " not in value:
            return value
        org_type, group = value.split(" as ", 1)
        return f"{_word(org_type, ORG_TYPE_FR, lang)} comme {_word(group, ROLE_GROUP_FR, lang)}"

    stated = (stated_resources(survey, method, survey.projects[PLATFORM])
              if method else pd.DataFrame(columns=PLATFORM + ["resource"]))
    # every (wave, project) whose text was read, both waves of a unit read once included
    measured = (survey.measured("resource", method) if method
                else pd.DataFrame(columns=["wave", "entity_id"]))
    measured = set(zip(measured["wave"], measured["entity_id"]))
    rows = []
    for platform in dict.fromkeys(hybrid_examples()["platform"]):
        hits = survey.projects[analysis.find_platforms(survey.projects["project_name"],
                                                       platform)]
        if hits.empty:
            rows.append((platform, "—", None, "", "", ""))
        for hit in hits.itertuples():
            key = (hit.wave, hit.project_id)
            own = stated[(stated["wave"] == hit.wave) & (stated["project_id"] == key[1])]
            mine = proxied[(proxied["wave"] == hit.wave) & (proxied["project_id"] == key[1])]
            not_coded, none_stated = NO_RESOURCE_WORDS[lang]
            if key not in measured:
                text = not_coded
            else:
                text = ", ".join(sorted(own["resource"])) or none_stated
            rows.append((platform, hit.project_name, hit.wave, text,
                         ", ".join(_principle_label(p, lang)
                                   for p in sorted(set(mine["principle"])))
                         or ("aucun" if french else "none"),
                         ", ".join(via(v) for v in sorted(set(mine["via"])))))
    table = pd.DataFrame(rows, columns=["platform", "name_in_data", "wave", "resources_in_text",
                                        "proxy_principles", "proxy_via"])
    return table.astype({"wave": "Int16"})


# --- funding links (DSI4EU 2016) ---------------------------------------------

def funder_structure(links: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """Per platform with a funder link: distinct funder organisations, distinct
    known funder sectors, and whether its roles mix 'sole-funder' with 'co-funder'."""
    funder_roles = set(role_table().query("is_funder")["role"])
    funders = links[links["role"].isin(funder_roles)].merge(
        organisations[["wave", "org_id", "org_type"]], on=["wave", "org_id"], how="left")
    columns = PLATFORM + ["funder_organisations", "funder_sectors", "mixes_sole_and_co",
                          "only_one_co_funder"]
    if funders.empty:
        return pd.DataFrame(columns=columns)
    grouped = funders.groupby(PLATFORM)
    return pd.DataFrame({
        "funder_organisations": grouped["org_id"].nunique(),
        "funder_sectors": grouped["org_type"].nunique(),
        "mixes_sole_and_co": grouped["role"].agg(lambda r: {"sole-funder", "co-funder"}
                                                 <= set(r)),
        "only_one_co_funder": grouped.apply(
            lambda g: g["org_id"].nunique() == 1 and set(g["role"]) == {"co-funder"},
            include_groups=False),
    }).reset_index()
