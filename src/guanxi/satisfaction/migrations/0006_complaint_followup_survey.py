"""Ship the complaint follow-up survey (投诉回访确认) the customer gets when a complaint is closed
(CMP-3, seed 001 任务2 感谢 and 003 §4: the customer confirms the outcome): one factor, the
handling of the complaint, three questions scored for performance against the factor's
baseline, then the overall score and would-recommend as every template has."""

from django.db import migrations

QUESTIONS = [
    ("您的问题是否已经得到解决？", "Has your problem been solved?"),
    ("我们处理您投诉的速度", "How quickly we handled your complaint"),
    ("处理人员的态度", "The attitude of the person who handled it"),
]


def ship(apps, schema_editor):
    Template = apps.get_model("satisfaction", "SurveyTemplate")
    Version = apps.get_model("satisfaction", "SurveyVersion")
    Factor = apps.get_model("satisfaction", "Factor")
    Question = apps.get_model("satisfaction", "Question")
    if Template.objects.filter(code="complaint_followup").exists():
        return
    template = Template.objects.create(
        code="complaint_followup", name="投诉回访确认", name_en="Complaint follow-up"
    )
    version = Version.objects.create(
        template=template,
        number=1,
        scale_max=10,
        low_threshold=6,
        intro="您的投诉已处理完毕。请确认处理结果并为我们的处理打分（1–10 分）。",
        intro_en="Your complaint has been dealt with. Please confirm the outcome and score how "
        "we handled it (1–10).",
    )
    factor = Factor.objects.create(
        version=version,
        code="complaint_handling",
        name="投诉处理",
        name_en="Complaint handling",
        baseline=8,
        sort_order=0,
    )
    for order, (text, text_en) in enumerate(QUESTIONS):
        Question.objects.create(
            factor=factor, text=text, text_en=text_en, asks_expectation=False, sort_order=order
        )


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0005_survey_link_complaint")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
