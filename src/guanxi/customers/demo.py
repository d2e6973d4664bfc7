# ruff: noqa: E501  (data tables of Chinese names and places read better unwrapped)
"""Demo customers for `guanxi seed` (README, `make demo`, the benchmarks).

Realistic, deterministic (for a given seed) Chinese customer data: people with common
surnames, valid mobiles and ID numbers that agree with gender and birth date, companies
with valid unified social credit codes and contacts, addresses with postcodes, sources,
industries and tags.

Two ways to write it:

* `seed_customers_slow` goes through `services.customer_create` (dedup keys, history,
  timeline exactly as a person typing them would produce). A few hundred take seconds.
* `seed_customers_bulk` writes the same kind of rows straight into the tables (PostgreSQL
  COPY, SQLite executemany) for hundreds of thousands or millions of customers. It writes
  the customers, their tags, dedup keys, contacts and a "created" timeline event, but no
  django-simple-history rows.
"""

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.demo import ensure_demo_organisation
from guanxi.core.crypto import blind_index, encrypt
from guanxi.core.errors import DomainError
from guanxi.core.identity import credit_check_char, id_check_digit, mask_id_number
from guanxi.core.names import pinyin_keys
from guanxi.core.seed_command import SeedStats
from guanxi.customers import dedup, name_index, phone_index
from guanxi.customers.archive.services import contact_create, customer_create
from guanxi.customers.archive.validation import ContactInput, CustomerInput
from guanxi.customers.models import (
    Contact,
    Customer,
    CustomerTag,
    DedupKey,
    Industry,
    Source,
    Tag,
    TimelineEvent,
)

DEMO_CONSULTANTS = ("sales1a", "sales1b", "sales2a", "sales2b")
BULK_THRESHOLD = 20_000

DEMO_TAGS = [
    ("重点客户", "red"),
    ("老客户介绍", "green"),
    ("展会", "purple"),
    ("价格敏感", "orange"),
    ("决策人已接触", "blue"),
    ("已报价", "cyan"),
    ("待回访", "yellow"),
    ("大客户", "red"),
    ("复购", "green"),
    ("线上咨询", "azure"),
    ("竞品用户", "pink"),
    ("政府采购", "indigo"),
]

# (surname, relative frequency in per-mille, roughly the 2020 census order)
SURNAMES = [
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22),
    ("赵", 20), ("吴", 20), ("周", 19), ("徐", 15), ("孙", 14), ("马", 13), ("朱", 13),
    ("胡", 12), ("郭", 11), ("何", 11), ("高", 10), ("林", 10), ("罗", 9), ("郑", 9),
    ("梁", 8), ("谢", 7), ("宋", 6), ("唐", 6), ("许", 6), ("韩", 5), ("冯", 5), ("邓", 5),
    ("曹", 5), ("彭", 5), ("曾", 5), ("肖", 4), ("田", 4), ("董", 4), ("袁", 4), ("潘", 4),
    ("于", 4), ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 3), ("叶", 3), ("程", 3), ("苏", 3),
    ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3),
    ("崔", 3), ("钟", 3), ("谭", 3), ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3),
    ("廖", 3), ("贾", 2), ("夏", 2), ("韦", 2), ("付", 2), ("方", 2), ("白", 2), ("邹", 2),
    ("孟", 2), ("熊", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 2),
    ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("单", 1), ("覃", 1), ("欧阳", 1),
    ("司马", 1), ("诸葛", 1), ("上官", 1),
]  # fmt: skip

MALE_CHARS = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志文海峰东亮成博晨轩浩然子豪振宏毅"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英兰玲燕萍红梅莉琳婷雪慧颖倩琴云洁欣悦佳怡雯璐晶蕾菲琪瑶梦薇丹彤"
MALE_NAMES = [
    "建国",
    "建华",
    "志强",
    "志明",
    "国强",
    "晓明",
    "浩宇",
    "宇轩",
    "子轩",
    "俊杰",
    "文博",
    "家豪",
    "明辉",
    "海涛",
    "永刚",
    "德华",
]
FEMALE_NAMES = [
    "秀英",
    "秀兰",
    "桂英",
    "秀珍",
    "玉兰",
    "桂兰",
    "海燕",
    "晓燕",
    "丽娟",
    "子涵",
    "梓涵",
    "欣怡",
    "一诺",
    "雨婷",
    "静怡",
    "小燕",
]

