"""The random draws the demo makes again and again: a working day in a range, a weighted pick,
and a fair share of a total."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from ``start`` to ``end``, both included."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A random day in [first, last], a weekday where the range holds one."""
    every = days(first, max(first, last))
    weekdays = [d for d in every if d.weekday() < 5]
    return rng.choice(weekdays or every)


def weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    """One of the (option, weight) pairs' options, as often as its weight says."""
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def spread(items: Sequence, weights: Sequence[float], total: int) -> list:
    """``total`` picks of ``items`` in proportion to ``weights`` (largest remainder), in order."""
    share = [w / sum(weights) * total for w in weights]
    counts = [int(s) for s in share]
    for i in sorted(range(len(items)), key=lambda i: counts[i] - share[i])[: total - sum(counts)]:
        counts[i] += 1
    return [item for item, n in zip(items, counts, strict=True) for _ in range(n)]
