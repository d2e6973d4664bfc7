"""The fields a spreadsheet column can be mapped to, and the header texts (Chinese and
English) each is recognised by (INTG-1)."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import CustomFieldDefinition


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str | Promise
    synonyms: tuple[str, ...]


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "name",
        _("Name"),
        (
            "姓名",
            "客户名称",
            "客户姓名",
            "客户",
            "名称",
            "name",
            "customer",
            "customer name",
            "full name",
        ),
    ),
    ImportField(
        "company",
        _("Company"),
        (
            "公司",
            "单位",
            "公司名称",
            "单位名称",
            "企业",
            "企业名称",
            "company",
            "organisation",
            "organization",
        ),
    ),
    ImportField("kind", _("Type"), ("类型", "客户类型", "type", "kind")),
    ImportField(
        "mobile",
        _("Mobile"),
        (
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "联系电话",
            "联系方式",
            "mobile",
            "phone",
            "cell",
            "tel",
            "telephone",
        ),
    ),
    ImportField(
        "office_phone",
        _("Office phone"),
        ("办公电话", "座机", "公司电话", "单位电话", "office phone", "work phone"),
    ),
    ImportField("home_phone", _("Home phone"), ("家庭电话", "家庭座机", "home phone")),
    ImportField("email", _("E-mail"), ("邮箱", "电子邮件", "电子邮箱", "email", "e-mail", "mail")),
    ImportField("wechat", _("WeChat"), ("微信", "微信号", "wechat")),
    ImportField("gender", _("Gender"), ("性别", "gender", "sex")),
    ImportField(
        "id_number",
        _("ID number"),
        ("身份证", "身份证号", "身份证号码", "证件号码", "id number", "id card"),
    ),
    ImportField(
        "credit_code",
        _("Unified social credit code"),
        ("统一社会信用代码", "信用代码", "credit code"),
    ),
    ImportField(
        "birth_date",
        _("Birth date"),
        ("生日", "出生日期", "birthday", "birth date", "date of birth"),
    ),
    ImportField("occupation", _("Occupation"), ("职业", "occupation", "job")),
    ImportField("province", _("Province"), ("省", "省份", "所在省", "province")),
    ImportField("city", _("City"), ("市", "城市", "所在市", "city")),
    ImportField(
        "home_address",
        _("Home address"),
        ("地址", "家庭住址", "住址", "家庭地址", "address", "home address"),
    ),
    ImportField(
        "work_address",
        _("Work address"),
        ("公司地址", "单位地址", "办公地址", "work address", "company address"),
    ),
    ImportField("level", _("Customer level"), ("级别", "客户级别", "客户等级", "level")),
    ImportField(
        "first_contact_at",
        _("First contact"),
        ("首次接触", "首次联系", "首次联系时间", "首次接触时间", "first contact"),
    ),
    ImportField(
        "products_of_interest",
        _("Products of interest"),
        ("意向产品", "感兴趣产品", "products of interest"),
    ),
    ImportField("source", _("Source"), ("来源", "客户来源", "线索来源", "source", "lead source")),
    ImportField(
        "owner",
        _("Owner"),
        (
            "负责人",
            "所属人",
            "跟进人",
            "归属人",
            "销售",
            "业务员",
            "owner",
            "salesperson",
            "consultant",
        ),
    ),
    ImportField("tags", _("Tags"), ("标签", "tags", "tag")),
    ImportField("needs", _("Needs"), ("需求", "客户需求", "needs")),
    ImportField("notes", _("Notes"), ("备注", "说明", "notes", "remark", "remarks", "comment")),
    ImportField(
        "contact_name",
        _("Contact person"),
        ("联系人", "联系人姓名", "contact", "contact name", "contact person"),
    ),
    ImportField(
        "contact_title", _("Contact's title"), ("职务", "职位", "联系人职务", "title", "position")
    ),
    ImportField(
        "contact_mobile",
        _("Contact's mobile"),
        ("联系人手机", "联系人电话", "contact mobile", "contact phone"),
    ),
)
CUSTOM_PREFIX = "custom:"
_SPACE = re.compile(r"[\s_:：*()（）]+")


def _folded(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def import_fields() -> list[ImportField]:
    """The fixed fields, then the active custom fields (by their label)."""
    custom = [
        ImportField(f"{CUSTOM_PREFIX}{key}", label, (label,))
        for key, label in CustomFieldDefinition.objects.filter(is_active=True).values_list(
            "key", "label"
        )
    ]
    return [*FIELDS, *custom]


def auto_mapping(headers: list[str], fields: list[ImportField]) -> dict[str, int]:
    """field key → column index, by header text: an exact synonym first, then a header that
    starts with one; each field and each column used once."""
    folded = [_folded(header) for header in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for exact in (True, False):
        for field in fields:
            if field.key in mapping:
                continue
            names = [_folded(s) for s in (*field.synonyms, str(field.label))]
            for index, header in enumerate(folded):
                if index in used or not header:
                    continue
                hit = header in names if exact else any(header.startswith(n) for n in names)
                if hit:
                    mapping[field.key] = index
                    used.add(index)
                    break
    return mapping


def mapping_from_template(headers: list[str], saved: dict[str, str]) -> dict[str, int]:
    """A saved template (header text → field key) applied to this file's headers."""
    index_of = {_folded(header): index for index, header in enumerate(headers)}
    mapping: dict[str, int] = {}
    for header, key in saved.items():
        index = index_of.get(_folded(header))
        if index is not None and key not in mapping:
            mapping[key] = index
    return mapping
