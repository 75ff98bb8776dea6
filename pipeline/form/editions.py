"""The form (政府信息公开工作年度报告格式), both editions, as plain data: the one place it is written.

Everything downstream is derived from this module: ``pipeline.record``'s code lists, the warehouse
seed/dimension tables, the GX code lists, the renderers' labels and the parser's match keys. Codes
are the contract of ``spec/record.md`` (never rename one, only add).

Editions: ``2019`` (the trial form, report years 2019–2020) and ``2021`` (the revised form).

A table-三 row carries its printed label and its *keys*: regexes on the cleaned label that only
that row has; ``LABEL_VARIANTS`` lists whole labels seen in real reports (matched exactly after
``clean_label``). To recognise a new province's wording, add a variant there — one line.
"""

from __future__ import annotations

from dataclasses import dataclass

EDITIONS: tuple[int, ...] = (2019, 2021)
BOTH: tuple[int, ...] = EDITIONS


# ----------------------------------------------------------------------------- table 三 columns
@dataclass(frozen=True)
class Column:
    """An applicant column of table 三 (or an outcome column of table 四)."""

    code: str
    label: str
    legal_person: bool = False  # under the 法人或其他组织 head of table 三
    variants: tuple[str, ...] = ()  # other heads printed for the column


APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial_enterprise", "商业企业", legal_person=True),
    Column("research_institution", "科研机构", legal_person=True),
    Column("social_welfare_org", "社会公益组织", legal_person=True, variants=("社会组织", "公益组织")),
    Column("legal_service_org", "法律服务机构", legal_person=True),
    Column("other_org", "其他", legal_person=True, variants=("其它",)),
    Column("total", "总计"),
)
#: the head cell over the five organisation columns
LEGAL_PERSON_HEAD = "法人或其他组织"
APPLICANT_HEAD = "申请人情况"


# ----------------------------------------------------------------------------- table 三 groups
@dataclass(frozen=True)
class Group:
    """A group of table-三 rows. ``code`` is the prefix of its sub-rows' codes (``denied_…``);
    the one naming used by the record, the seeds, the dims and the marts."""

    code: str
    label: str  # as the record labels it (pipeline.record.APPLICATION_ROW_GROUPS)
    head: str | None = None  # the merged head cell the form prints over its sub-rows
    numeral: str | None = None  # （三）…（六）: names the group when its words are lost
    head_keys: tuple[str, ...] = ()  # regexes on the cleaned head label


GROUPS: tuple[Group, ...] = (
    Group("received", "收到"),
    Group("granted", "予以公开"),
    Group("partially_granted", "部分公开"),
    Group("denied", "不予公开", "（三）不予公开", "三", (r"^不予公开",)),
    Group("unable", "无法提供", "（四）无法提供", "四", (r"^无法提供",)),
    Group("rejected", "不予处理", "（五）不予处理", "五", (r"^不予处理",)),
    Group("other", "其他处理", "（六）其他处理", "六", (r"^其[他它]处理",)),
    Group("total", "总计"),
    Group("carried_forward", "结转"),
)


# ----------------------------------------------------------------------------- table 三 rows
@dataclass(frozen=True)
class Row:
    """A row of table 三: code, printed label (2021 edition), group, editions, variants, keys."""

    code: str
    label: str
    group: str  # Group.code
    editions: tuple[int, ...] = BOTH
    keys: tuple[str, ...] = ()  # regexes on the cleaned label that name this row
    disposition: bool = True  # one of the rows （七）总计 sums


