"""Demo data of after-sales care (issue 14 §8), through the services: each area seeds its part
in `seed_care_demo`, after the customers, the pipeline and sales have theirs."""

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from guanxi.care.messages.demo import seed_messages

Progress = Callable[[str], object] | None


@dataclass
class CareDemoStats:
    skipped: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def seed_care_demo(*, seed: int = 2026, progress: Progress = None) -> CareDemoStats:
    stats = CareDemoStats()
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible by seed
    # Each area's seeding function, in layer order: (name, function(rng=, stats=)).
    steps: list[tuple[str, Callable[..., None]]] = [("messages", seed_messages)]
    with transaction.atomic():
        for name, step in steps:
            if progress is not None:
                progress(f"care: {name} …")
            step(rng=rng, stats=stats)
    stats.seconds = time.perf_counter() - started
    return stats
