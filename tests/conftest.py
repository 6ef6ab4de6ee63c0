"""Shared test configuration: offscreen Qt, isolated folders, cheap KDF, hostile text."""

from __future__ import annotations

import os

# Set before anything imports Qt, so every test run is offscreen wherever it runs.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import gc  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from peerdesk.store.keyslots import KdfParams  # noqa: E402

# Cheap Argon2id for tests only. Production code never reads this: it is passed
# explicitly, and one test in tests/store/test_keyslots.py uses real calibration.
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)

HOSTILE_TEXTS = {
    "control characters": "line\x00one\x01\x07\x1b[31m\x7f\r\nline two\ttab\x0b\x0c",
    "right-to-left marks": "\u202eevil\u202c \u200fשלום\u200e مرحبا \u2066x\u2069",
    "emoji": "😀 👩🏽‍💻 🏳️‍🌈 family: 👨‍👩‍👧‍👦",
    "combining and zero width": "e\u0301\u0301\u0301 zero\u200bwidth \ufeffbom",
    "cjk and devanagari": "東京 사무실 नमस्ते Ελληνικά Привет",
}

LONE_SURROGATE = "before \ud800 after"
TEN_MB_NOTE = ("A long pasted note with some words in it. " * 250_000)[: 10 * 1024 * 1024]


@pytest.fixture
def fast_kdf() -> KdfParams:
    return FAST_KDF


@pytest.fixture(params=sorted(HOSTILE_TEXTS), ids=sorted(HOSTILE_TEXTS))
def hostile_text(request: pytest.FixtureRequest) -> str:
    return HOSTILE_TEXTS[request.param]


@pytest.fixture(autouse=True)
def unfrozen_collector() -> Iterator[None]:
    """An unlock freezes what it built out of garbage collections until its lock
    (peerdesk.ui.collector); a test that ends unlocked must not leave that behind."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own home, config, data and temp folders."""
    home = tmp_path / "home"
    for sub in ("config", "data", "cache", "tmp", "runtime"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("TMPDIR", str(home / "tmp"))
    monkeypatch.delenv("PEERDESK_DATA_DIR", raising=False)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(home / "tmp"))
    return home


def damage_search_index(db: Any) -> None:
    """Garble every leaf block of the search index (what a torn write or a bug could
    do), the same way each time, so that any search which reads the index fails."""
    db.execute(
        """UPDATE search_index_data
            SET block = substr(CAST(replace(hex(zeroblob(length(block))), '0', 'F') AS BLOB),
                               1, length(block))
            WHERE id > 10"""
    )
