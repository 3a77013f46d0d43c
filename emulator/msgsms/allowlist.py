"""An app's IP allow-list (``ip_white_list``): the addresses its sends may come from.

Comma-separated addresses or networks (``203.0.113.7, 10.0.0.0/8``), at most 100 (the console's
limit) in at most 4096 characters (the field's length in ShowApp). Empty allows every address;
otherwise a send from any other address is refused with ``E000620`` (HTTP 403). The API cannot
set it (neither CreateApp nor UpdateApp has the field); the console can, and so can the
emulator's admin API.
"""

from __future__ import annotations

import ipaddress

__all__ = ["MAX_ENTRIES", "MAX_LENGTH", "allows", "normalise"]

MAX_ENTRIES = 100
MAX_LENGTH = 4096

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(text: str) -> list[Network]:
    return [
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    ]


def normalise(text: str) -> str:
    """The list as stored and shown; ValueError naming the first entry that is not an address."""
    if len(text) > MAX_LENGTH:
        raise ValueError(f"at most {MAX_LENGTH} characters")
    entries = [part.strip() for part in text.split(",") if part.strip()]
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"{len(entries)} entries; at most {MAX_ENTRIES}")
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return ",".join(entries)


def allows(text: str, address: str | None) -> bool:
    """Whether a client at ``address`` may send for an app with this allow-list."""
    networks = _networks(text)
    if not networks:
        return True
    if address is None:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    return any(client in network for network in networks)
