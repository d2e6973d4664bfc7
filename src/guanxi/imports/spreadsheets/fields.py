"""The fields a spreadsheet column can be mapped to, per kind of import, and the header
texts (Chinese and English) each is recognised by (INTG-1)."""

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


# the keys a customer is found by that the archive and the follow-up/purchase imports share
ID_NUMBER = ImportField(
    "id_number",
    _("ID number"),
    ("身份证", "身份证号", "身份证号码", "证件号码", "id number", "id card"),
)
CREDIT_CODE = ImportField(
    "credit_code", _("Unified social credit code"), ("统一社会信用代码", "信用代码", "credit code")
)

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
    ID_NUMBER,
    CREDIT_CODE,
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
# The columns that name the customer of a follow-up or a purchase: it is found by the
# archive's duplicate keys (customers.dedup), as a new customer would be matched.
IDENTITY_FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "customer",
        _("Customer"),
        (
            "客户",
            "客户名称",
            "客户姓名",
            "姓名",
            "名称",
            "公司",
            "公司名称",
            "单位",
            "单位名称",
            "企业名称",
            "customer",
            "customer name",
            "company",
            "name",
        ),
    ),
    ImportField(
        "mobile",
        _("Mobile"),
        ("手机", "手机号", "手机号码", "电话", "联系电话", "客户手机", "mobile", "phone", "tel"),
    ),
    ID_NUMBER,
    CREDIT_CODE,
    ImportField("email", _("E-mail"), ("邮箱", "电子邮件", "电子邮箱", "email", "e-mail")),
)
IDENTITY_KEYS = tuple(f.key for f in IDENTITY_FIELDS)

FOLLOWUP_FIELDS: tuple[ImportField, ...] = (
    *IDENTITY_FIELDS,
    ImportField(
        "at",
        _("Date and time"),
        (
            "跟进时间",
            "跟进日期",
            "联系时间",
            "联系日期",
            "时间",
            "日期",
            "date",
            "time",
            "date and time",
            "followed up at",
        ),
    ),
    ImportField(
        "channel",
        _("Channel"),
        ("跟进方式", "联系方式", "方式", "渠道", "channel", "method", "via"),
    ),
    ImportField(
        "content",
        _("Content"),
        (
            "跟进内容",
            "内容",
            "跟进记录",
            "沟通内容",
            "记录",
            "备注",
            "content",
            "notes",
            "summary",
        ),
    ),
    ImportField("outcome", _("Outcome"), ("结果", "跟进结果", "outcome", "result")),
    ImportField(
        "next_contact_at",
        _("Next contact"),
        ("下次联系", "下次联系时间", "下次跟进", "下次跟进时间", "next contact", "next follow-up"),
    ),
    ImportField(
        "consultant",
        _("Consultant"),
        (
            "跟进人",
            "顾问",
            "负责人",
            "销售",
            "业务员",
            "consultant",
            "salesperson",
            "followed up by",
        ),
    ),
)

PURCHASE_FIELDS: tuple[ImportField, ...] = (
    *IDENTITY_FIELDS,
    ImportField(
        "signed_on",
        _("Date"),
        (
            "日期",
            "购买日期",
            "下单日期",
            "成交日期",
            "签约日期",
            "订单日期",
            "date",
            "order date",
            "purchase date",
        ),
    ),
    ImportField(
        "amount",
        _("Amount"),
        ("金额", "订单金额", "成交金额", "合同金额", "总金额", "amount", "total", "order amount"),
    ),
    ImportField(
        "product",
        _("Product"),
        ("产品", "产品名称", "商品", "商品名称", "产品编码", "product", "item"),
    ),
    ImportField(
        "paid_amount",
        _("Paid amount"),
        ("已付", "已付金额", "实付", "实付金额", "回款", "回款金额", "paid", "paid amount"),
    ),
    ImportField(
        "reference",
        _("Order number"),
        (
            "单号",
            "订单号",
            "订单编号",
            "合同号",
            "合同编号",
            "编号",
            "reference",
            "order number",
            "number",
        ),
    ),
)

# what a mapping must have, per kind: all of a tuple's fields, one of a set's
REQUIRED: dict[str, tuple[str | frozenset[str], ...]] = {
    "customers": (frozenset({"name", "company"}),),
    "followups": (frozenset(IDENTITY_KEYS), "at", "content"),
    "purchases": (frozenset(IDENTITY_KEYS), "signed_on", "amount"),
}

CUSTOM_PREFIX = "custom:"
_SPACE = re.compile(r"[\s_:：*()（）]+")


def _folded(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def import_fields(kind: str = "customers") -> list[ImportField]:
    """The fields of a kind of import; for customers the fixed fields, then the active
    custom fields (by their label)."""
    if kind == "followups":
        return list(FOLLOWUP_FIELDS)
    if kind == "purchases":
        return list(PURCHASE_FIELDS)
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
