"""Shared fixtures: the demo organisation's role users, so every permission test reads the same.

Users (see guanxi.accounts.demo): sales1a/sales1b in 销售一部, sales2a/sales2b in 销售二部,
manager over 销售中心 (both), relations (customer relations), agent (service agent),
marketing, admin.
"""

import os

import pytest

# Shared checks outside test modules (tests/<app>/support.py, factories.py) report a failed
# assert with its values, as pytest does in the test modules themselves.
pytest.register_assert_rewrite("tests")

os.environ.setdefault("GUANXI_DATA_DIR", os.path.join(os.path.dirname(__file__), "var", "test"))


@pytest.fixture(autouse=True)
def _default_language():
    # A request through LocaleMiddleware leaves its language active in the thread; the next
    # test on the same worker starts from the site's default (zh-hans) again.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def _test_settings(upload_dir, storages):
    """Background tasks run at once in tests; uploads go to a throwaway directory; passwords
    are hashed with MD5 (the real hasher is slow by design)."""
    return {
        "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        "STORAGES": {
            **storages,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(upload_dir)},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """Every test client builds its own middleware, and WhiteNoise's lists the static files
    of every finder and stats each (about 15 ms: a tenth of the permission matrix's time).
    The files do not change during the run, so the list is made once per worker and each
    new middleware gets the same entries."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    list_files = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        key = (self.static_prefix, self.max_age, self.allow_all_origins, self.charset)
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = list_files


@pytest.fixture(scope="session", autouse=True)
def _pages_a_browser_can_use():
    """Every page a test fetches carries no code its Content-Security-Policy blocks and has
    date pickers a browser can read (tests/html_checks.py): one check over every page of
    every app, in the language the test runs in."""
    from django.test import Client

    from tests.html_checks import date_pickers_misread, inline_code

    request = Client.request

    def checked_request(self, **request_args):
        response = request(self, **request_args)
        html = not response.streaming and response.get("Content-Type", "").startswith("text/html")
        if html:
            page = response.content.decode(response.charset or "utf-8")
            path = request_args.get("PATH_INFO")
            if misread := date_pickers_misread(page):
                pytest.fail(f"{path}: date pickers a browser shows empty: {misread}")
            if blocked := inline_code(page):
                pytest.fail(f"{path}: code the Content-Security-Policy blocks: {blocked}")
        return response

    Client.request = checked_request
    yield
    Client.request = request


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    for name, value in _test_settings(tmp_path / "uploads", settings.STORAGES).items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def shared_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """`with shared_data():` in a class- or module-scoped fixture builds data that the
    scope's tests share, in a transaction rolled back when the scope ends. Each test's own
    transaction is a savepoint inside it, so a test still sees the data as built, never
    another test's changes."""
    from contextlib import contextmanager

    from django.conf import settings
    from django.db import transaction
    from django.test import override_settings

    @contextmanager
    def _scope():
        uploads = tmp_path_factory.mktemp("uploads")
        with (
            django_db_blocker.unblock(),
            override_settings(**_test_settings(uploads, settings.STORAGES)),
        ):
            atomic = transaction.atomic()
            # as Django marks its TestCase's own transaction: a durable block inside is fine
            atomic._from_testcase = True
            with atomic:
                try:
                    yield
                finally:
                    transaction.set_rollback(True)

    return _scope


def _transactional(item) -> tuple[bool, bool]:
    """(does the test commit for real, does Django restore the snapshot around it)"""
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    fixtures = getattr(item, "fixturenames", ())
    transactional = bool(
        kwargs.get("transaction")
        or (marker and marker.args[:1] and marker.args[0])
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )
    serialized = bool(
        kwargs.get("serialized_rollback") or "django_db_serialized_rollback" in fixtures
    )
    return transactional, serialized


BASELINE_SCHEMA = "guanxi_test_baseline"


def _snapshot_baseline() -> None:
    """Keep every test database as it is now (migrations' shipped data, the demo
    organisation), to be put back after each transactional test.

    On PostgreSQL each table with rows is copied into a schema of its own, out of the search
    path; elsewhere the rows are serialized into the attribute that Django's
    serialized_rollback restores from."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql":
            _copy_tables(connection, into_baseline=True)
            # Django loads this before each serialized_rollback test; the baseline is already
            # there (put back after every transactional test), so it loads nothing
            connection._test_serialized_contents = "[]"
        else:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


def _copy_tables(connection, *, into_baseline: bool) -> None:
    """Copy the tables' rows into the baseline schema, or empty the tables and copy the
    baseline back: a few hundred statements in one transaction. Django's deserialization
    saved the ~1,600 baseline objects one by one, about 2.5 s after every transactional test
    (docs/decisions.md). Foreign keys are checked at the commit, so the order of the tables
    does not matter; sequences keep their values, past the baseline's ids."""
    from django.db import transaction

    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if into_baseline:
            cursor.execute(f"DROP SCHEMA IF EXISTS {BASELINE_SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {BASELINE_SCHEMA}")
            kept = []
            for table in tables:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608 - introspected
                if cursor.fetchone()[0]:
                    cursor.execute(
                        f"CREATE TABLE {BASELINE_SCHEMA}.{quote(table)}"  # noqa: S608 - introspected
                        f" AS SELECT * FROM {quote(table)}"
                    )
                    kept.append(table)
            connection._test_baseline_tables = kept
            return
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - introspected
        for table in connection._test_baseline_tables:
            cursor.execute(
                f"INSERT INTO {quote(table)} SELECT * FROM {BASELINE_SCHEMA}.{quote(table)}"  # noqa: S608
            )


