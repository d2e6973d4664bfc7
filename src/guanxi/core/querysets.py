"""Small helpers over querysets that every area's selectors use."""

from django.db.models import QuerySet


def filter_given[Q: QuerySet](queryset: Q, **lookups: object) -> Q:
    """`queryset` narrowed by the lookups that are given (a filter left empty — None, "" or 0
    — narrows nothing), the way a list's optional filters apply."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value})
