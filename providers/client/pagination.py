"""Walk every page of a list operation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .models import Page, PageQuery, Response

__all__ = ["MAX_PAGE_SIZE", "paginate"]

MAX_PAGE_SIZE = 500

T = TypeVar("T", bound="Response")
Q = TypeVar("Q", bound="PageQuery")


def paginate(
    list_operation: Callable[..., Page[T]],
    query: Q,
    *,
    page_size: int = MAX_PAGE_SIZE,
    **kwargs: Any,
) -> Iterator[T]:
    """Yield every result of `list_operation` (e.g. `client.list_template_details`), page by
    page from `query.offset`, `page_size` (1-500) per request; `kwargs` (e.g. `region=`)
    are passed on.

    ```python
    for template in paginate(client.list_template_details, TemplateQuery(app_name="shop")):
        ...
    ```
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be 1-{MAX_PAGE_SIZE}, not {page_size}")
    offset = query.offset or 0
    while True:
        page = list_operation(
            query.model_copy(update={"limit": page_size, "offset": offset}), **kwargs
        )
        yield from page.results
        offset += len(page.results)
        if not page.results or offset >= page.total:
            return
