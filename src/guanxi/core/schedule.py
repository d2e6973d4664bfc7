"""When the periodic background tasks run: their cron expressions, kept until the scheduler starts.

A task module writes `@cron("0 2 * * *")` above `@task`, as with django-crontask, but the
expression is only recorded here. `guanxi scheduler` discovers every task module, hands the
expressions to django-crontask and starts it. The web and task workers never import crontask,
which would build an APScheduler scheduler in each of them (0.85 MiB a process, issue 13).
"""

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.tasks import Task


@dataclass(frozen=True)
class Periodic:
    expression: str  # crontab syntax, days of the week as literals (crontask refuses digits)
    task: Task


_periodic: dict[str, Periodic] = {}


def cron(expression: str) -> Callable[[Task], Task]:
    def record(task: Task) -> Task:
        _periodic[task.name] = Periodic(expression=expression, task=task)
        return task

    return record


def periodic_tasks_discover() -> tuple[Periodic, ...]:
    """Import every `tasks` module of Guanxi's apps and of their areas (many are imported by
    the apps' wiring anyway, not all), then list what they scheduled, by task name."""
    for config in apps.get_app_configs():
        if config.module is None or not config.name.startswith("guanxi."):
            continue
        packages = [config.name] + [
            f"{config.name}.{info.name}"
            for info in pkgutil.iter_modules(config.module.__path__)
            if info.ispkg
        ]
        for package in packages:
            if importlib.util.find_spec(f"{package}.tasks") is not None:
                importlib.import_module(f"{package}.tasks")
    return tuple(_periodic[name] for name in sorted(_periodic))
