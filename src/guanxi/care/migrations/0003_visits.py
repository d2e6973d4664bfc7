"""回访 (CARE-1) and spot checks (CARE-3): the spot-check settings row, and the shipped 回访
topics with their questions from the dealer manual's touch-point table and its internal
survey (seed 003 §2, §3.2.2, §3.3.1). Topics are data: customer relations edits them."""

from django.db import migrations, models

TOPICS = [
    (
        "intention_48h",
        "意向客户离店48小时回访",
        "Call-back within 48 h after an intention customer's visit",
        True,
        [
            (
                "greeted",
                "您到展厅时工作人员是否及时迎接您?",
                "Were you greeted promptly when you arrived at the showroom?",
            ),
            (
                "test_drive",
                "销售顾问是否向您提供了试乘试驾服务?体验如何?",
                "Did the consultant offer you a test drive? How was it?",
            ),
            (
                "quote_clear",
                "销售顾问对报价内容、付款方式及各种费用的解释是否清楚明了?",
                "Did the consultant explain the quote, the payment terms and the fees clearly?",
            ),
            (
                "next_contact",
                "您方便的下次联系时间和方式是?",
                "When and how would you like to be contacted next?",
            ),
        ],
    ),
    (
        "delivery_24h_thanks",
        "交车后24小时感谢",
        "Thanks within 24 h after delivery",
        False,
        [
            (
                "going_well",
                "感谢您的选择,新车使用是否顺利?",
                "Thank you for choosing us: is everything going well with the new vehicle?",
            ),
            (
                "hotlines",
                "是否已告知您售后服务热线及24小时救援热线?",
                "Were you given the after-sales hotline and the 24-hour rescue line?",
            ),
        ],
    ),
    (
        "delivery_72h",
        "交车后72小时回访(不满意问题确认)",
        "Call within 72 h after delivery (anything unsatisfactory)",
        True,
        [
            (
                "promises",
                "在销售过程中,承诺是否都兑现了?",
                "Were all the promises made during the sale kept?",
            ),
            (
                "service_point",
                "销售人员是否有介绍维修站点及维修站服务电话给您?",
                "Did the salesperson tell you about the service stations and their phone numbers?",
            ),
            (
                "unhappy",
                "您对购车和交车过程有没有不满意的地方?",
                "Is there anything about the purchase or the delivery you are not happy with?",
            ),
            (
                "referral",
                "您身边是否有朋友也有购车意向?",
                "Do you know anyone who is thinking of buying?",
            ),
        ],
    ),
    (
        "first_service",
        "首保提醒回访",
        "First-maintenance reminder call",
        False,
        [
            ("mileage", "目前车辆行驶里程大约是多少?", "About how far has the vehicle run so far?"),
            (
                "appointment",
                "是否需要为您预约首次保养时间?",
                "Shall we book the first maintenance for you?",
            ),
        ],
    ),
    (
        "e_class_upkeep",
        "E类客户定期维护",
        "E-class customer upkeep",
        False,
        [
            ("usage", "车辆使用情况如何,有没有问题?", "How is the vehicle doing? Any problems?"),
            (
                "interest",
                "近期是否有兴趣参加俱乐部活动或爱车讲堂?",
                "Any interest in club events or car-care classes soon?",
            ),
            (
                "details_changed",
                "您的联系方式、住址或车辆使用人是否有变化?",
                "Have your contact details, address or the vehicle's user changed?",
            ),
        ],
    ),
]


def ship_defaults(apps, schema_editor):
    CareTopic = apps.get_model("care", "CareTopic")
    SpotCheckSettings = apps.get_model("care", "SpotCheckSettings")
    for order, (code, name, name_en, scored, questions) in enumerate(TOPICS, start=1):
        CareTopic.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "scored": scored,
                "sort_order": order * 10,
                "questions": [
                    {"key": key, "text": text, "text_en": text_en}
                    for key, text, text_en in questions
                ],
            },
        )
    SpotCheckSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("care", "0002_role_permissions")]

    operations = [
        migrations.CreateModel(
            name="SpotCheckSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "sample_size",
                    models.PositiveSmallIntegerField(
                        default=3, verbose_name="follow-ups drawn per consultant and fortnight"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "spot-check settings",
                "verbose_name_plural": "spot-check settings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sample_size__gte", 1), ("sample_size__lte", 50)),
                        name="spotchecksettings_sample_size",
                    )
                ],
            },
        ),
        migrations.RunPython(ship_defaults, migrations.RunPython.noop),
    ]
