"""Household economics: housing costs, the housing allowance, energy prices and the cheque,
restriction and cold homes, the suppliers' interventions and the winter truce."""

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from inclusion_sim import InclusionModel, Parameters
from inclusion_sim.allowance import housing_allowance
from inclusion_sim.cheque import cheque_amount, cheque_units
from inclusion_sim.codes import OWNER, PRIVATE_TENANT, SOCIAL
from inclusion_sim.housing import private_rent
from inclusion_sim.indicators import energy_poor_document, energy_poor_onpe
from inclusion_sim.prices import FUELS, load_price_table
from inclusion_sim.strain import CUT, NORMAL, TRUCE_MONTHS, heating_kept

PILOT = ["saint_fons", "venissieux"]


@pytest.fixture(scope="module")
def p():
    return Parameters()


@pytest.fixture(scope="module")
def pilot():
    """The pilot communes for two years, no action."""
    model = InclusionModel(zones=PILOT, scale=0.3, seed=3)
    for _ in range(24):
        model.step()
    return model


def territory(model, indicator):
    r = model.results()
    r = r[(r["indicator"] == indicator) & (r["zone"] == model.zone_names[-1])]
    return r.set_index("month")["value"]


# --- housing costs -------------------------------------------------------------------------------
def test_tenants_pay_rent_owners_pay_charges_and_some_repay_a_loan(pilot):
    hh = pilot.population.households
    tenant = hh["tenure"] != OWNER
    assert np.all(hh["rent"][tenant] > 0) and np.all(hh["rent"][~tenant] == 0)
    assert np.all(hh["owner_costs"][~tenant] > 0) and np.all(hh["owner_costs"][tenant] == 0)
    repaying = hh["mortgage"] > 0
    assert repaying.any() and not repaying[tenant].any()
    assert 0.1 < repaying[~tenant].mean() < 0.7  # accédants: a minority of owners
    social, private = hh["tenure"] == SOCIAL, hh["tenure"] == PRIVATE_TENANT
    per_m2 = hh["rent"] / hh["surface"]
    assert per_m2[private].mean() > 1.5 * per_m2[social].mean()


def test_private_rent_per_m2_falls_with_the_surface(p):
    surfaces = np.array([25.0, 50.0, 80.0])
    per_m2 = private_rent(np.array([3, 3, 3]), surfaces, p) / surfaces
    assert per_m2[0] > per_m2[1] > per_m2[2]
    assert per_m2[0] / per_m2[2] == pytest.approx((80 / 25) ** 0.45)


# --- housing allowance ---------------------------------------------------------------------------
def test_allowance_is_never_negative_and_zero_without_rent_or_claim(p):
    rng = np.random.default_rng(1)
    n = 20_000
    size = rng.integers(1, 7, n)
    adults = np.minimum(size, rng.integers(1, 3, n))
    rent = rng.uniform(0, 1500, n) * (rng.random(n) < 0.8)
    income = rng.uniform(0, 6000, n)
    claims = rng.random(n) < 0.9
    allowance = housing_allowance(rent, adults, size, income, claims, p)
    assert np.all(allowance >= 0)
    assert np.all(allowance[(rent == 0) | ~claims] == 0)
    paid = allowance > 0
    assert np.all(allowance[paid] >= p["allowance_minimum_paid"])
    assert paid.any()


def test_allowance_formula_for_a_single_tenant_without_resources(p):
    # L + C - P0 - reduction, the rent capped at the zone II ceiling for a single person
    allowance = housing_allowance(
        np.array([500.0]), np.array([1]), np.array([1]), np.array([0.0]), np.array([True]), p
    )
    ceiling, charges = p["allowance_rent_ceiling"][0], p["allowance_charges"][0]
    floor = max(p["allowance_minimum_participation"][0] * (ceiling + charges), 35.24)
    assert allowance[0] == pytest.approx(ceiling + charges - floor - p["allowance_reduction"])


def test_allowance_falls_as_income_rises_and_rises_with_rent_up_to_the_ceiling(p):
    one = np.ones(50, dtype=int)
    income = np.linspace(0, 2000, 50)
    by_income = housing_allowance(np.full(50, 400.0), one, one, income, one == 1, p)
    assert np.all(np.diff(by_income) <= 1e-9) and by_income[0] > 0 and by_income[-1] == 0
    rent = np.linspace(100, 600, 50)
    by_rent = housing_allowance(rent, one, one, np.full(50, 500.0), one == 1, p)
    assert by_rent[-1] == pytest.approx(by_rent[-2])  # above the ceiling: no more allowance
    assert by_rent[0] < by_rent[-1]


