"""Project templates of the Qian'an 2022 demo: how invented project names and contents look.

A template fills `{b}` (the owner's trade name), `{t}` (township), `{r}`/`{r2}` (roads),
`{e}` (estate), `{o}` (ordinal), `{v}` (village) and its own numeric parameters. `owner` is an
enterprise-name suffix, or `platform:<key>`, `dept:<name>`, `township` (the township's
government). `works` picks the image-progress phrases of the monthly reports.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from taizhang.scenarios.qianan import data as D


@dataclass(frozen=True)
class Template:
    name: str
    scale: str
    industry: str  # GB/T 4754 section
    division: str  # GB/T 4754 two-digit division (the project code's DD)
    ptype: str
    nature: str
    owner: str
    units: tuple[str, ...]
    total: tuple[int, int]  # planned total range, 万元
    count: int
    place: str = "industrial"  # industrial | urban | rural | any
    works: str = "factory"
    params: dict[str, Any] = field(default_factory=dict)


def T(name: str, scale: str, ind: str, dd: str, ptype: str, nature: str, owner: str,
      units: Sequence[str], total: tuple[int, int], count: int, **kw: Any) -> Template:
    return Template(name, scale, ind, dd, ptype, nature, owner, tuple(units), total, count, **kw)


IND, INFRA, SOC, RE, SERV, AGRI = ("industry", "infrastructure", "social", "real_estate",
                                   "services", "agriculture")
GX, FG, ZJ, JT, SW, NY, WL, JY, WJ = ("迁安市工信局", "迁安市发改局", "迁安市住建局",
                                      "迁安市交通运输局", "迁安市水务局", "迁安市农业农村局",
                                      "迁安市文旅局", "迁安市教育局", "迁安市卫健局")
TWN = "township"
_N_SMALL = [5, 6, 8, 10, 12, 15, 20]
_N_MID = [10, 15, 20, 30, 40, 50, 60]
_FAC = "占地{m}亩，新建生产车间及配套用房{a}平方米，购置{eq}等主要设备{k}台（套），"

INDUSTRY_TEMPLATES: list[Template] = [
    # --- steel deep processing and new materials (manufacturing) -------------------------
    T("{b}年产{n}万吨高强度冷轧带钢项目", _FAC + "达产后年产高强度冷轧带钢{n}万吨。",
      "C", "31", IND, "new", "冷轧板带", [GX, TWN], (30000, 160000), 3,
      params={"n": _N_MID, "eq": "酸洗-轧机联合机组、罩式退火炉"}),
    T("{b}年产{n}万吨精密焊管项目", _FAC + "建成精密焊管生产线{l}条，年产精密焊管{n}万吨。",
      "C", "31", IND, "new", "管业", [GX, TWN], (8000, 40000), 3,
      params={"n": _N_SMALL, "eq": "高频焊管机组、定径机", "l": [2, 3, 4]}),
    T("{b}年产{n}万吨热镀锌钢管项目", _FAC + "建设热镀锌钢管生产线{l}条。",
      "C", "31", IND, "expansion", "管业", [GX, TWN], (8000, 35000), 2,
      params={"n": _N_MID, "eq": "热镀锌线、锌烟收集处理装置", "l": [2, 3, 4]}),
    T("{b}年产{n}万吨冷弯型钢项目", _FAC + "年产冷弯型钢{n}万吨。",
      "C", "31", IND, "new", "型钢", [GX, TWN], (6000, 30000), 2,
      params={"n": _N_SMALL, "eq": "冷弯成型机组、锯切线"}),
    T("{b}年产{n}万吨家电用彩涂板项目", _FAC + "建设彩涂生产线{l}条，年产彩涂板{n}万吨。",
      "C", "31", IND, "new", "金属材料", [GX, TWN], (12000, 60000), 2,
      params={"n": _N_MID, "eq": "辊涂机、固化炉", "l": [1, 2]}),
    T("{b}年产{n}万吨预应力钢绞线项目", _FAC + "年产预应力钢绞线{n}万吨。",
      "C", "33", IND, "new", "金属制品", [GX, TWN], (6000, 25000), 2,
      params={"n": _N_SMALL, "eq": "拉丝机、稳定化机组"}),
    T("{b}年产{n}万吨高端紧固件项目", _FAC + "年产高强度紧固件{n}万吨。",
      "C", "34", IND, "new", "紧固件", [GX, TWN], (5000, 20000), 2,
      params={"n": [2, 3, 5, 8], "eq": "多工位冷镦机、网带式热处理线"}),
    T("{b}年产{n}万吨钢结构构件项目", _FAC + "年产建筑及桥梁钢结构构件{n}万吨。",
      "C", "33", IND, "new", "钢结构", [GX, TWN, FG], (8000, 40000), 4,
      params={"n": _N_MID, "eq": "数控切割机、H型钢组立机、抛丸机"}),
    T("{b}年产{n}万立方米装配式建筑构件项目", _FAC + "建设PC构件自动化生产线{l}条。",
      "C", "30", IND, "new", "装配式建筑科技", [ZJ, GX, TWN], (8000, 30000), 4,
      params={"n": [10, 15, 20, 30], "eq": "自动布料机、养护窑、模台循环系统",
              "l": [2, 3, 4]}),
    T("{b}年产{n}万吨钢渣微粉综合利用项目", _FAC + "年处理钢渣{n}万吨，生产钢渣微粉。",
      "C", "42", IND, "new", "环保科技", [GX, "迁安市生态环境局", TWN], (6000, 30000), 2,
      params={"n": [30, 40, 60, 80, 100], "eq": "立磨、选粉机、除铁器"}),
    T("{b}年产{n}亿块固废综合利用新型墙材项目", _FAC + "利用尾矿、钢渣等固废年产新型墙材{n}亿块。",
      "C", "30", IND, "new", "新型建材", [GX, TWN], (5000, 20000), 2,
      params={"n": [1, 2, 3], "eq": "全自动液压砖机、蒸压釜"}),
    T("{b}年产{n}万立方米蒸压加气混凝土砌块项目", _FAC + "年产加气混凝土砌块{n}万立方米。",
      "C", "30", IND, "new", "建材", [GX, TWN], (5000, 15000), 1,
      params={"n": [30, 40, 50, 60], "eq": "切割机组、蒸压釜"}),
    T("{b}年产{n}万吨高端耐火材料项目", _FAC + "年产不定形耐火材料及功能耐材{n}万吨。",
      "C", "30", IND, "new", "耐火材料", [GX, TWN], (8000, 35000), 3,
      params={"n": [5, 8, 10, 15, 20], "eq": "高压压砖机、隧道窑"}),
    T("{b}年产{n}万吨锂电池负极材料项目", _FAC + "年产人造石墨负极材料{n}万吨。",
      "C", "30", IND, "new", "新能源材料", [GX, FG, TWN], (40000, 180000), 3,
      params={"n": [2, 3, 5, 10], "eq": "石墨化炉、造粒釜、粉碎整形系统"}),
    T("{b}年产{n}吨高纯石墨项目", _FAC + "年产高纯石墨{n}吨。",
      "C", "30", IND, "new", "碳素", [GX, TWN], (15000, 60000), 1,
      params={"n": [5000, 8000, 10000, 20000], "eq": "提纯炉、气流磨"}),
    T("{b}年产{n}万套汽车零部件项目", _FAC + "年产汽车底盘及车身冲焊件{n}万套。",
      "C", "36", IND, "new", "汽车零部件", [GX, TWN], (10000, 50000), 4,
      params={"n": [20, 30, 50, 80, 100], "eq": "伺服压力机、焊接机器人"}),
    T("{b}年产{n}台（套）矿山机械装备项目", _FAC + "年产破碎、磨矿及选别装备{n}台（套）。",
      "C", "35", IND, "new", "重工机械", [GX, TWN], (8000, 40000), 2,
      params={"n": [300, 500, 800, 1000], "eq": "数控龙门铣、焊接机器人"}),
    T("{b}年产{n}万吨风电塔筒及法兰项目", _FAC + "年产风电塔筒及法兰{n}万吨。",
      "C", "34", IND, "new", "重工", [GX, FG, TWN], (15000, 60000), 3,
      params={"n": [5, 8, 10, 15], "eq": "卷板机、环轧机、埋弧焊机"}),
    T("{b}年产{n}万吨光伏支架项目", _FAC + "年产光伏支架及配件{n}万吨。",
      "C", "33", IND, "new", "新能源科技", [GX, TWN], (6000, 25000), 2,
      params={"n": [5, 8, 10, 20], "eq": "冷弯成型机、热镀锌线"}),
    T("{b}年产{n}万吨耐磨钢球项目", _FAC + "年产耐磨钢球{n}万吨。",
      "C", "33", IND, "new", "耐磨材料", [GX, TWN], (5000, 15000), 2,
      params={"n": [3, 5, 8, 10], "eq": "斜轧钢球机、淬火回火线"}),
    T("{b}年产{n}万吨焊丝焊材项目", _FAC + "年产实心焊丝及药芯焊丝{n}万吨。",
      "C", "33", IND, "new", "焊材", [GX, TWN], (5000, 20000), 1,
      params={"n": [3, 5, 8, 10], "eq": "拉丝机、镀铜机组、层绕机"}),
    T("{b}年产{n}万吨高端模具钢深加工项目", _FAC + "年产模具钢模块及精加工件{n}万吨。",
      "C", "31", IND, "new", "特钢", [GX, TWN], (10000, 45000), 1,
      params={"n": [3, 5, 8], "eq": "锻压机、数控铣床、真空热处理炉"}),
    T("{b}年产{n}万吨再生铝合金项目", _FAC + "年产再生铝合金锭{n}万吨。",
      "C", "32", IND, "new", "铝业", [GX, TWN], (10000, 40000), 1,
      params={"n": [10, 15, 20], "eq": "双室熔炼炉、铸锭机"}),
    T("{b}年产{n}万吨工业铝型材项目", _FAC + "年产工业铝型材{n}万吨。",
      "C", "32", IND, "new", "铝业", [GX, TWN], (8000, 30000), 1,
      params={"n": [3, 5, 8], "eq": "挤压机、时效炉、喷涂线"}),
    T("{b}年产{n}万吨电工钢深加工项目", _FAC + "年产电工钢纵剪、横剪及冲片产品{n}万吨。",
      "C", "31", IND, "new", "电工材料", [GX, TWN], (8000, 40000), 3,
      params={"n": [5, 8, 10, 15], "eq": "纵剪机组、高速冲床"}),
    T("{b}年产{n}万吨板栗深加工项目", _FAC + "年加工京东板栗{n}万吨，生产即食栗仁、栗子饮品等。",
      "C", "13", IND, "new", "食品", [NY, TWN], (5000, 20000), 2, place="rural",
      params={"n": [1, 2, 3, 5], "eq": "脱壳机、杀菌釜、包装线"}),
    T("{b}年产{n}万吨饲料项目", _FAC + "年产配合饲料{n}万吨。",
      "C", "13", IND, "new", "饲料", [NY, TWN], (5000, 15000), 1, place="rural",
      params={"n": [10, 20, 30], "eq": "制粒机、膨化机"}),
    T("{b}年产{n}万吨特种纸项目", _FAC + "年产特种纸{n}万吨。",
      "C", "22", IND, "expansion", "纸业", [GX, TWN], (10000, 40000), 1,
      params={"n": [5, 8, 10], "eq": "长网多缸造纸机、复卷机"}),
    T("{b}年产{n}万吨聚羧酸高性能减水剂项目", _FAC + "年产聚羧酸减水剂{n}万吨。",
      "C", "26", IND, "new", "建材科技", [GX, "迁安市应急管理局", TWN], (5000, 12000), 1,
      params={"n": [5, 10, 15], "eq": "反应釜、复配罐"}),
    T("{b}年产{n}万吨活性石灰项目", _FAC + "建设回转窑{l}座，年产冶金活性石灰{n}万吨。",
      "C", "30", IND, "new", "冶金辅料", [GX, TWN], (8000, 30000), 1,
      params={"n": [30, 50, 60], "eq": "回转窑、竖式预热器", "l": [1, 2]}),
    T("{b}年产{n}万吨废钢加工配送项目", _FAC + "年加工配送废钢{n}万吨。",
      "C", "42", IND, "new", "再生资源", [GX, "迁安市商务局", TWN], (5000, 20000), 2,
      params={"n": [30, 50, 80, 100], "eq": "龙门剪、破碎线、打包机"}),
    T("{b}年产{n}套氢燃料电池动力系统项目", _FAC + "年产氢燃料电池动力系统{n}套。",
      "C", "38", IND, "new", "氢能科技", [GX, FG, "迁安市科技局"], (20000, 80000), 1,
      params={"n": [1000, 2000, 3000], "eq": "电堆组装线、测试台"}),
    T("{b}年产{n}万套新能源汽车电机铁芯项目", _FAC + "年产电机定转子铁芯{n}万套。",
      "C", "38", IND, "new", "电机科技", [GX, TWN], (10000, 40000), 2,
      params={"n": [50, 100, 150, 200], "eq": "高速冲床、自动叠压机"}),
    T("{b}烧结机烟气超低排放改造项目",
      "对{l}台烧结机烟气治理设施提标改造，新建SCR脱硝及湿式电除尘系统，颗粒物、二氧化硫、"
      "氮氧化物排放浓度分别不高于10、35、50毫克/立方米。",
      "C", "31", IND, "tech_upgrade", "钢铁", [GX, "迁安市生态环境局"], (6000, 30000), 5,
      works="upgrade", params={"l": [1, 2, 3]}),
    T("{b}全流程智能化升级改造项目",
      "建设智能集控中心及工业互联网平台，对炼铁、炼钢、轧钢工序实施自动化、信息化改造。",
      "C", "31", IND, "tech_upgrade", "钢铁", [GX, "迁安市科技局"], (20000, 80000), 2,
      works="upgrade"),
    T("{b}原料场全封闭改造项目",
      "对原料场实施全封闭改造，新建封闭料棚{a}平方米及配套输送、喷淋抑尘设施。",
      "C", "31", IND, "tech_upgrade", "钢铁", [GX, "迁安市生态环境局"], (8000, 40000), 2,
      works="upgrade"),
    T("{b}清洁运输铁路专用线项目",
      "新建铁路专用线{km}公里及装卸站台，大宗物料铁路运输比例提高到80%以上。",
      "G", "53", INFRA, "new", "钢铁", [JT, FG], (20000, 90000), 2, works="linear",
      params={"km": [4.5, 6.2, 8.6, 12.3]}),
    T("{b}余热余压综合利用发电项目",
      "新建{mw}MW高温超高压煤气发电机组，年发电量约{g}万千瓦时。",
      "D", "44", IND, "new", "钢铁", [GX, FG], (15000, 60000), 2, works="upgrade",
      params={"mw": [50, 65, 80, 135], "g": [36000, 46000, 56000, 92000]}),
    T("{b}年产{n}万吨氧化球团项目", _FAC + "建设链箅机-回转窑球团生产线{l}条。",
      "C", "31", IND, "tech_upgrade", "钢铁", [GX, TWN], (20000, 70000), 1,
      params={"n": [120, 200, 240], "eq": "链箅机、回转窑、环冷机", "l": [1]}),
    T("{b}年产{n}万吨球墨铸铁管项目", _FAC + "年产球墨铸铁管{n}万吨。",
      "C", "33", IND, "new", "管业", [GX, TWN], (15000, 50000), 1,
      params={"n": [10, 20, 30], "eq": "离心铸管机、退火炉"}),
    T("{b}年产{n}万吨精密铸件项目", _FAC + "年产精密铸件{n}万吨。",
      "C", "33", IND, "new", "精密铸造", [GX, TWN], (6000, 25000), 2,
      params={"n": [1, 2, 3, 5], "eq": "中频感应炉、造型线"}),
    T("{b}年产{n}台（套）智能仓储物流装备项目", _FAC + "年产立体货架及输送分拣装备{n}台（套）。",
      "C", "34", IND, "new", "智能装备", [GX, TWN], (8000, 30000), 1,
      params={"n": [2000, 3000, 5000], "eq": "激光切割机、折弯机"}),
    T("{b}年产{n}万吨高性能锌铝镁镀层板项目", _FAC + "年产锌铝镁镀层板{n}万吨。",
      "C", "31", IND, "new", "冷轧板带", [GX, TWN], (30000, 120000), 3,
      params={"n": [30, 40, 50], "eq": "连续热镀锌机组、光整拉矫机"}),
    T("{b}尾矿综合利用年产{n}万吨机制砂石骨料项目", _FAC + "年处理尾矿{n}万吨，生产机制砂及骨料。",
      "C", "42", IND, "new", "资源综合利用", [GX, "迁安市自然资源和规划局", TWN],
      (8000, 40000), 4, params={"n": [100, 200, 300, 500], "eq": "圆锥破碎机、制砂机、筛分机"}),
    T("{b}加氢站建设项目", "新建日加氢能力{n}公斤的加氢站1座，配套压缩机、储氢瓶组及加注设备。",
      "F", "52", SERV, "new", "氢能", [FG, "迁安市城管局", TWN], (1500, 5000), 2,
      works="upgrade", params={"n": [500, 1000, 2000]}),
    T("{b}{n}Nm³/h空分装置项目", _FAC + "建设{n}Nm³/h空分装置，为周边钢铁企业供应氧、氮、氩气。",
      "C", "26", IND, "new", "工业气体", [GX, TWN], (15000, 50000), 1,
      params={"n": [20000, 40000, 60000], "eq": "空压机、分馏塔、液体贮槽"}),
    T("{b}焦炉煤气综合利用制氢项目", _FAC + "利用焦炉煤气年产高纯氢{n}万立方米。",
      "C", "25", IND, "new", "焦化", [GX, FG, TWN], (20000, 80000), 1,
      params={"n": [3000, 5000, 8000], "eq": "变压吸附装置、压缩机"}),
    T("{b}年产{n}万吨针状焦项目", _FAC + "年产针状焦{n}万吨。",
      "C", "25", IND, "new", "焦化", [GX, FG, TWN], (40000, 150000), 1,
      params={"n": [10, 15, 20], "eq": "延迟焦化装置、煅烧炉"}),
    # --- mining --------------------------------------------------------------------------
    T("{b}铁矿{n}万吨/年采选扩能改造项目",
      "建设地下开采系统及选矿厂，采选规模由{n0}万吨/年提高到{n}万吨/年。",
      "B", "08", IND, "expansion", "矿业", ["迁安市自然资源和规划局", TWN], (20000, 120000), 3,
      place="rural", works="mine", params={"n": [200, 300, 500], "n0": [100, 150]}),
    T("{b}铁矿露天转地下开采项目", "建设竖井、斜坡道及井下破碎系统，形成地下开采能力{n}万吨/年。",
      "B", "08", IND, "reconstruction", "矿业", ["迁安市自然资源和规划局", TWN],
      (30000, 150000), 2, place="rural", works="mine", params={"n": [150, 200, 300]}),
    T("{b}绿色矿山建设项目", "对矿区道路、排土场、尾矿库实施绿化及粉尘治理，建设智能监控系统。",
      "B", "08", IND, "reconstruction", "矿业", ["迁安市自然资源和规划局", TWN], (3000, 12000),
      2, place="rural", works="mine"),
    T("{b}年产{n}万吨高品位铁精粉项目", "建设选矿厂1座，年产品位68%以上铁精粉{n}万吨。",
      "B", "08", IND, "new", "矿业", ["迁安市自然资源和规划局", TWN], (10000, 40000), 1,
      place="rural", works="mine", params={"n": [50, 80, 100]}),
    T("{t}废弃矿山生态修复治理项目", "治理废弃矿山{m}亩，实施削坡整形、覆土复绿及截排水工程。",
      "N", "77", INFRA, "restoration", "township", ["迁安市自然资源和规划局", TWN], (2000, 10000),
      2, place="rural", works="farm"),
    # --- energy -------------------------------------------------------------------------
    T("{b}{n}MW分布式光伏发电项目",
      "利用厂房屋顶建设分布式光伏电站，装机容量{n}MW，年均发电量约{g}万千瓦时。",
      "D", "44", IND, "new", "新能源", [FG, TWN], (2500, 7000), 6, works="solar",
      params={"n": [10, 15, 20, 30], "g": [1200, 1800, 2400, 3600]}),
    T("{t}{n}MW农光互补光伏发电项目",
      "利用荒山荒坡建设光伏电站，装机容量{n}MW，配套建设110千伏升压站。",
      "D", "44", IND, "new", "新能源", [FG, TWN], (20000, 80000), 2, place="rural",
      works="solar", params={"n": [50, 100, 150]}),
    T("{b}{n}MW/{n2}MWh独立储能电站项目", "建设磷酸铁锂储能电站，规模{n}MW/{n2}MWh。",
      "D", "44", IND, "new", "储能科技", [FG, TWN], (20000, 70000), 2, works="solar",
      params={"n": [100, 200], "n2": [200, 400]}),
    T("迁安市{area}集中供热管网改造工程",
      "改造一级供热管网{km}公里、换热站{k}座，新增供热面积{a2}万平方米。",
      "D", "44", INFRA, "reconstruction", "platform:city", [ZJ, "迁安市城管局"], (5000, 25000), 2,
      place="urban", works="pipe",
      params={"area": ["城区东部", "城区西部", "城北"], "km": [8.5, 12.6, 16.8], "k": [12, 18, 26],
              "a2": [80, 120, 160]}),
    T("{b}天然气高压管线及门站建设项目", "新建高压燃气管线{km}公里及门站1座、调压站{k}座。",
      "D", "45", INFRA, "new", "燃气", [ZJ, FG], (8000, 30000), 1, place="any", works="pipe",
      params={"km": [18.5, 26.3, 32.0], "k": [2, 3, 4]}),
    T("{t}{n}MW风电场项目", "安装单机容量{u}MW风电机组{k}台，总装机{n}MW，配套建设升压站。",
      "D", "44", IND, "new", "新能源", [FG, TWN], (40000, 90000), 1, place="rural", works="solar",
      params={"n": [50, 100], "u": [4.0, 5.0], "k": [10, 20, 25]}),
    T("{b}生物质热电联产项目",
      "建设{n}吨/小时生物质锅炉及{mw}MW汽轮发电机组，年消纳秸秆等农林废弃物约{w}万吨。",
      "D", "44", IND, "new", "热电", [FG, TWN], (20000, 50000), 1, place="rural",
      params={"n": [75, 130], "mw": [15, 30], "w": [20, 30]}),
]
# Image-progress phrases, in order, for each kind of works.
PHASES: dict[str, list[str]] = {
    "factory": ["场地平整、临时设施搭建", "桩基及设备基础施工", "主厂房基础施工",
                "主厂房钢结构安装", "厂房围护结构施工", "主要设备安装", "设备安装及管线敷设",
                "单机调试", "联动试车"],
    "upgrade": ["施工准备及旧设备拆除", "基础改造施工", "新设备就位安装", "电气仪表安装",
                "系统调试"],
    "building": ["基坑开挖及支护", "基础施工", "地下室结构施工", "主体结构施工", "主体结构封顶",
                 "二次结构及外墙保温施工", "室内装修及机电安装", "室外配套工程施工"],
    "linear": ["管线迁改及征拆", "路基土方施工", "雨污水管网铺设", "水稳基层施工", "沥青面层摊铺",
               "路灯、绿化等附属设施施工"],
    "pipe": ["管材进场及沟槽开挖", "管道铺设", "阀门井及附属构筑物施工", "管道试压", "路面恢复"],
    "solar": ["场区平整及道路施工", "支架基础施工", "支架及组件安装", "逆变器及箱变安装",
              "集电线路施工", "并网调试"],
    "farm": ["土地平整", "道路及水电配套施工", "主体设施建设", "设备安装", "配套设施完善"],
    "mine": ["井巷工程施工", "选矿厂房建设", "采选设备安装", "尾矿及排土配套工程", "联合试运转"],
}


def fill_values(rng: random.Random, tpl: Template, town: str, others: list[str]) -> dict[str, Any]:
    """Values for a template's placeholders; the order of draws keeps every seed's output."""
    values: dict[str, Any] = {k: rng.choice(v) if isinstance(v, list) else v
                              for k, v in tpl.params.items()}
    r1, r2, r3 = rng.sample(D.ROADS, 3)
    values.setdefault("r", r1)
    values.setdefault("r2", r2)
    values.setdefault("r3", r3)
    values.setdefault("t", town)
    values.setdefault("t2", rng.choice(others))
    values.setdefault("e", rng.choice(D.ESTATES))
    values.setdefault("o", rng.choice(D.ORDINALS[2:]))
    values.setdefault("v", rng.choice(D.VILLAGES))
    values.setdefault("m", rng.choice([50, 80, 120, 150, 200, 260, 300, 450]))
    values.setdefault("a", rng.choice([8000, 12000, 18000, 26000, 35000, 52000, 68000,
                                       86000, 120000]))
    values.setdefault("k", rng.choice([12, 16, 24, 36, 48, 60, 85]))
    values.setdefault("l", rng.choice([1, 2]))
    values.setdefault("km", rng.choice([2.6, 3.8, 5.2]))
    return values
