"""A client wired to a scripted `httpx.MockTransport`, with recorded requests and sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from providers.client import RenewingCache, RetryPolicy, Settings, SmsClient

PROJECT = "0123456789abcdef0123456789abcdef"
AKSK = {
    "accessKey": "AK-TEST",
    "secretKey": "SK-TEST-SECRET",
    "projectIds": {"cn-north-4": PROJECT, "cn-south-1": PROJECT, "ap-southeast-1": PROJECT},
}
PASSWORD = {"iamUser": "ops", "iamPassword": "PW-TEST-SECRET", "iamDomain": "acme"}

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Harness:
    client: SmsClient
    requests: list[httpx.Request]
    sleeps: list[float]
    cache: RenewingCache
    clock: list[float] = field(default_factory=lambda: [0.0])

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


@pytest.fixture
def harness() -> Iterator[Callable[..., Harness]]:
    """`harness(handler, config=AKSK, retry=...)` -> a Harness; no real waiting, no network."""
    made: list[SmsClient] = []

    def make(
        handler: Handler,
        config: dict[str, Any] | None = None,
        *,
        retry: dict[str, Any] | None = None,
        cache_clock: Callable[[], float] | None = None,
    ) -> Harness:
        requests: list[httpx.Request] = []
        sleeps: list[float] = []
        clock = [0.0]

        def record(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return handler(request)

        def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            clock[0] += seconds

        cache = RenewingCache(clock=cache_clock) if cache_clock else RenewingCache()
        policy = RetryPolicy(
            sleep=sleep, random=lambda: 0.5, clock=lambda: clock[0], **(retry or {})
        )
        client = SmsClient(
            Settings.from_config(config if config is not None else AKSK, environ={}),
            transport=httpx.MockTransport(record),
            retry=policy,
            cache=cache,
        )
        made.append(client)
        return Harness(client, requests, sleeps, cache, clock)

    yield make
    for client in made:
        client.close()
