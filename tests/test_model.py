"""The core model: reproducibility, stability without actions, agents as views, plug-ins."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from inclusion_sim import Action, InclusionModel, register
from inclusion_sim.actions import REGISTRY
from inclusion_sim.agents import Household, Person
from inclusion_sim.checks import AMOUNT
from inclusion_sim.declarations import Indicator, Levers, lever

PILOT = ["saint_fons", "venissieux"]


def run(months=12, **kwargs):
    model = InclusionModel(**{"zones": PILOT, "scale": 0.2, "seed": 1} | kwargs)
    for _ in range(months):
        model.step()
    return model


def test_same_seed_identical_results_other_seed_differs():
    a, b, c = run().results(), run().results(), run(seed=2).results()
    pd.testing.assert_frame_equal(a, b)
    assert not a["value"].equals(c["value"])


def test_results_are_tidy_per_month_zone_indicator():
    results = run(months=3).results()
    assert list(results.columns) == ["month", "zone", "indicator", "value"]
    assert sorted(results["month"].unique()) == [0, 1, 2, 3]
    assert set(results["zone"]) == {"Saint-Fons", "Vénissieux", "Territory"}
    assert not results.duplicated(["month", "zone", "indicator"]).any()


@pytest.fixture(scope="module")
def ten_years():
    """Saint-Fons and Vénissieux at scale 1.0, 120 months, no action."""
    return run(months=120, scale=1.0, seed=7)


def test_ten_years_without_action_keep_the_unemployment_figures(ten_years):
    results = ten_years.results()
    last_year = results[(results["month"] > 108) & (results["indicator"] == "unemployment_rate")]
    for zone, marginal in zip(ten_years.zone_names, ten_years.marginals, strict=False):
        value = last_year[last_year["zone"] == zone]["value"].mean()
        assert value == pytest.approx(100 * marginal.unemployment_rate, abs=1.5), zone


def test_people_move_in_and_out_of_work(ten_years):
    months = ten_years.population.persons["unemployment_months"]
    unemployed = ten_years.population.persons["activity"] == 1
    assert 0 < np.mean(months[unemployed] < 12) < 1  # recent and long-term spells both exist


def test_arrears_build_up_in_winter_and_are_repaid_in_summer(ten_years):
    arrears = ten_years.results().query(
        "indicator == 'households_in_arrears' and zone == 'Territory'"
    )
    by_month = arrears[arrears["month"] > 12].groupby((arrears["month"] - 1) % 12)["value"].mean()
    assert by_month[1] > by_month[8]  # February above September


def test_monthly_clock_and_ageing_on_birthdays():
    model = run(months=0)
    persons = model.population.persons
    ages, months = persons["age"].copy(), persons["birth_month"].copy()
    generation = persons["generation"].copy()
    for _ in range(9):  # January to September
        model.step()
    same = persons["present"] & (persons["generation"] == generation)
    birthday = (months >= 1) & (months <= 9)
    np.testing.assert_array_equal(persons["age"][same & birthday], ages[same & birthday] + 1)
    np.testing.assert_array_equal(persons["age"][same & ~birthday], ages[same & ~birthday])
    assert model.env.now == 273  # days of January-September 2017


def test_agents_are_views_on_the_arrays():
    model = run(months=1)
    households = model.agents_by_type[Household]
    persons = model.agents_by_type[Person]
    assert len(households) == model.population.households["occupied"].sum()
    assert len(persons) == model.population.persons["present"].sum()
    household = model.household_agents[5]
    assert household.income == model.population.households["income"][5]
    household.arrears_energy = 123.0
    assert model.population.households["arrears_energy"][5] == 123.0
    member = household.members[0]
    assert member.household is household
    assert len(household.members) == household.size


def test_views_follow_who_lives_in_the_territory():
    """A new occupant is a new agent; nobody lives in a vacant dwelling or an empty slot."""
    model = run(months=0, agent_views=True)
    before = {view.unique_id for view in model.household_agents if view is not None}
    for _ in range(3):
        model.step()
    occupied = model.population.households["occupied"]
    views = model.household_agents
    assert all((view is not None) == bool(occupied[i]) for i, view in enumerate(views))
    assert len(model.agents_by_type[Household]) == occupied.sum()
    moved = model.demography.turnover.households
    let = [i for i in moved if views[i] is not None]
    assert let and all(views[i].unique_id not in before for i in let)
    present = model.population.persons["present"]
    assert len(model.agents_by_type[Person]) == present.sum()


@dataclass(frozen=True)
class _CounterLevers(Levers):
    threshold: float = lever(
        0.0, unit="EUR", check=AMOUNT, range=(0.0, 100.0), source="test", description="test"
    )


class _Counter(Action):
    """A test action: counts households in energy arrears, touches nothing."""

    name = "test_counter"
    lever_groups = (_CounterLevers,)
    outputs = (Indicator("test_in_energy_arrears", "households", "stock", "test"),)

    def step(self):
        self.rng.random()  # its own stream must not disturb the model's

    def indicators(self):
        hh = self.model.population.households
        count = np.bincount(
            hh["zone"],
            weights=hh["arrears_energy"] > self.levers(_CounterLevers).threshold,
            minlength=self.model.n_zones,
        )
        return {"test_in_energy_arrears": np.append(count, count.sum())}


@pytest.fixture
def counter_action():
    register(_Counter)
    yield _Counter
    REGISTRY.pop(_Counter.name)


def test_an_enabled_action_leaves_the_core_results_unchanged(counter_action):
    plain = run().results()
    with_action = run(actions={"test_counter": {"threshold": 1.0}}).results()
    core = with_action[with_action["indicator"] != "test_in_energy_arrears"].reset_index(drop=True)
    pd.testing.assert_frame_equal(plain, core)
    assert (with_action["indicator"] == "test_in_energy_arrears").any()


def test_unknown_action_or_lever_is_rejected(counter_action):
    with pytest.raises(ValueError, match=r"actions\.test_countr: unknown action.*did you mean"):
        run(actions={"test_countr": {}})
    with pytest.raises(ValueError, match=r"test_counter\.treshold: unknown lever.*did you mean"):
        run(actions={"test_counter": {"treshold": 1.0}})


def test_lever_values_are_checked(counter_action):
    with pytest.raises(ValueError, match="threshold: got -1.0, expected a number >= 0"):
        run(actions={"test_counter": {"threshold": -1.0}})
    with pytest.raises(ValueError, match="threshold: got 'high'"):
        run(actions={"test_counter": {"threshold": "high"}})


def test_scenario_reports_a_bad_lever_with_its_key_path(counter_action, tmp_path):
    from inclusion_sim import ScenarioError, load_scenario

    path = tmp_path / "s.toml"
    path.write_text("[actions.test_counter]\nthreshold = -5\n")
    with pytest.raises(ScenarioError, match=r"actions\.test_counter\.threshold: got -5"):
        load_scenario(path)


def test_social_workers_are_a_shared_queue():
    """Cases beyond the social workers' capacity wait: waiting time is an output."""
    model = run(months=0)
    centre = model.social_centres[0]
    waits = []

    def case():
        waits.append((yield model.env.process(centre.case_work())))

    for _ in range(centre.capacity + 1):
        model.env.process(case())
    model.env.run()
    assert waits[: centre.capacity] == [0] * centre.capacity
    assert waits[-1] == centre.days_per_case


