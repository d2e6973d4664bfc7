"""Lead sources (ACQ-1, seeds 000 §5.2.1 and 001), industries, and the default duplicate
rules (ARC-5), shipped as editable data."""

from django.db import migrations

SOURCES = [
    # seed 000 §5.2.1: the twelve ways of finding customers
    ("door_to_door", "逐户访问", "Door-to-door", "offline"),
    ("meeting", "会议", "Meetings", "offline"),
    ("special_venue", "特定场所", "Special venues", "offline"),
    ("network", "人际关系网", "Personal network", "offline"),
    ("data_lookup", "资料查询", "Data look-up", "offline"),
    ("introduction", "介绍", "Introduction", "offline"),
    ("centre_of_influence", "中心开花", "Centre of influence", "offline"),
    ("phone", "电话", "Phone", "offline"),
    ("letter", "信函", "Letters", "offline"),
    ("sms", "短信", "SMS", "offline"),
    ("internet", "网络", "Internet", "online"),
    ("competitor", "从竞争对手挖", "From competitors", "offline"),
    # seed 001: online sources
    ("search_engine", "搜索引擎", "Search engine", "online"),
    ("b2b_platform", "B2B平台", "B2B platform", "online"),
    ("online_ads", "网络广告", "Online ads", "online"),
    ("yellow_pages", "网络黄页", "Web yellow pages", "online"),
    ("reverse_lookup", "反向查找", "Reverse look-up", "online"),
    ("walk_in", "到店", "Walk-in", "offline"),
    ("web_form", "网站表单", "Web form", "online"),
    ("referral", "转介绍", "Referral", "offline"),
]

INDUSTRIES = [
    ("manufacturing", "制造业", "Manufacturing"),
    ("retail", "批发零售", "Wholesale and retail"),
    ("it", "信息技术", "Information technology"),
    ("finance", "金融", "Finance"),
    ("real_estate", "房地产", "Real estate"),
    ("construction", "建筑", "Construction"),
    ("education", "教育", "Education"),
    ("healthcare", "医疗健康", "Healthcare"),
    ("logistics", "交通物流", "Transport and logistics"),
    ("hospitality", "住宿餐饮", "Hotels and catering"),
    ("automotive", "汽车", "Automotive"),
    ("agriculture", "农业", "Agriculture"),
    ("energy", "能源", "Energy"),
    ("government", "政府机构", "Government"),
    ("services", "商务服务", "Business services"),
    ("other", "其他", "Other"),
]

RULES = ["mobile", "email", "id_number", "credit_code", "org_name"]


def forwards(apps, schema_editor):
    Source = apps.get_model("customers", "Source")
    Industry = apps.get_model("customers", "Industry")
    DuplicateRule = apps.get_model("customers", "DuplicateRule")
    for order, (code, name, name_en, group) in enumerate(SOURCES):
        Source.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "group": group, "sort_order": order},
        )
    for order, (code, name, name_en) in enumerate(INDUSTRIES):
        Industry.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
    for field in RULES:
        DuplicateRule.objects.get_or_create(field=field)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
