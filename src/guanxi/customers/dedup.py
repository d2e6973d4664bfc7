"""Duplicate-check keys (查重, ARC-5).

Each active DuplicateRule turns a customer into at most one key; keys are stored as keyed
digests in DedupKey, whose unique constraint refuses a second live customer with the same
key even when two requests race.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol

from django.db.models import Q

from guanxi.core.crypto import blind_index
from guanxi.customers.models import Customer, DedupKey, DuplicateRule

_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "分公司",
    "公司",
    "工作室",
    "事务所",
    "co.,ltd",
    "co.ltd",
    "coltd",
    "limited",
    "ltd",
    "inc",
    "corp",
)
_PLACE_PREFIX = re.compile(
    r"^(北京|上海|天津|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|"
    r"贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|深圳|广州|杭州|南京|苏州|成都|武汉|西安)"
    r"(省|市|自治区)?(市)?"
)
_PUNCT = re.compile(r"[\s()（）\[\]【】·.,，、\-_'\"“”]")


def organisation_name_key(name: str) -> str:
    """Fuzzy key of an organisation name.

    北京星辰科技有限公司 ≈ 星辰科技 ≈ 星辰科技（北京）有限公司.
    """
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = re.sub(r"[（(][^）)]{1,6}[）)]", "", text)
    text = _PUNCT.sub("", text)
    changed = True
    while changed:
        changed = False
        for form in _LEGAL_FORMS:
            if text.endswith(form) and len(text) > len(form) + 1:
                text = text[: -len(form)]
                changed = True
    stripped = _PLACE_PREFIX.sub("", text)
    return (stripped if len(stripped) >= 2 else text)[:100]


def active_rules() -> list[str]:
    return list(DuplicateRule.objects.filter(is_active=True).values_list("field", flat=True))


class KeyedFields(Protocol):
    """What the duplicate keys are made of: a Customer, or a row not yet one (imports)."""

    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def name_key(self) -> str: ...
    @property
    def mobile(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def credit_code(self) -> str: ...
    @property
    def office_phone(self) -> str: ...


def key_values(customer: KeyedFields, *, id_number: str, rules: list[str]) -> list[tuple[str, str]]:
    """The (rule, raw value) pairs of a customer under the given rules; blanks give none."""
    F = DuplicateRule.Field
    org = customer.kind == Customer.Kind.ORGANISATION
    raw = {
        F.MOBILE: customer.mobile,
        F.EMAIL: customer.email.lower(),
        F.ID_NUMBER: id_number,
        F.CREDIT_CODE: customer.credit_code,
        F.ORG_NAME: customer.name_key if org else "",
        F.NAME_MOBILE: f"{customer.name}|{customer.mobile}" if customer.mobile else "",
        F.ORG_PHONE: (
            f"{customer.name_key}|{customer.office_phone}" if org and customer.office_phone else ""
        ),
    }
    return [(rule, raw[rule]) for rule in rules if raw.get(rule)]


def digest(rule: str, value: str) -> str:
    return blind_index(value, purpose=f"dedup:{rule}")


def keys_for(customer: KeyedFields, *, id_number: str, rules: list[str] | None = None):
    rules = active_rules() if rules is None else rules
    return [
        (rule, digest(rule, value))
        for rule, value in key_values(customer, id_number=id_number, rules=rules)
    ]


def keys_taken(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Which of many (rule, value) keys live customers hold, and whose: one query, each rule's
    values looked up on the (rule, value) unique index (a lookup by value alone would read
    the whole index: seconds at a million customers)."""
    by_rule: dict[str, set[str]] = {}
    for rule, value in keys:
        by_rule.setdefault(rule, set()).add(value)
    if not by_rule:
        return {}
    condition = Q(pk__in=[])
    for rule, values in by_rule.items():
        condition |= Q(rule=rule, value__in=sorted(values))
    rows = DedupKey.objects.filter(condition).values_list("rule", "value", "customer_id")
    return {(rule, value): customer_id for rule, value, customer_id in rows}


def find_matches(keys, *, exclude_id: int | None = None) -> list[tuple[str, int]]:
    """(rule, customer id) of live customers holding any of the keys."""
    if not keys:
        return []
    condition = Q(pk__in=[])
    for rule, value in keys:
        condition |= Q(rule=rule, value=value)
    matches = DedupKey.objects.filter(condition)
    if exclude_id is not None:
        matches = matches.exclude(customer_id=exclude_id)
    return list(matches.values_list("rule", "customer_id")[:5])
