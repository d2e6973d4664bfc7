"""Extension points a lower app offers and a higher app fills (DESIGN: layers).

Each hook is a plain list of callables, appended to from the higher app's AppConfig.ready().
"""

from collections.abc import Callable, Iterator
from typing import Any


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable[..., Any]] = []

    def register(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def __iter__(self) -> Iterator[Callable[..., Any]]:
        return iter(list(self._callbacks))

    def call_all(self, **kwargs: Any) -> list[Any]:
        return [callback(**kwargs) for callback in self._callbacks]
