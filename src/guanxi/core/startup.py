"""What a web worker does once, after loading the application and before its first request.

Python's cyclic garbage collector walks every tracked object on a full (oldest-generation)
collection. Django, the URL conf and every view module loaded make ~190,000 such objects that
live as long as the process; a full collection over them took 100–130 ms in the middle of a
request (issue 13: the p95 of the hot pages). `gc.freeze()` moves what exists at start-up into
a permanent generation the collector never walks; objects made later are collected as before.
"""

import gc

from django.urls import get_resolver


def heap_settle() -> int:
    """Import every view (as the first request would, through the URL conf), collect once,
    and freeze what is left. Returns how many objects were frozen."""
    get_resolver().url_patterns  # noqa: B018 (the property imports the URL conf)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
