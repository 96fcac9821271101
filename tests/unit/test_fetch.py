"""Fetching: hash checks, cache, mirror folder or URL, and clear failures.

The HTTP path is exercised against a real server on 127.0.0.1."""
import hashlib

import pytest

from iness.pipeline import fetch
from iness.errors import DataFetchError, DataHashError

CONTENT = b"Organisation ID,Name\n1,Goteo\n"


def entry(content=CONTENT, name="wave2016/orgs.csv"):
    return fetch.RegistryEntry(name=name, sha256=hashlib.sha256(content).hexdigest(),
                               url="http://127.0.0.1:9/unreachable/orgs.csv")


@pytest.fixture
def mirror_dir(tmp_path):
    """A mirror with one subfolder per source."""
    folder = tmp_path / "mirror"
    (folder / "dsi4eu" / "wave2016").mkdir(parents=True)
    (folder / "dsi4eu" / "wave2016" / "orgs.csv").write_bytes(CONTENT)
    return folder


def test_registry_lists_the_five_files_with_pinned_urls():
    names = [item.name for item in fetch.registry() if item.source == "dsi4eu"]
    assert names == ["wave2016/orgs.csv", "wave2016/projects.csv", "wave2016/org-projects.csv",
                     "wave2017/organisations2.json", "wave2017/projects2.json"]
    for item in fetch.registry():
        assert len(item.sha256) == 64
        assert "/48f92e0052a83601db4a1688ddd42d1d93bb6f70/" in item.url or \
            "/f877113b160331cafcc144f88355af581cdae55e/" in item.url or \
            "/world-atlas@2.0.2/" in item.url
    assert {item.source for item in fetch.registry()} == {"dsi4eu", "world-atlas"}


def test_mirror_with_one_subfolder_per_source(tmp_path):
    atlas = fetch.RegistryEntry("countries-50m.json", "0" * 64, "https://x", "world-atlas")
    (tmp_path / "world-atlas").mkdir()
    (tmp_path / "world-atlas" / "countries-50m.json").write_text("{}")
    assert fetch.source_for(atlas, str(tmp_path)) == str(
        tmp_path.resolve() / "world-atlas" / "countries-50m.json")
    assert fetch.source_for(atlas, "http://127.0.0.1:8000/data") == \
        "http://127.0.0.1:8000/data/world-atlas/countries-50m.json"
    assert fetch.source_for(atlas, "http://127.0.0.1:8000/data/dsi4eu/") == \
        "http://127.0.0.1:8000/data/world-atlas/countries-50m.json"


def test_folder_mirror_copies_once_then_uses_the_cache(tmp_path, mirror_dir):
    cache = tmp_path / "cache"
    first = fetch.fetch_one(entry(), target_dir=cache, mirror=str(mirror_dir))
    second = fetch.fetch_one(entry(), target_dir=cache, mirror=str(mirror_dir))
    assert (first.action, second.action) == ("downloaded", "cached")
    assert (cache / "wave2016" / "orgs.csv").read_bytes() == CONTENT


def test_corrupted_cache_is_detected_and_fetched_again(tmp_path, mirror_dir):
    cache = tmp_path / "cache"
    fetch.fetch_one(entry(), target_dir=cache, mirror=str(mirror_dir))
    cached = cache / "wave2016" / "orgs.csv"
    cached.write_bytes(CONTENT.replace(b"Goteo", b"Goteq"))
    outcome = fetch.fetch_one(entry(), target_dir=cache, mirror=str(mirror_dir))
    assert outcome.action == "replaced"
    assert cached.read_bytes() == CONTENT


def test_wrong_hash_is_refused_and_not_kept(tmp_path, mirror_dir):
    cache = tmp_path / "cache"
    bad = entry(content=b"something else")
    with pytest.raises(DataHashError) as error:
        fetch.fetch_one(bad, target_dir=cache, mirror=str(mirror_dir))
    message = str(error.value)
    assert "wave2016/orgs.csv" in message
    assert bad.sha256 in message and hashlib.sha256(CONTENT).hexdigest() in message
    assert not (cache / "wave2016" / "orgs.csv").exists()
    assert list((cache / "wave2016").iterdir()) == []  # no temporary file left behind


def test_mirror_missing_a_file(tmp_path):
    with pytest.raises(DataFetchError, match="mirror has no file"):
        fetch.fetch_one(entry(), target_dir=tmp_path / "cache", mirror=str(tmp_path))


def test_offline_without_mirror_says_what_to_set(tmp_path):
    with pytest.raises(DataFetchError) as error:
        fetch.fetch_one(entry(), target_dir=tmp_path / "cache", mirror=None)
    assert "could not fetch wave2016/orgs.csv" in str(error.value)
    assert "INESS_DATA_MIRROR" in str(error.value)


def test_url_mirror_over_real_http(tmp_path, mirror_dir, http_server):
    base = http_server(mirror_dir)
    cache = tmp_path / "cache"
    outcome = fetch.fetch_one(entry(), target_dir=cache, mirror=base + "/")
    assert outcome.action == "downloaded"
    assert outcome.source == base + "/dsi4eu/wave2016/orgs.csv"
    assert (cache / "wave2016" / "orgs.csv").read_bytes() == CONTENT


def test_url_mirror_missing_file_is_a_fetch_error(tmp_path, http_server):
    base = http_server(tmp_path)
    with pytest.raises(DataFetchError, match="404"):
        fetch.fetch_one(entry(), target_dir=tmp_path / "cache", mirror=base)


def test_source_for_prefers_the_mirror(mirror_dir):
    item = entry()
    assert fetch.source_for(item, None) == item.url
    assert fetch.source_for(item, "https://example.org/m/") == \
        "https://example.org/m/dsi4eu/wave2016/orgs.csv"
    assert fetch.source_for(item, "https://example.org/m/dsi4eu") == \
        "https://example.org/m/dsi4eu/wave2016/orgs.csv"
    assert fetch.source_for(item, str(mirror_dir)).endswith("mirror/dsi4eu/wave2016/orgs.csv")
    older = mirror_dir / "dsi4eu"       # the DSI4EU folder itself, as before
    assert fetch.source_for(item, str(older)).endswith("mirror/dsi4eu/wave2016/orgs.csv")
