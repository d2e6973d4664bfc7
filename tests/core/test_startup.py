"""A web worker's start-up (issue 13 §1, the p95 of the hot pages): guanxi.wsgi loads every
view and freezes what it loaded, so the garbage collector's full passes skip it."""

import os
import subprocess
import sys


def test_the_wsgi_module_loads_the_views_and_freezes_the_start_up_heap(tmp_path):
    code = (
        "import gc, sys; import guanxi.wsgi; "
        "print(gc.get_freeze_count(), 'guanxi.customers.archive.views' in sys.modules)"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter and a fixed program
        [sys.executable, "-c", code],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("GUANXI_")},
            "GUANXI_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "guanxi.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    frozen, views_loaded = done.stdout.split()
    assert views_loaded == "True"
    # Django and the app hold well over 100,000 tracked objects once the URL conf is loaded
    assert int(frozen) > 100_000
