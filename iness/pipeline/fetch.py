"""Fetch the registered files into ``data/raw/<source>/``, hash-checked: the
five DSI4EU files and the country borders of ``world-atlas`` (Natural Earth).

Files come from their pinned upstream URLs, or from a mirror when the
environment variable ``INESS_DATA_MIRROR`` names a folder or a base URL. The
mirror holds one subfolder per source (``dsi4eu/wave2016/orgs.csv``,
``world-atlas/countries-50m.json``); a mirror that is itself the DSI4EU folder
(``wave2016/orgs.csv`` at its top, the older layout) also works, the other
sources then being looked up beside it (``../world-atlas/``).
"""
from __future__ import annotations

import csv
import hashlib
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pooch
import requests

from iness.errors import DataFetchError, DataHashError
from iness.paths import PACKAGE_DATA, raw_dir

MIRROR_VARIABLE = "INESS_DATA_MIRROR"
#: the environment variable setting the longest a file's download may take
DEADLINE_VARIABLE = "INESS_FETCH_DEADLINE"
#: seconds one file's download may take, all reads together (a server that
#: trickles a byte at a time never trips a per-read timeout)
DEFAULT_DEADLINE = 600.0
#: seconds one read may wait for data
READ_TIMEOUT = 60.0
# iness reports what it fetched itself (``iness fetch``); pooch's own log lines
# would repeat it on stderr
pooch.get_logger().setLevel(logging.WARNING)


#: the source whose files a mirror may hold at its top (the older layout)
PRIMARY_SOURCE = "dsi4eu"


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    sha256: str
    url: str
    source: str = PRIMARY_SOURCE


@dataclass(frozen=True)
class FetchOutcome:
    name: str
    path: Path
    action: str  # "cached", "downloaded" or "replaced" (cached copy was corrupt)
    source: str


def registry() -> list[RegistryEntry]:
    """Every registered file: its source, pinned upstream URL and SHA-256."""
    with open(PACKAGE_DATA / "registry.csv", newline="", encoding="utf-8") as handle:
        return [RegistryEntry(**row) for row in csv.DictReader(handle)]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mirror_setting() -> str | None:
    value = os.environ.get(MIRROR_VARIABLE, "").strip()
    return value or None


def is_url(location: str) -> bool:
    return location.split("://", 1)[0] in {"http", "https", "ftp"} and "://" in location


def source_for(entry: RegistryEntry, mirror: str | None) -> str:
    """Where one file is fetched from: the mirror if set, else upstream."""
    if mirror is None:
        return entry.url
    older = (entry.name if entry.source == PRIMARY_SOURCE
             else f"../{entry.source}/{entry.name}")
    if is_url(mirror):
        from urllib.parse import urljoin
        base = mirror.rstrip("/") + "/"
        layout_is_older = base.rstrip("/").rsplit("/", 1)[-1] == PRIMARY_SOURCE
        return urljoin(base, older if layout_is_older else f"{entry.source}/{entry.name}")
    root = Path(mirror).expanduser().resolve()
    per_source = root / entry.source / entry.name
    return str(per_source if per_source.is_file() else (root / older).resolve())


def _copy_from_folder(url: str, output_file, _pooch) -> None:
    """pooch downloader for a mirror that is a local folder."""
    source = Path(url)
    if not source.is_file():
        raise DataFetchError(
            f"the mirror has no file {source} (set {MIRROR_VARIABLE} to a folder holding "
            "one subfolder per source: dsi4eu/wave2016/orgs.csv, ..., "
            "world-atlas/countries-50m.json)")
    shutil.copyfile(source, output_file)


class _HashRecordingDownloader:
    """Wraps a pooch downloader to remember the hash of what it wrote, so that a
    mismatch can be reported with the actual hash."""

    def __init__(self, inner):
        self.inner = inner
        self.actual_sha256: str | None = None

    def __call__(self, url, output_file, pooch_instance):
        self.inner(url, output_file, pooch_instance)
        self.actual_sha256 = sha256_of(Path(output_file))


