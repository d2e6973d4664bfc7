"""Shared fixtures: the demo organisation's role users, so every permission test reads the same.

Users (see guanxi.accounts.demo): sales1a/sales1b in 销售一部, sales2a/sales2b in 销售二部,
manager over 销售中心 (both), relations (customer relations), agent (service agent),
marketing, admin.
"""

import os

import pytest

os.environ.setdefault("GUANXI_DATA_DIR", os.path.join(os.path.dirname(__file__), "var", "test"))


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    # Background tasks run at once in tests; uploads go to a throwaway directory.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _restore_shipped_data():
    """Re-apply the data migrations' defaults (roles, sources, duplicate rules): a
    transactional test flushes the tables, which would leave later tests without them."""
    import importlib

    from django.apps import apps

    for module in (
        "guanxi.accounts.migrations.0002_default_roles",
        "guanxi.customers.migrations.0002_default_sources_industries_rules",
        "guanxi.pipeline.migrations.0002_stage_guidance",
        "guanxi.pipeline.migrations.0004_default_scripts",
        "guanxi.sales.migrations.0002_role_permissions",
        "guanxi.sales.migrations.0004_approvals_default_flows",
    ):
        migration = importlib.import_module(module)
        for operation in migration.Migration.operations:
            operation.code(apps, None)


@pytest.fixture
def org(db):
    from guanxi.accounts.demo import ensure_demo_organisation

    _restore_shipped_data()
    return ensure_demo_organisation()


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
    from itertools import count

    from guanxi.customers.archive.services import customer_create
    from guanxi.customers.archive.validation import CustomerInput

    numbers = count(1)

    def _make(owner, name="测试客户", **fields):
        n = next(numbers)
        # owner.pk grows past 9,999 on PostgreSQL (sequences outlive the rolled-back tests):
        # keep the mobile at 11 digits
        fields.setdefault("mobile", f"139{owner.pk % 10000:04d}{n:04d}")
        return customer_create(actor=owner, data=CustomerInput(name=name, **fields))

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
