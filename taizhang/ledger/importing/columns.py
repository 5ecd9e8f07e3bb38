"""Which ledger column is which: field → header synonyms, and the words used in the cells.

Header synonyms are compared by ``taizhang.core.sheets.locate_header`` after normalisation
(half-width, no whitespace, the unit in brackets removed), so "总投资（亿元）" matches "总投资".
``re.Pattern`` synonyms must match the whole (normalised) header text.
"""

from __future__ import annotations

import functools
import re

from taizhang.core.sheets import Synonym, header_key
from taizhang.ledger.choices import Industry, ListKind, ListLevel, Nature, ProjectType, Stage

_CN_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_RANGE_SEP = r"[-—–~～至到]"
#: A format hint after a date header: "开工时间\n20XX.0X", "(YYYY.MM)", "（年月）".
_DATE_HINT = r"\(?(?:20xx\.0x|20xx\.xx|yyyy\.mm|yyyy-mm|xxxx\.xx|年月|年\.月)\)?"
#: "1-7月", "2022年1-7月", "1至7月份" …
YTD_RANGE = re.compile(rf"(?:(\d{{4}})年(?:度)?)?(?:1|一)?{_RANGE_SEP}(\d{{1,2}})月(?:份|底)?")

FIELDS: dict[str, list[Synonym]] = {
    "seq": ["序号", "排序", "序"],
    "code": [
        "项目编号", "项目代码", "项目统一代码", "统一项目代码", "国家项目代码", "项目编码",
        "投资项目代码", "投资项目统一代码", "备案代码", "项目代码(国家)",
        "审批监管平台代码", "投资项目在线审批监管平台代码", "在线平台代码", "平台代码",
    ],
    "name": ["项目名称", "项目全称", "项目", "名称", "项目名"],
    "owner": [
        "建设单位", "项目业主", "业主单位", "项目单位", "业主", "建设主体", "项目建设单位",
        "建设单位(业主)", "项目业主单位", "实施主体",
    ],
    "nature": ["建设性质", "项目性质"],
    "township": [
        "所属区域", "所属乡镇", "乡镇", "所在乡镇", "乡镇街道", "所属乡镇(街道)", "所在区域",
        "区域", "属地", "所在地", "乡镇(街道)", "所属区域(乡镇)",
    ],
    "address": ["建设地点", "建设地址", "项目地址", "项目地点", "选址"],
    "scale_content": [
        "建设规模及主要内容", "建设内容及规模", "主要建设内容", "建设内容", "建设规模及内容",
        "项目建设内容", "建设规模", "建设规模和主要内容", "主要建设内容及规模",
    ],
    "project_type": ["项目类型", "项目类别", "项目分类"],
    "industry": ["所属行业", "行业", "行业类别", "行业分类", "国民经济行业"],
    "stage": ["建设阶段", "项目阶段", "项目状态", "建设状态", "项目进展阶段"],
    "level": ["项目级别", "项目层级", "级别", "重点项目级别", "层次", "项目层次"],
    "started": ["是否开工", "是否已开工", "开工与否"],
    "planned_total": ["总投资", "计划总投资", "项目总投资", "估算总投资", "总投资额"],
    "before_year": [
        "至上年底累计完成", "至上年底累计完成投资", "截至上年底累计完成投资", "截至上年底累计完成",
        "至上年底累计", "以前年度累计完成投资", "上年底累计完成", "上年底累计完成投资",
        re.compile(r"截?至\d{4}年底累计完成(?:投资)?"),
    ],
    "annual_plan": [
        "年度计划投资", "今年计划投资", "本年计划投资", "年度计划", "年计划投资", "年度投资计划",
        "本年度计划投资", "今年计划", "本年计划",
        re.compile(r"\d{4}年(?:度)?(?:计划投资|投资计划|计划完成投资|计划)"),
    ],
    "ytd": [
        "今年累计完成投资", "本年累计完成投资", "年初至报告期累计完成投资", "年初至今累计完成投资",
        "年初至报告期累计完成", "本年完成投资", "今年完成投资", "年度累计完成投资", "本年累计完成",
        "今年累计完成", "本年累计", "年初至今累计完成",
        re.compile(
            rf"(?:\d{{4}}年(?:度)?)?(?:1|一)?{_RANGE_SEP}{_CN_MONTH}月(?:份|底)?(?:累计)?"
            r"(?:完成(?:投资)?(?:额)?)?(?:累计)?"
        ),
        re.compile(rf"年初至{_CN_MONTH}月(?:底)?累计完成(?:投资)?(?:额)?"),
        re.compile(rf"(?:\d{{4}}年)?{_CN_MONTH}月(?:份|底)?累计完成(?:投资)?(?:额)?"),
    ],
    "month": [
        "本月完成投资", "当月完成投资", "本月完成", "当月完成", "本月", "当月", "本月完成额",
        re.compile(rf"{_CN_MONTH}月(?:份)?(?:当月)?(?:完成(?:投资)?(?:额)?)?"),
    ],
    "pct_plan": ["占年计划", "占年度计划", "完成年度计划比例", "投资完成率", "完成率",
                 "占年计划比例", "年计划完成率"],
    "since_start": [
        "开工至今累计", "开工至今累计完成", "开工至今累计完成投资", "开工至报告期累计完成投资",
        "开工至报告期累计完成", "开工累计完成投资", "自开工累计完成投资", "开工以来累计完成投资",
        "自开工累计完成", "开工累计完成",
        # Without a year in it, a key-project list's 累计完成投资 is since the start.
        "累计完成投资", "累计完成", "累计完成投资额", "累计投资",
    ],
    "pct_total": ["占总投资", "占总投资比例", "完成总投资比例", "累计完成占总投资"],
    "image_progress": [
        "形象进度", "工程形象进度", "项目形象进度", "项目进展情况", "进展情况", "建设进展",
        "形象进度(本月)", "目前形象进度",
    ],
    "planned_start": ["计划开工时间", "计划开工日期", "计划开工", "预计开工时间"],
    "actual_start": ["实际开工时间", "实际开工日期", "开工时间", "开工日期", "实际开工",
                     re.compile(r"开工(?:时间|日期)" + _DATE_HINT)],
    "planned_completion": [
        "计划竣工时间", "计划竣工日期", "计划竣工", "预计竣工时间", "竣工时间", "计划投产时间",
        "计划竣工投产时间", "完工时间", "计划完工时间",
        re.compile(r"(?:计划)?(?:竣工|完工)(?:时间|日期)" + _DATE_HINT),
    ],
    "actual_completion": [
        "实际竣工时间", "实际竣工日期", "实际竣工", "实际竣工投产时间", "实际投产时间",
        "实际完工时间",
    ],
    "leader": [
        "包联领导", "挂钩领导", "包联市领导", "联系领导", "分包领导", "包保领导", "包联县领导",
        "挂包领导", "牵头领导", "分管领导", "包联县级领导", "包联市级领导",
    ],
    "unit": [
        "责任单位", "挂钩责任单位", "包联单位", "牵头单位", "责任部门", "主责单位",
        "包保责任单位", "牵头责任单位",
    ],
    "contact": ["联系人及电话", "联系人及联系方式", "联系人/电话", "联系人及手机",
                "负责人及联系电话", "负责人及电话"],
    "contact_name": ["联系人", "项目联系人", "企业联系人"],
    "contact_phone": ["联系电话", "电话", "联系方式", "手机", "手机号"],
    "problems": [
        "存在问题", "存在的问题", "存在困难和问题", "问题及困难", "存在问题及困难",
        "需协调解决的问题", "存在问题及需协调事项", "存在困难及问题",
    ],
    "next_steps": [
        "下步计划", "下步工作计划", "下一步计划", "下步打算", "节点目标", "下步计划/节点目标",
        "下步计划及节点目标", "下一步工作计划",
    ],
}
REQUIRED = ["name"]