APPLICATION_ROWS: tuple[Row, ...] = (
    Row(
        "new_received",
        "一、本年新收政府信息公开申请数量",
        "received",
        keys=(r"本年新收", r"新收.*申请", r"本年.*收到.*申请数"),
        disposition=False,
    ),
    Row(
        "carried_over", "二、上年结转政府信息公开申请数量", "received", keys=(r"上年结转",), disposition=False
    ),
    Row("granted", "（一）予以公开", "granted", keys=(r"^予以公开", r"予以公开$")),
    Row(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "partially_granted",
        keys=(r"^部分公开", r"区分处理"),
    ),
    Row("denied_state_secret", "1.属于国家秘密", "denied", keys=(r"国家秘密",)),
    Row(
        "denied_law_prohibited",
        "2.其他法律行政法规禁止公开",
        "denied",
        keys=(r"禁止公开", r"其他法律", r"法规禁止"),
    ),
    Row("denied_three_safeties", "3.危及“三安全一稳定”", "denied", keys=(r"三安全", r"一稳定", r"^危及")),
    Row("denied_third_party", "4.保护第三方合法权益", "denied", keys=(r"第三方",)),
    Row("denied_internal_affairs", "5.属于三类内部事务信息", "denied", keys=(r"内部事务", r"三类内部")),
    Row("denied_process_info", "6.属于四类过程性信息", "denied", keys=(r"过程性", r"四类过程")),
    Row(
        "denied_enforcement_file",
        "7.属于行政执法案卷",
        "denied",
        keys=(r"执法案卷", r"属于行政执法", r"执法案"),
    ),
    Row("denied_admin_query", "8.属于行政查询事项", "denied", keys=(r"行政查询", r"查询事项")),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", "unable", keys=(r"不掌握",)),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", "unable", keys=(r"另行制作", r"没有现成")),
    Row("unable_unclear", "3.补正后申请内容仍不明确", "unable", keys=(r"仍不明确", r"补正后")),
    Row("rejected_petition", "1.信访举报投诉类申请", "rejected", keys=(r"信访", r"举报投诉")),
    Row("rejected_repeat", "2.重复申请", "rejected", keys=(r"^重复申请",)),
    Row("rejected_publication", "3.要求提供公开出版物", "rejected", keys=(r"出版物",)),
    Row("rejected_mass_repeat", "4.无正当理由大量反复申请", "rejected", keys=(r"大量反复", r"反复申请")),
    Row(
        "rejected_confirm",
        "5.要求行政机关确认或重新出具已获取信息",
        "rejected",
        keys=(r"确认或重新", r"重新出具", r"要求行政机关确认"),
    ),
    Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other",
        editions=(2021,),
        keys=(r"不补正", r"逾期不补"),
    ),
    Row(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other",
        editions=(2021,),
        keys=(r"缴纳费用", r"收费通知", r"未按.*缴纳"),
    ),
    Row(
        "other_other",
        "3.其他",
        "other",
        keys=(r"^其他$", r"^其他处理$", r"^其他处理情形$", r"^其它$", r"^其它处理$"),
    ),
    Row("total_processed", "（七）总计", "total", keys=(r"^总计$", r"^合计$"), disposition=False),
    Row(
        "carried_forward",
        "四、结转下年度继续办理",
        "carried_forward",
        keys=(r"结转下年", r"下年度继续"),
        disposition=False,
    ),
)
#: Printed labels seen in real reports, by row: matched whole (after ``clean_label``) before any
#: key. A new province's wording that no key names is one line here.
LABEL_VARIANTS: dict[str, tuple[str, ...]] = {
    "denied_law_prohibited": ("2.其他法律法规禁止公开",),  # seeds 002, 004
    "denied_three_safeties": ('3.危及"三安全一稳定"',),  # ASCII quotes
}
#: the merged head cell over the disposition rows
RESULTS_HEAD = "三、本年度办理结果"
#: the header cell that states the balance identity
CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
#: the 2019 edition prints （六）其他处理 as one row, whose value is other_other's
ONE_ROW_GROUP_2019 = "other"


# ----------------------------------------------------------------------------- table 四
@dataclass(frozen=True)
class RLGroup:
    code: str
    label: str  # as the record labels it
    head: str  # the head cell the form prints for it (under 行政诉讼 for the two litigation groups)


RL_OUTCOMES: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
RL_GROUPS: tuple[RLGroup, ...] = (
    RLGroup("review", "行政复议", "行政复议"),
    RLGroup("litigation_direct", "行政诉讼·未经复议直接起诉", "未经复议直接起诉"),
    RLGroup("litigation_after_review", "行政诉讼·复议后起诉", "复议后起诉"),
)
LITIGATION_HEAD = "行政诉讼"


# ----------------------------------------------------------------------------- table 二
@dataclass(frozen=True)
class Measure:
    code: str
    label: str  # as the record labels it
    heads: dict[int, str] | None = None  # the column head the form prints, where it differs
    money: bool = False
    signed: bool = False

    def head(self, edition: int) -> str:
        return (self.heads or {}).get(edition, self.label)


MEASURES: tuple[Measure, ...] = (
    Measure("issued", "本年制发件数"),
    Measure("repealed", "本年废止件数"),
    Measure("in_force", "现行有效件数"),
    Measure("decisions", "本年处理决定数量", heads={2019: "处理决定数量"}),
    Measure(
        "amount_10k_yuan", "本年收费金额（万元）", heads={2021: "本年收费金额（单位：万元）"}, money=True
    ),
    Measure("new_made", "本年新制作数量"),
    Measure("new_published", "本年新公开数量"),
    Measure("total_published", "对外公开总数量"),
    Measure("items_last_year", "上一年项目数量"),
    Measure("items_change", "本年增/减", signed=True),
    Measure("projects", "采购项目数量"),
    Measure("amount_yuan", "采购总金额（元）", heads={2019: "采购总金额"}, money=True),
)
MEASURE = {m.code: m for m in MEASURES}
#: the head cell over table 二's item labels
ITEM_HEAD = "信息内容"
#: the 2021 fee head as some reports print it
FEE_NOTE_HEAD = "本年收费金额（单位：万元，保留4位小数）"


@dataclass(frozen=True)
class Item:
    """A row of table 二 in one edition: its label there, its measures, the article it reports."""

    code: str
    label: str
    measures: tuple[str, ...]
    article: str  # 第二十条第（…）项: the block heading the form prints over it


