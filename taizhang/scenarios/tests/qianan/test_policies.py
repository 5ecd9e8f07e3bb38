"""The Qian'an demo's policies: a catalogue of exactly 117, pushed to the firms that qualify
(the demo `owner` login's firm among them), read, applied for and granted in July 2022."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from taizhang.accounts.models import User
from taizhang.policies.matching import Index, criteria_of, enterprise_facts
from taizhang.policies.models import MatchRun, Policy, Push

pytestmark = pytest.mark.django_db


def test_stats_show_a_catalogue_of_117_and_the_pushes_of_july():
    out = io.StringIO()
    call_command("stats", "--period", "2022-07", "--json", stdout=out)
    section = json.loads(out.getvalue())["policies"]
    assert section["catalogue"] == 117
    assert section["pushed"] == Push.objects.count() > 0
    assert 0 < section["granted"] <= section["applied"] < section["pushed"]
    out = io.StringIO()
    call_command("stats", "--period", "2022-06", "--json", stdout=out)
    assert json.loads(out.getvalue())["policies"]["pushed"] == 0


def test_the_pushes_are_the_engines_matches_with_their_reasons():
    run = MatchRun.objects.get()
    policies = Policy.objects.prefetch_related("townships")
    facts = enterprise_facts(run.division)
    expected = {(c.policy_id, f.enterprise_id) for c, f, _r in
                Index(criteria_of(policies)).matches(facts)}
    assert set(Push.objects.values_list("policy_id", "enterprise_id")) == expected
    assert run.pushed == len(expected) and run.policies == 117
    assert all(push.reasons for push in Push.objects.all()[:50])


def test_the_demo_owner_sees_its_pushed_policies_with_reasons():
    owner = User.objects.get(username="owner")
    pushes = Push.objects.restrict(owner)
    assert pushes.exists() and not pushes.exclude(enterprise=owner.organization).exists()
    client = Client()
    client.force_login(owner)
    page = client.get("/policies/mine/").content.decode()
    assert pushes.first().policy.title in page
    assert 'id="policy-panel"' in client.get("/").content.decode()
