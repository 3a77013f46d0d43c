"""Retries: which failures, how long to wait, and when to give up (no real waiting)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from providers.client import ApiError, RetryPolicy, ServerError, ThrottledError, TransportError
from providers.client.models import AppAddRequest

from .conftest import Harness

APP = AppAddRequest(app_name="shop", region="cn")


def scripted(
    *answers: httpx.Response | type[Exception],
) -> Callable[[httpx.Request], httpx.Response]:
    """Answer with `answers` in turn (an exception class is raised), then 200 `{"id": "a1"}`."""
    queue: Iterator[httpx.Response | type[Exception]] = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(queue, httpx.Response(200, json={"id": "a1"}))
        if isinstance(answer, type):
            raise answer("injected", request=request)  # type: ignore[call-arg]
        return answer

    return handler


def test_backoff_doubles_with_jitter_in_the_upper_half_and_stops_after_the_attempts() -> None:
    low = RetryPolicy(random=lambda: 0.0, clock=lambda: 0.0)
    high = RetryPolicy(random=lambda: 1.0, clock=lambda: 0.0)
    assert [low.delay(n, 0.0) for n in range(1, 6)] == [0.25, 0.5, 1.0, 2.0, None]
    assert [high.delay(n, 0.0) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, None]


def test_backoff_is_capped_by_max_delay() -> None:
    policy = RetryPolicy(attempts=20, budget=1e9, random=lambda: 1.0, clock=lambda: 0.0)
    assert policy.delay(15, 0.0) == policy.max_delay


def test_no_wait_goes_past_the_budget() -> None:
    now = [0.0]
    policy = RetryPolicy(budget=10.0, random=lambda: 1.0, clock=lambda: now[0])
    now[0] = 9.7
    assert policy.delay(1, 0.0) == pytest.approx(0.3)
    now[0] = 10.0
    assert policy.delay(1, 0.0) is None


def test_retry_after_replaces_the_backoff_but_not_the_budget() -> None:
    policy = RetryPolicy(budget=60.0, clock=lambda: 50.0)
    assert policy.delay(1, 0.0, retry_after=4.0) == 4.0
    assert policy.delay(1, 0.0, retry_after=30.0) == 10.0


def test_a_get_is_retried_on_5xx_with_backoff(harness: Callable[..., Harness]) -> None:
    h = harness(scripted(httpx.Response(503), httpx.Response(500)))
    assert h.client.show_app("a1").id == "a1"
    assert len(h.requests) == 3
    assert h.sleeps == [0.375, 0.75]


def test_every_retry_is_signed_afresh(harness: Callable[..., Harness]) -> None:
    h = harness(scripted(httpx.Response(503)))
    h.client.show_app("a1")
    first, second = h.requests
    assert first is not second
    assert "Authorization" in first.headers and "Authorization" in second.headers


def test_429_waits_as_long_as_retry_after_says(harness: Callable[..., Harness]) -> None:
    h = harness(scripted(httpx.Response(429, headers={"Retry-After": "2"})))
    h.client.show_app("a1")
    assert h.sleeps == [2.0]


def test_a_create_is_not_retried_after_a_5xx_unless_the_caller_says_it_is_safe(
    harness: Callable[..., Harness],
) -> None:
    h = harness(scripted(httpx.Response(500)))
    with pytest.raises(ServerError):
        h.client.create_app(APP)
    assert len(h.requests) == 1

    h = harness(scripted(httpx.Response(500)))
    assert h.client.create_app(APP, retry_safe=True).id == "a1"
    assert len(h.requests) == 2


def test_a_create_is_not_retried_after_a_lost_response_unless_safe(
    harness: Callable[..., Harness],
) -> None:
    h = harness(scripted(httpx.RemoteProtocolError))
    with pytest.raises(TransportError):
        h.client.create_app(APP)
    assert len(h.requests) == 1

    h = harness(scripted(httpx.RemoteProtocolError))
    assert h.client.create_app(APP, retry_safe=True).id == "a1"


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(429), httpx.ConnectError, httpx.ConnectTimeout],
    ids=["429", "connect-error", "connect-timeout"],
)
def test_a_create_is_retried_when_the_request_never_reached_the_service(
    failure: httpx.Response | type[Exception], harness: Callable[..., Harness]
) -> None:
    h = harness(scripted(failure))
    assert h.client.create_app(APP).id == "a1"
    assert len(h.requests) == 2


def test_client_errors_are_not_retried(harness: Callable[..., Harness]) -> None:
    h = harness(scripted(httpx.Response(400, json={"error_code": "MSGSMS.0002"})))
    with pytest.raises(ApiError) as caught:
        h.client.show_app("a1")
    assert caught.value.error_code == "MSGSMS.0002"
    assert len(h.requests) == 1


def test_giving_up_after_the_attempts_raises_the_last_error_and_says_so(
    harness: Callable[..., Harness],
) -> None:
    h = harness(scripted(*[httpx.Response(429)] * 10))
    with pytest.raises(ThrottledError, match="after 5 attempts") as caught:
        h.client.show_app("a1")
    assert caught.value.attempts == 5
    assert len(h.requests) == 5
    assert len(h.sleeps) == 4


def test_giving_up_when_the_budget_is_spent(harness: Callable[..., Harness]) -> None:
    h = harness(
        scripted(*[httpx.Response(503, headers={"Retry-After": "5"})] * 10),
        retry={"budget": 12.0},
    )
    with pytest.raises(ServerError):
        h.client.show_app("a1")
    assert h.sleeps == [5.0, 5.0, 2.0]
    assert sum(h.sleeps) <= 12.0
