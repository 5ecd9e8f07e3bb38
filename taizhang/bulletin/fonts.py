"""The fonts GB/T 9704 asks for, and the installed fallback (Noto CJK) for the PDF.

The docx names the standard fonts (the office's Word has them; Word substitutes its own where
one is missing). The PDF is drawn here, so each role takes the first of its fonts that
fontconfig finds on this machine, else Noto CJK, and WeasyPrint embeds it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

# role → (the standard's fonts, most specific first; the Noto fallback)
ROLES: dict[str, tuple[tuple[str, ...], str]] = {
    "title": (("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK"), "Noto Serif CJK SC"),
    "body": (("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312"), "Noto Serif CJK SC"),
    "heading1": (("黑体", "SimHei"), "Noto Sans CJK SC"),
    "heading2": (("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312"), "Noto Serif CJK SC"),
}
#: The first standard name of each role: what the docx asks Word for.
DOCX = {role: names[0] for role, (names, _fallback) in ROLES.items()}
DOCX["body"] = "仿宋_GB2312"
DOCX["heading2"] = "楷体_GB2312"
NOTO_SANS_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                   "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc")


@functools.cache
def installed_families() -> frozenset[str]:
    if not shutil.which("fc-list"):
        return frozenset()
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                         check=False).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def pdf_family(role: str) -> str:
    """A CSS font-family list for ``role``: the standard's installed fonts, then Noto."""
    names, fallback = ROLES[role]
    have = installed_families()
    chosen = [n for n in names if n in have]
    return ", ".join(f'"{n}"' for n in [*chosen, fallback]) + ", serif"


def chart_font() -> Path | None:
    """A CJK font file for the charts (matplotlib reads a file, not a family)."""
    for name in NOTO_SANS_FILES:
        if Path(name).is_file():
            return Path(name)
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                               capture_output=True, text=True, check=False).stdout.strip()
        if found and Path(found).is_file():
            return Path(found)
    return None
