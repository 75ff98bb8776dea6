"""The words around the tables: report titles and the prose of sections 一, 五 and 六.

Filler, not form: the section titles come from the form (``layout.SECTION_TITLES``); what is here
is how reports word their titles and paragraphs, with the narrative numbers the parser must find
and distracting numbers it must not take (dates, phone numbers, '其中政务动态信息339条').
"""

from __future__ import annotations

import random
from typing import Any

#: how reports word their title
TITLES = ["plain", "spaced", "year_first", "nian_du", "guanyu", "two_lines"]


def title_lines(name: str, year: int, kind: str) -> list[str]:
    """The report title in wording ``kind`` (one of ``TITLES``), one or two lines."""
    return {
        "plain": [f"{name}{year}年政府信息公开工作年度报告"],
        "spaced": [f"{name} {year} 年政府信息公开工作年度报告"],
        "year_first": [f"{year}年度{name}政府信息公开工作年度报告"],
        "nian_du": [f"{name}{year}年度政府信息公开工作年度报告"],
        "guanyu": [f"{name}关于{year}年度政府信息公开工作的年度报告"],
        "two_lines": [name, f"{year}年度政府信息公开工作年度报告"],
    }[kind]


#: the sub-heads of section 一 as the 2019 and 2021 guidance words them
SECTION1_HEADS = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)


def title_text(record: dict[str, Any]) -> str:
    return f"{record['agency']['name']}{record['year']}年政府信息公开工作年度报告"


def narrative_text(record: dict[str, Any]) -> str:
    """The opening paragraph of 一、总体情况, stating the narrative numbers that are not null."""
    nar = record.get("narrative") or {}
    year = record["year"]
    parts = [f"{year}年，{record['agency']['name']}认真贯彻落实《中华人民共和国政府信息公开条例》"]
    if nar.get("items_published") is not None:
        parts.append(f"全年主动公开政府信息{nar['items_published']}条")
    if nar.get("applications_received") is not None:
        parts.append(f"共收到政府信息公开申请{nar['applications_received']}件")
    parts.append("政府信息公开工作稳步推进")
    return "，".join(parts) + "。"


#: the outline's section 一 (HTML, DOCX, PDF): sub-heads and paragraphs
FILLER_1 = [
    SECTION1_HEADS[0],
    "坚持以公开为常态、不公开为例外，围绕中心工作和群众关切，依法依规做好政府信息主动公开工作，"
    "及时公开政策文件、规划计划、财政预决算、重大建设项目等重点领域信息，做到应公开尽公开。",
    SECTION1_HEADS[1],
    "严格落实依申请公开受理、登记、审核、答复等工作流程，规范答复文书格式，确保依法、按时、规范答复，"
    "切实保障申请人的合法权益。",
    SECTION1_HEADS[2],
    "加强政府信息公开保密审查，坚持先审查、后公开，一事一审、全面审查；动态更新政府信息公开指南和目录，"
    "对已公开的规范性文件开展清理并及时公布清理结果。",
    SECTION1_HEADS[3],
    "进一步优化政府网站政府信息公开专栏栏目设置，加强政务新媒体管理，完善政务服务便民热线，"
    "拓宽公开渠道，提升公开实效。",
    SECTION1_HEADS[4],
    "将政务公开工作纳入年度绩效考核，定期开展自查，及时整改发现的问题；组织开展政务公开业务培训，"
    "提高工作人员的业务水平。",
]
FILLER_5 = [
    "一是公开内容的深度和广度有待进一步拓展；二是政策解读的形式还不够丰富；三是工作人员的业务能力有待提高。",
    "下一步，将加强学习培训，健全工作机制，丰富解读形式，不断提升政务公开工作质量。",
]
FILLER_6 = [
    "本年度未收取政府信息公开信息处理费。",
    "认真落实上级年度政务公开工作要点，人大代表建议和政协提案办理结果依法公开。",
]


