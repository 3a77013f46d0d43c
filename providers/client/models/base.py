"""Base classes and shared field types: strict for what we send, tolerant for what we read."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Id64",
    "MessageType",
    "Page",
    "PageQuery",
    "Query",
    "Request",
    "Response",
    "Scope",
    "SortDir",
    "Tenant",
    "Time20",
]

Scope = Literal["cn", "intl"]
"""The API's `region` field on apps and templates: domestic or international SMS."""
MessageType = Literal["VERIFY_CODE_TYPE", "NOTIFY_TYPE", "PROMOTION_TYPE"]
SortDir = Literal["asc", "desc"]
Id64 = Annotated[str, Field(min_length=1, max_length=64)]
Time20 = Annotated[str, Field(min_length=1, max_length=20)]


class Request(BaseModel):
    """A request body: unknown fields and type coercion are refused before anything is sent.

    Field names are the wire names (a Python keyword gets a trailing `_` and an alias).
    """

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    def wire(self) -> dict[str, Any]:
        """The body as sent: wire names, unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Query(Request):
    """Query parameters of an operation."""

    def pairs(self) -> list[tuple[str, str]]:
        """`(name, value)` pairs as sent, booleans in lower case like Huawei's SDK."""
        return [
            (name, str(value).lower() if isinstance(value, bool) else str(value))
            for name, value in self.wire().items()
        ]


class PageQuery(Query):
    """Filters shared by the list operations; `limit` is at most 500."""

    start_time: Time20 | None = None
    end_time: Time20 | None = None
    limit: Annotated[int, Field(ge=1, le=500)] | None = None
    offset: Annotated[int, Field(ge=0)] | None = None
    sort_dir: SortDir | None = None
    sort_key: str | None = None


class Response(BaseModel):
    """A response body: fields optional where the API may omit them, unknown fields kept in
    `model_extra`."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Tenant(Response):
    """The account an object belongs to."""

    customer_id: str | None = None
    customer_name: str | None = None
    enterprise_name: str | None = None


T = TypeVar("T", bound=Response)


class Page(Response, Generic[T]):
    """One page of a list operation: `results` and the `total` count over all pages."""

    results: list[T] = []
    total: int = 0
