"""Static tables of the Qian'an 2022 demo: places, units, banks and leaders
(the name parts every scenario draws from are in `common/names.py`).

Only the places and the four named projects are real; every company, person, phone number
and code here is invented (codes are shaped to the national standards, nothing more).
"""

from __future__ import annotations

from datetime import date

SCENARIO = "qianan-2022"
SEED = 2022
YEAR = 2022
PASSWORD = "demo2022"

PROVINCE = ("130000", "河北省")
PREFECTURE = ("130200", "唐山市")
COUNTY = ("130283", "迁安市")

# Streets 0xx, towns 1xx, townships 2xx, the development zone 4xx (statistical township codes).
TOWNSHIPS: list[tuple[str, str]] = [
    ("130283001", "永顺街道"),
    ("130283002", "兴安街道"),
    ("130283003", "滨河街道"),
    ("130283004", "杨店子街道"),
    ("130283100", "迁安镇"),
    ("130283101", "夏官营镇"),
    ("130283102", "杨各庄镇"),
    ("130283103", "建昌营镇"),
    ("130283104", "赵店子镇"),
    ("130283105", "野鸡坨镇"),
    ("130283106", "大崔庄镇"),
    ("130283107", "沙河驿镇"),
    ("130283108", "木厂口镇"),
    ("130283109", "马兰庄镇"),
    ("130283110", "蔡园镇"),
    ("130283200", "五重安乡"),
    ("130283201", "大五里乡"),
    ("130283202", "闫家店乡"),
    ("130283203", "彭店子乡"),
    ("130283204", "上射雁庄乡"),
    ("130283205", "太平庄乡"),
    ("130283400", "迁安经济开发区"),
]
URBAN = ["永顺街道", "兴安街道", "滨河街道", "杨店子街道"]
INDUSTRIAL = ["迁安经济开发区", "杨店子街道", "木厂口镇", "野鸡坨镇", "沙河驿镇", "夏官营镇",
              "蔡园镇", "赵店子镇", "马兰庄镇"]
RURAL = [name for _code, name in TOWNSHIPS if name not in URBAN and name != "迁安经济开发区"]

OFFICE = "迁安市重点项目办"
DEPARTMENTS = [
    "迁安市发改局", "迁安市工信局", "迁安市自然资源和规划局", "迁安市住建局", "迁安市生态环境局",
    "迁安市交通运输局", "迁安市商务局", "迁安市行政审批局", "迁安市水务局", "迁安市农业农村局",
    "迁安市文旅局", "迁安市教育局", "迁安市卫健局", "迁安市民政局", "迁安市应急管理局",
    "迁安市城管局", "迁安市科技局",
]
BANKS = [
    "唐山银行迁安支行", "中国农业银行迁安市支行", "中国工商银行迁安支行", "中国建设银行迁安支行",
    "河北迁安农村商业银行营业部",
]
# State-owned platforms that build the city's infrastructure (owners, kind enterprise).
PLATFORMS = {
    "city": "迁安市城市建设投资发展有限公司",
    "transport": "迁安市交通投资建设有限公司",
    "water": "迁安市水务投资有限公司",
    "bus": "迁安市公共交通有限公司",
}

# (name, title): the city leaders in charge of projects (包联领导). Invented names.
LEADERS: list[tuple[str, str]] = [
    ("周立新", "市委书记"),
    ("孙建华", "市委副书记、市长"),
    ("韩志勇", "市委常委、常务副市长"),
    ("郑晓东", "市委常委、副市长"),
    ("冯德全", "副市长"),
    ("杨宏伟", "副市长"),
    ("许明哲", "副市长"),
    ("曹玉梅", "副市长"),
    ("吕振江", "市委常委、组织部部长"),
    ("苏海峰", "市委常委、宣传部部长"),
    ("魏长青", "市委常委、政法委书记"),
    ("邓立国", "市委常委、统战部部长"),
    ("谢文斌", "市委常委、纪委书记"),
    ("唐国栋", "市人大常委会主任"),
    ("罗春生", "市政协主席"),
]
DEMO_LEADER = "冯德全"  # in charge of 唐山燕阳冷轧镀锌 and the other steel projects

