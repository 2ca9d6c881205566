"""SQLite state of the emulator: JSON documents per (kind, org, key), tokens, uploads.

One connection guarded by one lock: every request is short, so serialising them is simpler than
per-thread connections and still correct under concurrent requests. Every write happens inside
``Store.tx()``, which commits before the handler returns, i.e. before the response is sent.

Durability: WAL with ``synchronous=FULL`` fsyncs the WAL on every commit, so an acknowledged write
survives ``kill -9`` and even a power loss. (NORMAL would already survive a process crash, which
is all the emulator promises, but the cost of FULL is negligible at the emulator's write rates.)
"""

from __future__ import annotations

import builtins
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

DEFAULT_POLICY_GROUP = "default-policy-group"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orgs (name TEXT PRIMARY KEY, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL, org TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, org, key)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT NOT NULL, org TEXT NOT NULL, token_id TEXT NOT NULL, kind TEXT NOT NULL,
    expires_at INTEGER, created REAL NOT NULL,
    PRIMARY KEY (hash, org)
);
CREATE INDEX IF NOT EXISTS tokens_by_id ON tokens (token_id);
CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, body BLOB, content_type TEXT);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def token_hash(value: str) -> str:
    # Only hashes are stored, so /_emulator/state can be dumped without leaking token values.
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: one token, valid for one or more orgs."""

    token_id: str
    orgs: frozenset[str]
    kind: str  # "admin" (from the CLI) or whatever the registering router chose, e.g. "org"

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"


class Tx:
    """Operations available inside one transaction. Obtain through ``Store.tx()``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._c = conn

    # documents ---------------------------------------------------------------------------
    def get(self, kind: str, org: str, key: str) -> dict[str, Any] | None:
        row = self._c.execute(
            "SELECT body FROM docs WHERE kind=? AND org=? AND key=?", (kind, org, key)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, kind: str, org: str, key: str, doc: dict[str, Any]) -> None:
        self._c.execute(
            "INSERT INTO docs (kind, org, key, body) VALUES (?,?,?,?) "
            "ON CONFLICT (kind, org, key) DO UPDATE SET body=excluded.body",
            (kind, org, key, json.dumps(doc, sort_keys=True)),
        )

    def delete(self, kind: str, org: str, key: str) -> bool:
        cur = self._c.execute("DELETE FROM docs WHERE kind=? AND org=? AND key=?", (kind, org, key))
        return cur.rowcount > 0

    def list(
        self, kind: str, org: str | None = None, prefix: str = ""
    ) -> builtins.list[tuple[str, str, dict[str, Any]]]:
        """(org, key, doc) ordered by org then key; ``org=None`` means every org."""
        sql = "SELECT org, key, body FROM docs WHERE kind=?"
        args: list[Any] = [kind]
        if org is not None:
            sql += " AND org=?"
            args.append(org)
        if prefix:
            sql += " AND substr(key, 1, ?) = ?"
            args += [len(prefix), prefix]
        sql += " ORDER BY org, key"
        return [(o, k, json.loads(b)) for o, k, b in self._c.execute(sql, args)]

    def next_counter(self, name: str) -> int:
        self._c.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = value + 1",
            (name,),
        )
        return int(
            self._c.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()[0]
        )

    # orgs --------------------------------------------------------------------------------
    def org_exists(self, org: str) -> bool:
        return self._c.execute("SELECT 1 FROM orgs WHERE name=?", (org,)).fetchone() is not None

    def ensure_org(self, org: str) -> None:
        """Create the org (with its default policy group) unless it exists."""
        if self.org_exists(org):
            return
        self._c.execute("INSERT INTO orgs (name, created) VALUES (?, ?)", (org, time.time()))
        self.put(
            "policygroup",
            org,
            DEFAULT_POLICY_GROUP,
            {
                "name": DEFAULT_POLICY_GROUP,
                "isOrgDefault": True,
                "entityType": "stacks",
                "mode": "preventative",
                "stacks": [],
                "accounts": [],
                "appliedPolicyPacks": [],
            },
        )

    def orgs(self) -> builtins.list[str]:
        return [r[0] for r in self._c.execute("SELECT name FROM orgs ORDER BY name")]

    # tokens ------------------------------------------------------------------------------
    def register_token(
        self, org: str, value: str, token_id: str, kind: str, expires_at: int | None = None
    ) -> None:
        """Make ``value`` authenticate as ``token_id`` for ``org``.

        ``expires_at`` is unix seconds (None or 0: never expires).
        """
        self._c.execute(
            "INSERT OR REPLACE INTO tokens (hash, org, token_id, kind, expires_at, created) "
            "VALUES (?,?,?,?,?,?)",
            (token_hash(value), org, token_id, kind, expires_at or None, time.time()),
        )

    def revoke_token(self, token_id: str) -> bool:
        cur = self._c.execute("DELETE FROM tokens WHERE token_id=?", (token_id,))
        return cur.rowcount > 0

    def authenticate(self, value: str, now: float | None = None) -> Principal | None:
        now = time.time() if now is None else now
        rows = self._c.execute(
            "SELECT org, token_id, kind, expires_at FROM tokens WHERE hash=?", (token_hash(value),)
        ).fetchall()
        live = [r for r in rows if r[3] is None or r[3] > now]
        if not live:
            return None
        return Principal(token_id=live[0][1], orgs=frozenset(r[0] for r in live), kind=live[0][2])

    # uploads -----------------------------------------------------------------------------
    def create_upload(self, upload_id: str) -> None:
        self._c.execute("INSERT INTO uploads (id, body) VALUES (?, NULL)", (upload_id,))

    def upload_exists(self, upload_id: str) -> bool:
        return (
            self._c.execute("SELECT 1 FROM uploads WHERE id=?", (upload_id,)).fetchone() is not None
        )

    def put_upload(self, upload_id: str, body: bytes, content_type: str) -> None:
        self._c.execute(
            "UPDATE uploads SET body=?, content_type=? WHERE id=?", (body, content_type, upload_id)
        )

    def get_upload(self, upload_id: str) -> tuple[bytes | None, str | None] | None:
        row = self._c.execute(
            "SELECT body, content_type FROM uploads WHERE id=?", (upload_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    # admin -------------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {"orgs": {}}
        for org in self.orgs():
            out["orgs"][org] = {}
        for kind, org, key, body in self._c.execute(
            "SELECT kind, org, key, body FROM docs ORDER BY kind, org, key"
        ):
            out["orgs"].setdefault(org, {}).setdefault(kind, {})[key] = json.loads(body)
        out["tokens"] = [
            {"tokenId": t, "org": o, "kind": k, "expiresAt": e}
            for t, o, k, e in self._c.execute(
                "SELECT token_id, org, kind, expires_at FROM tokens ORDER BY created, org"
            )
        ]
        out["uploads"] = [
            {"id": i, "size": None if n is None else n}
            for i, n in self._c.execute("SELECT id, length(body) FROM uploads ORDER BY id")
        ]
        return out

    def reset(self) -> None:
        """Forget every object; keep orgs and admin tokens (default groups are recreated)."""
        orgs = self.orgs()
        self._c.execute("DELETE FROM docs")
        self._c.execute("DELETE FROM uploads")
        self._c.execute("DELETE FROM counters")
        self._c.execute("DELETE FROM tokens WHERE kind != 'admin'")
        self._c.execute("DELETE FROM orgs")
        for org in orgs:
            self.ensure_org(org)


class Store:
    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)

    @contextmanager
    def tx(self) -> Iterator[Tx]:
        """One serialised transaction: committed when the block exits, rolled back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