_DOCS = ("issued", "repealed", "in_force")
_DOCS_2019 = ("new_made", "new_published", "total_published")
_ITEMS_2019 = ("items_last_year", "items_change", "decisions")
PROACTIVE_ITEMS: dict[int, tuple[Item, ...]] = {
    2021: (
        Item("regulation", "规章", _DOCS, "第二十条第（一）项"),
        Item("normative_document", "行政规范性文件", _DOCS, "第二十条第（一）项"),
        Item("administrative_license", "行政许可", ("decisions",), "第二十条第（五）项"),
        Item("administrative_penalty", "行政处罚", ("decisions",), "第二十条第（六）项"),
        Item("administrative_enforcement", "行政强制", ("decisions",), "第二十条第（六）项"),
        Item("administrative_fee", "行政事业性收费", ("amount_10k_yuan",), "第二十条第（八）项"),
    ),
    2019: (
        Item("regulation", "规章", _DOCS_2019, "第二十条第（一）项"),
        Item("normative_document", "规范性文件", _DOCS_2019, "第二十条第（一）项"),
        Item("administrative_license", "行政许可", _ITEMS_2019, "第二十条第（五）项"),
        Item("other_external_service", "其他对外管理服务事项", _ITEMS_2019, "第二十条第（五）项"),
        Item("administrative_penalty", "行政处罚", _ITEMS_2019, "第二十条第（六）项"),
        Item("administrative_enforcement", "行政强制", _ITEMS_2019, "第二十条第（六）项"),
        Item(
            "administrative_fee", "行政事业性收费", ("items_last_year", "items_change"), "第二十条第（八）项"
        ),
        Item("government_procurement", "政府集中采购", ("projects", "amount_yuan"), "第二十条第（九）项"),
    ),
}
#: table-二 item → the label the parser's fuzzy match scores against (the 2021 wording)
ITEM_MATCH_LABELS: dict[str, str] = {
    "regulation": "规章",
    "normative_document": "行政规范性文件",
    "other_external_service": "其他对外管理服务事项",
    "administrative_license": "行政许可",
    "administrative_penalty": "行政处罚",
    "administrative_enforcement": "行政强制",
    "administrative_fee": "行政事业性收费",
    "government_procurement": "政府集中采购",
}
#: (regex on the cleaned label, item code); longest labels first so 行政规范性文件 wins over 规章
ITEM_KEYS: tuple[tuple[str, str], ...] = (
    (r"^(?:行政)?规范性文件$|^行政规范性文件|^规范性文件", "normative_document"),
    (r"^规章$|^规章制度?$", "regulation"),
    (r"^其他对外管理服务事项|^其他对外管理|对外管理服务事项", "other_external_service"),
    (r"^行政许可$|^行政许可事项?$", "administrative_license"),
    (r"^行政处罚$|^行政处罚事项?$", "administrative_penalty"),
    (r"^行政强制$|^行政强制事项?$", "administrative_enforcement"),
    (r"^行政事业性收费|事业性收费$", "administrative_fee"),
    (r"^政府集中采购|集中采购$", "government_procurement"),
)


# ----------------------------------------------------------------------------- sections
SECTION_TITLES: dict[int, str] = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}
#: section 五 as the 2019 edition titles it
SECTION5_2019 = "五、政府信息公开工作存在的主要问题及改进情况"


# ----------------------------------------------------------------------------- markers
# Words that tell the reader where a table is, which edition it is, and where it ends. Copied
# from the parser (extract/pdf.py TABLE_WORDS, parse/table2.py MARKERS_*, parse/table3.py
# _STOP_WORDS, parse/table4.py _END) so the parser can read them from here.

#: a page naming one of these (spaces removed) holds a table of 二/三/四
TABLE_WORDS: tuple[str, ...] = (
    "第二十条第",
    "信息内容",
    "本年制发",
    "本年新制作",
    "本年处理决定",
    "处理决定数量",
    "行政事业性收费",
    "政府集中采购",
    "勾稽关系",
    "申请人情况",
    "本年新收",
    "上年结转",
    "本年度办理结果",
    "予以公开",
    "部分公开",
    "不予公开",
    "国家秘密",
    "第三方合法权益",
    "内部事务",
    "过程性信息",
    "行政执法案卷",
    "行政查询",
    "无法提供",
    "不掌握",
    "另行制作",
    "补正后",
    "不予处理",
    "信访举报",
    "重复申请",
    "公开出版物",
    "反复申请",
    "其他处理",
    "逾期",
    "结转下年度",
    "结果维持",
    "结果纠正",
    "尚未审结",
    "复议后起诉",
)
#: words of table 二 that only one edition prints (regex alternatives, as the parser counts them)
EDITION_MARKERS: dict[int, tuple[str, ...]] = {
    2021: (
        "本年制发件数",
        "本年废止件数",
        "本年度止件数",
        "现行有效件数",
        "本年收费金额",
        "行政规范性文件",
        "本年处理决定数量",
    ),
    2019: (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/?减",
        "其他对外管理服务",
        "政府集中采购",
        "采购总金额",
    ),
}
#: a line of table 三 naming one of these ends the table
TABLE3_STOP_WORDS: tuple[str, ...] = ("行政复议", "行政诉讼", "存在的主要问题", "其他需要报告")
#: a line naming one of these ends table 四
TABLE4_END_WORDS: tuple[str, ...] = ("存在的主要问题", "其他需要报告", "改进情况", "主要问题")
