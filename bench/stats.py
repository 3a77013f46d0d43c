"""Small statistics over samples: medians, percentiles, growth ratios."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence

__all__ = ["growth", "median", "percentile"]


def median(samples: Sequence[float]) -> float:
    if not samples:
        raise ValueError("no samples")
    return float(statistics.median(samples))


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by the nearest-rank method: always an observed value."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def growth(values: Sequence[float]) -> list[float | None]:
    """Each value over the one before it (``None`` for the first, or after a zero)."""
    return [None] + [b / a if a else None for a, b in itertools.pairwise(values)]
