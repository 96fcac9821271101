"""The real files over a real HTTP server on 127.0.0.1 serving the mirror."""
import logging

from iness.pipeline import fetch


def test_fetch_all_over_http_then_from_cache(mirror, http_server, tmp_path):
    logging.getLogger("pooch").setLevel(logging.WARNING)
    base = http_server(mirror.parent)       # one subfolder per source
    first = fetch.fetch_all(target_dir=tmp_path, mirror=base, progress=False)
    assert [outcome.action for outcome in first] == ["downloaded"] * len(fetch.registry())
    for outcome, item in zip(first, fetch.registry()):
        assert fetch.sha256_of(outcome.path) == item.sha256
    again = fetch.fetch_all(target_dir=tmp_path, mirror=base, progress=False)
    assert [outcome.action for outcome in again] == ["cached"] * len(fetch.registry())


def test_one_changed_byte_is_caught_and_repaired(mirror, tmp_path):
    fetch.fetch_all(target_dir=tmp_path, mirror=str(mirror), progress=False)
    path = tmp_path / "wave2017" / "projects2.json"
    data = bytearray(path.read_bytes())
    data[1000] ^= 1
    path.write_bytes(bytes(data))
    outcomes = fetch.fetch_all(target_dir=tmp_path, mirror=str(mirror), progress=False)
    assert [o.action for o in outcomes] == ["cached"] * 4 + ["replaced", "cached"]
    assert fetch.sha256_of(path) == fetch.registry()[4].sha256


def test_the_older_mirror_layout_still_finds_every_source(mirror, tmp_path):
    outcomes = fetch.fetch_all(target_dir=tmp_path, mirror=str(mirror), progress=False)
    assert [o.action for o in outcomes] == ["downloaded"] * len(fetch.registry())
    assert (tmp_path / "countries-50m.json").is_file()