# province, city, districts, ID region codes, postcode prefix, area code (no 0)
CITIES = [
    ("北京市", "北京市", ("朝阳区", "海淀区", "东城区", "丰台区"), ("110105", "110108"), "1000", "10"),
    ("上海市", "上海市", ("徐汇区", "浦东新区", "静安区", "闵行区"), ("310104", "310115"), "2000", "21"),
    ("广东省", "广州市", ("天河区", "越秀区", "海珠区", "番禺区"), ("440106", "440104"), "5100", "20"),
    ("广东省", "深圳市", ("南山区", "福田区", "宝安区", "龙岗区"), ("440305", "440304"), "5180", "755"),
    ("浙江省", "杭州市", ("西湖区", "上城区", "滨江区", "余杭区"), ("330106", "330108"), "3100", "571"),
    ("江苏省", "苏州市", ("姑苏区", "虎丘区", "吴中区", "工业园区"), ("320508", "320505"), "2150", "512"),
    ("四川省", "成都市", ("武侯区", "锦江区", "青羊区", "高新区"), ("510107", "510104"), "6100", "28"),
    ("湖北省", "武汉市", ("江汉区", "武昌区", "洪山区", "汉阳区"), ("420103", "420106"), "4300", "27"),
    ("陕西省", "西安市", ("雁塔区", "碑林区", "未央区", "长安区"), ("610113", "610103"), "7100", "29"),
    ("江苏省", "南京市", ("玄武区", "鼓楼区", "建邺区", "江宁区"), ("320102", "320106"), "2100", "25"),
    ("天津市", "天津市", ("和平区", "河西区", "南开区", "滨海新区"), ("120101", "120104"), "3000", "22"),
    ("重庆市", "重庆市", ("渝中区", "江北区", "渝北区", "九龙坡区"), ("500103", "500112"), "4000", "23"),
    ("山东省", "青岛市", ("市南区", "市北区", "崂山区", "黄岛区"), ("370202", "370212"), "2660", "532"),
    ("浙江省", "宁波市", ("海曙区", "鄞州区", "江北区", "北仑区"), ("330203", "330212"), "3150", "574"),
    ("湖南省", "长沙市", ("岳麓区", "芙蓉区", "天心区", "开福区"), ("430104", "430102"), "4100", "731"),
    ("河南省", "郑州市", ("金水区", "中原区", "二七区", "管城回族区"), ("410105", "410102"), "4500", "371"),
]  # fmt: skip
STREETS = [
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "和平路",
    "新华路",
    "长江路",
    "黄河路",
    "文化路",
    "胜利路",
    "朝阳路",
    "青年路",
    "学院路",
    "科技路",
    "工业大道",
    "滨江大道",
    "东风路",
    "幸福路",
    "光明路",
    "复兴路",
    "团结路",
    "民主路",
    "振兴路",
    "创业路",
]
BUILDINGS = ("", "", "", "大厦", "广场", "中心", "花园", "小区")