#: Words a sheet writes for an owner or unit not known yet: never an organization's name.
PLACEHOLDERS = frozenset({"待定", "未定", "暂定", "暂无", "无", "不详", "未知", "待明确", "待确定",
                          "-", "—", "/", "\\", "x", "X"})

MONEY_FIELDS = ("planned_total", "before_year", "annual_plan", "ytd", "month", "since_start")
DATE_FIELDS = ("planned_start", "actual_start", "planned_completion", "actual_completion")
#: Long text kept with its line breaks.
BLOCK_FIELDS = ("scale_content", "image_progress", "problems", "next_steps")
#: Single-line text, whitespace collapsed.
LINE_FIELDS = ("code", "name", "owner", "township", "address", "unit", "contact_name",
               "contact_phone")
#: Derived in the sheet (ratios) or only a row number: never imported.
IGNORED_FIELDS = ("seq", "pct_plan", "pct_total")
#: Columns cross-checked against the 合计 row.
TOTAL_CHECKED = ("planned_total", "annual_plan", "ytd", "month")
#: Text columns whose merged cells are copied down over the rows they span.
FILL_DOWN = ("owner", "township", "unit", "leader", "nature", "stage", "project_type",
             "industry", "level", "address")

# ------------------------------------------------------------------ words inside the cells

