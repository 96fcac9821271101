"""Websites reduced to their domain; fragments flagged."""
from __future__ import annotations

import re

import pandas as pd

from iness.text import frame_of_distinct, is_missing, map_distinct

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$")
_SPACE = re.compile(r"\s+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_PATH_START = re.compile(r"[/?#]")
_PAGE = re.compile(r"\.(php|html?|aspx?|jsp)$")


def website_domain(value: str | None) -> tuple[str | None, str]:
    """(domain, flag) of a website cell; flag is ok, missing or fragment.

    >>> website_domain("WWW.TRIBUINNOVACION.COM/es/index.php")
    ('tribuinnovacion.com', 'ok')
    >>> website_domain("http:// www.provenance.org")
    ('provenance.org', 'ok')
    >>> website_domain("index.php")
    (None, 'fragment')
    """
    if is_missing(value):
        return None, "missing"
    text = _SPACE.sub("", str(value)).lower()
    text = _SCHEME.sub("", text)
    host = _PATH_START.split(text, maxsplit=1)[0].split("@")[-1].split(":")[0]
    host = host.removeprefix("www.").strip(".")
    if _DOMAIN.match(host) and not _PAGE.search(host):
        return host, "ok"
    return None, "fragment"


def website_columns(values: pd.Series) -> pd.DataFrame:
    return frame_of_distinct(values, _website_columns)


def _website_columns(values: pd.Series) -> pd.DataFrame:
    pairs = map_distinct(values, website_domain)
    return pd.DataFrame({"website_domain": pairs.str[0], "website_flag": pairs.str[1]},
                        index=values.index)