# --- energy prices and the cheque ----------------------------------------------------------------
def test_price_series_covers_2015_to_2026_for_every_fuel_with_a_source():
    first, standing, price = load_price_table()
    assert first == (2015, 1) and price.shape == (144, len(FUELS))
    assert np.all(price > 0) and np.all(standing >= 0)
    rows = pd.read_csv(resources.files("inclusion_sim.data") / "energy_prices.csv")
    assert rows["source"].str.strip().str.len().gt(0).all()
    # the tariff shield: electricity up 4% then 15% in Feb. 2022 and Feb. 2023, gas frozen
    electricity = price[:, 0]
    assert electricity[(2023 - 2015) * 12 + 1] > electricity[(2021 - 2015) * 12 + 11]
    gas = price[:, 1]
    frozen = gas[(2021 - 2015) * 12 + 9 : (2023 - 2015) * 12 + 6]
    assert np.all(frozen == frozen[0])


def test_price_path_raises_bills_from_its_date_only():
    lever = {"price_path_factor": 1.25, "price_path_start_year": 2018, "price_path_start_month": 1}
    base = InclusionModel(zones=["saint_fons"], scale=0.3, seed=4)
    dearer = InclusionModel(zones=["saint_fons"], scale=0.3, seed=4, parameters=lever)
    for month in range(1, 19):
        base.step()
        dearer.step()
        if month <= 12:  # 2017: identical prices and therefore identical households
            np.testing.assert_array_equal(base.price, dearer.price)
            np.testing.assert_array_equal(
                base.population.households["arrears_energy"],
                dearer.population.households["arrears_energy"],
            )
        else:
            np.testing.assert_allclose(dearer.price, 1.25 * base.price)
            np.testing.assert_allclose(dearer.standing, 1.25 * base.standing)
            assert np.all(dearer.annual_energy_cost() > base.annual_energy_cost())
    effort = territory(base, "energy_effort"), territory(dearer, "energy_effort")
    pd.testing.assert_series_equal(effort[0].loc[:12], effort[1].loc[:12])
    assert np.all(effort[1].loc[13:] > effort[0].loc[13:])


def test_cheque_amount_falls_with_income_and_rises_with_size(p):
    sizes = np.array([1, 2, 4])
    assert cheque_units(sizes) == pytest.approx([1.0, 1.5, 2.1])
    income = np.linspace(0, 5000, 200)
    for size in sizes:
        amount = cheque_amount(income, np.full(200, size), np.ones(200, dtype=bool), p)
        assert np.all(np.diff(amount) <= 0) and amount[0] > 0 and amount[-1] == 0
    poorest = cheque_amount(np.zeros(3), sizes, np.ones(3, dtype=bool), p)
    assert list(poorest) == [194.0, 240.0, 277.0]
    assert cheque_amount(np.zeros(1), sizes[:1], np.zeros(1, dtype=bool), p)[0] == 0


def test_cheque_is_sent_from_2018_in_april_and_its_credit_pays_bills(pilot):
    recipients = territory(pilot, "cheque_recipients")
    assert recipients.loc[1:15].max() == 0  # Jan 2017 - Mar 2018: no cheque yet
    assert recipients.loc[16] > 0  # April 2018
    assert territory(pilot, "cheque_spent").loc[16:].sum() > 0


# --- energy poverty net of the allowance and the cheque -----------------------------------------
def test_energy_poverty_tests_use_housing_net_of_the_allowance_and_energy_net_of_the_cheque(
    pilot,
):
    hh = pilot.population.households
    annual_income = 12 * hh["income"]
    housing = 12 * np.maximum(hh["rent"] + hh["owner_costs"] + hh["mortgage"] - hh["allowance"], 0)
    energy = np.maximum(pilot.annual_energy_cost() - hh["cheque"], 0)
    poor = hh["occupied"] & (annual_income / hh["cu"] < pilot.params["poverty_line"])
    np.testing.assert_array_equal(
        energy_poor_document(pilot), poor & (housing + energy > 0.35 * annual_income)
    )
    low = hh["occupied"] & (annual_income / hh["cu"] < pilot.params["onpe_income_decile_3"])
    np.testing.assert_array_equal(energy_poor_onpe(pilot), low & (energy > 0.08 * annual_income))
    assert (hh["allowance"] > 0).any() and (hh["cheque"] > 0).any()
    # without the aids the tests would count more households
    gross = 12 * (hh["rent"] + hh["owner_costs"] + hh["mortgage"]) + pilot.annual_energy_cost()
    assert (poor & (gross > 0.35 * annual_income)).sum() > energy_poor_document(pilot).sum()


