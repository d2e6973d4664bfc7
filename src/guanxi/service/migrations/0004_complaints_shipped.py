"""Ship the complaint categories and sub-items of seed 003 §4.2, the default SLA targets per
severity and the settings row (30-minute routing, seed 003 §4.4.1). Data: an administrator
changes them."""

from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    (
        "product_quality",
        "产品质量",
        "Product quality",
        [
            ("pq_defect", "车辆存在质量缺陷和瑕疵", "Vehicle has quality defects or flaws"),
            ("pq_fault", "车辆在使用过程中的故障", "Vehicle faults in use"),
            (
                "pq_accessory",
                "车辆的其他安装件(如:精品)质量问题",
                "Quality of other fitted parts (e.g. accessories)",
            ),
        ],
    ),
    (
        "service_quality",
        "服务质量",
        "Service quality",
        [
            ("sq_attitude", "服务态度", "Service attitude"),
            (
                "sq_standard",
                "服务不规范(专业性不足,礼仪及话术不到位,流程不到位等)",
                "Service not up to standard (expertise, etiquette, scripts, process)",
            ),
            (
                "sq_feedback",
                "客户的反馈和意见没有及时得到回应和处理",
                "Feedback not answered or handled in time",
            ),
        ],
    ),
    (
        "purchase_conditions",
        "购车条件",
        "Purchase conditions",
        [
            ("pc_price", "价格有异议", "Disputes the price"),
            ("pc_contract", "没有履行购车合同及承诺", "Purchase contract or promises not kept"),
            (
                "pc_certificate",
                "无法及时提供车辆合格证",
                "Vehicle certificate not provided in time",
            ),
        ],
    ),
    (
        "customer_expectation",
        "客户期望",
        "Customer expectation",
        [("ce_unmet", "客户的期望没有得到满足", "The customer's expectations were not met")],
    ),
    ("other", "其它", "Other", []),
]

# severity: (respond, resolve) in business minutes; "" is the default row
SLA = {
    "": (120, 1440),
    "low": (240, 2400),
    "normal": (120, 1440),
    "high": (60, 960),
    "critical": (30, 480),
}


def ship(apps, schema_editor):
    Category = apps.get_model("service", "ComplaintCategory")
    SlaTarget = apps.get_model("service", "SlaTarget")
    Settings = apps.get_model("service", "ComplaintSettings")
    for order, (code, name, name_en, items) in enumerate(CATEGORIES, start=1):
        top, _created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )
        for index, (item_code, item_name, item_en) in enumerate(items, start=1):
            Category.objects.get_or_create(
                code=item_code,
                defaults={
                    "parent": top,
                    "name": item_name,
                    "name_en": item_en,
                    "sort_order": order * 10 + index,
                },
            )
    for severity, (respond, resolve) in SLA.items():
        SlaTarget.objects.get_or_create(
            category=None,
            severity=severity,
            defaults={"respond_minutes": respond, "resolve_minutes": resolve},
        )
    Settings.objects.get_or_create(
        pk=1,
        defaults={
            "route_minutes": 30,
            "next_level_minutes": 240,
            "compensation_approval_above": Decimal("500.00"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("service", "0003_complaints")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
