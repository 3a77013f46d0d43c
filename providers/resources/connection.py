"""What one provider process keeps beside its provider instances: the stack config and the
client built from it, and what its calls learned for the calls that follow. Never pickled:
it holds credentials and an HTTP connection pool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from providers.client import models
from providers.client.cache import KeyLocks
from providers.environment import CONFIG_KEYS, DEFAULT_HOST_THREADS, NAMESPACE, stack_setting

from . import host
from .inventory import Inventory
from .snapshot import ReadSnapshots

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = ["ConfiguredProvider", "Connection", "Memo", "forget_created_apps"]

#: Apps this process created, (region, app id) -> app key. Shared by every provider of the
#: process: an app is created by the App provider, its templates by the Template provider,
#: each with a Connection of its own. Nothing can have been left under such an app by an
#: earlier run, and its key never changes.
_created_apps: dict[tuple[str, str], str] = {}
_created_apps_lock = threading.Lock()


def forget_created_apps() -> None:
    """Start again as a new process would, with no app created: for providers run in-process
    (tests), where one Python process stands for many provider processes."""
    with _created_apps_lock:
        _created_apps.clear()


class Memo:
    """What one call of this process saw of an object, for the call the engine makes right
    after it on the same object: the Diff after a refresh's Read (which then needs no API call,
    and prints nothing: it only informs the refresh's display), the Update after a Diff (which
    then need not read the review status again). Taken once, and only within :attr:`max_age`
    seconds.
    """

    max_age = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[float, Any]] = {}

    def put(self, object_id: str, value: Any) -> None:
        with self._lock:
            self._seen[object_id] = (self._clock(), value)

    def take(self, object_id: str) -> Any:
        """The value put for ``object_id`` (and forget it), or None."""
        with self._lock:
            seen = self._seen.pop(object_id, None)
        if seen is None or self._clock() - seen[0] > self.max_age:
            return None
        return seen[1]


class Connection:
    """The stack config of namespace ``msgsms`` and the client built from it on first use.

    Kept out of the pickled provider: it holds credentials and an HTTP connection pool.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config: dict[str, Any] = {}
        self._client: SmsClient | None = None
        #: Live objects listed for the reads of a refresh (see :mod:`.snapshot`).
        self.snapshots = ReadSnapshots()
        #: What existed under a parent before this process created there (:mod:`.inventory`).
        self.inventory = Inventory()
        #: What each ``read`` saw, for the Diff that follows it in a refresh.
        self.just_read = Memo()
        #: The review status each ``diff`` read, for the Update that follows it.
        self.diffed = Memo()
        self._apps: dict[tuple[str, str], models.App] = {}
        self._app_locks = KeyLocks()

    def configure(self, config: Mapping[str, Any]) -> None:
        with self._lock:
            self._config = {k: v for k, v in config.items() if v is not None}
            self._client = None
            self.snapshots = ReadSnapshots()
            self.inventory = Inventory()
            self.just_read = Memo()
            self.diffed = Memo()
            self._apps = {}

    def default_region(self) -> str | None:
        """``msgsms:region``, else ``MSGSMS_REGION``, else ``HW_REGION_NAME``: the region of
        resources that name none."""
        region = stack_setting("region", self._config.get(f"{NAMESPACE}:region"))
        return str(region) if region else None

    def client(self) -> SmsClient:
        """The client, built on first use (settings errors surface here, naming the key)."""
        with self._lock:
            if self._client is None:
                from providers.client import Settings, SmsClient

                self._client = SmsClient(Settings.from_config(self._config))
            return self._client

    @staticmethod
    def app_created(region: str, app_id: str, app_key: str) -> None:
        """This process has just created the app ``app_id``."""
        with _created_apps_lock:
            _created_apps[(region, app_id)] = app_key

    @staticmethod
    def created_here(region: str, app_id: str) -> bool:
        """Whether this process created the app ``app_id`` (so no earlier run left anything
        under it)."""
        with _created_apps_lock:
            return (region, app_id) in _created_apps

    def app_key(self, region: str, app_id: str) -> str | None:
        """An app's key: known when this process created the app, else as the API shows it."""
        with _created_apps_lock:
            known = _created_apps.get((region, app_id))
        return known if known is not None else self.app(region, app_id).app_key

    def app(self, region: str, app_id: str) -> models.App:
        """An app as the API showed it the first time this process asked (for what does not
        change: its key and name)."""
        key = (region, app_id)
        with self._app_locks(key):
            if key not in self._apps:
                self._apps[key] = self.client().show_app(app_id, region=region)
            return self._apps[key]


def _host_threads(config: Mapping[str, Any]) -> int:
    """``msgsms:hostThreads``, checked as every setting is; the default needs no checking, and
    no settings model (a call that needs no client loads none)."""
    if stack_setting("hostThreads", config.get(f"{NAMESPACE}:hostThreads")) is None:
        return DEFAULT_HOST_THREADS
    from providers.client import Settings

    return Settings.host_threads_of(config)


class ConfiguredProvider(ResourceProvider):
    """A provider configured from the stack config (namespace ``msgsms``), whose pickle (the
    ``__provider`` every resource's state carries) is a reference to its class."""

    #: The resource's name in messages and in its type token, e.g. ``Signature``.
    title: ClassVar[str]

    # Nothing in a class reference is secret, and storing it in plain text keeps every
    # resource's state readable and diffable.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._connection = Connection()

    # The provider is pickled into every resource's state: keep only the class reference.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._connection = Connection()

    def configure(self, req: ConfigureRequest) -> None:
        config = {f"{NAMESPACE}:{key}": req.config.get(f"{NAMESPACE}:{key}") for key in CONFIG_KEYS}
        self._connection.configure(config)
        # The host configures a provider in its first call (a Check, which the engine makes
        # before any Create of the kind): from then on the host may serve more calls at once
        # than its four threads, and calls that wait on the API no longer queue behind four.
        host.widen(_host_threads(config))

    def _client(self) -> SmsClient:
        return self._connection.client()