BRAND_CHARS = (
    "星辰蓝海恒泰华信创新宏达盛鑫源瑞祥嘉禾天地博远明德正和安康利丰永通联众智汇金银云峰东方中兴隆昌"
    "宇腾飞凯诚益佳美思维启航卓越精英乐优合力同舟百川万象"
)
# business word → industry code
BUSINESS_WORDS = [
    ("科技", "it"), ("信息技术", "it"), ("网络科技", "it"), ("软件", "it"),
    ("贸易", "retail"), ("商贸", "retail"), ("供应链管理", "logistics"), ("物流", "logistics"),
    ("机械", "manufacturing"), ("电子", "manufacturing"), ("精密制造", "manufacturing"),
    ("新材料", "manufacturing"), ("化工", "manufacturing"), ("食品", "manufacturing"),
    ("建设工程", "construction"), ("装饰工程", "construction"), ("房地产开发", "real_estate"),
    ("物业管理", "real_estate"), ("教育咨询", "education"), ("培训", "education"),
    ("医疗器械", "healthcare"), ("生物科技", "healthcare"), ("汽车服务", "automotive"),
    ("汽车销售", "automotive"), ("农业发展", "agriculture"), ("能源", "energy"),
    ("环保科技", "energy"), ("餐饮管理", "hospitality"), ("酒店管理", "hospitality"),
    ("投资管理", "finance"), ("文化传媒", "services"), ("广告", "services"),
    ("人力资源", "services"), ("企业管理咨询", "services"),
]  # fmt: skip
LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
CONTACT_TITLES = ("总经理", "采购经理", "副总经理", "行政主管", "财务经理", "技术总监", "董事长")
OCCUPATIONS = (
    "教师",
    "医生",
    "工程师",
    "会计",
    "公务员",
    "个体经营",
    "销售",
    "设计师",
    "律师",
    "自由职业",
)
PRODUCTS = ("旗舰款", "标准款", "入门款", "年度服务", "企业套餐", "定制方案")
NEEDS = (
    "希望下个月前完成采购",
    "关注售后服务和交付周期",
    "预算有限，比较几家报价",
    "需要上门演示",
    "想了解分期付款",
    "",
    "",
    "",
)
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
    "166",
    "177",
]
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "139.com", "gmail.com")
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

_cached_pinyin = cache(pinyin_keys)


@dataclass
class DemoCustomer:
    """One generated customer: model values (cleaned form) plus what goes around it."""

    fields: dict
    id_number: str
    owner: object
    created_at: dt.datetime
    tag_ids: list[int] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)

    def service_data(self) -> CustomerInput:
        """The input `services.customer_create` takes."""
        data = {k: v for k, v in self.fields.items() if k not in ("industry_id", "source_id")}
        data["industry"] = self.fields.get("industry_id")
        data["source"] = self.fields.get("source_id")
        if self.id_number:
            data["id_number"] = self.id_number
        return CustomerInput(**data)


