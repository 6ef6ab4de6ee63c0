"""A realistic vault of fictional content, generated once per size and cached.

Rows go in with the real schema (the vault is made by ``Vault.create``, so every
migration ran) in one transaction with ``executemany``: the real FTS triggers
index every alias, note and diary entry as the app would.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlcipher3

from peerdesk.store import KdfParams, Vault
from peerdesk.store.schema import CURRENT_VERSION

PASSPHRASE = "bench-passphrase-not-secret"  # noqa: S105 - fictional vault
# Cheap on purpose: the benchmark opens this vault many times. Unlock cost with the
# real, calibrated Argon2id is measured separately (measures.unlock).
BENCH_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
FORMAT = 3  # bump when the generated content changes, so caches are rebuilt


@dataclass(frozen=True)
class Size:
    people: int
    sessions: int
    incidents: int
    words_per_note: int = 120
    big_person_sessions: int = 1000  # person 1: the "1,000 sessions" timeline

    @property
    def key(self) -> str:
        return (
            f"v{FORMAT}-p{self.people}-s{self.sessions}-i{self.incidents}"
            f"-w{self.words_per_note}-b{self.big_person_sessions}"
        )


FULL = Size(people=2_000, sessions=100_000, incidents=20_000)
QUICK = Size(people=60, sessions=600, incidents=120, big_person_sessions=100)

# -- fictional content (ideas from peerdesk.practice) -------------------------------

FIRST = [
    "Ada",
    "Bea",
    "Cal",
    "Dee",
    "Eli",
    "Fay",
    "Gus",
    "Hal",
    "Ivy",
    "Jo",
    "Kai",
    "Lou",
    "Mia",
    "Ned",
    "Oti",
    "Pam",
    "Quin",
    "Rae",
    "Sol",
    "Tia",
    "Uma",
    "Vic",
    "Wes",
    "Xan",
    "Yui",
    "Zed",
    "Amara",
    "Bilal",
    "Chen",
    "Dana",
    "Emeka",
    "Farah",
    "Goran",
    "Hana",
    "Imran",
    "Jana",
    "Kofi",
    "Leila",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Rosa",
    "Samir",
    "Tomas",
    "Ulla",
    "Vera",
    "Wren",
    "Yusuf",
    "Zara",
]
TEAMS = [
    "warehouse night shift",
    "claims team",
    "ward 7",
    "call centre",
    "finance office",
    "IT helpdesk",
    "kitchen",
    "reception",
    "labs",
    "maintenance crew",
    "sales floor",
    "library desk",
    "depot",
    "payroll",
]
PEOPLE = [
    "the team leader",
    "the new supervisor",
    "a senior colleague",
    "two colleagues from the next team",
    "the shift manager",
    "the department head",
    "a contractor",
    "the rota planner",
    "an HR adviser",
    "the union rep",
    "a long-standing colleague",
    "the area manager",
]
ACTS = [
    "shouted at her in front of the team",
    "made a joke about his accent",
    "left her out of the planning meeting again",
    "changed the rota without notice",
    "criticised his work in the group chat",
    "took credit for her report",
    "asked intrusive questions about her health",
    "copied HR into a routine email",
    "refused the leave request",
    "gave him the night shifts three weeks running",
    "ignored her in the corridor",
    "sent messages after midnight",
]
FEELINGS = [
    "anxious before every shift",
    "not sleeping well",
    "tearful on the phone",
    "angry and then exhausted",
    "worried about the probation review",
    "calmer than last time",
    "embarrassed to bring it up",
    "relieved to be listened to",
    "unsure whether to make it formal",
    "isolated from the team",
    "dreading Monday mornings",
    "more confident about the next step",
]
STEPS = [
    "We talked through the options, informal and formal.",
    "Agreed to keep an incident diary with dates, times and witnesses.",
    "Mentioned the EAP counselling line and how to call it.",
    "Explained what the union rep can do at a meeting.",
    "Suggested writing down what was said while it is fresh.",
    "Talked about occupational health and a referral for the back pain.",
    "Checked the grievance policy together.",
    "Practised what to say to the manager.",
    "Agreed to meet again after the review.",
    "Discussed a mediation session and whether it would feel safe.",
]
PLACES = [
    "the staff room",
    "the loading bay",
    "meeting room 2",
    "the car park",
    "the open-plan office",
    "a video call",
    "the corridor by the lifts",
    "the canteen",
    "the team chat",
    "the night office",
]
FILLER = [
    "She said it has been going on since the restructure in spring",
    "He kept his voice low and checked the door twice",
    "The colleague wants to stay in the job and is clear about that",
    "Nothing in writing yet, but a witness saw the last one",
    "They brought printed emails and a list of dates",
    "Work has been heavy with the audit, and cover is short",
    "Family support is good; a partner knows some of it",
    "No thoughts of harm when asked directly; safety plan not needed today",
    "The overtime and the changed hours are making childcare hard",
    "Sickness absence twice this month, both certified",
    "The meeting with the manager is booked for next Thursday",
    "Wants the notes kept between us for now; no consent to share yet.",
]


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return f"Said {rng.choice(PEOPLE)} {rng.choice(ACTS)} in {rng.choice(PLACES)}."
    if kind == 1:
        return f"Feeling {rng.choice(FEELINGS)}, working on the {rng.choice(TEAMS)}."
    if kind == 2:
        return rng.choice(STEPS)
    if kind == 3:
        return rng.choice(FILLER).rstrip(".") + "."
    return (
        f"On {rng.choice(('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'))} "
        f"{rng.choice(PEOPLE)} {rng.choice(ACTS)}; {rng.choice(FEELINGS)} since."
    )


def sentence_pool(rng: random.Random, count: int = 4000) -> list[str]:
    return [_sentence(rng) for _ in range(count)]


def note(rng: random.Random, pool: list[str], words: int) -> str:
    parts: list[str] = []
    n = 0
    while n < words:
        s = rng.choice(pool)
        parts.append(s)
        n += s.count(" ") + 1
    return " ".join(parts)


def alias(index: int) -> str:
    return f"{FIRST[index % len(FIRST)]} {chr(65 + index // len(FIRST) % 26)}{index}"


# -- building the vault ---------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    directory: Path  # vault folder
    plain: Path  # the same database as plain (unencrypted) SQLite
    size: Size
    seconds: float  # generation time (rows, FTS indexing, commit)
    cached: bool


def cache_root() -> Path:
    base = os.environ.get("PEERDESK_BENCH_DATA")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "peerdesk-bench"


def ensure(size: Size, root: Path | None = None, *, log=print) -> Generated:  # noqa: ANN001
    folder = (root or cache_root()) / size.key
    info = folder / "generated.json"
    if info.is_file():
        meta = json.loads(info.read_text())
        if _plain_version(folder / "plain.db") != CURRENT_VERSION:
            log("refreshing the plain copy: the vault's schema has moved on ...")
            (folder / "plain.db").unlink(missing_ok=True)
            _plain_copy(folder / "vault", folder / "plain.db")  # opening migrates the vault
        return Generated(folder / "vault", folder / "plain.db", size, meta["seconds"], True)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, mode=0o700)
    log(f"generating {size} in {folder} ...")
    seconds = _generate(folder / "vault", size)
    _plain_copy(folder / "vault", folder / "plain.db")
    info.write_text(json.dumps({"seconds": seconds, "size": asdict(size)}))
    return Generated(folder / "vault", folder / "plain.db", size, seconds, False)


def _generate(directory: Path, size: Size) -> float:
    rng = random.Random(7)
    pool = sentence_pool(rng)
    vault, _code = Vault.create(directory, PASSPHRASE, kdf=BENCH_KDF)
    try:
        db = vault._db  # noqa: SLF001 - bulk load through the real schema and triggers
        start = time.perf_counter()
        now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
        stamp = now.isoformat()
        people = [
            (i + 1, alias(i), (now - timedelta(days=800 - i % 700)).isoformat())
            for i in range(size.people)
        ]
        owners = [1] * size.big_person_sessions
        rest = size.sessions - len(owners)
        owners += [2 + i % (size.people - 1) for i in range(rest)]
        modes = ("in_person", "phone", "video", "chat")
        concerns = ("[]", '["verbal_abuse"]', '["exclusion"]', '["verbal_abuse", "exclusion"]')
        sessions = []
        for n, owner in enumerate(owners):
            when = now - timedelta(days=rng.randrange(900), minutes=rng.randrange(600))
            follow = (when + timedelta(days=14)).date().isoformat() if n % 9 == 0 else None
            sessions.append(
                (
                    owner,
                    when.replace(tzinfo=None).isoformat(timespec="seconds"),
                    rng.choice((20, 30, 45, 60)),
                    modes[n % 4],
                    note(rng, pool, size.words_per_note),
                    follow,
                    concerns[n % 4] if _has_concerns(db) else None,
                    stamp,
                    stamp,
                )
            )
        incidents = []
        for n in range(size.incidents):
            owner = 1 if n % 200 == 0 else 1 + rng.randrange(size.people)
            when = now - timedelta(days=rng.randrange(900), minutes=rng.randrange(600))
            incidents.append(
                (
                    owner,
                    when.replace(tzinfo=None).isoformat(timespec="seconds"),
                    rng.choice(PLACES),
                    note(rng, pool, 60),
                    rng.choice(PEOPLE),
                    rng.choice(("none", "a colleague from payroll", "two people at the desk")),
                    rng.choice(FEELINGS),
                    rng.choice(("personal email", "notebook at home", "phone photos")),
                    stamp,
                    stamp,
                )
            )
        with db.transaction():
            db.executemany("INSERT INTO people(id, alias, created_at) VALUES (?, ?, ?)", people)
            db.executemany(
                """INSERT INTO sessions(person_id, started_at, duration_minutes, mode, notes,
                    follow_up_on, concerns, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, coalesce(?, '[]'), ?, ?)""",
                sessions,
            )
            db.executemany(
                """INSERT INTO incidents(person_id, occurred_at, place, what_happened,
                    who_involved, witnesses, impact, evidence_location, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                incidents,
            )
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return time.perf_counter() - start
    finally:
        vault.close()


def _has_concerns(db) -> bool:  # noqa: ANN001
    return any(row[1] == "concerns" for row in db.all("PRAGMA table_info(sessions)"))


def _plain_copy(directory: Path, target: Path) -> None:
    """The same database, decrypted, for the plain-SQLite FTS5 comparison."""
    with open_vault(directory) as vault:
        db = vault._db  # noqa: SLF001
        db.execute(f"ATTACH DATABASE '{target}' AS plain KEY ''")  # noqa: S608
        db.execute("SELECT sqlcipher_export('plain')").fetchone()
        # sqlcipher_export copies no user_version; the copy is at the vault's schema.
        db.execute(f"PRAGMA plain.user_version = {CURRENT_VERSION:d}")
        db.execute("DETACH DATABASE plain")


def _plain_version(path: Path) -> int:
    if not path.is_file():
        return -1
    conn = sqlcipher3.connect(str(path))
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def open_vault(directory: Path) -> Vault:
    return Vault.open(directory, PASSPHRASE, kdf=BENCH_KDF)