# The article's named projects and their owners (codes invented).
XINDA = "河北鑫达钢铁产能减量置换转型升级"
ZHONGRONG = "中溶科技7500Nm³/h制氢"
SHOUGANG = "首钢智新高性能取向硅钢"
YANYANG = "唐山燕阳冷轧镀锌"
XINDA_OWNER = "河北鑫达钢铁集团有限公司"
ZHONGRONG_OWNER = "中溶科技股份有限公司"
SHOUGANG_OWNER = "首钢智新迁安电磁材料有限公司"
YANYANG_OWNER = "唐山燕阳冷轧板带有限公司"

# Key lists of 2022: (level, kind) → (name, applied_on, decided_on).
LISTS = {
    ("county", "key"): ("2022年迁安市重点项目", date(2022, 1, 6), date(2022, 2, 18)),
    ("province", "key"): ("2022年河北省重点建设项目", date(2022, 1, 10), date(2022, 2, 25)),
    ("province", "prestage"): ("2022年河北省重点前期项目", date(2022, 1, 12), date(2022, 3, 8)),
    ("prefecture", "key"): ("2022年唐山市重点建设项目", date(2022, 1, 14), date(2022, 3, 2)),
    ("prefecture", "prestage"): ("2022年唐山市重点前期项目", date(2022, 6, 20), None),
}

COMPANY_PREFIX = [("迁安市", 45), ("唐山", 25), ("河北", 20), ("迁安", 10)]

VILLAGES = ["东庄", "西庄", "北屯", "南营", "王庄子", "刘官营", "李家峪", "前店子", "后店子",
            "大杨庄", "小杨庄", "马家沟", "上庄坨", "下庄坨", "孙家庄", "赵庄", "周官营", "新立庄",
            "高家店", "石门", "团汪", "黄台山", "双城子", "郭庄子", "徐流营", "董庄"]
ROADS = ["钢城大街", "燕山大路", "惠宁大街", "阜安大路", "兴安大街", "永顺路", "和平路",
         "庙岭路", "滨河东路", "滨河西路", "三里河路", "栖霞路", "杨店子路", "青年路",
         "黄台山路", "迎宾路", "野兴路", "学府路"]
ESTATES = ["御景园", "锦绣华府", "滨河湾", "翡翠城", "悦澜庭", "书香苑", "和园", "金域华庭",
           "春晓苑", "观澜府", "紫云台", "润泽园", "云栖湾", "明珠花园", "学府壹号", "钢城印象",
           "三里河畔", "黄台山庄", "和悦府", "阳光里", "清河园", "东方名邸", "栖霞苑", "盛世华庭",
           "锦华苑", "璟园", "澜山府", "水岸名居", "香榭里", "丽景湾", "北辰郡", "燕山府"]
ORDINALS = "一二三四五六七八九十"

# Winter Olympics (Feb 2022) and the April 2022 lockdown in Tangshan slowed sites down.
MONTH_WEIGHTS = {1: 0.45, 2: 0.25, 3: 0.85, 4: 0.7, 5: 1.2, 6: 1.35, 7: 1.3, 8: 1.3}
MONTH_NOTES = {
    2: "冬奥会期间按大气污染防治管控要求暂停土石方及室外喷涂作业",
    4: "受疫情防控影响，部分外地施工人员和设备进场受阻",
}

# Why the office returned some 2022-08 reports.
RETURN_REASONS = [
    "本月完成投资与形象进度描述不符，请核实后重新填报",
    "未上传现场施工照片，请补充后重新提交",
    "存在问题未填写解决措施，请补充",
]

# Demo users: username → (role, what to try). The organisation/person is set by the builder.
DEMO_USERS = [
    ("office", "office_admin", "催报 2022-08（未报、迟报、提醒）、审核月报、编辑台账"),
    ("leader", "leader", "只看本人包联的项目（含唐山燕阳冷轧镀锌）"),
    ("unit", "unit_staff", "只看本单位负责的项目"),
    ("owner", "owner", "填报 2022-08 月报（本企业 3 个项目，尚未填报；催报后见通知）"),
    ("bank", "bank", "看不到台账数据；首页：已发布的融资需求、本行贷款意向和贷款"),
    ("viewer", "viewer", "只读浏览迁安市全部项目"),
]
# Other owners' accounts (same password): they submitted the 2022-08 reports awaiting review.
EXTRA_OWNER_USERS = ["owner2", "owner3", "owner4"]
