"""Walking every page of a list operation (mock transport)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from providers.client import paginate
from providers.client.models import TemplateQuery

from .conftest import Harness


def listing(count: int, *, total: int | None = None) -> Callable[[httpx.Request], httpx.Response]:
    """A template list of `count` objects honouring limit/offset (`total` may lie)."""

    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        results = [{"id": f"t{i:04d}"} for i in range(offset, min(offset + limit, count))]
        return httpx.Response(200, json={"results": results, "total": total or count})

    return handler


def test_every_page_is_walked_with_the_largest_page_size(harness: Callable[..., Harness]) -> None:
    h = harness(listing(1234))
    ids = [t.id for t in paginate(h.client.list_template_details, TemplateQuery(app_name="a"))]
    assert ids == [f"t{i:04d}" for i in range(1234)]
    assert [(r.url.params["offset"], r.url.params["limit"]) for r in h.requests] == [
        ("0", "500"),
        ("500", "500"),
        ("1000", "500"),
    ]
    assert all(r.url.params["app_name"] == "a" for r in h.requests)


def test_walking_starts_at_the_query_offset_and_passes_the_region(
    harness: Callable[..., Harness],
) -> None:
    h = harness(listing(30))
    query = TemplateQuery(offset=25)
    ids = [
        t.id
        for t in paginate(h.client.list_template_details, query, page_size=2, region="cn-south-1")
    ]
    assert ids == ["t0025", "t0026", "t0027", "t0028", "t0029"]
    assert {r.url.host for r in h.requests} == {"msgsms.cn-south-1.myhuaweicloud.com"}


def test_walking_stops_at_an_empty_page_even_if_total_says_more(
    harness: Callable[..., Harness],
) -> None:
    h = harness(listing(3, total=10))
    assert len(list(paginate(h.client.list_template_details, TemplateQuery(), page_size=2))) == 3
    assert len(h.requests) == 3


def test_an_empty_listing_takes_one_request(harness: Callable[..., Harness]) -> None:
    h = harness(listing(0))
    assert list(paginate(h.client.list_template_details, TemplateQuery())) == []
    assert len(h.requests) == 1


@pytest.mark.parametrize("size", [0, 501])
def test_page_size_is_bounded_like_the_api_limit(size: int) -> None:
    with pytest.raises(ValueError, match="page_size must be 1-500"):
        next(paginate(lambda q: None, TemplateQuery(), page_size=size))  # type: ignore[arg-type,return-value]
