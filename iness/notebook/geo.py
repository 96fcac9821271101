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


#: Europe and its neighbours (longitude, latitude): DSI4EU's frame
EUROPE_FRAME = {"longitude": (-25.0, 45.0), "latitude": (34.0, 71.0)}
#: the whole inhabited world
WORLD_FRAME = {"longitude": (-180.0, 180.0), "latitude": (-58.0, 84.0)}
#: share of the points that must lie in Europe for the European frame: then the
#: map shows them at a readable scale and a note counts the rest (DSI4EU's
#: organisations: 93.5 % in Europe)
EUROPE_SHARE = 0.9
#: degrees added round the points' extent, and the smallest frame drawn
#: (a survey of one city still shows its country's borders)
EXTENT_MARGIN = 4.0
MIN_SPAN = {"longitude": 16.0, "latitude": 10.0}


def aspect(frame: dict) -> float:
    """Height per width of a degree at the frame's middle latitude (1.4 for
    Europe, as DSI4EU's maps have always been drawn)."""
    import math
    if frame == EUROPE_FRAME:
        return 1.4
    middle = sum(frame["latitude"]) / 2
    return min(2.5, max(1.0, 1 / math.cos(math.radians(middle))))


def inside(longitude, latitude, frame: dict):
    """Whether each point (arrays or Series of degrees) lies inside ``frame``."""
    import numpy as np
    longitude, latitude = np.asarray(longitude, float), np.asarray(latitude, float)
    return ((longitude >= frame["longitude"][0]) & (longitude <= frame["longitude"][1])
            & (latitude >= frame["latitude"][0]) & (latitude <= frame["latitude"][1]))


def map_frame(longitude, latitude, weights=None) -> dict | None:
    """The frame a map of these points is drawn in: Europe when
    :data:`EUROPE_SHARE` of them (of their ``weights``: a country's count) lie there, else their extent (with
    :data:`EXTENT_MARGIN`, at least :data:`MIN_SPAN`), the world when that
    spans more than half of it; None when there is no point (no map).

    >>> map_frame([2.35, 13.4], [48.85, 52.5]) == EUROPE_FRAME
    True
    >>> map_frame([-58.4, -70.6], [-34.6, -33.4])
    {'longitude': (-74.6, -54.4), 'latitude': (-39.0, -29.0)}
    >>> map_frame([-122.4, 139.7, 2.35], [37.8, 35.7, 48.85]) == WORLD_FRAME
    True
    >>> map_frame([], []) is None
    True
    """
    import numpy as np
    longitude, latitude = np.asarray(longitude, float), np.asarray(latitude, float)
    weights = np.ones(len(longitude)) if weights is None else np.asarray(weights, float)
    keep = ~(np.isnan(longitude) | np.isnan(latitude))
    longitude, latitude, weights = longitude[keep], latitude[keep], weights[keep]
    if not len(longitude):
        return None
    european = inside(longitude, latitude, EUROPE_FRAME)
    if weights[european].sum() >= EUROPE_SHARE * weights.sum():
        return EUROPE_FRAME
    return extent_frame(longitude, latitude)


def extent_frame(longitude, latitude) -> dict:
    """The points' extent with :data:`EXTENT_MARGIN`, at least :data:`MIN_SPAN`
    wide and tall, within the world; the world when it spans more than half."""
    import numpy as np
    frame = {}
    for axis, values in (("longitude", longitude), ("latitude", latitude)):
        values = np.asarray(values, float)
        low, high = float(values.min()) - EXTENT_MARGIN, float(values.max()) + EXTENT_MARGIN
        grow = max(0.0, MIN_SPAN[axis] - (high - low)) / 2
        world = WORLD_FRAME[axis]
        frame[axis] = (round(max(world[0], low - grow), 1), round(min(world[1], high + grow), 1))
    if frame["longitude"][1] - frame["longitude"][0] > 180:
        return WORLD_FRAME
    return frame


def countries_frame(counts) -> dict | None:
    """The frame of a map of countries (``counts``: alpha-2 -> how many records):
    Europe when :data:`EUROPE_SHARE` of the records are in countries whose
    inner point lies there, else the extent of the countries' mainlands (their
    largest polygon); None when no country with a count has borders."""
    shapes = _mainlands(code for code, count in counts.items() if count > 0)
    if shapes.empty:
        return None
    points = shapes.geometry.representative_point()
    weights = [counts[code] for code in shapes["country_code"]]
    frame = map_frame(points.x, points.y, weights)
    if frame == EUROPE_FRAME:
        return frame
    bounds = shapes.geometry.bounds
    return extent_frame(list(bounds["minx"]) + list(bounds["maxx"]),
                        list(bounds["miny"]) + list(bounds["maxy"]))


def _mainlands(codes):
    """Each country's largest polygon (France's mainland, not Guiana)."""
    shapes = countries()
    shapes = shapes[shapes["country_code"].isin(set(codes))]
    return (shapes.assign(_area=shapes.geometry.area)
            .sort_values("_area", ascending=False, kind="stable")
            .drop_duplicates("country_code").drop(columns="_area"))
