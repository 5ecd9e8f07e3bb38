"""Every project template, industrial first: the order the seeded draws rely on."""

from __future__ import annotations

from taizhang.scenarios.common.templates import Template
from taizhang.scenarios.common.templates_industry import INDUSTRY_TEMPLATES
from taizhang.scenarios.common.templates_other import OTHER_TEMPLATES

TEMPLATES: list[Template] = INDUSTRY_TEMPLATES + OTHER_TEMPLATES
