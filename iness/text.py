"""Text normalisation shared by every cleaning step."""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_SPACE_RUN = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def is_missing(value) -> bool:
    """True for None, NaN/NA and empty or whitespace-only strings."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


def collapse_spaces(value: str | None) -> str | None:
    """Trim and collapse runs of whitespace (line breaks included) to one space.

    >>> collapse_spaces("  ICS Dr.  G.  Roscher  GmbH ")
    'ICS Dr. G. Roscher GmbH'
    """
    if is_missing(value):
        return None
    return _SPACE_RUN.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold_ascii(value: str) -> str:
    """Drop accents: NFKD, then remove combining marks (``é`` -> ``e``; ``ł`` stays)."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=65536)
def _normalise_text(value: str) -> str:
    folded = fold_ascii(value).lower().replace("&", " and ").replace("ł", "l")
    return _NON_ALNUM.sub(" ", folded).strip()


def normalise_key(value: str | None) -> str:
    """The matching key of a label: ASCII-folded, lower case, ``&`` as ``and``,
    punctuation as space, spaces collapsed.

    >>> normalise_key("p2p   distributed exchange networks")
    'p2p distributed exchange networks'
    >>> normalise_key("Crowdsourcing, crowdmapping & crowdfunding")
    'crowdsourcing crowdmapping and crowdfunding'
    """
    if is_missing(value):
        return ""
    return _normalise_text(str(value))


def compact_key(value: str | None) -> str:
    """A name key with every non-alphanumeric character removed (for duplicates).

    >>> compact_key("OpenData Manchester") == compact_key("Open Data Manchester")
    True
    """
    return normalise_key(value).replace(" ", "")


def blank_to_none(value):
    """Empty or whitespace-only strings (and JSON nulls) become ``None``."""
    return None if is_missing(value) else str(value)


def distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values): ``values`` is ``distinct[codes]``, missing cells
    coded -1."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def spread(results, codes: np.ndarray, missing, index: pd.Index) -> pd.Series:
    """One result per distinct value (``missing`` for code -1) back onto the rows."""
    table = np.fromiter((*results, missing), dtype=object, count=len(results) + 1)
    return pd.Series(table[codes], index=index, dtype=object)


def map_distinct(values: pd.Series, function) -> pd.Series:
    """Apply ``function`` once per distinct value (missing values included) and
    spread the results back: cleaning cost grows with the vocabulary, not the rows."""
    codes, uniques = distinct(values)
    return spread([function(value) for value in uniques], codes, function(None),
                  values.index)


def frame_of_distinct(values: pd.Series, columns_of) -> pd.DataFrame:
    """``columns_of(values)`` for a row-wise ``columns_of`` (Series -> DataFrame),
    computed on the distinct values only (missing ones as ``None``) and spread
    back onto the rows, dtypes kept."""
    codes, uniques = distinct(values)
    small = columns_of(pd.Series([*uniques, None], dtype=object))
    return small.take(codes).set_axis(values.index)


def _ascii_keys(texts: np.ndarray) -> np.ndarray:
    """:func:`normalise_key` of ASCII strings, computed by Arrow in one pass (for
    ASCII, folding is a no-op and every whitespace is a non-alphanumeric)."""
    array = pc.ascii_lower(pa.array(texts, type=pa.string()))
    array = pc.replace_substring(array, "&", " and ")
    array = pc.replace_substring_regex(array, "[^0-9a-z]+", " ")
    return pc.utf8_trim(array, " ").to_numpy(zero_copy_only=False)


def distinct_keys(uniques: np.ndarray) -> np.ndarray:
    """:func:`normalise_key` of each of ``uniques`` (distinct values), ASCII
    strings vectorised, the others one by one."""
    keys = np.empty(len(uniques), dtype=object)
    is_ascii = np.fromiter((isinstance(value, str) and value.isascii() for value in uniques),
                           dtype=bool, count=len(uniques))
    if is_ascii.any():
        keys[is_ascii] = _ascii_keys(uniques[is_ascii])
    for position in (~is_ascii).nonzero()[0]:
        keys[position] = normalise_key(uniques[position])
    return keys


def normalise_keys(values: pd.Series) -> pd.Series:
    """:func:`normalise_key` of every cell (object dtype): the same keys, computed
    once per distinct value and vectorised for the ASCII ones.

    >>> normalise_keys(pd.Series(["Café & Co.", None, " OPEN-data "])).tolist()
    ['cafe and co', '', 'open data']
    """
    codes, uniques = distinct(values)
    return spread(distinct_keys(uniques), codes, "", values.index)


def compact_keys(values: pd.Series) -> pd.Series:
    """:func:`compact_key` of every cell, as :func:`normalise_keys` does."""
    codes, uniques = distinct(values)
    keys = [key.replace(" ", "") for key in distinct_keys(uniques)]
    return spread(keys, codes, "", values.index)


def clean_text_series(values: pd.Series) -> pd.Series:
    """Collapse whitespace in every cell; blanks become missing."""
    return map_distinct(values, collapse_spaces)


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
              "blockquote", "tr", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(value: str | None) -> str | None:
    """HTML (2017 descriptions) to plain text: tags dropped, entities decoded,
    paragraphs kept as line breaks, spaces collapsed within lines.

    >>> html_to_text("<p>Caf&eacute;&nbsp;<b>open</b></p><p>data</p>")
    'Café open\\ndata'
    """
    value = blank_to_none(value)
    if value is None:
        return None
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = html.unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = [collapse_spaces(line) for line in text.splitlines()]
    joined = "\n".join(line for line in lines if line)
    return joined or None


def split_multi(value: str | None, separator: str = ",") -> list[str]:
    """Split a 2016 multi-valued cell into its atoms (trimmed, blanks dropped).

    >>> split_multi("open data, open networks,  ")
    ['open data', 'open networks']
    """
    if is_missing(value):
        return []
    return [part.strip() for part in str(value).split(separator) if part.strip()]
