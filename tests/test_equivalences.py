"""The array forms written for speed (issue 17) compute what the per-object forms did."""

import numpy as np
import pytest
from scipy import stats

from inclusion_sim import InclusionModel
from inclusion_sim.actions.dropout.pupils import poisson_quantile
from inclusion_sim.indicators import rsa_recipients


def test_absences_are_the_poisson_quantiles_scipy_gives():
    rng = np.random.default_rng(3)
    u = rng.random(200_000)
    mean = rng.random(200_000) * rng.choice([0.1, 2.0, 12.0], 200_000)
    np.testing.assert_array_equal(poisson_quantile(u, mean), stats.poisson.ppf(u, mean))
    assert poisson_quantile(np.array([0.0, 0.5]), np.array([3.0, 0.0])).tolist() == [0.0, 0.0]


@pytest.fixture(scope="module")
def clauses():
    model = InclusionModel(zones=["saint_fons", "venissieux"], scale=0.5, seed=5,
                           actions={"social_clauses": {}})  # fmt: skip
    for _ in range(20):
        model.step()
    return model


def test_clause_indicators_from_the_table_are_those_of_the_contracts(clauses):
    """The trailing-year indicators as the former code computed them from the contract
    objects (Python loops over the last 12 months' contracts)."""
    action, weights = clauses.actions[0], clauses.population.zone_weight
    since = clauses.steps - 12
    recent = [c for c in action.contracts if c.start > since]
    assert len(recent) > 50
    out = action.indicators()
    for z in range(2):
        w = weights[z]  # real persons per agent of the zone
        mine = [c for c in recent if c.zone == z]
        hours = sum(c.position.hours for c in mine) * w
        assert out["clause_hours"][z] == pytest.approx(hours, rel=1e-12)
        latest = {c.key: c for c in mine}  # a person: a slot and its occupant
        assert out["clause_persons_employed"][z] == pytest.approx(len(latest) * w)
        women = sum(c.woman for c in latest.values())
        assert out["clause_women_share"][z] == pytest.approx(100 * women / len(latest))
        months = np.mean([c.position.months for c in mine])
        assert out["clause_contract_months"][z] == pytest.approx(months)
        ever = {c.key for c in action.contracts if c.zone == z}
        assert out["clause_persons_employed_total"][z] == pytest.approx(len(ever) * w)
    unfilled = sum(h for s, h, _ in action.unfilled if s > since)  # real hours
    assert out["clause_hours_unfilled"][-1] == pytest.approx(unfilled)
    working = action.workforce.months_left > 0
    assert np.array_equal(action.workforce.in_contract(), working)
    assert np.array_equal(action.workforce.working(), np.flatnonzero(working))


def test_rsa_recipients_of_some_persons_are_those_of_everyone(clauses):
    every = rsa_recipients(clauses)
    assert every.any()
    for people in clauses.person_slices:
        np.testing.assert_array_equal(rsa_recipients(clauses, people), every[people])
    some = np.array([0, 5, 17, len(every) - 1])
    np.testing.assert_array_equal(rsa_recipients(clauses, some), every[some])