class DemoGenerator:
    """Deterministic generator of demo customers for a given seed."""

    def __init__(self, *, seed: int, owners, tag_ids, source_ids, industry_ids: dict, now=None):
        self.rng = random.Random(seed)
        self.owners = list(owners)
        self.tag_ids = list(tag_ids)
        self.source_ids = list(source_ids)
        self.industry_ids = industry_ids  # code → id
        self.now = now or timezone.now()
        self.used_mobiles: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_ids: set[str] = set()
        self.used_credit: set[str] = set()
        self.used_org_keys: set[str] = set()
        self._surnames = [s for s, _w in SURNAMES]
        self._surname_weights = [w for _s, w in SURNAMES]

    # ------------------------------------------------------------ pieces
    def mobile(self) -> str:
        rng = self.rng
        while True:
            number = f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"
            if number not in self.used_mobiles:
                self.used_mobiles.add(number)
                return number

    def person_name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, self._surname_weights)[0]
        chars, names = (MALE_CHARS, MALE_NAMES) if gender == "M" else (FEMALE_CHARS, FEMALE_NAMES)
        roll = rng.random()
        if roll < 0.25:
            given = rng.choice(chars)
        elif roll < 0.45:
            given = rng.choice(names)
        else:
            given = rng.choice(chars) + rng.choice(chars)
        return surname + given

    def address(self, city) -> tuple[str, str]:
        rng = self.rng
        province, city_name, districts, _codes, postcode, _area = city
        place = city_name if province == city_name else province + city_name
        building = rng.choice(BUILDINGS)
        detail = f"{rng.randint(1, 999)}号"
        if building:
            detail += f"{rng.choice(BRAND_CHARS)}{rng.choice(BRAND_CHARS)}{building}"
        if rng.random() < 0.6:
            detail += f"{rng.randint(1, 30)}栋{rng.randint(1, 28)}0{rng.randint(1, 8)}"
        address = f"{place}{rng.choice(districts)}{rng.choice(STREETS)}{detail}"
        return address[:200], f"{postcode}{rng.randrange(100):02d}"

    def id_number(self, city, birth: dt.date, gender: str) -> str:
        rng = self.rng
        while True:
            sequence = rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            first17 = f"{rng.choice(city[3])}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def credit_code(self, city) -> str:
        rng = self.rng
        while True:
            body = "".join(rng.choice(CREDIT_CHARS[:10] + "ABCDEFGHJ") for _ in range(8))
            first17 = f"91{city[3][0]}{body}{rng.choice(CREDIT_CHARS[:10])}"
            code = first17 + credit_check_char(first17)
            if code not in self.used_credit:
                self.used_credit.add(code)
                return code

    def email(self, local: str) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.3:
                address = f"{rng.randrange(10_000_000, 3_000_000_000)}@qq.com"
            else:
                address = f"{local}{rng.randrange(1, 10_000)}@{rng.choice(EMAIL_DOMAINS)}"
            if address not in self.used_emails:
                self.used_emails.add(address)
                return address

    def office_phone(self, city) -> str:
        return f"+86{city[5]}{self.rng.randint(2, 8)}{self.rng.randrange(10_000_000):07d}"

    # ------------------------------------------------------------ customers
    def person(self, created_at: dt.datetime) -> tuple[dict, str]:
        rng = self.rng
        gender = "M" if rng.random() < 0.5 else "F"
        name = self.person_name(gender)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(43 * 365))
        city = rng.choice(CITIES)
        fields = {
            "kind": Customer.Kind.PERSON,
            "name": name,
            "gender": gender,
            "birth_date": birth,
            "mobile": self.mobile(),
            "province": city[0],
            "city": city[1],
            "occupation": rng.choice(OCCUPATIONS) if rng.random() < 0.5 else "",
            "buyer_role": rng.choice(Customer.BuyerRole.values),
        }
        fields["home_address"], fields["home_postcode"] = self.address(city)
        if rng.random() < 0.35:
            fields["email"] = self.email(_cached_pinyin(name)[0])
        if rng.random() < 0.3:
            fields["wechat"] = f"{_cached_pinyin(name)[0]}_{rng.randrange(100, 9999)}"
        if rng.random() < 0.3 and self.industry_ids:
            fields["industry_id"] = rng.choice(list(self.industry_ids.values()))
        id_number = self.id_number(city, birth, gender) if rng.random() < 0.3 else ""
        return fields, id_number

    def organisation(self, created_at: dt.datetime) -> tuple[dict, list[dict]]:
        rng = self.rng
        city = rng.choice(CITIES)
        place = city[1].removesuffix("市")
        while True:
            length = 2 if rng.random() < 0.75 else 3
            brand = "".join(rng.choice(BRAND_CHARS) for _ in range(length))
            business, industry_code = rng.choice(BUSINESS_WORDS)
            legal = rng.choice(LEGAL_FORMS)
            if rng.random() < 0.8:
                name = f"{place}{brand}{business}{legal}"
            else:
                name = f"{brand}{business}（{place}）{legal}"
            key = dedup.organisation_name_key(name)
            if key not in self.used_org_keys:
                self.used_org_keys.add(key)
                break
        fields = {
            "kind": Customer.Kind.ORGANISATION,
            "name": name,
            "province": city[0],
            "city": city[1],
            "office_phone": self.office_phone(city),
            "mobile": self.mobile(),
            "scale": rng.choice(Customer.Scale.values[1:]),
            "industry_id": self.industry_ids.get(industry_code),
        }
        fields["work_address"], fields["work_postcode"] = self.address(city)
        if rng.random() < 0.8:
            fields["credit_code"] = self.credit_code(city)
        if rng.random() < 0.4:
            fields["email"] = self.email(f"info{_cached_org_pinyin(brand)}")
        contacts = []
        for position in range(rng.randint(1, 3)):
            gender = "M" if rng.random() < 0.6 else "F"
            contact = {
                "name": self.person_name(gender),
                "title": CONTACT_TITLES[0] if position == 0 else rng.choice(CONTACT_TITLES[1:]),
                "is_decision_maker": position == 0,
                "mobile": self.mobile(),
            }
            if rng.random() < 0.3:
                contact["email"] = self.email(_cached_pinyin(contact["name"])[0])
            contacts.append(contact)
        return fields, contacts

    def customer(self, created_at: dt.datetime) -> DemoCustomer:
        rng = self.rng
        contacts: list[dict] = []
        id_number = ""
        if rng.random() < 0.2:
            fields, contacts = self.organisation(created_at)
        else:
            fields, id_number = self.person(created_at)
        fields["source_id"] = rng.choice(self.source_ids) if self.source_ids else None
        fields["level"] = rng.choice(Customer.Level.values)
        fields["first_contact_at"] = created_at
        fields["first_contact_channel"] = rng.choice(Customer.Channel.values[1:])
        if rng.random() < 0.4:
            fields["products_of_interest"] = rng.choice(PRODUCTS)
        needs = rng.choice(NEEDS)
        if needs:
            fields["needs"] = needs
        tag_ids: list[int] = []
        if self.tag_ids and rng.random() < 0.4:
            tag_ids = rng.sample(self.tag_ids, k=min(len(self.tag_ids), rng.choice((1, 1, 2, 3))))
        return DemoCustomer(
            fields=fields,
            id_number=id_number,
            owner=self.owners[rng.randrange(len(self.owners))],
            created_at=created_at,
            tag_ids=tag_ids,
            contacts=contacts,
        )

    def customers(self, count: int, *, days: int = 730) -> Iterator[DemoCustomer]:
        """`count` customers, created over the last `days` days, oldest first."""
        span = dt.timedelta(days=days).total_seconds()
        start = self.now - dt.timedelta(days=days)
        for index in range(count):
            offset = span * (index + self.rng.random()) / max(count, 1)
            yield self.customer(start + dt.timedelta(seconds=offset))