_CN = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """0..99 in Chinese numerals ('十二', '二十五'), as prose sometimes writes small counts."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def intro(name: str, year: int, rng: random.Random) -> str:
    """The '本报告根据…编制' paragraph before section 一, with a phone number and a postcode."""
    return (
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定编制。本报告中所列数据的"
        f"统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{name}联系"
        f"（电话：0{rng.randint(310, 990)}-{rng.randint(2000000, 8999999)}，邮编：{rng.randint(100000, 850000)}）。"
    )


SECTION5 = (
    "一是公开内容的深度和广度有待进一步拓展；二是政策解读形式还不够丰富；三是工作人员业务能力有待提高。"
    "下一步，将加强学习培训，健全工作机制，丰富解读形式，不断提升政务公开工作质量。"
)
SECTION6 = [
    "无。",
    "本年度未收取政府信息公开信息处理费。",
    "依据《国务院办公厅关于印发<政府信息公开信息处理费管理办法>的通知》（国办函〔2020〕109号）规定的按件、"
    "按量收费标准，本年度没有产生信息公开处理费。",
]


def section1(
    record: dict[str, Any], rng: random.Random, *, distractor_first: bool = False, cn_numerals: bool = False
) -> list[tuple[str, str]]:
    """(kind, text) paragraphs of 一、总体情况: 'sub' heads and 'para' paragraphs stating the
    narrative numbers that are not null, among distracting ones."""
    name, year = record["agency"]["name"], record["year"]
    nar = record.get("narrative") or {}
    place = record["agency"].get("county") or record["agency"].get("city") or ""
    site = rng.choice([f"{place}人民政府门户网站", f"{name}网站", "政府信息公开专栏"])
    paras: list[tuple[str, str]] = []
    paras.append(
        (
            "para",
            rng.choice(
                [
                    f"{year}年，{name}认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开的部署要求，"
                    "坚持以公开为常态、不公开为例外，围绕中心工作和群众关切，扎实推进各项工作。",
                    f"{year}年，在市委、市政府的正确领导下，{name}以习近平新时代中国特色社会主义思想为指导，"
                    "全面贯彻落实党的二十大精神，持续深化政务公开，不断提升政府透明度。",
                ]
            ),
        )
    )
    paras.append(("sub", SECTION1_HEADS[0]))
    items = nar.get("items_published")
    sentence = ""
    if distractor_first:
        sentence += f"全年共召开新闻发布会{rng.randint(2, 30)}次，解读政策文件{rng.randint(3, 90)}件。"
    if items is not None:
        sentence += rng.choice(
            [
                f"全年主动公开政府信息{items}条",
                f"通过{site}公开各类政府信息 {items} 条",
                f"全年共主动公开政府信息{items}条",
                f"{year}年共主动公开政府信息{items}条",
            ]
        )
        a = rng.randint(0, items)
        sentence += rng.choice(
            [
                f"，其中政务动态信息{a}条、信息公开目录类{items - a}条。",
                f"。其中概况类信息{rng.randint(1, 60)}条，政务动态信息{a}条。",
                "。",
            ]
        )
    else:
        sentence += f"坚持“公开是原则，不公开是例外”，及时通过{site}公开政策文件、财政预决算等重点领域信息。"
    sentence += rng.choice(
        [
            f"回复政府信箱{rng.randint(1, 90)}件，主要涉及社会救助、义务教育、稳岗就业等方面。",
            "",
            f"全年共受理各类咨询{rng.randint(10, 400)}件，全部按时办结。",
        ]
    )
    paras.append(("para", sentence))
    paras.append(("sub", SECTION1_HEADS[1]))
    apps = nar.get("applications_received")
    if apps is not None:
        n = cn_number(apps) if cn_numerals and apps < 100 else str(apps)
        lead = rng.choice(
            [
                f"{year}年共收到政府信息公开申请{n}件",
                f"全年共收到政府信息公开申请 {n} 件",
                f"本年度新收政府信息公开申请{n}件",
                f"全年共受理政府信息公开申请{n}件",
            ]
        )
        if not n.isdigit():
            lead = lead.replace(f" {n} ", n)  # spaces surround Arabic digits only
        tail = "，全部按时办结。"
        if apps >= 2 and rng.random() < 0.5:
            x = rng.randint(1, apps - 1)
            tail = f"，全部按时办结。其中，线下申请{x}件、线上申请{apps - x}件。"
        before = f"收到人大代表建议和政协提案{rng.randint(1, 60)}件，均按时办复。" if distractor_first else ""
        paras.append(("para", before + "严格落实依申请公开工作流程，规范答复文书格式。" + lead + tail))
    else:
        paras.append(
            (
                "para",
                "严格落实依申请公开受理、登记、审核、答复等工作流程，规范答复文书格式，确保依法按时答复。",
            )
        )
    paras.append(("sub", SECTION1_HEADS[2]))
    paras.append(
        (
            "para",
            f"加强公文公开属性源头认定，坚持先审查、后公开；全年清理规范性文件{rng.randint(1, 40)}件，"
            f"并于{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日公布清理结果。",
        )
    )
    paras.append(("sub", SECTION1_HEADS[3]))
    paras.append(
        (
            "para",
            f"发挥政府网站第一平台作用，全年发布政府网站和政务新媒体监测情况通报{rng.randint(1, 6)}期，"
            f"整体合格率{rng.randint(90, 100)}%。",
        )
    )
    paras.append(("sub", SECTION1_HEADS[4]))
    paras.append(
        (
            "para",
            f"将政务公开工作纳入年度绩效考核，组织开展业务培训{rng.randint(1, 9)}次、参训{rng.randint(20, 400)}人次。",
        )
    )
    return paras
