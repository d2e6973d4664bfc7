"""Connects pipeline to the hooks that lower apps offer (filled in by the services)."""


def connect() -> None:
    return None