@cache
def _cached_org_pinyin(text: str) -> str:
    return pinyin_keys(text, person=False)[0]


@cache
def _org_piece_pinyin(piece: str) -> tuple[str, str]:
    return pinyin_keys(piece, person=False)


def organisation_pinyin(name: str) -> tuple[str, str]:
    """Pinyin keys of a generated organisation name, from cached pieces (fast path)."""
    full, initials = [], []
    for piece in _split_org_name(name):
        p_full, p_initials = _org_piece_pinyin(piece)
        full.append(p_full)
        initials.append(p_initials)
    return "".join(full)[:200], "".join(initials)[:100]


def _split_org_name(name: str) -> list[str]:
    # Pieces that pypinyin reads the same alone as in the name: place, each brand
    # character, business word, legal form.
    pieces = []
    rest = name
    for form in ("股份有限公司", "有限责任公司", "有限公司"):
        if rest.endswith(form):
            rest, legal = rest[: -len(form)], form
            break
    else:
        legal = ""
    for word, _code in sorted(BUSINESS_WORDS, key=lambda w: -len(w[0])):
        index = rest.find(word)
        if index >= 0:
            head, tail = rest[:index], rest[index + len(word) :]
            pieces.extend(_split_head(head))
            pieces.append(word)
            if tail:
                pieces.append(tail)
            break
    else:
        pieces.append(rest)
    if legal:
        pieces.append(legal)
    return pieces


def _split_head(head: str) -> list[str]:
    for city in CITIES:
        place = city[1].removesuffix("市")
        if head.startswith(place):
            return [place, *head[len(place) :]]
    return list(head)


# ---------------------------------------------------------------- context


@dataclass
class SeedContext:
    owners: list
    tag_ids: list[int]
    source_ids: list[int]
    industry_ids: dict


def ensure_demo_tags() -> list[Tag]:
    tags = []
    for name, color in DEMO_TAGS:
        tag, _created = Tag.objects.get_or_create(name=name, defaults={"color": color})
        tags.append(tag)
    return tags


def seed_context() -> SeedContext:
    users = ensure_demo_organisation()
    return SeedContext(
        owners=[users[name] for name in DEMO_CONSULTANTS],
        tag_ids=[t.pk for t in ensure_demo_tags()],
        source_ids=list(Source.objects.filter(is_active=True).values_list("id", flat=True)),
        industry_ids=dict(Industry.objects.values_list("code", "id")),
    )


