"""Public pools for tests, made through `pool_create` (its validation and defaults apply)."""

import factory

from guanxi.pipeline.models import PublicPool
from guanxi.pipeline.pools.services import pool_create


class PoolFactory(factory.Factory):
    """PoolFactory(department=d, **rules): d's members claim from the pool and d's releases
    and recycled customers land in it; any other pool_create field goes as given."""

    class Meta:
        model = PublicPool

    class Params:
        department = None

    name = "一部公海"
    member_departments = factory.LazyAttribute(lambda o: [o.department] if o.department else None)
    departments_recycled = factory.LazyAttribute(lambda o: [o.department] if o.department else None)

    @classmethod
    def _create(cls, model_class, **data):
        # a field left unset is left out, so pool_create applies its own default
        return pool_create(actor=None, data={k: v for k, v in data.items() if v is not None})
