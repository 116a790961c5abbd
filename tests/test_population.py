"""Synthetic population: each zone's marginals at scale 1.0, determinism, scaling."""

import numpy as np
import pytest

from inclusion_sim import synthesize
from inclusion_sim.budget import household_income
from inclusion_sim.codes import CHILD, EMPLOYED, SOCIAL, UNEMPLOYED, school_level
from inclusion_sim.territory.zones import ALL_ZONES

RATE_TOL = 0.01  # 1 percentage point
COUNT_TOL = 0.01  # 1 %


def weighted_median(values, weights):
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return values[order][np.searchsorted(cum, cum[-1] / 2)]


def zone_stats(pop, params, code):
    hh, ps = pop.households, pop.persons
    in_zone = hh["zone"] == code
    size = hh["size"][in_zone].astype(float)
    income_cu = 12 * household_income(hh, ps, params)[in_zone] / hh["cu"][in_zone]
    person_zone = hh["zone"][ps["household"]]
    adults = (person_zone == code) & (ps["age"] >= 18)
    working = adults & (ps["activity"] != CHILD)
    unemployed = (working & (ps["activity"] == UNEMPLOYED)).sum()
    active = unemployed + (working & (ps["activity"] == EMPLOYED)).sum()
    return {
        "population": size.sum() * pop.zone_weight[code],
        "social_share": np.mean(hh["tenure"][in_zone] == SOCIAL),
        "poverty_rate": np.average(income_cu < params["poverty_line"], weights=size),
        "median_income_cu": weighted_median(income_cu, size),
        "unemployment_rate": unemployed / active,
        "no_diploma_share": ps["no_diploma"][adults].mean(),
    }


@pytest.mark.parametrize("zone", ALL_ZONES)
def test_marginals_within_tolerance_at_full_scale(metropolis, marginals, params, zone):
    target = marginals[zone]
    got = zone_stats(metropolis, params, ALL_ZONES.index(zone))
    assert got["population"] == pytest.approx(target.population, rel=COUNT_TOL)
    assert got["median_income_cu"] == pytest.approx(target.median_income_cu, rel=COUNT_TOL)
    for rate in ("social_share", "poverty_rate", "unemployment_rate", "no_diploma_share"):
        assert got[rate] == pytest.approx(getattr(target, rate), abs=RATE_TOL), rate


def test_metropolis_totals_add_up(metropolis, marginals, params):
    """The derived rest of the Metropolis makes the four zones match the Metropolis figures."""
    hh = metropolis.households
    size = hh["size"].astype(float)
    income_cu = 12 * household_income(hh, metropolis.persons, params) / hh["cu"]
    assert size.sum() == pytest.approx(1_398_892, rel=COUNT_TOL)  # metro.population_2018
    assert np.average(income_cu < params["poverty_line"], weights=size) == pytest.approx(
        0.141, abs=RATE_TOL
    )  # metro.poverty_rate, 1.1.1
    assert weighted_median(income_cu, size) == pytest.approx(15336 / 0.6, rel=COUNT_TOL)


def test_social_tenants_are_poorer_as_seeded(metropolis, params):
    hh = metropolis.households
    social = hh["tenure"] == SOCIAL
    poor = hh["initially_poor"]
    assert poor[social].mean() > 1.5 * poor[~social].mean()


def test_same_seed_same_population_other_seed_differs(marginals, params):
    zones = [marginals["saint_fons"]]
    a = synthesize(zones, 0.5, np.random.default_rng(3), params)
    b = synthesize(zones, 0.5, np.random.default_rng(3), params)
    c = synthesize(zones, 0.5, np.random.default_rng(4), params)
    for key in a.households:
        np.testing.assert_array_equal(a.households[key], b.households[key])
    for key in a.persons:
        np.testing.assert_array_equal(a.persons[key], b.persons[key])
    assert not np.array_equal(a.persons["age"], c.persons["age"])


def test_scale_samples_households_and_weights_them(marginals, params):
    zones = [marginals["venissieux"]]
    tenth = synthesize(zones, 0.1, np.random.default_rng(1), params)
    assert tenth.zone_weight[0] == pytest.approx(10)
    persons = tenth.households["size"].sum() * tenth.zone_weight[0]
    assert persons == pytest.approx(marginals["venissieux"].population, rel=0.02)
    with pytest.raises(ValueError, match="scale"):
        synthesize(zones, 0.0, np.random.default_rng(1), params)


def test_each_zone_has_its_own_scale_and_weight(marginals, params):
    zones = [marginals["saint_fons"], marginals["rest"]]
    mixed = synthesize(zones, [1.0, 0.05], np.random.default_rng(1), params)
    np.testing.assert_allclose(mixed.zone_weight, [1.0, 20.0])
    size = mixed.households["size"]
    for code, m in enumerate(zones):
        real = size[mixed.households["zone"] == code].sum() * mixed.zone_weight[code]
        assert real == pytest.approx(m.population, rel=0.02)
    np.testing.assert_allclose(
        mixed.household_weight(), mixed.zone_weight[mixed.households["zone"]]
    )


def test_young_adults_at_home_follow_the_leaving_home_rates(metropolis):
    """Dependents aged 18 or more are the young adults the open population keeps at home:
    two in three of the 18-24-year-olds' cohort, one in five of the 25-29 (INSEE)."""
    persons = metropolis.persons
    dependents = persons["age"][~persons["head"]]
    per_age = (
        np.bincount(dependents, minlength=40) / np.bincount(dependents, minlength=40)[:18].mean()
    )
    assert per_age[18:25].mean() == pytest.approx(2 / 3, abs=0.05)
    assert per_age[25:30].mean() == pytest.approx(0.2, abs=0.05)


def test_persons_belong_to_households_of_their_size(metropolis):
    counts = np.bincount(metropolis.persons["household"])
    np.testing.assert_array_equal(counts, metropolis.households["size"])
    children = metropolis.persons["activity"] == CHILD
    assert np.all(metropolis.persons["age"][children] < 18)
    assert np.all(metropolis.persons["age"][~children] >= 18)
    heads = np.bincount(metropolis.persons["household"], weights=metropolis.persons["head"])
    np.testing.assert_array_equal(heads, metropolis.households["adults"])


def test_school_levels_follow_the_year_of_birth():
    """A child enters CP (level 1) in the September of the calendar year of its 6th birthday."""
    born = np.array([2014, 2011, 2007, 2006, 2003, 2002, 2000, 1999, 1977])
    np.testing.assert_array_equal(school_level(born, 2017), [-1, 1, 5, 6, 9, 10, 12, -1, -1])


def test_qpv_share_follows_the_zone_not_its_position(marginals, params):
    alone = synthesize([marginals["rest"]], 0.05, np.random.default_rng(2), params)
    share = params["qpv_population_share"][ALL_ZONES.index("rest")]
    assert alone.households["qpv"].mean() == pytest.approx(share, abs=0.01)