def _generator(context: SeedContext, seed: int) -> DemoGenerator:
    generator = DemoGenerator(
        seed=seed,
        owners=context.owners,
        tag_ids=context.tag_ids,
        source_ids=context.source_ids,
        industry_ids=context.industry_ids,
    )
    # Existing customers keep their mobiles (and org names) to themselves.
    generator.used_mobiles.update(
        Customer.objects.exclude(mobile="").values_list("mobile", flat=True).iterator(10_000)
    )
    generator.used_emails.update(
        Customer.objects.exclude(email="").values_list("email", flat=True).iterator(10_000)
    )
    generator.used_org_keys.update(
        Customer.objects.exclude(name_key="").values_list("name_key", flat=True).iterator(10_000)
    )
    return generator


# ---------------------------------------------------------------- the service path


def seed_customers_slow(
    *, count: int, seed: int = 2026, progress: Callable[[int], None] | None = None
) -> int:
    """Create `count` customers through the services. Returns how many were created."""
    context = seed_context()
    generator = _generator(context, seed)
    tags = {t.pk: t for t in Tag.objects.filter(pk__in=context.tag_ids)}
    created = 0
    attempts = 0
    for demo in generator.customers(count):
        attempts += 1
        try:
            with transaction.atomic():
                customer = customer_create(
                    actor=demo.owner,
                    owner=demo.owner,
                    data=demo.service_data(),
                    tags=[tags[t] for t in demo.tag_ids],
                )
                for contact in demo.contacts:
                    contact_create(
                        actor=demo.owner, customer=customer, data=ContactInput(**contact)
                    )
                # Spread the demo over two years instead of "all created just now".
                Customer.objects.filter(pk=customer.pk).update(
                    created_at=demo.created_at, updated_at=demo.created_at
                )
                TimelineEvent.objects.filter(customer=customer).update(occurred_at=demo.created_at)
        except DomainError:
            # A duplicate of a customer someone typed in before the seed: skip it.
            continue
        created += 1
        if progress and created % 100 == 0:
            progress(created)
    return created


# ---------------------------------------------------------------- the bulk path

_TIMELINE_COLUMNS = (
    "customer_id", "kind", "occurred_at", "actor_id", "title", "body", "ref_type", "ref_id",
    "data",
)  # fmt: skip
_CONTACT_COLUMNS = (
    "customer_id", "name", "title", "is_decision_maker", "mobile", "phone", "email", "wechat",
    "notes", "created_at",
)  # fmt: skip


@dataclass
class BulkStats(SeedStats):
    customers: int = 0
    tags: int = 0
    dedup_keys: int = 0
    contacts: int = 0
    timeline: int = 0


class _Rows:
    """Turns DemoCustomers into table rows for the bulk writers."""

    def __init__(self, *, rules: list[str], first_id: int, taken_keys: set, title: str):
        self.rules = rules
        self.next_id = first_id
        self.taken_keys = taken_keys
        self.title = title
        self.columns = [f.column for f in Customer._meta.concrete_fields]
        self.attnames = [f.attname for f in Customer._meta.concrete_fields]
        self.defaults = {}
        for model_field in Customer._meta.concrete_fields:
            default = model_field.get_default()
            if isinstance(default, dict):
                default = "{}"
            self.defaults[model_field.attname] = default
        self.customers: list[tuple] = []
        self.tags: list[tuple] = []
        self.keys: list[tuple] = []
        self.contacts: list[tuple] = []
        self.timeline: list[tuple] = []

    def clear(self):
        self.customers, self.tags, self.keys, self.contacts, self.timeline = [], [], [], [], []

    def add(self, demo: DemoCustomer) -> bool:
        values = dict(self.defaults)
        values.update(demo.fields)
        person = values["kind"] == Customer.Kind.PERSON
        name = values["name"]
        if person:
            values["name_pinyin"], values["name_initials"] = _cached_pinyin(name)
            values["name_key"] = ""
        else:
            values["name_pinyin"], values["name_initials"] = organisation_pinyin(name)
            values["name_key"] = dedup.organisation_name_key(name)
        number = demo.id_number
        if number:
            values["id_number_encrypted"] = encrypt(number)
            values["id_number_index"] = blind_index(number, purpose="id_number")
            values["id_number_masked"] = mask_id_number(number)
        probe = SimpleNamespace(
            kind=values["kind"],
            name=name,
            mobile=values["mobile"],
            email=values["email"],
            credit_code=values["credit_code"],
            name_key=values["name_key"],
            office_phone=values["office_phone"],
        )
        keys = [
            (rule, dedup.digest(rule, raw))
            for rule, raw in dedup.key_values(probe, id_number=number, rules=self.rules)
        ]
        if self.taken_keys and any(key in self.taken_keys for key in keys):
            return False
        customer_id = self.next_id
        self.next_id += 1
        owner = demo.owner
        values.update(
            id=customer_id,
            owner_id=owner.pk,
            department_id=owner.department_id,
            created_by_id=owner.pk,
            created_at=demo.created_at,
            updated_at=demo.created_at,
            category=Customer.Category.POTENTIAL,
        )
        self.customers.append(tuple(values[name] for name in self.attnames))
        self.tags.extend((customer_id, tag_id) for tag_id in demo.tag_ids)
        self.keys.extend((customer_id, rule, value) for rule, value in keys)
        for contact in demo.contacts:
            self.contacts.append(
                (
                    customer_id,
                    contact["name"],
                    contact["title"],
                    contact["is_decision_maker"],
                    contact["mobile"],
                    "",
                    contact.get("email", ""),
                    "",
                    "",
                    demo.created_at,
                )
            )
        self.timeline.append(
            (customer_id, "created", demo.created_at, owner.pk, self.title, "", "", "", "{}")
        )
        return True


