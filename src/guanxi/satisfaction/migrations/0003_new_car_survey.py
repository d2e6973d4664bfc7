"""Ship the new-car customer satisfaction evaluation (新车客户满意度评价表, seed 003 §3) as the
first survey template: its three factors and every question the seed lists — the 改善行动方案
table's items and the items of the consultant's analysis chart (表2, whose labels the seed
cuts off; completed here) — each scored 1–10 for expectation and performance."""

from django.db import migrations

FACTORS = [
    (
        "buying",
        "开始购车经历",
        "Starting the purchase",
        [
            (
                "第一次至销售服务店展厅，工作人员是否有及时出去迎接您？",
                "On your first visit, did the showroom staff come out to greet you promptly?",
            ),
            ("等候被接待的时间", "The time you waited to be received"),
            ("销售人员专心接待您", "The salesperson attended to you attentively"),
            ("销售人员对汽车配置的介绍", "The salesperson's explanation of the car's features"),
            ("展示车辆整洁且选择充分", "The cars shown were clean and the choice sufficient"),
            ("销售人员圆满回答您的问题", "The salesperson answered your questions fully"),
            (
                "销售顾问是否有向您提供试乘试驾服务？服务体验如何？",
                "Did the consultant offer you a test drive? How was it?",
            ),
            ("在试驾过程中销售人员的讲解", "The salesperson's explanations during the test drive"),
        ],
    ),
    (
        "transaction",
        "交易过程",
        "The transaction",
        [
            (
                "销售顾问对报价内容、付款方式及各种费用的解释和说明清楚明了吗？",
                "Did the consultant explain the quote, the payment and every fee clearly?",
            ),
            ("公开透明的报价", "An open and transparent quote"),
            ("议价过程令您愉快", "The price negotiation was pleasant"),
            ("对所有购车书面文件的解释", "The explanation of all the purchase documents"),
        ],
    ),
    (
        "delivery",
        "交车过程",
        "The delivery",
        [
            ("在销售过程中，承诺是否都兑现了？", "Were all promises made during the sale kept?"),
            (
                "销售人员是否有介绍维修站点及维修站服务电话给您？",
                "Did the salesperson tell you about the service stations and their phone numbers?",
            ),
            ("交车中对您的关注程度", "The attention you were given at the delivery"),
        ],
    ),
]


def ship(apps, schema_editor):
    Template = apps.get_model("satisfaction", "SurveyTemplate")
    Version = apps.get_model("satisfaction", "SurveyVersion")
    Factor = apps.get_model("satisfaction", "Factor")
    Question = apps.get_model("satisfaction", "Question")
    if Template.objects.filter(code="new_car").exists():
        return
    template = Template.objects.create(
        code="new_car", name="新车客户满意度评价", name_en="New-car customer satisfaction"
    )
    version = Version.objects.create(
        template=template,
        number=1,
        scale_max=10,
        low_threshold=6,
        intro="感谢您选择我们！请为每一项打分：您的期望，以及您实际得到的服务（1–10 分）。",
        intro_en="Thank you for choosing us! For each item, score what you expected and what "
        "you got (1–10).",
    )
    for f_order, (code, name, name_en, questions) in enumerate(FACTORS):
        factor = Factor.objects.create(
            version=version, code=code, name=name, name_en=name_en, baseline=8, sort_order=f_order
        )
        for q_order, (text, text_en) in enumerate(questions):
            Question.objects.create(factor=factor, text=text, text_en=text_en, sort_order=q_order)


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0002_role_permissions")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
