"""A web worker's start-up (issue 13 §1, the p95 of the hot pages; §3, its memory):
guanxi.wsgi loads every view and freezes what it loaded, so the garbage collector's full
passes skip it; pinyin comes from Guanxi's own table, so pypinyin is not loaded."""

import os
import subprocess
import sys


def _worker_prints(tmp_path, code: str) -> list[str]:
    """What `code` prints after `import guanxi.wsgi` in a fresh interpreter."""
    done = subprocess.run(  # noqa: S603 - this interpreter and a fixed program
        [sys.executable, "-c", f"import gc, sys; import guanxi.wsgi; {code}"],
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
    return done.stdout.split()


def test_the_wsgi_module_loads_the_views_and_freezes_the_start_up_heap(tmp_path):
    frozen, views_loaded = _worker_prints(
        tmp_path,
        "print(gc.get_freeze_count(), 'guanxi.customers.archive.views' in sys.modules)",
    )
    assert views_loaded == "True"
    # Django and the app hold well over 100,000 tracked objects once the URL conf is loaded
    assert int(frozen) > 100_000


def test_a_web_worker_does_not_import_pypinyin(tmp_path):
    assert _worker_prints(tmp_path, "print('pypinyin' in sys.modules)") == ["False"]


LOADED_WHEN_USED = (
    "crontask",  # only `guanxi scheduler` hands over the cron expressions (core/schedule.py)
    "apscheduler",
    "cryptography",  # the first field encrypted or decrypted (core/crypto.py)
    "python_calamine",  # the first workbook read
    "chinese_calendar",  # loading the shipped public holidays
)


def test_a_web_worker_imports_rarely_used_libraries_only_when_used(tmp_path):
    loaded = _worker_prints(
        tmp_path, f"print(*(m for m in {LOADED_WHEN_USED!r} if m in sys.modules))"
    )
    assert loaded == []
