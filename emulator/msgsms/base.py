"""What every part of the management backend shares: the context, listing and time filters."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.clock import Clock, api_time
from ..core.store import Store
from ..iam.identity import Account
from .errors import MsgsmsError
from .review import ReviewEngine

__all__ = [
    "BackendContext",
    "Listing",
    "Quotas",
    "Service",
    "TimeRange",
    "insert_row",
    "listing_filter",
    "paginate",
    "update_row",
]


class Quotas(BaseModel):
    """Per-region and per-app limits; the defaults are the real ones (reference §1.4)."""

    model_config = ConfigDict(extra="forbid")

    apps_per_region: Annotated[int, Field(ge=0)] = 2
    signatures_per_app: Annotated[int, Field(ge=0)] = 200
    templates_per_app: Annotated[int, Field(ge=0)] = 2000


@dataclass
class BackendContext:
    store: Store
    clock: Clock
    account: Account
    review: ReviewEngine
    quotas: Quotas
    #: The send endpoint of an endpoint region, shown as an app's ``app_access_addr``.
    access_addr: Callable[[str], str | None]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction that first applies the reviews that have come due."""
        with self.store.transaction() as conn:
            self.review.apply_due(conn)
            yield conn

    def tenant(self) -> dict[str, str]:
        return {
            "customer_id": self.account.domain_id,
            "customer_name": self.account.domain_name,
            "enterprise_name": self.account.domain_name,
        }


class Service:
    """Base of the per-object services: holds the shared context."""

    def __init__(self, ctx: BackendContext) -> None:
        self.ctx = ctx

    def now(self) -> float:
        return self.ctx.clock.now()

    @staticmethod
    def times(row: sqlite3.Row) -> dict[str, str]:
        return {
            "create_time": api_time(row["created_at"]),
            "update_time": api_time(row["updated_at"]),
        }


@dataclass(frozen=True)
class Listing:
    limit: int = 10
    offset: int = 0
    sort_dir: Literal["asc", "desc"] = "desc"
    sort_key: str = "create_time"


@dataclass(frozen=True)
class TimeRange:
    """``start_time``/``end_time`` filters on creation time, as ``yyyy-MM-dd[ HH:mm:ss]``."""

    start_time: str | None = None
    end_time: str | None = None

    def clauses(self, column: str) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if self.start_time:
            where.append(f"{column} >= ?")
            params.append(_parse_time("start_time", self.start_time, end_of_day=False))
        if self.end_time:
            where.append(f"{column} <= ?")
            params.append(_parse_time("end_time", self.end_time, end_of_day=True))
        return where, params


def _parse_time(name: str, text: str, *, end_of_day: bool) -> float:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        stamp = moment.timestamp()
        return stamp + 86399.999 if end_of_day and fmt == "%Y-%m-%d" else stamp
    raise MsgsmsError.invalid(f"query.{name}: {text!r} is not a time like 2024-01-31 08:00:00")


_ORDER_COLUMNS = {"create_time": "seq", "update_time": "updated_at"}


def paginate(
    conn: sqlite3.Connection,
    select: str,
    where: Sequence[str],
    params: Sequence[Any],
    listing: Listing,
    *,
    alias: str = "",
) -> tuple[list[sqlite3.Row], int]:
    """One page of ``select`` filtered by ``where`` and the total before paging."""
    if listing.sort_key not in _ORDER_COLUMNS:
        allowed = ", ".join(_ORDER_COLUMNS)
        raise MsgsmsError.invalid(f"query.sort_key: {listing.sort_key!r} is not one of {allowed}")
    prefix = f"{alias}." if alias else ""
    condition = " WHERE " + " AND ".join(where) if where else ""
    total = conn.execute(f"SELECT count(*) FROM ({select}{condition})", params).fetchone()[0]
    direction = "ASC" if listing.sort_dir == "asc" else "DESC"
    column = prefix + _ORDER_COLUMNS[listing.sort_key]
    # seq breaks ties so pages never overlap or skip rows.
    order = f" ORDER BY {column} {direction}, {prefix}seq {direction} LIMIT ? OFFSET ?"
    rows = conn.execute(
        f"{select}{condition}{order}", [*params, listing.limit, listing.offset]
    ).fetchall()
    return rows, int(total)


def listing_filter(
    alias: str,
    project_id: str,
    times: TimeRange,
    matches: Iterable[tuple[str, object, bool]],
) -> tuple[list[str], list[Any]]:
    """WHERE clauses of a listing: the project, the creation-time range, and ``(column, value,
    exact)`` matches (equality, or substring when not exact; empty values are left out).
    """
    prefix = f"{alias}." if alias else ""
    where, params = times.clauses(f"{prefix}created_at")
    where.insert(0, f"{prefix}project_id = ?")
    params.insert(0, project_id)
    for column, value, exact in matches:
        if value:
            where.append(f"{column} = ?" if exact else f"instr({column}, ?) > 0")
            params.append(value)
    return where, params


def insert_row(conn: sqlite3.Connection, table: str, fields: Mapping[str, Any]) -> None:
    columns = ", ".join(fields)
    marks = ", ".join("?" * len(fields))
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(fields.values()))


def update_row(
    conn: sqlite3.Connection, table: str, row_id: str, fields: Mapping[str, Any]
) -> None:
    assignments = ", ".join(f"{column} = ?" for column in fields)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*fields.values(), row_id])
