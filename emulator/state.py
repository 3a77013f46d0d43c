"""Everything one emulator process holds: settings, listeners, database and engines; and the
routers' dependency on it (:data:`StateDep`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from .core.clock import Clock
from .core.regions import REGIONS
from .core.store import Store
from .gateway.faults import FaultConfig, FaultEngine
from .gateway.reqlog import RequestLog
from .gateway.signing import AkskVerifier, SigningKey
from .iam.credentials import TemporaryCredentials
from .iam.identity import Account, load_or_create_account
from .iam.tokens import TokenService
from .msgsms.backend import MsgsmsBackend
from .msgsms.base import BackendContext, Quotas
from .msgsms.review import ReviewEngine, ReviewPolicy
from .smsapi.backend import SmsapiBackend

__all__ = ["DATABASE_NAME", "EmulatorState", "Listeners", "Settings", "StateDep", "get_state"]

DATABASE_NAME = "emulator.db"


@dataclass(frozen=True)
class Settings:
    """The command-line configuration of one emulator process."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8790
    region_ports: dict[str, int] | None = None
    review_delay: float = 3.0
    apps_quota: int = 2
    signatures_per_app: int = 200
    templates_per_app: int = 2000
    token_ttl: float = 24 * 3600
    log_level: str = "warning"
    parent_pid: int | None = None

    def quotas(self) -> Quotas:
        return Quotas(
            apps_per_region=self.apps_quota,
            signatures_per_app=self.signatures_per_app,
            templates_per_app=self.templates_per_app,
        )

    def review_policy(self) -> ReviewPolicy:
        return ReviewPolicy(mode="auto", delay_seconds=self.review_delay)


@dataclass(frozen=True)
class Listeners:
    """The bound ports: the main one (IAM, admin) and one per region (MSGSMS, SMSApi)."""

    host: str
    main_port: int
    region_ports: dict[str, int]

    def _url(self, port: int) -> str:
        # A wildcard address is where the emulator listens, not where a client connects.
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self._url(self.main_port)

    def region_url(self, region: str) -> str:
        return self._url(self.region_ports[region])

    def region_of_port(self, port: int | None) -> str | None:
        """The region served on ``port``; None for the main port or an unknown one."""
        return next((r for r, p in self.region_ports.items() if p == port), None)


@dataclass
class EmulatorState:
    settings: Settings
    listeners: Listeners
    store: Store
    clock: Clock
    account: Account
    tokens: TokenService
    temporary: TemporaryCredentials
    aksk: AkskVerifier
    review: ReviewEngine
    faults: FaultEngine
    requests: RequestLog
    msgsms: MsgsmsBackend
    smsapi: SmsapiBackend
    #: Called inside the reset transaction; components with their own tables add a hook.
    reset_hooks: list[Callable[[sqlite3.Connection], None]] = field(default_factory=list)

    @classmethod
    def open(cls, settings: Settings, listeners: Listeners) -> EmulatorState:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(settings.data_dir / DATABASE_NAME)
        clock = Clock()
        account = load_or_create_account(store, REGIONS)

        temporary = TemporaryCredentials(store, clock)

        def key_for(access_key: str) -> SigningKey | None:
            if access_key == account.access_key:
                return SigningKey(account.secret_key)
            return temporary.key(access_key)

        review = ReviewEngine(clock, settings.review_policy())
        context = BackendContext(
            store=store,
            clock=clock,
            account=account,
            review=review,
            quotas=settings.quotas(),
            access_addr=listeners.region_url,
        )
        msgsms = MsgsmsBackend(context)
        smsapi = SmsapiBackend(msgsms)
        state = cls(
            settings=settings,
            listeners=listeners,
            store=store,
            clock=clock,
            account=account,
            tokens=TokenService(store, clock, settings.token_ttl),
            temporary=temporary,
            aksk=AkskVerifier(clock, key_for),
            review=review,
            faults=FaultEngine(),
            requests=RequestLog(store),
            msgsms=msgsms,
            smsapi=smsapi,
        )
        state.reset_hooks.extend([smsapi.reset, MsgsmsBackend.reset])
        return state

    @property
    def quotas(self) -> Quotas:
        return self.msgsms.ctx.quotas

    @quotas.setter
    def quotas(self, quotas: Quotas) -> None:
        self.msgsms.ctx.quotas = quotas

    def startup_info(self) -> dict[str, Any]:
        """The one JSON line printed on stdout when the emulator is ready."""
        return {
            "url": self.listeners.url,
            "iam_url": self.listeners.url,
            "regions": {
                region: {
                    "project_id": self.account.projects[region].id,
                    "msgsms_url": self.listeners.region_url(region),
                    "smsapi_url": self.listeners.region_url(region),
                }
                for region in REGIONS
            },
            "domain_name": self.account.domain_name,
            "user_name": self.account.user_name,
            "password": self.account.password,
            "access_key": self.account.access_key,
            "secret_key": self.account.secret_key,
        }

    def apply_due_reviews(self) -> int:
        with self.store.transaction() as conn:
            return self.review.apply_due(conn)

    def reset(self) -> None:
        """Wipe every object, log entry and fault; keep credentials (temporary ones too),
        projects and tokens."""
        with self.store.transaction() as conn:
            for hook in self.reset_hooks:
                hook(conn)
            self.review.set_policy(conn, self.settings.review_policy())
        self.requests.clear()
        self.faults.configure(FaultConfig())
        self.quotas = self.settings.quotas()
        self.clock.offset_seconds = 0.0
        self.aksk.reset()

    def close(self) -> None:
        self.store.close()


def get_state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


StateDep = Annotated[EmulatorState, Depends(get_state)]
