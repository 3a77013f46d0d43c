"""Endpoint regions and the URL of each service there, overridable per service and region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from .errors import ConfigurationError

__all__ = ["BUILTIN_ENDPOINTS", "REGIONS", "SERVICES", "Endpoints", "Service"]

REGIONS = ("cn-north-4", "cn-south-1", "ap-southeast-1")
"""Regions where Message & SMS can be activated."""

Service = Literal["msgsms", "smsapi", "iam"]
SERVICES: tuple[Service, ...] = ("msgsms", "smsapi", "iam")

BUILTIN_ENDPOINTS: Mapping[Service, Mapping[str, str]] = {
    service: {region: f"https://{service}.{region}.myhuaweicloud.com" for region in REGIONS}
    for service in SERVICES
}


class Endpoints:
    """Resolve `(service, region)` to a base URL: an override first, else the built-in table.

    `overrides` maps a service to either one URL for every region (typical for IAM in front
    of an emulator) or a `{region: url}` map.
    """

    def __init__(self, overrides: Mapping[str, str | Mapping[str, str]] | None = None) -> None:
        table: dict[tuple[str, str], str] = {
            (service, region): url
            for service, urls in BUILTIN_ENDPOINTS.items()
            for region, url in urls.items()
        }
        # Precedence: a per-region override, then a service-wide override, then the table.
        self._any_region: dict[str, str] = {}
        overrides = overrides or {}
        for service, value in overrides.items():
            if isinstance(value, str):
                self._any_region[service] = value.rstrip("/")
                for key in [key for key in table if key[0] == service]:
                    table[key] = self._any_region[service]
        for service, value in overrides.items():
            if not isinstance(value, str):
                for region, url in value.items():
                    table[(service, region)] = url.rstrip("/")
        self._table = table

    def url(self, service: Service, region: str) -> str:
        try:
            return self._table[(service, region)]
        except KeyError:
            pass
        try:
            return self._any_region[service]
        except KeyError:
            known = sorted({r for s, r in self._table if s == service})
            raise ConfigurationError(
                f"no {service} endpoint for region {region!r}: use one of {', '.join(known)}, "
                f'or add it to msgsms:endpoints, e.g. {{"{service}": {{"{region}": "https://..."}}}}'
            ) from None