#: The Chinese words the standard sheet writes (first) and the other words read.
STAGE_WORDS: dict[str, list[str]] = {
    Stage.PLANNING: ["谋划", "储备", "谋划储备", "谋划/储备", "谋划项目", "储备项目", "策划"],
    Stage.PRELIMINARY: ["前期", "前期工作", "前期项目", "筹建"],
    Stage.UNDER_CONSTRUCTION: ["在建", "新开工", "续建", "开工", "施工", "建设中", "在建项目",
                               "新开工项目", "续建项目", "复工"],
    Stage.COMPLETED: ["竣工投产", "竣工", "投产", "建成", "完工", "竣工项目", "建成投产"],
    Stage.ON_HOLD: ["暂缓", "停工", "缓建", "暂停"],
    Stage.CANCELLED: ["终止", "取消", "撤销"],
}
NATURE_WORDS: dict[str, list[str]] = {
    Nature.NEW: ["新建"],
    Nature.EXPANSION: ["扩建", "改扩建"],
    Nature.RECONSTRUCTION: ["改建", "改造"],
    Nature.RELOCATION: ["迁建", "搬迁"],
    Nature.RESTORATION: ["恢复", "恢复建设"],
    Nature.PURCHASE: ["单纯购置", "购置"],
    Nature.TECH_UPGRADE: ["技术改造", "技改"],
}
TYPE_WORDS: dict[str, list[str]] = {
    ProjectType.INDUSTRY: ["产业", "产业项目", "工业", "工业项目"],
    ProjectType.INFRASTRUCTURE: ["基础设施", "基础设施项目", "基建"],
    ProjectType.SOCIAL: ["社会事业", "社会事业项目", "民生", "民生项目"],
    ProjectType.REAL_ESTATE: ["房地产", "房地产开发", "房地产项目"],
    ProjectType.SERVICES: ["现代服务业", "服务业", "服务业项目"],
    ProjectType.AGRICULTURE: ["农业", "农业项目", "农业农村"],
    ProjectType.OTHER: ["其他", "其它"],
}
#: GB/T 4754-2017 sections: the official name first, then the short forms in use.
INDUSTRY_WORDS: dict[str, list[str]] = {
    Industry.A: ["农、林、牧、渔业", "农林牧渔", "农业"],
    Industry.B: ["采矿业", "采矿"],
    Industry.C: ["制造业", "制造", "工业"],
    Industry.D: ["电力、热力、燃气及水生产和供应业", "电力热力燃气及水", "能源"],
    Industry.E: ["建筑业", "建筑"],
    Industry.F: ["批发和零售业", "批发零售"],
    Industry.G: ["交通运输、仓储和邮政业", "交通运输仓储邮政", "交通运输", "物流"],
    Industry.H: ["住宿和餐饮业", "住宿餐饮"],
    Industry.I: ["信息传输、软件和信息技术服务业", "信息技术服务", "信息技术"],
    Industry.J: ["金融业", "金融"],
    Industry.K: ["房地产业", "房地产"],
    Industry.L: ["租赁和商务服务业", "租赁商务服务"],
    Industry.M: ["科学研究和技术服务业", "科研技术服务"],
    Industry.N: ["水利、环境和公共设施管理业", "水利环境公共设施", "水利", "公共设施"],
    Industry.O: ["居民服务、修理和其他服务业", "居民服务修理"],
    Industry.P: ["教育"],
    Industry.Q: ["卫生和社会工作", "卫生社会工作", "卫生"],
    Industry.R: ["文化、体育和娱乐业", "文化体育娱乐", "文旅", "文化旅游"],
    Industry.S: ["公共管理、社会保障和社会组织", "公共管理社会组织", "公共管理"],
    Industry.T: ["国际组织"],
}
#: Key lists: (level, kind) → words; the first is written by the standard sheet.
LEVEL_WORDS: dict[tuple[str, str], list[str]] = {
    (ListLevel.PROVINCE, ListKind.KEY): ["省重点", "省级重点", "省重点项目"],
    (ListLevel.PROVINCE, ListKind.PRESTAGE): ["省重点前期", "省前期", "省重点前期项目"],
    (ListLevel.PREFECTURE, ListKind.KEY): ["市重点", "设区市重点", "市重点项目"],
    (ListLevel.PREFECTURE, ListKind.PRESTAGE): ["市重点前期", "市前期"],
    (ListLevel.COUNTY, ListKind.KEY): ["县重点", "县级重点", "县(市)重点", "县市重点",
                                       "市级重点", "县重点项目"],
    (ListLevel.COUNTY, ListKind.PRESTAGE): ["县重点前期", "县前期", "县级重点前期"],
}
LEVEL_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def word_key(text: object) -> str:
    """Comparison key for a word in a cell: half-width, no spaces or list punctuation."""
    if type(text) is str:
        return _text_word_key(text)  # the same few words on every row of a sheet
    return _LIST_MARKS.sub("", header_key(text))


