"""Users and roles for tests beyond the demo organisation of conftest.py."""

import factory

from guanxi.accounts.models import Role, User
from guanxi.accounts.services import user_create
from guanxi.core.scope import DataScope


class RoleFactory(factory.django.DjangoModelFactory):
    """A role of one data-scope width and no permissions."""

    class Meta:
        model = Role

    data_scope = DataScope.OWN
    code = factory.LazyAttribute(lambda o: f"t-{o.data_scope}")
    name = factory.LazyAttribute(lambda o: f"test {o.data_scope}")


class UserFactory(factory.Factory):
    """A user made through user_create (roles, department and the manager as it sets them)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = "x"
    department = None
    reports_to = None
    roles = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, **fields):
        return user_create(**fields, validate=False)
