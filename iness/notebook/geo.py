"""Country borders for the maps: Natural Earth's Admin-0 countries (public
domain), as redistributed by world-atlas 2.0.2 (TopoJSON, ISC licence), fetched
hash-checked like the survey files and read with geopandas (GDAL's TopoJSON
driver, through pyogrio)."""
from __future__ import annotations

from functools import lru_cache

import pycountry

#: the registered file of borders (1:50m keeps Europe's small states)
BORDERS = "countries-50m.json"
#: countries world-atlas gives no ISO numeric id, by their name there
CODES_BY_NAME = {"Kosovo": "XK"}


def alpha2_of(numeric: str | None, name: str | None = None) -> str | None:
    """ISO 3166-1 alpha-2 code from world-atlas's numeric id (or its name).

    >>> alpha2_of("250"), alpha2_of(None, "Kosovo"), alpha2_of(None, "Somaliland")
    ('FR', 'XK', None)
    """
    if numeric:
        country = pycountry.countries.get(numeric=str(numeric).zfill(3))
        if country is not None:
            return country.alpha_2
    return CODES_BY_NAME.get(name)


@lru_cache(maxsize=1)
def countries():
    """A GeoDataFrame of every country's polygons, one row each:
    ``country_code`` (alpha-2, None for a few disputed areas), ``name`` and
    ``geometry`` (longitude, latitude)."""
    import geopandas

    from iness.pipeline.fetch import raw_path
    frame = geopandas.read_file(raw_path(BORDERS), layer="countries")
    frame["country_code"] = [alpha2_of(numeric, name)
                             for numeric, name in zip(frame["id"], frame["name"])]
    # one row per polygon; the parts that cross the antimeridian would be drawn
    # as a band round the world in unprojected coordinates (eastern Russia, Fiji)
    parts = frame.explode(index_parts=False)
    bounds = parts.geometry.bounds
    parts = parts[(bounds["maxx"] - bounds["minx"] < 180).to_numpy()]
    return parts[["country_code", "name", "geometry"]].reset_index(drop=True)


#: degrees kept round a map's frame when borders are cut to it, so that the
#: cut edges fall outside the view
FRAME_MARGIN = 3.0


@lru_cache(maxsize=4)
def countries_within(longitude: tuple[float, float], latitude: tuple[float, float]):
    """:func:`countries` cut to a box (plus :data:`FRAME_MARGIN`): what a map
    of that box shows, drawn and written to PDF without the rest of the world."""
    import shapely

    parts = countries()
    cut = shapely.clip_by_rect(parts.geometry.to_numpy(), longitude[0] - FRAME_MARGIN,
                               latitude[0] - FRAME_MARGIN, longitude[1] + FRAME_MARGIN,
                               latitude[1] + FRAME_MARGIN)
    kept = ~shapely.is_empty(cut)
    return parts[kept].set_geometry(cut[kept]).reset_index(drop=True)