def test_energy_poverty_is_reported_by_tenure_under_both_tests(pilot):
    hh = pilot.population.households
    values = pilot.current_indicators()
    for code, tenure in enumerate(("social_tenant", "private_tenant", "owner")):
        of_tenure = hh["occupied"] & (hh["tenure"] == code)
        for test, name in ((energy_poor_document, "document"), (energy_poor_onpe, "onpe")):
            expected = 100 * (test(pilot) & of_tenure).sum() / of_tenure.sum()
            assert values[f"energy_poverty_{name}_{tenure}"][-1] == pytest.approx(expected)


def test_mean_energy_effort_leaves_out_households_without_income():
    """A household with no income has no effort to average (it once made the mean infinite)."""
    model = InclusionModel(zones=["saint_fons"], scale=0.1, seed=3)
    hh = model.population.households
    before = model.current_indicators()["energy_effort"][-1]
    hh["income"][0] = 0.0
    earning = hh["income"] > 0
    effort = model.net_energy_cost()[earning] / (12 * hh["income"][earning])
    after = model.current_indicators()["energy_effort"][-1]
    assert np.isfinite(after) and after == pytest.approx(100 * effort.mean())
    assert after != before


# --- restriction, cold homes, supply interventions -----------------------------------------------
def test_households_heat_less_as_their_effort_grows_and_when_they_owe_bills(p):
    effort = np.array([0.05, 0.10, 0.15, 0.30])
    kept = heating_kept(effort, np.zeros(4, dtype=bool), p)
    assert kept[0] == kept[1] == 1.0 and 1.0 > kept[2] > kept[3] > 0.5
    owing = heating_kept(effort, np.ones(4, dtype=bool), p)
    assert np.all(owing <= kept) and owing[0] == 1 - p["restriction_arrears_cut"]


def test_a_restricting_household_takes_part_of_a_saving_as_comfort(p):
    """Rebound: after a 30% cut in its need, a restricting household's consumption falls by
    less than 30%, because its effort, and so its restriction, falls too."""
    need, cost_per_kwh, income = 10_000.0, 0.15, 9_000.0
    before = need * heating_kept(np.array([need * cost_per_kwh / income]), np.array([False]), p)
    after = 0.7 * need * heating_kept(np.array([0.7 * need * cost_per_kwh / income]), [False], p)
    assert before[0] < need  # it was restricting
    assert 0 < 1 - after[0] / before[0] < 0.30


def test_no_supply_intervention_during_the_winter_truce(pilot):
    interventions = territory(pilot, "supply_interventions")
    months = {k: (pilot.start_month - 1 + k - 1) % 12 + 1 for k in interventions.index if k > 0}
    truce = [k for k, month in months.items() if month in TRUCE_MONTHS]
    outside = [k for k, month in months.items() if month not in TRUCE_MONTHS]
    assert interventions.loc[truce].max() == 0
    assert interventions.loc[outside].sum() > 0
    assert interventions.loc[[k for k in outside if months[k] == 4]].min() > 0  # April catch-up


def test_supply_is_cut_after_the_notice_and_restored_once_the_debt_is_paid(pilot):
    hh = pilot.population.households
    under = hh["supply"] != NORMAL
    assert under.any()
    assert np.all(hh["months_unpaid"][under] >= pilot.params["supply_notice_months"])
    assert np.all(hh["arrears_energy"][~under] >= 0)
    assert np.all(hh["heating_kept"][under & (hh["heating"] != 2)] == 0)  # no heating when cut
    paid = hh["arrears_energy"] <= pilot.params["energy_arrears_threshold"]
    assert np.all(hh["supply"][paid] == NORMAL)


def test_cold_homes_and_comfort_deficit_come_with_restriction(pilot):
    cold = territory(pilot, "cold_homes")
    restricting = territory(pilot, "households_restricting")
    assert np.all(cold <= restricting + 1e-9)
    assert cold.max() > 0 and territory(pilot, "comfort_deficit").max() > 0
    summer = [k for k in cold.index if k > 0 and (k - 1) % 12 + 1 in (6, 7, 8)]
    assert cold.loc[summer].max() == 0  # cold homes are reported in heating months only


def test_a_cut_electric_home_heats_nothing_its_whole_heating_need_is_a_deficit():
    model = InclusionModel(zones=["saint_fons"], scale=0.3, seed=6)
    hh = model.population.households
    poor = np.flatnonzero((hh["heating"] == 0) & (hh["income"] < 1200))[:5]
    hh["supply"][poor] = CUT
    hh["arrears_energy"][poor] = 10_000.0  # far more than a month's surplus: stays unpaid
    hh["months_unpaid"][poor] = 6
    model.step()  # January: the winter truce, no new intervention, the cut stays
    assert np.all(hh["supply"][poor] == CUT) and np.all(hh["heating_kept"][poor] == 0)
    need = model.params["heating_share"] * hh["annual_kwh"][poor] * model._heating_shares[0]
    np.testing.assert_allclose(model.month["comfort_deficit"][poor], need)
