"""The agents' scripts for the situations of seed 001 项目3 任务1 (步骤三: the greeting, a silent
line, a caller one cannot hear, a dialect, a wrong number; 步骤五: calls unrelated to the
service, threats, harassment), and the call-centre permission for the roles that answer the
phone. Both are data an administrator changes."""

from django.db import migrations

SCRIPTS = [
    (
        "greeting",
        "问候语",
        "Greeting",
        "您好，欢迎致电客户服务中心，工号____为您服务，请问有什么可以帮您？\n"
        "（称呼客户姓氏：“王先生/王女士，您好！”；语速与客户一致，态度热诚。）",
        "Hello, this is the customer service centre, agent no. ____ speaking. How may I help "
        "you?\n(Address the caller by surname once known; match their pace; sound warm.)",
    ),
    (
        "silent",
        "无声电话",
        "Silent line",
        "1. “您好，请问有什么可以帮您？”（停顿约 3 秒）\n"
        "2. “您好，我这里听不到您的声音，请您换一部电话再打过来好吗？”（再停 3 秒）\n"
        "3. “很抱歉，我这里还是听不到您的声音，我先挂机了，欢迎您稍后再来电。再见！”\n"
        "挂机后把通话登记为“无声电话”。",
        "1. “Hello, how may I help you?” (wait about 3 seconds)\n"
        "2. “Hello, I cannot hear you. Could you call again from another phone?” (wait 3 s)\n"
        "3. “I am sorry, I still cannot hear you. I will hang up now; please call again later. "
        "Goodbye!”\nLog the call as a silent call.",
    ),
    (
        "unclear",
        "无法听清",
        "Cannot hear the caller",
        "“对不起，我这里听不太清楚，请您大声一点好吗？”\n"
        "仍听不清：“对不起，电话线路不太好，请您换一部电话或稍后再打过来好吗？”\n"
        "不要让客户反复重复；听到的部分先复述确认。",
        "“Sorry, I cannot hear you well. Could you speak a little louder?”\n"
        "Still unclear: “Sorry, the line is poor. Could you call from another phone or a "
        "little later?”\nDo not make the caller repeat again and again; repeat back what you "
        "did hear to confirm it.",
    ),
    (
        "dialect",
        "方言",
        "Dialect",
        "“对不起，请您讲普通话好吗？”\n"
        "客户不会讲普通话：放慢语速、耐心倾听，关键信息复述确认；"
        "仍无法沟通时：“请您稍等，我请会讲××话的同事为您服务。”并转接。",
        "“Excuse me, could you speak Mandarin, please?”\n"
        "If the caller cannot: slow down, listen patiently and repeat the key facts back; if "
        "that fails: “One moment please, a colleague who speaks your dialect will help you.” "
        "and transfer the call.",
    ),
    (
        "wrong_number",
        "客户打错电话",
        "Wrong number",
        "“对不起，这里是××客户服务中心，您可能拨错号码了，请您核对后再拨。”\n"
        "如能帮上忙，告知正确的号码；语气始终礼貌。登记为“打错电话”。",
        "“Sorry, this is the ×× customer service centre; you may have dialled the wrong "
        "number. Please check it and dial again.”\nGive the right number if you know it; stay "
        "polite. Log the call as a wrong number.",
    ),
    (
        "unrelated",
        "与服务无关的电话",
        "Unrelated to the service",
        "“对不起，您咨询的问题不在我们的服务范围内，建议您咨询××。感谢您的来电！”\n"
        "简短礼貌地结束通话，不占用热线。",
        "“Sorry, your question is outside our service; you may ask ××. Thank you for "
        "calling!”\nEnd the call briefly and politely so the line stays free.",
    ),
    (
        "harassment",
        "骚扰电话",
        "Harassment",
        "第一次：“您好，请问您有什么业务需要咨询吗？如没有，请您挂机，以免占用服务热线。”\n"
        "仍继续：“对不起，您的来电与业务无关，我将结束通话。”随即挂机。\n"
        "不与对方争吵，不透露个人信息；登记为“骚扰电话”，同一号码反复来电报告主管。",
        "First: “Hello, is there a service question I can help you with? If not, please "
        "hang up so the hotline stays free.”\nIf it goes on: “Sorry, your call is not about "
        "our service; I will end the call now.” and hang up.\nDo not argue or give personal "
        "details; log it as harassment and report a number that keeps calling to your "
        "supervisor.",
    ),
    (
        "threat",
        "恐吓电话",
        "Threat",
        "保持冷静，不与对方争执，不激化情绪：“您的意见我已经记录下来，会向有关负责人反映。”\n"
        "尽量记下来电号码、时间和对方原话；通话结束后立即报告主管，必要时报警（110）。\n"
        "登记为“恐吓电话”。",
        "Stay calm; do not argue or provoke: “I have noted what you said and will pass it on "
        "to the person in charge.”\nNote the number, the time and the caller's exact words; "
        "report to your supervisor at once after the call, and to the police (110) if "
        "needed.\nLog it as a threat.",
    ),
]

GRANTS = {
    "service_agent": ["service.calls"],
    "customer_relations": ["service.calls"],
    "admin": ["service.calls"],
}


def load(apps, schema_editor):
    CallScript = apps.get_model("service", "CallScript")
    if not CallScript.objects.exists():
        CallScript.objects.bulk_create(
            CallScript(
                situation=situation,
                title=title,
                title_en=title_en,
                body=body,
                body_en=body_en,
                sort_order=order * 10,
            )
            for order, (situation, title, title_en, body, body_en) in enumerate(SCRIPTS)
        )
    Role = apps.get_model("accounts", "Role")
    for code, permissions in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        merged = list(dict.fromkeys([*(role.permissions or []), *permissions]))
        if merged != role.permissions:
            role.permissions = merged
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("service", "0001_calls"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
