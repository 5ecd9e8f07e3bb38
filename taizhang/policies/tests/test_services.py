"""The policies' services and pages with the shared personas: facts from the ledger, the
batch run (pushes, reasons, notices, idempotent), read / applied / granted, and scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from taizhang.core.services import UNCHECKED, ServiceError
from taizhang.jobs.testing import run_queued_jobs
from taizhang.ledger.models import KeyListMembership
from taizhang.ledger.services.keylists import enlist, get_or_create_list
from taizhang.notices.models import Notification
from taizhang.policies import services
from taizhang.policies.matching import enterprise_facts
from taizhang.policies.models import MatchRun, Policy, Push
from taizhang.policies.views import owner_panel

pytestmark = pytest.mark.django_db


def _policy(world, title="技改补助", townships=(), **values):
    defaults = {"issuer": "迁安市工业和信息化局", "level": "county", "benefit": "按设备投资10%补助"}
    return services.save_policy(world.county, actor=world.office, expected_version=0,
                                title=title, townships=townships, **{**defaults, **values})


def test_facts_come_from_the_enterprises_projects(world):
    key_list = get_or_create_list("province", "key", 2022, actor=world.office)
    enlist(world.alice_project, key_list, actor=world.office, applied_on=date(2022, 3, 1),
           decided_on=date(2022, 4, 1))
    services.save_profile(world.alice_org, actor=world.office, expected_version=UNCHECKED,
                          size="small", tags=["专精特新"])
    facts = {f.enterprise_id: f for f in enterprise_facts(world.county)}
    alice = facts[world.alice_org.pk]
    assert alice.industries == {"C"} and alice.townships == {world.town.pk}
    assert alice.stages == {"under_construction"} and alice.investment == Decimal("50000.00")
    assert alice.key_level == 3 and alice.sizes == {"small"} and alice.tags == {"专精特新"}
    assert facts[world.bob_org.pk].key_level == 0 and facts[world.bob_org.pk].sizes == set()
    assert KeyListMembership.objects.count() == 1


def test_a_run_pushes_with_reasons_tells_the_owners_and_is_idempotent(world):
    both = _policy(world, "制造业技改补助", industries=["C"], min_investment=Decimal("50000.00"))
    bob_only = _policy(world, "夏官营镇招商奖励", townships=[world.other_town])
    _policy(world, "农业补贴", industries=["A"])
    run = services.run_matching(world.county, actor=world.office)
    assert (run.enterprises, run.policies, run.matches, run.pushed) == (2, 3, 3, 3)
    pairs = set(Push.objects.values_list("policy_id", "enterprise_id"))
    assert pairs == {(both.pk, world.alice_org.pk), (both.pk, world.bob_org.pk),
                     (bob_only.pk, world.bob_org.pk)}
    push = Push.objects.get(policy=bob_only)
    assert push.reasons == [{"c": "townships", "v": ["夏官营镇"]}]
    notices = Notification.objects.filter(kind="policies.pushed")
    assert {(n.recipient.username, n.params["count"]) for n in notices} == {
        ("alice", 1), ("bob", 2)}
    again = services.run_matching(world.county, actor=world.office)
    assert (again.matches, again.pushed) == (3, 0)
    assert Push.objects.count() == 3 and notices.count() == 2


def test_only_the_office_runs_and_keeps_the_catalogue(world):
    for who in (world.alice, world.dave, world.eve, world.victor):
        with pytest.raises(PermissionDenied):
            services.run_matching(world.county, actor=who)
        with pytest.raises(PermissionDenied):
            services.save_policy(world.county, actor=who, expected_version=0, title="x",
                                 issuer="x", level="county", benefit="x")


def test_a_stale_form_is_refused(world):
    policy = _policy(world)
    services.save_policy(world.county, actor=world.office, policy=policy,
                         expected_version=policy.version, title="改名")
    with pytest.raises(ServiceError):
        services.save_policy(world.county, actor=world.office, policy=policy,
                             expected_version=1, title="又改名")


def test_reading_applying_and_granting(world, client):
    policy = _policy(world, industries=["C"])
    services.run_matching(world.county, actor=world.office)
    push = Push.objects.get(policy=policy, enterprise=world.alice_org)
    with pytest.raises(ServiceError):
        services.mark_granted(push, actor=world.office)  # not applied yet
    with pytest.raises(PermissionDenied):
        services.mark_applied(push, actor=world.bob)
    assert owner_panel(world.alice)["unread"] == 1
    client.force_login(world.alice)
    page = client.get(reverse("policies:push", args=[push.pk]))
    assert owner_panel(world.alice)["unread"] == 0
    assert "Industry: Manufacturing" in page.content.decode() or "制造业" in page.content.decode()
    push.refresh_from_db()
    assert push.read_at is not None and push.applied_at is None
    client.post(reverse("policies:applied", args=[push.pk]))
    push.refresh_from_db()
    assert push.applied_at is not None
    with pytest.raises(ServiceError):
        services.mark_applied(push, actor=world.alice)
    with pytest.raises(PermissionDenied):
        services.mark_granted(push, actor=world.alice)
    services.mark_granted(push, actor=world.office)
    push.refresh_from_db()
    assert push.granted_at is not None


def test_an_owner_sees_only_its_own_firms_pushes(world, client):
    _policy(world, "全市通用政策")
    services.run_matching(world.county, actor=world.office)
    bobs = Push.objects.get(enterprise=world.bob_org)
    client.force_login(world.alice)
    assert client.get(reverse("policies:push", args=[bobs.pk])).status_code == 404
    mine = client.get(reverse("policies:mine")).content.decode()
    alices = Push.objects.get(enterprise=world.alice_org)
    assert "全市通用政策" in mine and f"/policies/mine/{alices.pk}/" in mine
    assert f"/policies/mine/{bobs.pk}/" not in mine
    home = client.get("/").content.decode()
    assert "全市通用政策" in home and "policy-panel" in home
    for who in (world.dave, world.eve, world.victor):
        assert Push.objects.restrict(who).count() == 0
        assert Policy.objects.restrict(who).count() == 0
        client.force_login(who)
        assert client.get(reverse("policies:mine")).status_code == 403
        assert client.get(reverse("policies:catalogue")).status_code == 403


def test_the_batch_run_as_a_job(world, client):
    _policy(world)
    client.force_login(world.office)
    response = client.post(reverse("policies:run"))
    assert response.status_code == 302
    jobs = run_queued_jobs()
    assert [job.state for job in jobs] == ["succeeded"]
    assert MatchRun.objects.get().pushed == 2


def test_the_catalogue_page_has_a_fixed_number_of_queries(world, client,
                                                         django_assert_max_num_queries):
    for n in range(60):
        _policy(world, f"政策{n}", industries=["C"])
    services.run_matching(world.county, actor=world.office)
    client.force_login(world.office)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("policies:catalogue"))
    assert page.status_code == 200 and "政策59" in page.content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("policies:catalogue") + "?page=2").status_code == 200


def test_the_policy_form_names_the_field_in_error(world, client):
    client.force_login(world.office)
    response = client.post(reverse("policies:new"), {
        "version": "0", "title": "", "issuer": "x", "level": "county", "benefit": "x",
        "min_investment": "abc"})
    assert response.status_code == 200 and Policy.objects.count() == 0
    form = response.context["form"]
    assert "title" in form.errors and "min_investment" in form.errors
    response = client.post(reverse("policies:new"), {
        "version": "0", "title": "新政策", "issuer": "x", "level": "county", "benefit": "x",
        "industries": ["C"], "townships": [world.town.pk], "min_investment": "1,000",
        "tags": "专精特新，高新技术企业"})
    created = Policy.objects.get()
    assert response.status_code == 302 and created.tags == ["专精特新", "高新技术企业"]
    assert created.min_investment == Decimal("1000.00")
    assert list(created.townships.all()) == [world.town]
    matches = client.get(reverse("policies:matches", args=[created.pk]))
    assert matches.status_code == 200


def test_a_push_survives_an_unchecked_resave(world):
    policy = _policy(world)
    services.save_policy(world.county, actor=world.office, policy=policy,
                         expected_version=UNCHECKED, deadline=None)
    assert Policy.objects.get().version == 2


def test_an_enterprise_profile_is_kept_by_the_office_that_reaches_it(world):
    """The office of a division where the enterprise owns a project (alice's is in a township
    of the county); a superuser; nobody else, an inactive superuser included."""
    from taizhang.accounts.models import User

    root = User.objects.create(username="root", is_superuser=True)
    gone = User.objects.create(username="gone", is_superuser=True, is_active=False)
    for actor in (world.office, root):
        services.save_profile(world.alice_org, actor=actor, expected_version=UNCHECKED,
                              size="large", tags=["钢铁"])
    for actor in (gone, world.alice, world.carol, world.dave):
        with pytest.raises(PermissionDenied):
            services.save_profile(world.alice_org, actor=actor, expected_version=UNCHECKED,
                                  size="small")
