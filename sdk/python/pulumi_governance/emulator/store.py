"""SQLite state of the emulator: JSON documents per (kind, org, key), tokens, uploads.

One connection guarded by one lock: every request is short, so serialising them is simpler than
per-thread connections and still correct under concurrent requests. Every write happens inside
``Store.tx()``, which commits before the handler returns, i.e. before the response is sent.

Durability: WAL with ``synchronous=NORMAL``: a commit is in the WAL file (in the OS's cache) before
the handler returns, so an acknowledged write survives ``kill -9`` of the emulator, which is what
it promises; a power loss may lose the last writes. (FULL would fsync on every commit, which
costs more than the rest of a request.)
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
_TOKEN_CACHE_MAX = 10_000  # distinct token values remembered; unknown values are cached too

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
CREATE TABLE IF NOT EXISTS members (
    org TEXT NOT NULL, grp TEXT NOT NULL, project TEXT NOT NULL, stack TEXT NOT NULL,
    seq INTEGER PRIMARY KEY AUTOINCREMENT, UNIQUE (org, grp, project, stack)
);
CREATE INDEX IF NOT EXISTS members_by_stack ON members (org, project, stack);
CREATE INDEX IF NOT EXISTS members_in_order ON members (org, grp, seq);
CREATE TABLE IF NOT EXISTS stack_tags (
    org TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (org, key, name)
);
CREATE INDEX IF NOT EXISTS stack_tags_by_tag ON stack_tags (org, name, value, key);
CREATE TABLE IF NOT EXISTS stack_ids (
    org TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (org, key)
) WITHOUT ROWID;
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


def principal_of(rows: list[tuple[str, str, str, int | None]], now: float) -> Principal | None:
    live = [r for r in rows if r[3] is None or r[3] > now]
    if not live:
        return None
    return Principal(token_id=live[0][1], orgs=frozenset(r[0] for r in live), kind=live[0][2])


class Tx:
    """Operations available inside one transaction. Obtain through ``Store.tx()``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._c = conn
        self.tokens_changed = False

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
        if kind == "stack":  # whoever writes a stack keeps its indexes right
            self._c.execute(
                "INSERT OR REPLACE INTO stack_ids (org, key, id) VALUES (?,?,?)",
                (org, key, doc["id"]),
            )
            self.index_tags(org, key, doc.get("tags") or {})

    def delete(self, kind: str, org: str, key: str) -> bool:
        cur = self._c.execute("DELETE FROM docs WHERE kind=? AND org=? AND key=?", (kind, org, key))
        if kind == "stack":
            self._c.execute("DELETE FROM stack_ids WHERE org=? AND key=?", (org, key))
            self.index_tags(org, key, {})
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

    # indexes: policy group members, stack tags -----------------------------------------------
    # A group's members are rows, not a list in the group's document: adding a stack to the
    # default group is one insert, whatever the group's size.
    def members(self, org: str, group: str) -> builtins.list[dict[str, str]]:
        """The group's stacks in the order they joined."""
        return [
            {"name": stack, "routingProject": project}
            for project, stack in self._c.execute(
                "SELECT project, stack FROM members WHERE org=? AND grp=? ORDER BY seq",
                (org, group),
            )
        ]

    def member_count(self, org: str, group: str) -> int:
        row = self._c.execute(
            "SELECT count(*) FROM members WHERE org=? AND grp=?", (org, group)
        ).fetchone()
        return int(row[0])

    def add_member(self, org: str, group: str, project: str, stack: str) -> None:
        self._c.execute(
            "INSERT OR IGNORE INTO members (org, grp, project, stack) VALUES (?,?,?,?)",
            (org, group, project, stack),
        )

    def remove_member(self, org: str, group: str, project: str, stack: str) -> None:
        self._c.execute(
            "DELETE FROM members WHERE org=? AND grp=? AND project=? AND stack=?",
            (org, group, project, stack),
        )

    def drop_members(self, org: str, group: str) -> None:
        self._c.execute("DELETE FROM members WHERE org=? AND grp=?", (org, group))

    def rename_members(self, org: str, old: str, new: str) -> None:
        self._c.execute("UPDATE members SET grp=? WHERE org=? AND grp=?", (new, org, old))

    def groups_of(self, org: str, project: str, stack: str) -> builtins.list[str]:
        return [
            r[0]
            for r in self._c.execute(
                "SELECT grp FROM members WHERE org=? AND project=? AND stack=? ORDER BY grp",
                (org, project, stack),
            )
        ]

    def remove_from_groups(self, org: str, project: str, stack: str) -> None:
        self._c.execute(
            "DELETE FROM members WHERE org=? AND project=? AND stack=?", (org, project, stack)
        )

    def index_tags(self, org: str, key: str, tags: dict[str, str]) -> None:
        """Make ``tags`` the indexed tags of the stack ``key`` (``{}`` on delete)."""
        self._c.execute("DELETE FROM stack_tags WHERE org=? AND key=?", (org, key))
        self._c.executemany(
            "INSERT INTO stack_tags (org, key, name, value) VALUES (?,?,?,?)",
            [(org, key, name, value) for name, value in tags.items()],
        )

    def stack_page(
        self,
        org: str,
        after: str,
        limit: int,
        project: str | None = None,
        tag: tuple[str, str | None] | None = None,
    ) -> builtins.list[tuple[str, str]]:
        """(key, id) of up to ``limit`` stacks of ``org`` whose key (``PROJECT/STACK``) sorts
        after ``after``, in key order, through the indexes: neither the org's other stacks nor
        any stack's document is read."""
        sql = "SELECT d.key, d.id FROM stack_ids d"
        where, args = ["d.org=?", "d.key>?"], [org, after]
        if tag is not None:
            sql += " JOIN stack_tags t ON t.org=d.org AND t.key=d.key AND t.name=?"
            args.insert(0, tag[0])
            if tag[1] is not None:
                where.append("t.value=?")
                args.append(tag[1])
        if project is not None:
            # Keys of the project are PROJECT/..., i.e. between "PROJECT/" and "PROJECT0".
            where.append("d.key>=? AND d.key<?")
            args += [project + "/", project + "0"]
        sql += " WHERE " + " AND ".join(where) + " ORDER BY d.key LIMIT ?"
        return [(k, i) for k, i in self._c.execute(sql, [*args, limit])]

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
        self.tokens_changed = True

    def revoke_token(self, token_id: str) -> bool:
        cur = self._c.execute("DELETE FROM tokens WHERE token_id=?", (token_id,))
        self.tokens_changed = True
        return cur.rowcount > 0

    def token_rows(self, value: str) -> builtins.list[tuple[str, str, str, int | None]]:
        """(org, token id, kind, expires_at) of every org the token value was registered for."""
        return [
            (r[0], r[1], r[2], r[3])
            for r in self._c.execute(
                "SELECT org, token_id, kind, expires_at FROM tokens WHERE hash=?",
                (token_hash(value),),
            )
        ]

    def authenticate(self, value: str, now: float | None = None) -> Principal | None:
        return principal_of(self.token_rows(value), time.time() if now is None else now)

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
            doc = json.loads(body)
            if kind == "policygroup":
                doc["stacks"] = self.members(org, key)
            out["orgs"].setdefault(org, {}).setdefault(kind, {})[key] = doc
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

    def migrate(self) -> None:
        """Bring a file written by an earlier emulator to this layout: group members as rows
        (they were a ``stacks`` list in the group's document) and the stack tag and id
        indexes."""
        for org, key, body in self._c.execute(
            "SELECT org, key, body FROM docs WHERE kind='policygroup'"
        ).fetchall():
            doc = json.loads(body)
            if "stacks" in doc:
                for ref in doc.pop("stacks"):
                    self.add_member(org, key, ref["routingProject"], ref["name"])
                self.put("policygroup", org, key, doc)
        if self._c.execute("SELECT 1 FROM stack_tags LIMIT 1").fetchone() is None:
            for org, key, body in self._c.execute(
                "SELECT org, key, body FROM docs WHERE kind='stack'"
            ).fetchall():
                self.index_tags(org, key, json.loads(body).get("tags") or {})
        if self._c.execute("SELECT 1 FROM stack_ids LIMIT 1").fetchone() is None:
            self._c.execute(
                "INSERT INTO stack_ids (org, key, id) "
                "SELECT org, key, json_extract(body, '$.id') FROM docs WHERE kind='stack'"
            )

    def reset(self) -> None:
        """Forget every object; keep orgs and admin tokens (default groups are recreated)."""
        orgs = self.orgs()
        self._c.execute("DELETE FROM docs")
        self._c.execute("DELETE FROM uploads")
        self._c.execute("DELETE FROM counters")
        self._c.execute("DELETE FROM members")
        self._c.execute("DELETE FROM stack_tags")
        self._c.execute("DELETE FROM stack_ids")
        self._c.execute("DELETE FROM tokens WHERE kind != 'admin'")
        self.tokens_changed = True
        self._c.execute("DELETE FROM orgs")
        for org in orgs:
            self.ensure_org(org)


class Store:
    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, list[tuple[str, str, str, int | None]]] = {}
        self._generation = 0
        self._conn = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        with self.tx() as tx:
            tx.migrate()

    @contextmanager
    def tx(self) -> Iterator[Tx]:
        """One serialised transaction: committed when the block exits, rolled back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            tx = Tx(self._conn)
            try:
                yield tx
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            if tx.tokens_changed:
                self._generation += 1
                self._tokens.clear()

    def authenticate(self, value: str) -> Principal | None:
        """Who ``value`` is. Token rows are cached per value until a transaction changes the
        tokens table (register, revoke, reset), so most requests never touch SQLite here;
        expiry is checked on every call."""
        rows = self._tokens.get(value)
        if rows is None:
            generation = self._generation
            with self.tx() as tx:
                rows = tx.token_rows(value)
            if len(self._tokens) >= _TOKEN_CACHE_MAX:
                self._tokens.clear()
            if generation == self._generation:  # no token change since the read: cache it
                self._tokens[value] = rows
        return principal_of(rows, time.time())

    def close(self) -> None:
        with self._lock:
            self._conn.close()
