"""What each app declares (core/registry.py): nothing the core needs is left undeclared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.service import record_event
from taizhang.core.backup.service import holds_data
from taizhang.core.figures import may_change_figures
from taizhang.core.registry import MenuItem, registry

ROOT = Path(__file__).resolve().parents[2]  # the taizhang package


def _our_models() -> list[str]:
    return sorted(model._meta.label_lower for model in apps.get_models()
                  if model.__module__.startswith("taizhang."))


def test_every_model_of_every_app_is_audited_or_says_why_not():
    undeclared = [label for label in _our_models()
                  if label not in registry.object_types and label not in registry.not_audited]
    assert not undeclared, (
        f"Declare in the app's registrations.py: registry.audited(...) or "
        f"registry.unaudited(...) for {undeclared}")


def test_every_audited_type_has_a_name_and_a_history_page_or_a_reason():
    for declared in registry.object_types.values():
        assert str(declared.name), declared
        if declared.history_kind is None:
            assert declared.not_browsable, declared
        else:
            kind = registry.history_kinds[declared.history_kind]
            assert kind.model == declared.object_type, declared


def test_every_history_kind_belongs_to_an_audited_type():
    for kind in registry.history_kinds.values():
        assert registry.object_types[kind.model].history_kind == kind.kind, kind


def _recorded_actions() -> set[str]:
    """Event names written as literals anywhere in the code outside tests (passed to
    record/record_event/record_many or kept in a table of events): `word.word` strings that
    are not model labels."""
    labels = {model._meta.label_lower for model in apps.get_models()}
    prefixes = {action.split(".")[0] for action in registry.event_labels}
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and re.fullmatch(r"[a-z]+\.[a-z_]+", node.value)
                    and node.value.split(".")[0] in prefixes
                    and node.value not in labels and node.value not in registry.object_types
                    and not re.match(r"\w+\.(add|change|delete|view)_", node.value)):
                found.add(node.value)
    return found


def test_every_event_the_code_records_has_a_label():
    actions = _recorded_actions()
    assert {"report.approved", "auth.locked_out", "scenario.generated"} <= actions  # the scan
    assert not actions - set(registry.event_labels), "add to the app's registrations.py"


def test_every_event_of_an_audited_admin_has_a_label():
    """The accounts admins name their events after the model (`<model>.created`, ...)."""
    from taizhang.accounts.admin import AuditedAdmin

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, AuditedAdmin):
            for suffix in ("created", "updated", "deleted"):
                assert f"{model._meta.model_name}.{suffix}" in registry.event_labels


def test_an_event_is_read_by_its_declared_label(db, settings):
    settings.LANGUAGE_CODE = "en"
    event = record_event("report.approved", "ledger.monthlyreport", "1", "r", actor=None)
    assert AuditEvent.objects.get(pk=event.pk).action_label == "Monthly report approved"


def test_figure_types_come_from_the_apps():
    assert all(may_change_figures(label) for label in _our_models() if label.startswith("ledger."))
    assert may_change_figures("accounts.division")
    assert may_change_figures("land.allocation") and may_change_figures("land.landquota")
    assert not may_change_figures("accounts.user")  # logins leave the cache alone
    assert not may_change_figures("core.auditevent")


def test_every_model_is_declared_for_the_restore_guard():
    every = sorted(model._meta.label_lower for model in apps.get_models())
    undeclared = [label for label in every
                  if label not in registry.office_data and label not in registry.not_office_data]
    assert not undeclared, f"Declare registry.backup(...) in registrations.py: {undeclared}"


def test_the_restore_guard_counts_office_data_only(db):
    from taizhang.accounts.models import Division
    from taizhang.stats.models import DataVersion

    DataVersion.objects.get_or_create(pk=1)
    assert not holds_data()  # migrate's rows and a data version are nothing to lose
    Division.objects.create(code="130000", name="河北省", level="province")
    assert holds_data()


@pytest.fixture
def extra_menu_item():
    item = MenuItem("Bulletins", "home", lambda user: user.role == "leader", weight=105)
    registry.menu_items(item)
    yield item
    registry.menu.remove(item)


def test_the_menu_is_built_from_the_registry(world, extra_menu_item):
    leader, owner = Client(), Client()
    leader.force_login(world.carol)
    owner.force_login(world.alice)
    assert ">Bulletins</a>" in leader.get("/ledger/projects/").content.decode()
    assert ">Bulletins</a>" not in owner.get("/ledger/projects/").content.decode()