def test_held_persons_skip_labour_flows_and_entrants_join():
    model = run(months=0)
    persons = model.population.persons
    employed = model.labour.active[persons["activity"][model.labour.active] == 0][:200]
    model.labour.hold(employed)
    generation = persons["generation"][employed].copy()
    for _ in range(24):
        model.step()
    stayed = employed[persons["generation"][employed] == generation]  # nobody left or died
    assert len(stayed) > 150 and np.all(persons["activity"][stayed] == 0)  # no job loss
    inactive = np.flatnonzero(persons["activity"] == 2)[:50]
    persons["activity"][inactive] = 1  # e.g. a clause contract ended: now a job seeker
    model.labour.enter(inactive)
    assert np.isin(inactive, model.labour.active).all()
    model.labour.enter(inactive)  # entering twice changes nothing
    assert len(model.labour.active) == len(np.unique(model.labour.active))


def test_benefits_end_at_the_minimum_income():
    from inclusion_sim.budget import labour_income

    params = run(months=0).params
    months = np.array([0, params["benefit_duration"] - 1, params["benefit_duration"]])
    income = labour_income(np.full(3, 1), months, np.full(3, 2000.0), params)
    replaced = params["benefit_replacement_rate"] * 2000
    np.testing.assert_allclose(income, [replaced, replaced, params["minimum_income"]])


