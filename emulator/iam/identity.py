"""The emulated account: one domain, one IAM user, one AK/SK pair and a project per region.

Created with random secrets on the first start and kept in the database, so a restart with
the same data dir prints the same credentials.
"""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass

from ..core.store import Store

__all__ = ["IDENTITY_SCHEMA", "Account", "Project", "load_or_create_account"]

IDENTITY_SCHEMA: list[str] = [
    """
    CREATE TABLE account (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        domain_id TEXT NOT NULL, domain_name TEXT NOT NULL,
        user_id TEXT NOT NULL, user_name TEXT NOT NULL, password TEXT NOT NULL,
        access_key TEXT NOT NULL, secret_key TEXT NOT NULL
    );
    CREATE TABLE projects (
        id TEXT PRIMARY KEY, region TEXT NOT NULL UNIQUE
    );
    CREATE TABLE tokens (
        token TEXT PRIMARY KEY, project_id TEXT, domain_id TEXT NOT NULL,
        issued_at REAL NOT NULL, expires_at REAL NOT NULL
    );
    """,
]


@dataclass(frozen=True)
class Project:
    id: str
    region: str

    @property
    def name(self) -> str:
        # Built-in region projects are named after their region, as on the real cloud.
        return self.region


@dataclass(frozen=True)
class Account:
    domain_id: str
    domain_name: str
    user_id: str
    user_name: str
    password: str
    access_key: str
    secret_key: str
    projects: dict[str, Project]

    def project_by_id(self, project_id: str) -> Project | None:
        return next((p for p in self.projects.values() if p.id == project_id), None)


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def load_or_create_account(store: Store, regions: tuple[str, ...]) -> Account:
    """The account of this data dir, creating it (and missing region projects) if needed."""
    store.migrate("identity", IDENTITY_SCHEMA)
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM account").fetchone()
        if row is None:
            suffix = _random(string.ascii_lowercase + string.digits, 6)
            conn.execute(
                "INSERT INTO account VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uuid.uuid4().hex,
                    f"emulator_{suffix}",
                    uuid.uuid4().hex,
                    f"emulator_{suffix}",
                    # IAM's password policy wants several character classes.
                    secrets.token_urlsafe(12) + "Aa1!",
                    _random(string.ascii_uppercase + string.digits, 20),
                    _random(string.ascii_letters + string.digits, 40),
                ),
            )
            row = conn.execute("SELECT * FROM account").fetchone()
        for region in regions:
            conn.execute(
                "INSERT INTO projects (id, region) VALUES (?, ?) ON CONFLICT (region) DO NOTHING",
                (uuid.uuid4().hex, region),
            )
        projects = {
            r["region"]: Project(id=r["id"], region=r["region"])
            for r in conn.execute("SELECT id, region FROM projects")
            if r["region"] in regions
        }
    return Account(
        domain_id=row["domain_id"],
        domain_name=row["domain_name"],
        user_id=row["user_id"],
        user_name=row["user_name"],
        password=row["password"],
        access_key=row["access_key"],
        secret_key=row["secret_key"],
        projects=projects,
    )
