"""The guidance shown with each intention stage (INT-1): what the stage means, the signals that
show it, the questions that test it and the methods that move a customer on. Two sets ship:
the seed's structure in product-neutral words (the default), and the seed's original — one
online-advertising company's playbook — as an example an administrator can load."""

from django.utils.translation import gettext_lazy as _

# stage code -> field -> (Chinese, English); items of a field one per line.
type GuidanceSet = dict[str, dict[str, tuple[str, str]]]

FIELDS = ("definition", "signals", "questions", "push_methods")

NEUTRAL: GuidanceSet = {
    "refused": {
        "definition": ("客户拒绝沟通", "The customer refuses to talk"),
        "signals": ("", ""),
        "questions": ("", ""),
        "push_methods": (
            "坚持,每隔一段时间打电话进行沟通\n设计好的开场白\n体现自己的专业性,赢得客户信任",
            "Persist: call again every so often\n"
            "Prepare a good opening line\n"
            "Show your professionalism to win the customer's trust",
        ),
    },
    "s0": {
        "definition": (
            "客户不拒绝沟通,但对我们的产品或服务还不了解",
            "The customer does not refuse to talk but does not know our product or service yet",
        ),
        "signals": (
            "对商务人员的电话拜访不拒绝,不反感\n"
            "无过激语言\n"
            "抱怨、发牢骚\n"
            "对我们的产品不了解,只是由于是陌生电话而表现拒绝\n"
            "客观条件不允许继续通话(如在开会),只能现在拒绝",
            "Does not refuse or resent the sales call\n"
            "No harsh words\n"
            "Complains and grumbles\n"
            "Does not know our product; refuses only because it is a cold call\n"
            "Circumstances do not allow talking now (e.g. in a meeting), so refuses for now",
        ),
        "questions": (
            "(对于表现拒绝的客户,判断是否由于对产品不了解)您以前了解过这类产品或服务吗?\n"
            "(对于客观条件不允许继续通话的,判断是否确实是客观条件不允许)"
            "我晚些时候打过来可以吗?您看几点方便?\n"
            "如通过客户的回答判断客户对产品很不了解,且愿意约定下次跟进时间,则判断客户进入该阶段",
            "(For a customer who refuses — is it because they do not know the product?) "
            "Have you come across this kind of product or service before?\n"
            "(For a customer who cannot talk now — is that really so?) "
            "May I call you back later? What time suits you?\n"
            "If the answers show the customer knows little about the product and is willing to "
            "agree on the next contact, the customer has reached this stage",
        ),
        "push_methods": (
            "对客户的抱怨、牢骚表示理解,了解客户抱怨的具体情况并进行分析\n"
            "不给客户施加压力,制造轻松的氛围",
            "Show understanding for complaints; find out what exactly they are about and "
            "analyse them\n"
            "Put no pressure on the customer; keep the atmosphere relaxed",
        ),
    },
    "s1": {
        "definition": (
            "客户愿意听商务人员介绍,有互动",
            "The customer is willing to listen to the presentation and interacts",
        ),
        "signals": (
            "回答商务人员提出的问题,与商务人员有互动",
            "Answers the salesperson's questions and interacts",
        ),
        "questions": (
            "使用以客户需求为导向的专业销售工具,如客户能够和商务人员良好地沟通,则判断进入该阶段",
            "Use the needs-oriented professional sales tools; if the customer communicates "
            "well with the salesperson, the customer has reached this stage",
        ),
        "push_methods": (
            "建立和客户的信任\n灵活使用工具,促使客户需求点明确化",
            "Build trust with the customer\n"
            "Use the tools flexibly to bring the customer's needs into focus",
        ),
    },
    "s2": {
        "definition": (
            "客户主动了解我们的产品,评估产品的价值",
            "The customer actively learns about our product and weighs its value",
        ),
        "signals": (
            "主动了解产品的基本信息(如产品怎么用、怎么收费)\n"
            "主动询问产品的相关问题(如效果)\n"
            "主动拿我们的产品与竞争对手的产品做比较\n"
            "咨询相关的配套服务",
            "Asks on their own for the basics of the product (e.g. how it is used and paid for)\n"
            "Asks on their own about the product (e.g. its results)\n"
            "Compares our product with competitors' products on their own\n"
            "Asks about related services",
        ),
        "questions": (
            "我刚才对您企业情况的分析,您是否认同?\n"
            "我刚才讲的,您有什么问题?\n"
            "如客户有反应,开始使用长句子与商务人员进行沟通,讲述自己的想法,则判断为进入该阶段",
            "Do you agree with my analysis of your company just now?\n"
            "Do you have any questions about what I just said?\n"
            "If the customer responds, starts talking in long sentences and shares their own "
            "ideas, the customer has reached this stage",
        ),
        "push_methods": (
            "商务人员对产品有充分的了解和自信\n"
            "商务人员能够抓住客户的关键需求点,有效回答客户的问题"
            "(如说清我们的产品与客户现有方案的差异)\n"
            "明确决策人情况",
            "Know the product thoroughly and be confident in it\n"
            "Grasp the customer's key needs and answer their questions well (e.g. explain how "
            "our product differs from what the customer uses now)\n"
            "Find out who the decision maker is",
        ),
    },
    "s3": {
        "definition": ("客户考虑成交", "The customer is considering a deal"),
        "signals": (
            "客户询问价格、具体实施方法、售后服务等内容,如询问优惠、预期效果、交付期限",
            "Asks about price, how it would be carried out and after-sales service, e.g. "
            "discounts, the results to expect, the time to delivery",
        ),
        "questions": (
            "使用成交信号来试探客户(如递合同),如客户不反感,则判断为进入该阶段",
            "Test the customer with closing signals (e.g. hand over the contract); if the "
            "customer does not object, the customer has reached this stage",
        ),
        "push_methods": (
            "明确决策人情况\n"
            "解决客户的客观问题,让客户没有借口不签单\n"
            "采取各种方式试探成交\n"
            "让客户急起来,采取一系列逼单技巧",
            "Find out who the decision maker is\n"
            "Solve the customer's practical problems so there is no excuse not to sign\n"
            "Test for the close in every way\n"
            "Create urgency; use a series of closing techniques",
        ),
    },
    "s4": {
        "definition": ("客户确定可以成交", "The customer has decided to buy"),
        "signals": (
            "确定成交具体时间,但客户又在外地出差\n"
            "确定成交,但还在考虑金额\n"
            "确定成交,但由于另一个负责人的阻挠",
            "The date of the deal is set, but the customer is away on business\n"
            "The deal is decided, but the customer is weighing the amount\n"
            "The deal is decided, but another person in charge is blocking it",
        ),
        "questions": (
            "(对于出差在外地的客户)那到时候我直接带上证件和合同过来跟您当面办理下手续,行吧?"
            "如客户没有意见就按计划行事\n"
            "(在确定金额时)那我明天上午10:30直接带合同过来,您看如何?如客户没意见,就成交了\n"
            "这件事就您一个人确定就可以了吧?",
            "(For a customer away on business) Then I'll bring the papers and the contract and "
            "we complete it in person, all right? If the customer agrees, go ahead as planned\n"
            "(Settling the amount) I'll bring the contract tomorrow at 10:30 — how does that "
            "sound? If the customer agrees, the deal is done\n"
            "You alone decide on this, right?",
        ),
        "push_methods": (
            "试探成交或者确定成交时间及金额",
            "Test for the close, or settle the date and the amount of the deal",
        ),
    },
}