def fetch_deadline() -> float:
    """Seconds one file's download may take (``INESS_FETCH_DEADLINE``, else
    :data:`DEFAULT_DEADLINE`)."""
    value = os.environ.get(DEADLINE_VARIABLE, "").strip()
    if not value:
        return DEFAULT_DEADLINE
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise DataFetchError(f"{DEADLINE_VARIABLE}={value!r}: expected a number of seconds "
                             "above 0")
    return seconds


class DeadlineDownloader:
    """pooch downloader over HTTP(S) that gives up when the whole download takes
    longer than ``deadline`` seconds (each read also waits at most
    :data:`READ_TIMEOUT`); what it wrote is then removed."""

    def __init__(self, deadline: float):
        self.deadline = deadline

    def __call__(self, url, output_file, _pooch) -> None:
        import time
        ends = time.monotonic() + self.deadline
        wait = min(READ_TIMEOUT, self.deadline)
        try:
            with requests.get(url, stream=True, timeout=(wait, wait)) as response:
                response.raise_for_status()
                with open(output_file, "wb") as handle:
                    # read1: whatever has arrived, so that the deadline is checked
                    # after every packet of a server that trickles
                    while block := response.raw.read1(1 << 16, decode_content=True):
                        handle.write(block)
                        if time.monotonic() > ends:
                            raise DataFetchError(
                                f"could not fetch {url}: the download took over "
                                f"{self.deadline:g} s (set {DEADLINE_VARIABLE} for a longer "
                                "deadline); the partial file was removed")
        except BaseException:
            Path(output_file).unlink(missing_ok=True)
            raise


def _downloader_for(source: str, progress: bool):
    if is_url(source):
        return DeadlineDownloader(fetch_deadline())
    return _copy_from_folder


def fetch_one(entry: RegistryEntry, *, target_dir: Path | None = None,
              mirror: str | None = None, progress: bool | None = None) -> FetchOutcome:
    """Make sure one file is in the cache with its registered hash; return what was done."""
    target_dir = Path(target_dir or raw_dir(entry.source))
    progress = sys.stderr.isatty() if progress is None else progress
    path = target_dir / entry.name
    if path.is_file():
        if sha256_of(path) == entry.sha256:
            return FetchOutcome(entry.name, path, "cached", str(path))
        action = "replaced"
    else:
        action = "downloaded"
    source = source_for(entry, mirror)
    downloader = _HashRecordingDownloader(_downloader_for(source, progress))
    try:
        pooch.retrieve(url=source, known_hash=f"sha256:{entry.sha256}",
                       fname=Path(entry.name).name, path=path.parent,
                       downloader=downloader, progressbar=False)
    except DataFetchError:
        raise
    except ValueError as error:
        if downloader.actual_sha256 is None or "hash" not in str(error):
            raise
        raise DataHashError(
            f"{entry.name} from {source} has the wrong SHA-256: expected "
            f"{entry.sha256}, got {downloader.actual_sha256}; the file was refused "
            "and not kept") from error
    except (requests.exceptions.RequestException, OSError) as error:
        hint = (f"check that {MIRROR_VARIABLE}={mirror} is reachable" if mirror else
                f"no internet? set {MIRROR_VARIABLE} to a local copy of the data, "
                "e.g. ../shared/data")
        raise DataFetchError(
            f"could not fetch {entry.name} from {source} "
            f"({type(error).__name__}: {str(error).splitlines()[0][:160]}); {hint}") from error
    return FetchOutcome(entry.name, path, action, source)


def fetch_all(*, target_dir: Path | None = None, mirror: str | None = None,
              progress: bool | None = None) -> list[FetchOutcome]:
    """Fetch every registered file (the mirror defaults to ``INESS_DATA_MIRROR``)."""
    mirror = mirror_setting() if mirror is None else mirror
    return [fetch_one(entry, target_dir=target_dir, mirror=mirror, progress=progress)
            for entry in registry()]


def raw_path(name: str, *, target_dir: Path | None = None) -> Path:
    """Path of a cached raw file such as ``wave2016/orgs.csv`` or
    ``countries-50m.json`` (fetching it if needed)."""
    entries = {entry.name: entry for entry in registry()}
    if name not in entries:
        raise KeyError(f"unknown raw file {name!r}; known: {', '.join(entries)}")
    return fetch_one(entries[name], target_dir=target_dir, mirror=mirror_setting()).path