def _secondary_indexes(cursor, tables) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the non-unique indexes of the tables (PostgreSQL)."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
        """,
        [list(tables)],
    )
    return list(cursor.fetchall())


def seed_customers_bulk(
    *,
    count: int,
    seed: int = 2026,
    chunk: int = 50_000,
    drop_indexes: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> BulkStats:
    """Write `count` customers straight into the tables, in one transaction.

    On PostgreSQL the rows go in with COPY; for large loads (default: 100,000 or more) the
    non-unique indexes of the customer tables are dropped first and rebuilt at the end,
    which is several times faster than maintaining them row by row. Unique constraints
    (dedup keys, customer–tag pairs) stay in force throughout.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    stats = BulkStats()
    context = seed_context()
    generator = _generator(context, seed)
    rules = dedup.active_rules()
    postgres = connection.vendor == "postgresql"
    if drop_indexes is None:
        drop_indexes = postgres and count >= 100_000
    taken: set = set()
    if DedupKey.objects.exists():
        taken = set(DedupKey.objects.values_list("rule", "value").iterator(50_000))
    with transaction.atomic():
        last = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0
        rows = _Rows(
            rules=rules, first_id=last + 1, taken_keys=taken, title=str(_("Customer created"))
        )
        tables = {
            "customer": Customer._meta.db_table,
            "tag": CustomerTag._meta.db_table,
            "key": DedupKey._meta.db_table,
            "contact": Contact._meta.db_table,
            "timeline": TimelineEvent._meta.db_table,
        }
        with connection.cursor() as cursor:
            load = BulkLoad(
                cursor, tables=tables.values(), drop_indexes=drop_indexes, stats=stats, say=say
            )
            write = load.write
            # The phone search index (FTS5) is filled once at the end, not row by row by its
            # insert trigger (which made the load of 100,000 about half slower).
            phone_trigger_suspended = not postgres and phone_index.suspend_insert_trigger(
                connection
            )
            name_trigger_suspended = not postgres and name_index.suspend_insert_trigger(connection)
            generated = generator.customers(count)
            phase = time.perf_counter()
            done = 0
            while done < count:
                rows.clear()
                wanted = min(chunk, count - done)
                while len(rows.customers) < wanted:
                    demo = next(generated, None)
                    if demo is None:
                        # Refused candidates (taken keys): top up with fresh ones.
                        generated = generator.customers(wanted - len(rows.customers))
                        continue
                    rows.add(demo)
                write(tables["customer"], rows.columns, rows.customers)
                write(tables["tag"], ("customer_id", "tag_id"), rows.tags)
                write(tables["key"], ("customer_id", "rule", "value"), rows.keys)
                write(tables["contact"], _CONTACT_COLUMNS, rows.contacts)
                write(tables["timeline"], _TIMELINE_COLUMNS, rows.timeline)
                done += len(rows.customers)
                stats.customers += len(rows.customers)
                stats.tags += len(rows.tags)
                stats.dedup_keys += len(rows.keys)
                stats.contacts += len(rows.contacts)
                stats.timeline += len(rows.timeline)
                say(f"{done:,} / {count:,} customers ({time.perf_counter() - started:.0f} s)")
            stats.phases["load"] = time.perf_counter() - phase
            if phone_trigger_suspended:
                phase = time.perf_counter()
                phone_index.ensure(connection)  # the trigger back, the index rebuilt
                stats.phases["phone index"] = time.perf_counter() - phase
            if name_trigger_suspended:
                phase = time.perf_counter()
                name_index.ensure(connection, refill=True)
                stats.phases["name index"] = time.perf_counter() - phase
            load.finish(tables.values())
    bulk_analyze(tables.values(), stats)
    stats.seconds = time.perf_counter() - started
    return stats


