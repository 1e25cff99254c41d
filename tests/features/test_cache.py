"""The on-disk cache: round trip, corruption and truncation detected, atomic writes."""

from __future__ import annotations

import pytest

from attribution.features.cache import MAGIC, DiskCache, namespace, resolve_cache_dir, text_key


def test_round_trip_and_location(tmp_path, monkeypatch):
    cache = DiskCache(tmp_path, namespace("spacy", {"model": "m", "version": "1"}), settings={"model": "m"})
    key = text_key("The Federalist No. 10")
    assert cache.get(key) is None
    cache.put(key, b"payload")
    assert cache.get(key) == b"payload"
    assert (cache.hits, cache.misses) == (1, 1)
    assert not list(cache.folder.rglob("*.tmp"))  # the temporary file was renamed into place
    assert (cache.folder / "settings.json").is_file()
    monkeypatch.setenv("ATTRIBUTION_CACHE", str(tmp_path / "env"))
    assert resolve_cache_dir(None) == tmp_path / "env"
    assert resolve_cache_dir(tmp_path / "x") == tmp_path / "x"


def test_settings_change_the_namespace():
    assert namespace("embed", {"model": "a"}) != namespace("embed", {"model": "b"})
    assert namespace("embed", {"model": "a", "n": 1}) == namespace("embed", {"n": 1, "model": "a"})


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]),  # one flipped byte in the payload
        lambda data: b"GARBAGE" + data[len(MAGIC) :],  # wrong header
        lambda data: b"",  # empty file
    ],
)
def test_corrupt_entry_is_detected_deleted_and_not_trusted(tmp_path, damage):
    cache = DiskCache(tmp_path, "test")
    key = text_key("text")
    cache.put(key, b"x" * 100)
    path = next(cache.folder.rglob(f"{key}.bin"))
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get(key) is None
    assert cache.corrupt == 1 and not path.exists()
    cache.put(key, b"x" * 100)
    assert cache.get(key) == b"x" * 100
