import pytest

from iness import build


@pytest.fixture(scope="session")
def built(mirror, tmp_path_factory):
    """The real DSI4EU build, from the mirror, into a temporary folder."""
    target = tmp_path_factory.mktemp("processed")
    result = build.build(target, raw_folder=mirror)
    return {"target": target, **result}


@pytest.fixture(scope="session")
def tables(built):
    return built["tables"]
