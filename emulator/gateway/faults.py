"""The fault engine: errors, latency and lost responses injected into API requests.

Faults never touch admin or health calls. A plan is drawn per request from a seeded random
generator, so a scenario with a given ``seed`` fails the same way each time it runs in the same
order.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["FaultConfig", "FaultEngine", "FaultPlan"]

Api = Literal["iam", "msgsms", "smsapi"]
ErrorStatus = Literal[429, 500, 502, 503, 504]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


def _default_statuses() -> list[ErrorStatus]:
    return [429, 500, 503]


def _all_apis() -> list[Api]:
    return ["iam", "msgsms", "smsapi"]


class FaultConfig(BaseModel):
    """What to inject (``PUT /_emulator/faults``); the defaults inject nothing."""

    model_config = ConfigDict(extra="forbid")

    error_rate: Probability = 0.0
    error_statuses: list[ErrorStatus] = Field(default_factory=_default_statuses, min_length=1)
    retry_after_seconds: Annotated[int, Field(ge=0, le=3600)] = 1
    latency_ms: Annotated[
        list[Annotated[int, Field(ge=0, le=60_000)]], Field(min_length=2, max_length=2)
    ] = Field(default_factory=lambda: [0, 0])
    drop_rate: Probability = 0.0
    seed: int | None = None
    apis: list[Api] = Field(default_factory=_all_apis)

    @model_validator(mode="after")
    def _latency_range(self) -> FaultConfig:
        if self.latency_ms[0] > self.latency_ms[1]:
            raise ValueError("latency_ms must be [min, max] with min <= max")
        return self


@dataclass(frozen=True)
class FaultPlan:
    latency_seconds: float = 0.0
    error_status: int | None = None  # answer with this status instead of running the request
    drop: bool = False  # run the request, commit, then cut the connection mid-response


class FaultEngine:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.configure(FaultConfig())

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._random = random.Random(config.seed)

    def plan(self, api: str) -> FaultPlan:
        with self._lock:
            config = self._config
            if api not in config.apis:
                return FaultPlan()
            low, high = config.latency_ms
            latency = self._random.uniform(low, high) / 1000.0 if high else 0.0
            if config.error_rate and self._random.random() < config.error_rate:
                status = self._random.choice(config.error_statuses)
                return FaultPlan(latency_seconds=latency, error_status=status)
            drop = bool(config.drop_rate) and self._random.random() < config.drop_rate
            return FaultPlan(latency_seconds=latency, drop=drop)