def test_a_small_sample_keeps_the_real_case_throughput():
    """One worker for 0.3 of a real one works proportionally slower."""
    model = run(months=0, scale=0.05)
    centre = model.social_centres[0]
    per_day = centre.capacity / centre.days_per_case
    households = model.population.households["occupied"][model.household_slices[0]].sum()
    staff = model.params["social_workers_per_10000_households"] * households / 10_000
    assert per_day == pytest.approx(staff / model.params["social_worker_days_per_case"])


def test_action_indicators_cannot_shadow_core_ones(counter_action, monkeypatch):
    monkeypatch.setattr(_Counter, "indicators", lambda self: {"poverty_rate": np.zeros(3)})
    with pytest.raises(ValueError, match="indicator 'poverty_rate'"):
        run(actions={"test_counter": {}})


def test_entrants_leave_everyone_elses_labour_draws_unchanged():
    """Common random numbers: one draw per person, whoever is in the labour force."""
    plain, entered = run(months=0), run(months=0)
    inactive = np.flatnonzero(entered.population.persons["activity"] == 2)[:100]
    entered.labour.enter(inactive)  # still inactive: flows leave them alone
    for _ in range(12):
        plain.step()
        entered.step()
    np.testing.assert_array_equal(
        plain.population.persons["activity"], entered.population.persons["activity"]
    )


def test_arrears_start_in_their_seasonal_state_after_the_warm_up():
    # Without evictions and over-indebtedness files, arrears change nobody's life events.
    quiet = {"eviction_rate": 0.0, "repossession_rate": 0.0, "overindebtedness_filing_rate": 0.0}
    january, july = run(months=0, parameters=quiet), run(months=0, start_month=7)
    debt_free = run(months=0, parameters=quiet | {"warmup_months": 0})

    def in_arrears(model):
        return (model.population.households["arrears_energy"] > 1).mean()

    assert in_arrears(debt_free) == 0
    assert in_arrears(january) > in_arrears(july) > 0  # mid-winter above mid-summer
    # Without a warm-up, the start's statuses are the synthesized ones; the warm-up's labour
    # flows come from a stream of their own, so the run's draws are the same either way.
    synthesized = run(months=0, parameters={"warmup_months": 0})
    assert not np.array_equal(
        january.population.persons["activity"], synthesized.population.persons["activity"]
    )
    np.testing.assert_array_equal(
        debt_free.population.persons["activity"], synthesized.population.persons["activity"]
    )
    again = run(months=0, parameters=quiet)
    pd.testing.assert_frame_equal(
        pd.DataFrame(january.population.persons), pd.DataFrame(again.population.persons)
    )


def test_the_warm_up_leaves_debts_of_past_spells_being_repaid():
    """After a warm-up with the labour market's flows, some households in arrears can pay their
    month again (they found a job and repay from their surplus); the start's unemployment rate
    stays that of the synthesis within sampling noise (the flows keep each group's rate)."""
    whole = {"zones": ["saint_fons", "venissieux", "bron", "rest"], "scale": 0.05}

    def repaying_share(model):
        hh = model.population.households
        owing = hh["occupied"] & (hh["arrears_rent"] + hh["arrears_energy"] > 1)
        return (owing & (model.month["surplus"] > 0)).sum() / owing.sum()

    warmed, year = run(months=0, **whole), run(months=0, **whole, parameters={"warmup_months": 12})
    assert repaying_share(warmed) > 0.05 and repaying_share(year) < 0.03  # about 8% against 2%
    fixed = run(months=0, **whole, parameters={"warmup_months": 0})
    rate = warmed.current_indicators()["unemployment_rate"][-1]
    assert rate == pytest.approx(fixed.current_indicators()["unemployment_rate"][-1], rel=0.05)


def test_summary_shows_the_documents_figures_beside_simulated_values():
    from inclusion_sim import summary

    whole = run(months=2, zones=["saint_fons", "venissieux", "bron", "rest"], scale=0.02)
    table = summary(whole, whole.results()).set_index(["zone", "indicator"])["figure"]
    assert table[("Territory", "poverty_rate")] == pytest.approx(14.1)  # metro.poverty_rate
    assert table[("Saint-Fons", "unemployment_rate")] == pytest.approx(20)
    assert np.isnan(table[("Bron", "poverty_rate")])  # a placeholder is not a figure
    pilot = run(months=2)
    table = summary(pilot, pilot.results()).set_index(["zone", "indicator"])["figure"]
    assert np.isnan(table[("Territory", "poverty_rate")])  # Metropolis figures need all zones
