"""Shared tools for the fuzz tests: byte and JSON mutations, a time limit, file snapshots.

Each fuzz test takes a valid file peerdesk wrote (or ships), damages it with a
short list of mutations drawn by hypothesis, hands it to the code that reads it,
and checks three things:

- only the documented error type comes out (anything else fails the test);
- it finishes within :data:`ATTEMPT_SECONDS` (:func:`time_limit`);
- the files it was given are still byte for byte and mtime for mtime what they
  were (:func:`folder_state`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ATTEMPT_SECONDS = 20

# CI-sized runs; the slow variants (``-m slow``) use SLOW.
CI = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(
    CI,
    max_examples=600,
    suppress_health_check=[*CI.suppress_health_check, HealthCheck.function_scoped_fixture],
)


def require_slow_run(request: pytest.FixtureRequest) -> None:
    """Skip a slow variant unless the run selected it (``-m slow``)."""
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("slow variant: run with -m slow")


class Hang(Exception):  # noqa: N818 - reads as what happened
    """An attempt ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float = ATTEMPT_SECONDS) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread if the block runs longer than ``seconds``.

    A signal is only handled between Python bytecodes, so a loop inside C that
    never returns would still hold the test; pytest's own run time shows that.
    """

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"the attempt did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class FileState:
    data: bytes
    mtime_ns: int
    mode: int


def folder_state(folder: Path) -> dict[str, FileState]:
    """Every file under ``folder`` (recursively) with its bytes, mtime and mode."""
    state = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            info = path.stat()
            state[str(path.relative_to(folder))] = FileState(
                path.read_bytes(), info.st_mtime_ns, info.st_mode
            )
    return state


def file_state(path: Path) -> FileState:
    info = path.stat()
    return FileState(path.read_bytes(), info.st_mtime_ns, info.st_mode)


# -- byte mutations ----------------------------------------------------------------------

# Positions are drawn as fractions so one strategy fits files of any size; some
# land at the very start (headers, magic numbers), where damage matters most.
_fraction = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.0001, 0.001, 0.01, 0.5, 1.0]))
_small_bytes = st.binary(min_size=1, max_size=64)


def _at(fraction: float, size: int) -> int:
    return min(size, max(0, int(fraction * size)))


@st.composite
def byte_mutation(draw: st.DrawFn) -> tuple[Any, ...]:
    kind = draw(
        st.sampled_from(
            ["flip", "truncate", "extend", "splice", "insert", "delete", "swap", "zero"]
        )
    )
    if kind == "flip":
        return (kind, draw(_fraction), draw(st.integers(0, 7)))
    if kind == "truncate":
        return (kind, draw(_fraction))
    if kind == "extend":
        return (kind, draw(st.binary(min_size=1, max_size=8192)))
    if kind in ("splice", "insert"):
        return (kind, draw(_fraction), draw(_small_bytes))
    if kind == "delete":
        return (kind, draw(_fraction), draw(st.integers(1, 4096)))
    if kind == "zero":
        return (kind, draw(_fraction), draw(st.integers(1, 4096)))
    size = draw(st.sampled_from([16, 512, 1024, 4096]))
    return (kind, draw(_fraction), draw(_fraction), size)


def mutate_bytes(data: bytes, mutation: tuple[Any, ...]) -> bytes:
    kind, *args = mutation
    buf = bytearray(data)
    size = len(buf)
    if kind == "flip":
        if size:
            i = min(_at(args[0], size), size - 1)
            buf[i] ^= 1 << args[1]
    elif kind == "truncate":
        del buf[_at(args[0], size) :]
    elif kind == "extend":
        buf += args[0]
    elif kind == "splice":
        i = _at(args[0], size)
        buf[i : i + len(args[1])] = args[1]
    elif kind == "insert":
        i = _at(args[0], size)
        buf[i:i] = args[1]
    elif kind == "delete":
        i = _at(args[0], size)
        del buf[i : i + args[1]]
    elif kind == "zero":
        i = _at(args[0], size)
        end = min(size, i + args[1])
        buf[i:end] = bytes(end - i)
    elif kind == "swap":
        block = args[2]
        blocks = size // block
        if blocks >= 2:
            a = min(int(args[0] * blocks), blocks - 1) * block
            b = min(int(args[1] * blocks), blocks - 1) * block
            first, second = bytes(buf[a : a + block]), bytes(buf[b : b + block])
            buf[a : a + block], buf[b : b + block] = second, first
    return bytes(buf)


byte_mutations = st.lists(byte_mutation(), min_size=1, max_size=4)


def apply_all(data: bytes, mutations: list[tuple[Any, ...]]) -> bytes:
    for mutation in mutations:
        data = mutate_bytes(data, mutation)
    return data


# -- JSON structure mutations --------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)


def _containers(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every dict and list in ``doc``."""
    found = []
    if isinstance(doc, dict):
        found.append(path)
        for key, value in doc.items():
            found += _containers(value, (*path, key))
    elif isinstance(doc, list):
        found.append(path)
        for index, value in enumerate(doc):
            found += _containers(value, (*path, index))
    return found


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


@st.composite
def json_mutations(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` (parsed JSON) with one to three structural changes."""
    doc = json.loads(json.dumps(doc))
    for _ in range(draw(st.integers(1, 3))):
        paths = _containers(doc)
        if not paths:
            return draw(json_values)
        target = _get(doc, draw(st.sampled_from(paths)))
        keys = list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
        action = draw(st.sampled_from(["replace", "delete", "add", "duplicate", "retype"]))
        if not keys:
            action = "add"
        if action == "add":
            if isinstance(target, dict):
                target[draw(st.text(max_size=12))] = draw(json_values)
            else:
                target.append(draw(json_values))
            continue
        key = draw(st.sampled_from(keys))
        if action == "replace":
            target[key] = draw(json_values)
        elif action == "delete":
            del target[key]
        elif action == "duplicate":
            if isinstance(target, list):
                target.append(json.loads(json.dumps(target[key])))
            else:
                target[f"{key}_"] = target[key]
        else:  # same value, another JSON type
            value = target[key]
            target[key] = [value] if not isinstance(value, list) else (value[0] if value else None)
            if isinstance(value, str):
                target[key] = draw(st.sampled_from([value.encode().hex(), len(value), None, {}]))
            elif isinstance(value, int) and not isinstance(value, bool):
                target[key] = draw(st.sampled_from([str(value), float(value), -value, 2**63, True]))
    return doc


def write_like(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` 0600, as peerdesk's own files are."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
