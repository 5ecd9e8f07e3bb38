"""The matching engine against hand-computed cases and, on random catalogues, against the
plain nested loop (Hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.policies.matching import Criteria, Facts, Index, nested_loop, qualifies

FIRM = Facts(enterprise_id=1, industries=frozenset({"C"}), townships=frozenset({10}),
             stages=frozenset({"under_construction"}), investment=Decimal("5000.00"),
             key_level=2, sizes=frozenset({"small"}), tags=frozenset({"高新技术企业"}))
BARE = Facts(enterprise_id=2)


def test_a_policy_without_criteria_takes_every_enterprise_with_one_reason():
    open_to_all = Criteria(policy_id=1)
    assert qualifies(open_to_all, FIRM) == [{"c": "any", "v": []}]
    assert qualifies(open_to_all, BARE) == [{"c": "any", "v": []}]
    assert Index([open_to_all]).match_all([FIRM, BARE]) == {1: [1], 2: [1]}


def test_every_criterion_met_gives_a_reason_for_each():
    strict = Criteria(policy_id=7, industries=frozenset({"C", "I"}), sizes=frozenset({"small",
                      "micro"}), townships=frozenset({10, 11}),
                      stages=frozenset({"under_construction"}),
                      min_investment=Decimal("5000.00"), key_level=2,
                      tags=frozenset({"高新技术企业", "专精特新"}))
    assert qualifies(strict, FIRM) == [
        {"c": "industries", "v": ["C"]}, {"c": "sizes", "v": ["small"]},
        {"c": "townships", "v": [10]}, {"c": "stages", "v": ["under_construction"]},
        {"c": "tags", "v": ["高新技术企业"]}, {"c": "investment", "v": ["5000.00", "5000.00"]},
        {"c": "key_level", "v": [2, 2]}]
    assert Index([strict]).match_all([FIRM, BARE]) == {1: [7], 2: []}


def test_each_criterion_alone_refuses_a_firm_that_misses_it():
    misses = [
        Criteria(policy_id=1, industries=frozenset({"A"})),
        Criteria(policy_id=2, sizes=frozenset({"large"})),
        Criteria(policy_id=3, townships=frozenset({99})),
        Criteria(policy_id=4, stages=frozenset({"planning"})),
        Criteria(policy_id=5, min_investment=Decimal("5000.01")),
        Criteria(policy_id=6, key_level=3),
        Criteria(policy_id=7, tags=frozenset({"专精特新"})),
    ]
    for criteria in misses:
        assert qualifies(criteria, FIRM) is None, criteria
    assert Index(misses).match_all([FIRM]) == {1: []}


def test_the_minimum_investment_is_inclusive():
    minimum = Criteria(policy_id=1, min_investment=Decimal("5000.00"))
    at = Facts(enterprise_id=1, investment=Decimal("5000.00"))
    below = Facts(enterprise_id=2, investment=Decimal("4999.99"))
    above = Facts(enterprise_id=3, investment=Decimal("5000.01"))
    unknown = Facts(enterprise_id=4)
    assert Index([minimum]).match_all([at, below, above, unknown]) == {
        1: [1], 2: [], 3: [1], 4: []}
    assert qualifies(minimum, at) == [{"c": "investment", "v": ["5000.00", "5000.00"]}]


def test_a_key_level_admits_higher_lists():
    prefectural = Criteria(policy_id=1, key_level=2)
    firms = [Facts(enterprise_id=level + 1, key_level=level) for level in range(4)]
    assert Index([prefectural]).match_all(firms) == {1: [], 2: [], 3: [1], 4: [1]}


def test_an_enterprise_without_a_size_matches_only_policies_that_ask_for_none():
    catalogue = [Criteria(policy_id=1, sizes=frozenset({"small"})), Criteria(policy_id=2)]
    assert Index(catalogue).match_all([BARE]) == {2: [2]}


# --- against the nested loop ----------------------------------------------------------------

INDUSTRIES = st.frozensets(st.sampled_from("ACEFI"), max_size=3)
SIZES = st.frozensets(st.sampled_from(["large", "medium", "small", "micro"]), max_size=2)
TOWNS = st.frozensets(st.integers(1, 5), max_size=3)
STAGES = st.frozensets(st.sampled_from(["planning", "preliminary", "under_construction"]),
                       max_size=2)
TAGS = st.frozensets(st.sampled_from(["高新技术企业", "专精特新", "外贸"]), max_size=2)
AMOUNT = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False)


@st.composite
def catalogues(draw):
    size = draw(st.integers(0, 40))
    return [Criteria(policy_id=i + 1, industries=draw(INDUSTRIES), sizes=draw(SIZES),
                     townships=draw(TOWNS), stages=draw(STAGES),
                     min_investment=draw(st.none() | AMOUNT), key_level=draw(st.integers(0, 3)),
                     tags=draw(TAGS)) for i in range(size)]


@st.composite
def firms(draw):
    size = draw(st.integers(0, 30))
    return [Facts(enterprise_id=i + 1, industries=draw(INDUSTRIES), townships=draw(TOWNS),
                  stages=draw(STAGES), investment=draw(st.none() | AMOUNT),
                  key_level=draw(st.integers(0, 3)),
                  sizes=draw(st.frozensets(st.sampled_from(["large", "small"]), max_size=1)),
                  tags=draw(TAGS)) for i in range(size)]


@settings(max_examples=200, deadline=None, database=None)
@given(catalogue=catalogues(), enterprises=firms())
def test_the_index_agrees_with_the_nested_loop(catalogue, enterprises):
    index = Index(catalogue)
    assert index.match_all(enterprises) == nested_loop(catalogue, enterprises)
    for criteria, facts, reasons in index.matches(enterprises):
        assert reasons == qualifies(criteria, facts)
