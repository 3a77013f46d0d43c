"""Endpoint regions served by the emulator and their port layout."""

from __future__ import annotations

__all__ = ["REGIONS", "region_port_offset"]

#: Regions where MSGSMS can be activated (reference §5), in port order: region i listens on
#: main port + i + 1.
REGIONS: tuple[str, ...] = ("cn-north-4", "cn-south-1", "ap-southeast-1")


def region_port_offset(region: str) -> int:
    """Offset of a region's listener from the main port (cn-north-4 → 1)."""
    return REGIONS.index(region) + 1