def _restore_baseline(*, emptied: bool) -> None:
    """Put the snapshot back into the flushed tables. On SQLite, a flush after a test
    without serialized_rollback ran post_migrate, whose content types would clash with the
    snapshot's: those tables are emptied once more first."""
    from django.core.management import call_command
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if getattr(connection, "_test_baseline_tables", None) is not None:
            _copy_tables(connection, into_baseline=False)
            continue
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            if not emptied:
                call_command(
                    "flush",
                    database=connection.alias,
                    interactive=False,
                    verbosity=0,
                    inhibit_post_migrate=True,
                    reset_sequences=False,
                )
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """PostgreSQL test connections commit without waiting for the disk (a commit here waits
    several ms for the fsync; the migrations, the live server's requests and the
    transactional tests commit thousands of times). What other connections see is the same;
    only a crash of the server could lose the last commits of a throwaway database."""
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if settings_dict["ENGINE"] == "django.db.backends.postgresql":
            options = settings_dict.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
            _flush_by_delete_on_postgresql()


def _flush_by_delete_on_postgresql() -> None:
    """After a transactional test Django flushes every table (and the baseline is loaded back,
    see below). PostgreSQL's flush is one TRUNCATE of all 120 tables, which gives each table
    and index a new file: seconds per flush, where the tables hold a few hundred rows. In the
    tests the flush deletes the rows instead (foreign keys are checked at the commit, so the
    order does not matter): the same empty tables in a few milliseconds. Sequences are not
    reset either way (reset_sequences=False); a flush that asks for it keeps the TRUNCATE."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush
    if getattr(truncate, "by_delete", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
            for table in tables
        ]

    sql_flush.by_delete = True
    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (one per xdist worker) with the demo organisation built once.

    Every ordinary test runs in a transaction that is rolled back, so it sees this baseline
    and leaves it as it found it. A transactional test (threads, live server) commits and
    Django flushes every table afterwards; pytest_runtest_teardown below puts the baseline
    back from the snapshot taken here, whatever runs next (docs/decisions.md).
    """
    from django.test import override_settings

    from guanxi.accounts.demo import ensure_demo_organisation

    # the tests check passwords with the MD5 hasher only (_immediate_tasks)
    hashers = _test_settings(None, {})["PASSWORD_HASHERS"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        ensure_demo_organisation()
        _snapshot_baseline()
    yield
    with django_db_blocker.unblock():
        _close_other_sessions()


def _close_other_sessions() -> None:
    """The live server's thread keeps its PostgreSQL connection until after the test
    database is dropped; the drop then waited 5 s and failed ("being accessed by other
    users"), leaving the database behind. End such sessions first."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


_skipped_at_setup = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "setup":
        item.stash[_skipped_at_setup] = report.skipped
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    transactional, serialized = _transactional(item)
    # a test skipped before its fixtures ran (PostgreSQL-only races on SQLite) flushed
    # nothing; after the last test the session's database is already gone
    skipped = item.stash.get(_skipped_at_setup, False)
    if transactional and not skipped and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_baseline(emptied=serialized)
    return result


@pytest.fixture
def org(db):
    """The demo organisation's users by username, read afresh for each test (a test that
    changes a user changes its own copy, rolled back with the test)."""
    from guanxi.accounts.demo import DEMO_USERS
    from guanxi.accounts.models import User

    users = User.objects.in_bulk([row[0] for row in DEMO_USERS], field_name="username")
    if len(users) != len(DEMO_USERS):
        pytest.fail("the demo organisation built for the session is missing")
    return users


@pytest.fixture
def sales1a(org):
    return org["sales1a"]


@pytest.fixture
def sales1b(org):
    return org["sales1b"]


@pytest.fixture
def sales2a(org):
    return org["sales2a"]


@pytest.fixture
def manager(org):
    return org["manager"]


@pytest.fixture
def relations(org):
    return org["relations"]


@pytest.fixture
def agent(org):
    return org["agent"]


@pytest.fixture
def marketing(org):
    return org["marketing"]


@pytest.fixture
def admin_user(org):
    return org["admin"]


@pytest.fixture
def make_customer(org):
    """make_customer(owner, name=..., **fields) creates a customer through the service."""
    from tests.customers.factories import CustomerFactory

    # numbered from 1 in every test, so a test's mobiles do not depend on what ran before
    CustomerFactory.reset_sequence(1)

    def _make(owner, name="测试客户", **fields):
        return CustomerFactory(owner=owner, name=name, **fields)

    return _make


@pytest.fixture
def client_for(client):
    """client_for(user) returns a Django test client logged in as that user."""
    from django.test import Client

    def _client(user):
        c = Client()
        c.force_login(user)
        return c

    return _client


def pytest_collection_modifyitems(config, items):
    """A test that cannot reach the database (no django_db mark, no fixture that leads to
    one) gives the same result whichever database the suite runs on: it is marked `once`,
    so CI runs it in the SQLite phase only (docs/decisions.md)."""
    once = pytest.mark.once
    for item in items:
        if item.get_closest_marker("django_db") or item.get_closest_marker("postgres"):
            continue
        if "django_db_setup" not in getattr(item, "fixturenames", ()):
            item.add_marker(once)