_LIST_MARKS = re.compile(r"[、,，和及与·]")


@functools.lru_cache(maxsize=4096)
def _text_word_key(text: str) -> str:
    return _LIST_MARKS.sub("", header_key(text))


def _index(table: dict, *, strip_suffix: str = "") -> dict[str, object]:
    index: dict[str, object] = {}
    for value, words in table.items():
        for word in words:
            key = word_key(word)
            index.setdefault(key, value)
            if strip_suffix and key.endswith(strip_suffix):
                index.setdefault(key[: -len(strip_suffix)], value)
        index.setdefault(str(value).casefold(), value)
    return index


#: 建设性质 as key-project lists use it: besides the nature of construction (新建, 扩建 …)
#: they write where the project stands this year.  Those words set the stage (a 建设阶段
#: column, if there is one, wins) and leave the nature to its default (新建) — except
#: 新开工, which is both: a new project starting this year.
NATURE_STAGE_WORDS: dict[str, tuple[str | None, str]] = {
    "续建": (None, Stage.UNDER_CONSTRUCTION),
    "续建项目": (None, Stage.UNDER_CONSTRUCTION),
    "在建": (None, Stage.UNDER_CONSTRUCTION),
    "新开工": (Nature.NEW, Stage.UNDER_CONSTRUCTION),
    "新开工项目": (Nature.NEW, Stage.UNDER_CONSTRUCTION),
    "竣工": (None, Stage.COMPLETED),
    "竣工投产": (None, Stage.COMPLETED),
    "建成投产": (None, Stage.COMPLETED),
    "投产": (None, Stage.COMPLETED),
    "前期": (None, Stage.PRELIMINARY),
    "预备": (None, Stage.PRELIMINARY),
    "预备项目": (None, Stage.PRELIMINARY),
}
YES_WORDS = frozenset({"是", "已开工", "开工", "y", "yes", "√", "✓"})
NO_WORDS = frozenset({"否", "未开工", "n", "no", "×", "✗"})

STAGE_INDEX = _index(STAGE_WORDS)
NATURE_INDEX = _index(NATURE_WORDS)
TYPE_INDEX = _index(TYPE_WORDS)
INDUSTRY_INDEX = _index(INDUSTRY_WORDS, strip_suffix="业")
LEVEL_INDEX = _index(LEVEL_WORDS)


def sheet_word(table: dict, value: object) -> str:
    """The word the standard sheet writes for a choice value ("" when unknown/blank)."""
    words = table.get(value)
    return words[0] if words else ""