class BulkLoad:
    """One bulk load in the current transaction, on `cursor` (COPY on PostgreSQL, executemany
    elsewhere): `write(table, columns, rows)`, then `finish(sequences)`.

    On PostgreSQL: constraints checked at once (no pending triggers at CREATE INDEX), a large
    maintenance_work_mem, no synchronous commit and, with `drop_indexes`, the non-unique
    indexes of `tables` dropped for the load and rebuilt by `finish`.
    """

    def __init__(self, cursor, *, tables: Iterable[str], drop_indexes: bool, stats, say):
        self.cursor, self.stats, self.say = cursor, stats, say
        self.started = time.perf_counter()
        self.postgres = connection.vendor == "postgresql"
        self.dropped: list[tuple[str, str]] = []
        if not self.postgres:
            self.write = _executemany_writer(cursor)
            return
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        if drop_indexes:
            self.dropped = _secondary_indexes(cursor, tables)
            for name, _sql in self.dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            say(f"dropped {len(self.dropped)} indexes for the load")
        self.write = _copy_writer(cursor)

    def finish(self, sequences: Iterable[str]) -> None:
        """PostgreSQL: rebuild the dropped indexes and move the id sequences of the
        `sequences` tables past the rows the load wrote (which set their ids)."""
        if not self.postgres:
            return
        phase = time.perf_counter()
        for _name, sql in self.dropped:
            self.cursor.execute(sql)
        if self.dropped:
            took = time.perf_counter() - self.started
            self.say(f"rebuilt {len(self.dropped)} indexes ({took:.0f} s)")
        self.stats.phases["indexes"] = time.perf_counter() - phase
        for table in sequences:
            self.cursor.execute(  # table names come from model meta, not input
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))',
                [table],
            )


def bulk_analyze(tables: Iterable[str], stats) -> None:
    """Refresh the planner statistics after a bulk load (outside its transaction if it can).

    VACUUM also sets the visibility map, without which index-only scans read the table
    anyway (a bulk load leaves it empty; autovacuum may be off or late)."""
    phase = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for table in tables:
                cursor.execute(f'{command} "{table}"')
        else:
            cursor.execute("ANALYZE")
    stats.phases["analyze"] = time.perf_counter() - phase


def max_id(cursor, table: str) -> int:
    """The highest id in `table` (0 when empty): a bulk load numbers its rows itself."""
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - model meta
    return cursor.fetchone()[0]


def keyset_batches(cursor, sql: str, *, chunk: int) -> Iterator[list[tuple]]:
    """The rows of `sql` batch after batch, so that a bulk load over a million customers
    holds one batch at a time. `sql` selects the id first and takes two parameters: the last
    id of the batch before (0 at first) and the batch size; it orders by that id."""
    last_id = 0
    while True:
        cursor.execute(sql, [last_id, chunk])
        batch = cursor.fetchall()
        if not batch:
            return
        last_id = batch[-1][0]
        yield batch


def _copy_writer(cursor):
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper

    def write(table, columns, rows):
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    return write


def _executemany_writer(cursor):
    ops = connection.ops

    def adapt(value):
        if isinstance(value, dt.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return ops.adapt_datefield_value(value)
        return value

    def write(table, columns, rows):
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 - model meta
            [tuple(adapt(v) for v in row) for row in rows],
        )

    return write
