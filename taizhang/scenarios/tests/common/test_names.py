"""common/names.py: the draws the Qian'an demo and the synthetic generator share."""

import random

from taizhang.scenarios.common import names


def test_a_name_is_never_given_twice_unless_the_tries_run_out():
    every = {s + g for s in names.SURNAMES for g in names.GIVEN}
    free = sorted(every)[0]
    taken = every - {free}
    assert names.person_name(random.Random(1), taken) == free  # draws until it finds it
    assert free in taken
    crowded = set(every)
    repeated = names.person_name(random.Random(1), crowded, tries=3)
    assert repeated in every  # the fourth draw never comes: a name repeats, as in life


def test_trade_names_avoid_well_known_ones_and_doubled_characters():
    brands = names.brand_names()
    assert brands and len(brands) == len(set(brands))
    assert not set(brands) & names.BRAND_AVOID
    assert all(len(b) == 2 and b[0] != b[1] for b in brands)


def test_contact_titles_follow_the_kind_of_owner():
    rng = random.Random(7)
    assert names.contact_title(rng, "department") in names.GOV_TITLES
    assert names.contact_title(rng, "township") in names.TOWN_TITLES
    assert names.contact_title(rng, "enterprise") in names.CONTACT_TITLES
    assert names.company_form(rng) in names.COMPANY_FORMS[0]
