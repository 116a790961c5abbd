"""Action 2, community action training in social housing (document 3.2): LMH's tenants and
agencies, the training under a yearly budget and a trainer capacity, community actions and who
takes part, and its effects through action 4's FSL take-up only."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inclusion_sim import InclusionModel, figure, load_scenario, simulate
from inclusion_sim.actions.community import Community
from inclusion_sim.actions.community.landlord import agency_names, lmh_share
from inclusion_sim.actions.community.training import LINE
from inclusion_sim.codes import SOCIAL

ROOT = Path(__file__).resolve().parents[1]
METRO = ["saint_fons", "venissieux", "bron", "rest"]
NONE = {"agencies_per_year": {2017: 0, 2018: 0}}


def run(months=24, zones=METRO, scale=0.02, seed=5, parameters=None, each=None, **actions):
    model = InclusionModel(
        zones=zones, scale=scale, seed=seed, parameters=parameters, actions=actions
    )
    for _ in range(months):
        model.step()
        if each:
            each(model)
    return model


def series(model, indicator, zone="Territory"):
    r = model.results()
    r = r[(r["indicator"] == indicator) & (r["zone"] == zone) & (r["month"] > 0)]
    return r["value"].to_numpy()


def community(model):
    return next(a for a in model.actions if a.name == "community")


@pytest.fixture(scope="module")
def documented():
    scenario = load_scenario(ROOT / "scenarios" / "community_2017.toml")
    return simulate(dataclasses.replace(scenario, scale=0.05, months=36))


def test_the_scenario_trains_the_documented_teams_with_the_documented_budgets(documented):
    """Inputs, by construction: 2017 two teams of ten for 20,000 EUR, 2018 four for 40,000."""
    assert {i.name for i in Community.outputs} <= set(documented.results()["indicator"])
    members = series(documented, "community_trained_members")
    spent = series(documented, "community_training_spent")
    assert members[11] == figure("action2.trained_people_2017") and spent[11] == 20_000
    assert members[23] == 60 and spent[23] == 20_000 + figure("action2.budget_2018")
    assert members[:5].sum() == 0  # ten days over four months from March: trained in June
    agencies = {a.name: a for a in community(documented).landlord.agencies}
    assert agencies["Bron"].trained and agencies["Neuville-Fontaine"].trained
    assert agencies["Saint-Fons"].trained_month > 12 and not agencies["Other agency 1"].trained
    assert series(documented, "community_actions_landlord").sum() > 0
    assert series(documented, "community_actions_residents").sum() > 0
    assert series(documented, "community_wellbeing_index")[-1] > 50
    assert series(documented, "community_management_cost_avoided")[-1] > 0


def test_lmh_manages_its_share_of_the_social_stock():
    """Input: 32,000 of ~150,000 social dwellings; each tenant has an agency of its zone."""
    model = run(months=0, scale=0.1, community={})
    landlord = community(model).landlord
    hh = model.population.households
    weight = model.population.household_weight()
    tenants = (landlord.tenants & hh["occupied"]) @ weight
    # Each occupied social dwelling is LMH's with its share: the expected stock is the figure,
    # the drawn one within sampling error (a binomial count of agents, each its zone's weight).
    social = (hh["tenure"] == SOCIAL) & hh["occupied"]
    share = lmh_share()
    assert share * (social @ weight) == pytest.approx(
        figure("lyon_metropole_habitat.units_managed"), rel=0.03
    )
    sd = np.sqrt(share * (1 - share) * (social @ weight**2))
    assert abs(tenants - share * (social @ weight)) < 4 * sd
    zone = model.population.households["zone"]
    for agency in landlord.agencies:
        rows = np.concatenate(agency.residences)
        assert np.all(zone[rows] == agency.zone) and np.all(landlord.agency[rows] == agency.index)
    assert np.all(model.population.households["tenure"][landlord.tenants] == 0)


@pytest.mark.parametrize("capacity", [1, 4])
def test_more_trained_agencies_never_mean_fewer_trained_members(capacity):
    levers = {"budget_per_year": {2017: 35_000.0, 2018: 40_000.0}, "trainer_capacity": capacity}
    trained = []
    for quota in range(7):
        model = run(community=levers | {"agencies_per_year": {2017: quota, 2018: 2}})
        trained.append(series(model, "community_trained_members")[-1])
    assert trained == sorted(trained)
    assert trained[-1] > trained[0]


@pytest.mark.parametrize(
    "levers",
    [
        {"budget_per_year": {2017: 15_000.0, 2018: 0.0}},
        {"team_size": 15},
        {"agencies_per_year": {2017: 6, 2018: 6, 2019: 6}, "budget_per_year": {2019: 25_000.0}},
    ],
)
def test_the_training_budget_is_never_overspent(levers):
    checks = []

    def spent(model):
        year = model.calendar_month[0]
        budget = community(model).training.levers.budget_per_year.get(year, 0.0)
        checks.append((model.ledger.spent[LINE], budget))

    model = run(months=36, each=spent, community=levers)
    assert all(paid <= budget + 1e-6 for paid, budget in checks)
    entries = model.ledger.entries().query("line == @LINE[1]")
    cost = community(model).training.cost()
    assert np.allclose(entries["amount"], cost)  # a team is paid in full or not trained


def test_a_budget_short_of_a_team_trains_fewer_teams():
    model = run(months=12, community={"team_size": 15})  # 15,000 EUR a team, 20,000 in 2017
    assert series(model, "community_teams_trained")[-1] == 1
    assert series(model, "community_trained_members")[-1] == 15


def test_the_trainer_capacity_spreads_the_teams_over_time():
    one = run(months=36, community={"trainer_capacity": 1})
    months = sorted(a.trained_month for a in community(one).landlord.agencies if a.trained)
    assert months[:2] == [6, 10]  # one team after the other, four months each
    four = run(months=36, community={"trainer_capacity": 4})
    assert sum(a.trained for a in community(four).landlord.agencies) == 6
    assert (
        series(one, "community_trained_members")[20] < series(four, "community_trained_members")[20]
    )


def test_the_action_off_equals_the_no_action_model_exactly(tmp_path):
    path = tmp_path / "off.toml"
    path.write_text(
        'name = "off"\nseed = 4\n[territory]\nscale = 0.02\n[horizon]\nmonths = 14\n'
        "[actions.community]\nenabled = false\nteam_size = 12\n"
    )
    scenario = load_scenario(path)
    assert scenario.actions == {}
    pd.testing.assert_frame_equal(simulate(scenario).results(), run(months=14, seed=4).results())


def test_an_idle_action_leaves_the_energy_action_unchanged():
    alone = run(energy_poverty={}).results()
    idle = run(energy_poverty={}, community=NONE).results()
    idle = idle[~idle["indicator"].str.startswith("community_")].reset_index(drop=True)
    pd.testing.assert_frame_equal(idle, alone)


def test_participants_report_difficulties_earlier_through_the_fsl():
    """Same seed, paired: every agency trained, residents who took part apply more readily."""
    levers = {
        "training_order": list(agency_names()),
        "agencies_per_year": {2017: 10},
        "budget_per_year": {2017: 100_000.0},
        "trainer_capacity": 10,
    }
    strong = {"community.reporting_effect": 3.0, "community.participation_no_diploma": 0.25}
    alone = run(months=36, scale=0.05, energy_poverty={})
    together = run(months=36, scale=0.05, parameters=strong, energy_poverty={}, community=levers)
    assert series(together, "community_reporting_earlier")[-1] > 0
    assert series(together, "community_take_up_change")[-1] > 0
    # The FSL's take-up rises for the residents who report earlier (the pathway), and with it
    # the applications, never lower; the count itself moves by a few agents at this scale.
    take_up = next(a for a in together.actions if a.name == "energy_poverty").take_up
    raised = together.pathways.probability("fsl_take_up", take_up)
    assert np.all(raised >= take_up) and raised.max() > take_up
    applied = [series(m, "fsl_applications").sum() for m in (alone, together)]
    assert applied[1] >= applied[0]


def test_more_trained_agencies_mean_more_community_actions():
    every = {"training_order": list(agency_names()), "agencies_per_year": {2019: 4}}
    unpaid = run(months=36, community=every)  # no 2019 budget: no more teams
    assert series(unpaid, "community_teams_trained")[-1] == 6
    # Summed over three seeds: at scale 0.02 one seed's count moves by a few agents.
    actions = np.zeros(2)
    for seed in (5, 6, 7):
        few = run(months=36, seed=seed, community={})
        paid = run(months=36, seed=seed, community=every | {"budget_per_year": {2019: 40_000.0}})
        assert series(paid, "community_teams_trained")[-1] == 10
        actions += [series(m, "community_actions_landlord").sum() for m in (few, paid)]
    assert actions[1] > actions[0] > 0


def test_participation_is_skewed_towards_households_with_a_diploma():
    model = run(months=0, community={}, parameters={"community.diploma_participation_odds": 3.0})
    life = community(model).life
    rows = np.flatnonzero(community(model).landlord.tenants)
    p = life.participation(rows)
    graduate = life.graduate[rows]
    assert graduate.any() and (~graduate).any()
    assert np.all(p[~graduate] == 0.15) and np.all(p[graduate] > 0.15)
    flat = run(months=0, community={}, parameters={"community.diploma_participation_odds": 1.0})
    assert np.allclose(community(flat).life.participation(rows), 0.15)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("team_size = 0", "actions.community.team_size: got 0"),
        ('training_order = ["Lyon"]', "got 'Lyon', expected one of 'Bron'"),
        ("agencies_per_year = { 2017 = -1 }", "actions.community.agencies_per_year.2017: got -1"),
        ("budget_per_year = { year = 1.0 }", "agencies_per_year" if False else "got 'year'"),
        ("trainer_capacty = 2", "did you mean 'trainer_capacity'"),
    ],
)
def test_bad_levers_are_one_line_errors(line, expected, scenario_error):
    assert expected in scenario_error(f"[actions.community]\n{line}\n")