# The seed's stages as shipped in 2026 (migration 0002 creates them from this list).
# code, order, name, name_en, cadence_days, quota_group, then (zh, en) pairs for
# definition, signals, questions, push_methods; where the neutral set above kept the seed's
# words as they are, the entry takes them from there.
SEED_STAGES: list[dict] = [
    {
        "code": "refused",
        "order": -1,
        "name": "拒绝",
        "name_en": "Refused",
        "cadence_days": None,
        "quota_group": "",
        "definition": NEUTRAL["refused"]["definition"],
        "signals": ("", ""),
        "questions": ("", ""),
        "push_methods": NEUTRAL["refused"]["push_methods"],
    },
    {
        "code": "s0",
        "order": 0,
        "name": "阶段0",
        "name_en": "Stage 0",
        "cadence_days": 15,
        "quota_group": "s0",
        "definition": (
            "客户不拒绝/对网络推广不了解",
            "The customer does not refuse / does not understand online promotion",
        ),
        "signals": (
            "对商务人员的电话拜访不拒绝,不反感\n"
            "无过激语言\n"
            "抱怨、发牢骚\n"
            "对百度不了解,只是由于是陌生电话而表现拒绝\n"
            "客观条件不允许继续通话(如在开会),只能现在拒绝",
            "Does not refuse or resent the sales call\n"
            "No harsh words\n"
            "Complains and grumbles\n"
            "Does not know Baidu; refuses only because it is a cold call\n"
            "Circumstances do not allow talking now (e.g. in a meeting), so refuses for now",
        ),
        "questions": (
            "(对于表现拒绝的客户判断是否由于对百度不了解)您平常上网吗?有没有用过百度?\n"
            "(对于客观条件不允许继续通话的,判断是否确实是客观条件不允许)"
            "我晚些时候打过来可以吗?您看几点方便?\n"
            "如通过客户的回答判断客户对网络很不了解,客户愿意约定下次跟进时间,则判断客户进入该阶段",
            "(For a customer who refuses — is it because they do not know Baidu?) "
            "Do you go online much? Have you ever used Baidu?\n"
            "(For a customer who cannot talk now — is that really so?) "
            "May I call you back later? What time suits you?\n"
            "If the answers show the customer knows little about the internet and is willing to "
            "agree on the next contact, the customer has reached this stage",
        ),
        "push_methods": NEUTRAL["s0"]["push_methods"],
    },
    {
        "code": "s1",
        "order": 1,
        "name": "阶段1",
        "name_en": "Stage 1",
        "cadence_days": 7,
        "quota_group": "s12",
        "definition": NEUTRAL["s1"]["definition"],
        "signals": NEUTRAL["s1"]["signals"],
        "questions": (
            "客户需求导向的专业销售工具,如客户能够和商务人员良好地沟通,则判断进入该阶段",
            "Use the needs-oriented professional sales tools; if the customer communicates "
            "well with the salesperson, the customer has reached this stage",
        ),
        "push_methods": NEUTRAL["s1"]["push_methods"],
    },
    {
        "code": "s2",
        "order": 2,
        "name": "阶段2",
        "name_en": "Stage 2",
        "cadence_days": 7,
        "quota_group": "s12",
        "definition": (
            "客户主动了解百度产品,评估百度产品的价值",
            "The customer actively learns about the product and weighs its value",
        ),
        "signals": (
            "主动了解百度产品的基本信息(如百度推广是怎么做的?)\n"
            "主动询问百度产品的相关问题(如效果)\n"
            "主动拿百度产品与竞争对手产品做比较\n"
            "咨询推广相关信息(如网站建设)",
            "Asks on their own for the basics of the product (e.g. how does Baidu promotion "
            "work?)\n"
            "Asks on their own about the product (e.g. its results)\n"
            "Compares the product with competitors' products on their own\n"
            "Asks about related matters (e.g. building a website)",
        ),
        "questions": NEUTRAL["s2"]["questions"],
        "push_methods": (
            "商务人员对产品有充分的了解和自信\n"
            "商务人员能够抓住客户的关键需求点,有效回答客户的问题"
            "(如有效地介绍百度与客户现有推广渠道的差异)\n"
            "明确决策人情况",
            "Know the product thoroughly and be confident in it\n"
            "Grasp the customer's key needs and answer their questions well (e.g. explain how "
            "Baidu differs from the customer's current promotion channels)\n"
            "Find out who the decision maker is",
        ),
    },
    {
        "code": "s3",
        "order": 3,
        "name": "阶段3",
        "name_en": "Stage 3",
        "cadence_days": 3,
        "quota_group": "s34",
        "definition": NEUTRAL["s3"]["definition"],
        "signals": (
            "客户询问价格、具体推广方法、售后服务等内容,如询问优惠(服务费减免),"
            "推广预期(预存款可以用多久),售后(上线期限)",
            "Asks about price, the concrete promotion plan and after-sales service, e.g. "
            "discounts (service-fee waivers), expectations (how long the prepayment lasts), "
            "after-sales (time to go live)",
        ),
        "questions": (
            "使用成交信号来试探客户,如客户不反感,则判断为进入该阶段,如递合同",
            "Test the customer with closing signals (e.g. hand over the contract); if the "
            "customer does not object, the customer has reached this stage",
        ),
        "push_methods": NEUTRAL["s3"]["push_methods"],
    },
    {
        "code": "s4",
        "order": 4,
        "name": "阶段4",
        "name_en": "Stage 4",
        "cadence_days": 3,
        "quota_group": "s34",
        "definition": NEUTRAL["s4"]["definition"],
        "signals": (
            "确定成交具体时间,但客户又在外地出差\n"
            "确定成交,但考虑推广金额\n"
            "确定成交,但由于另一个负责人的阻挠",
            "The date of the deal is set, but the customer is away on business\n"
            "The deal is decided, but the customer is weighing the amount\n"
            "The deal is decided, but another person in charge is blocking it",
        ),
        "questions": (
            "(对于出差在外地的客户)那到时候我直接带上证件和合同过来跟您当面办理下手续,行吧?"
            "如客户没有意见就按计划行事;\n"
            "(在选择推广预存)那我明天上午10:30直接带合同过来,可以预存3万,"
            "到时候送您一个百度限量版礼品,您看如何?如客户没意见,就成交了\n"
            "推广的事情就您一个人确定就可以了吧?",
            "(For a customer away on business) Then I'll bring the papers and the contract and "
            "we complete it in person, all right? If the customer agrees, go ahead as planned\n"
            "(Choosing the prepayment) I'll bring the contract tomorrow at 10:30; you can prepay "
            "30,000 and I'll bring you a limited-edition gift — how does that sound? If the "
            "customer agrees, the deal is done\n"
            "You alone decide on the promotion, right?",
        ),
        "push_methods": NEUTRAL["s4"]["push_methods"],
    },
]

SEED_EXAMPLE: GuidanceSet = {
    stage["code"]: {field: stage[field] for field in FIELDS} for stage in SEED_STAGES
}

GUIDANCE_SETS: dict[str, tuple[object, GuidanceSet]] = {
    "neutral": (_("Product-neutral guidance (default)"), NEUTRAL),
    "seed": (_("Example: an online-advertising sales team (seed 002)"), SEED_EXAMPLE),
}
