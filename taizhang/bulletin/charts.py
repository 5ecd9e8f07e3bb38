"""The bulletin's two charts, drawn on the server as PNG (matplotlib, Agg: no display).

Completion by responsible unit (bars, with the time-progress line) and the year's cumulative
completion against the plan's time-progress line. Both read the Content only.
"""

from __future__ import annotations

import io
from typing import Any

from taizhang.bulletin import fonts
from taizhang.bulletin.content import Content

DPI = 200
#: At most this many units in the bar chart (the table lists them all).
MAX_BARS = 40


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    path = fonts.chart_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
        plt.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    fig.clf()
    return out.getvalue()


def completion_by_unit(content: Content) -> bytes:
    plt = _pyplot()
    lines = [u for u in content.units if u.completion_rate is not None][:MAX_BARS]
    fig, ax = plt.subplots(figsize=(6.2, 3.4))
    names = [u.name for u in lines]
    values = [float(u.completion_rate or 0) * 100 for u in lines]
    progress = float(content.time_progress) * 100
    colors = ["#1f5fa8" if v >= progress else "#c0392b" for v in values]
    ax.bar(range(len(values)), values, color=colors)
    ax.axhline(progress, color="#333333", linestyle="--", linewidth=1)
    ax.text(len(values) - 0.5, progress, f"序时进度 {progress:.1f}%", ha="right", va="bottom",
            fontsize=8)
    ax.set_xticks(range(len(values)), names, rotation=60, ha="right", fontsize=6)
    ax.set_ylabel("完成率（%）", fontsize=8)
    ax.set_title("各责任单位年度计划完成率", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    data = _png(fig)
    plt.close(fig)
    return data


def cumulative_curve(content: Content) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.2, 3.0))
    months = [p.month for p in content.curve]
    done = [float(p.ytd_completed) / 10000 for p in content.curve]
    plan = [float(p.plan_line) / 10000 for p in content.curve]
    ax.plot(months, done, marker="o", color="#1f5fa8", label="累计完成投资")
    ax.plot(months, plan, linestyle="--", color="#999999", label="按序时进度应完成")
    ax.set_xticks(months, [f"{m}月" for m in months], fontsize=8)
    ax.set_ylabel("亿元", fontsize=8)
    ax.set_title(f"{content.the_period.year}年累计完成投资与年度计划", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    data = _png(fig)
    plt.close(fig)
    return data
