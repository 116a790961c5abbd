"""The open population (demography.py): the month's flows follow the packaged rates, children
reach the school grades every September, the same seed gives the same population, dwellings are
let within each zone's stock, actions forget who left, and indicators weigh each zone by its own
scale. The last tests cover the whole 120-month horizon of the no-action baseline (issue 11)."""

import numpy as np
import pandas as pd
import pytest

from inclusion_sim import InclusionModel
from inclusion_sim.actions import REGISTRY
from inclusion_sim.codes import EMPLOYED, OWNER, PRIVATE_TENANT, RETIRED, SOCIAL, UNEMPLOYED
from inclusion_sim.demography import ADULT, Demography
from inclusion_sim.demography_tables import MAX_AGE, load_tables, monthly

METRO = ["saint_fons", "venissieux", "bron", "rest"]
BANDS = (0, 60, 80, MAX_AGE + 1)  # age bands for deaths


def model(months=0, **keywords):
    keywords = {"zones": METRO, "scale": 0.2, "rng": 4} | keywords
    built = InclusionModel(**keywords)
    for _ in range(months):
        built.step()
    return built


@pytest.fixture(scope="module")
def year_of_events():
    """A year of the whole Metropolis at scale 0.2 (about 280,000 persons), with, for each month,
    what the rates expected of the persons exposed when the person events are drawn (after
    birthdays and moves) and what happened."""
    tables = load_tables()
    death, leaving = monthly(tables.death), monthly(tables.leaving_home)
    expected = {"deaths": np.zeros((2, 3)), "births": 0.0, "left_home": np.zeros(MAX_AGE + 1)}
    observed = {"deaths": np.zeros((2, 3)), "births": 0, "left_home": np.zeros(MAX_AGE + 1)}
    moves = {"expected": np.zeros(3), "observed": np.zeros(3)}
    built = model()
    demography = built.demography
    persons, hh = built.population.persons, built.population.households
    retirements, die, leave = Demography._retirements, Demography._die, Demography._leave_home
    vacate = Demography._vacate

    def exposure(self, year, month):
        present = persons["present"]
        age, sex = np.clip(persons["age"], 0, MAX_AGE), np.clip(persons["sex"], 0, 1)
        band = np.searchsorted(BANDS, age, side="right") - 1
        np.add.at(expected["deaths"], (sex[present], band[present]), death[sex, age][present])
        child = present & ~persons["head"] & (age >= ADULT)
        np.add.at(expected["left_home"], age[child], leaving[age[child]])
        woman = present & persons["head"] & (sex == 1)
        expected["births"] += self.monthly_fertility[age[woman]].sum()
        return retirements(self, year, month)

    def dying(self, slots):
        age = np.clip(persons["age"][slots], 0, MAX_AGE)
        band = np.searchsorted(BANDS, age, side="right") - 1
        np.add.at(observed["deaths"], (persons["sex"][slots], band), 1)
        die(self, slots)

    def leaving_home(self, slots):
        np.add.at(observed["left_home"], persons["age"][slots], 1)
        leave(self, slots)

    def moving(self, rows, flow, cause=None):
        if cause == "moves":
            np.add.at(moves["observed"], hh["tenure"][rows], 1)
        vacate(self, rows, flow, cause)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Demography, "_retirements", exposure)
        patch.setattr(Demography, "_die", dying)
        patch.setattr(Demography, "_leave_home", leaving_home)
        patch.setattr(Demography, "_vacate", moving)
        for _ in range(12):
            rate = demography.moving_rate()
            np.add.at(moves["expected"], hh["tenure"], rate)
            built.step()
            observed["births"] += demography.flows["births"].sum()
            observed["births"] += demography.flows["births_without_room"].sum()
    return built, expected, observed, moves


def within_sampling_error(observed, expected, sds=4.0):
    """Counts of rare independent events: Poisson, so the standard deviation is sqrt(expected)."""
    observed, expected = np.asarray(observed, float), np.asarray(expected, float)
    return np.all(np.abs(observed - expected) <= sds * np.sqrt(np.maximum(expected, 1.0)))


def test_deaths_follow_the_mortality_table_by_sex_and_age(year_of_events):
    _, expected, observed, _ = year_of_events
    assert expected["deaths"].sum() > 500  # a sample large enough to tell
    assert within_sampling_error(observed["deaths"], expected["deaths"])
    # and the table itself: men die more than women at every age band with deaths
    death = load_tables().death
    assert np.all(death[0, 40:90] > death[1, 40:90])


def test_births_follow_the_fertility_of_the_year(year_of_events):
    built, expected, observed, _ = year_of_events
    assert expected["births"] > 1000
    assert within_sampling_error(observed["births"], expected["births"])
    tables = load_tables()
    # The table's total fertility: INSEE's 1.88 children per woman in 2017, 1.55 from 2025 on
    # (the last year is kept after it).
    assert tables.fertility_in(2017).sum() == pytest.approx(1.88, abs=0.01)
    assert tables.fertility_in(2030).sum() == pytest.approx(1.55, abs=0.01)


def test_adult_children_leave_home_at_the_rate_of_their_age(year_of_events):
    _, expected, observed, _ = year_of_events
    young = slice(ADULT, 25), slice(25, 35)
    for ages in young:
        assert expected["left_home"][ages].sum() > 100
        assert within_sampling_error(
            observed["left_home"][ages].sum(), expected["left_home"][ages].sum()
        )
    assert observed["left_home"][:ADULT].sum() == 0  # minors never leave on their own


def test_households_move_out_at_the_rate_of_their_tenure(year_of_events):
    built, _, _, moves = year_of_events
    assert within_sampling_error(moves["observed"], moves["expected"])
    # At the start, each tenure's households move out at its published yearly rate on average
    # (the head-age factor only redistributes it between households).
    fresh = model()
    hh = fresh.population.households
    yearly = 1 - (1 - fresh.demography.moving_rate()) ** 12
    published = load_tables().tenure_mobility
    for tenure in (SOCIAL, PRIVATE_TENANT, OWNER):
        mine = hh["occupied"] & (hh["tenure"] == tenure)
        assert yearly[mine].mean() == pytest.approx(published[tenure], rel=1e-6)
    assert published[PRIVATE_TENANT] > published[SOCIAL] > published[OWNER]


def test_the_minimum_old_age_pension_tops_the_household_up_to_its_means_test():
    """Retiring persons (inactive ones included, who had no income of their own) bring their
    household's resources up to the ASPA (the single rate for one adult, the couple's for two),
    whatever else it has; a household already above it gets only the workers' own pensions, and
    the household's income rises by exactly the pensions granted."""
    built = model(scale=0.05)
    persons, hh, p = built.population.persons, built.population.households, built.params
    adults = np.flatnonzero(persons["present"] & (persons["age"] >= 40))
    slots = adults[:400]
    rows = persons["household"][slots]
    other_before = hh["other_income"].copy()
    pension_before = persons["pension"][slots].copy()
    active = np.isin(persons["activity"][slots], (EMPLOYED, UNEMPLOYED))
    own = np.where(active, p["pension_replacement_rate"] * p["late_career_wage_ratio"]
                   * persons["wage"][slots], 0.0)  # fmt: skip
    built.demography._retire(slots)
    built.update_incomes()
    granted = persons["pension"][slots] - pension_before
    ceiling = np.where(hh["adults"][rows] <= 1, p["aspa_single"], p["aspa_couple"])
    assert np.all(persons["activity"][slots] == RETIRED)
    assert np.all(granted >= own - 1e-9)
    assert np.all(hh["income"][rows] >= ceiling - 1e-6)
    topped = granted > own + 1e-9
    assert topped.any() and (~topped).any()
    # Topped-up households end exactly at the ceiling; the others had enough without it.
    np.testing.assert_allclose(hh["income"][rows][topped], ceiling[topped], rtol=1e-9)
    gained = np.bincount(rows, weights=granted, minlength=len(hh["zone"]))
    np.testing.assert_allclose(hh["other_income"] - other_before, gained, atol=1e-6)


def test_the_minimum_old_age_pension_lowers_households_in_arrears_paired():
    """The ASPA exists so that retiring without a pension of one's own is not retiring with no
    income: same seed, the second year with it has fewer households in arrears than with both
    rates at 0 (whole Metropolis, scale 0.05: 3.52% against 3.67%)."""

    def arrears(parameters):
        built = model(months=24, scale=0.05, parameters=parameters)
        return yearly_means(built, "households_in_arrears")[1]

    assert arrears({}) < arrears({"aspa_single": 0.0, "aspa_couple": 0.0}) - 0.05


def test_at_the_start_persons_past_the_legal_age_have_retired_as_the_monthly_rule_would():
    """The synthesis retires the over-65s only; at the start, the model retires those already past
    their legal age with probability 1 - (1 - retirement_rate)^(months past + 1), all by 67, so
    the first years do not retire a backlog. (The check of the shares is coarse: ODD 9.1 lists a
    month's offset and the start month's birthdays, found in review, that it would not catch.)"""
    built = model(scale=0.2, rng=3)
    persons = built.population.persons
    present = persons["present"]
    age = persons["age"]
    not_retired = present & (persons["activity"] != RETIRED)
    assert not np.any(not_retired & (age >= 67))
    # Aged 62 to 66 (born 1950-1954, legal ages 60 to 61 years 7 months): mostly retired
    # already, more so older.
    retired_share = [np.mean(persons["activity"][present & (age == a)] == RETIRED)
                     for a in (62, 64, 66)]  # fmt: skip
    assert 0.3 < retired_share[0] < retired_share[1] < retired_share[2]
    assert retired_share[2] > 0.95
    assert not np.any(present & (age < 60) & (persons["activity"] == RETIRED))


def test_children_reach_the_school_grades_every_september():
    """Ten Septembers: the first grade of primary school (CP) and of lower secondary (6e) keep
    their pupils, the later CP classes being children born during the run."""
    built = model(scale=0.05, rng=1)
    first, sixth = [], []
    for _ in range(120):
        built.step()
        if built.calendar_month[1] == 9:
            levels = built.school_levels()
            first.append(np.count_nonzero(levels == 1))
            sixth.append(np.count_nonzero(levels == 6))
    assert len(first) == 10
    assert min(first) > 0.6 * first[0] and min(sixth) > 0.6 * sixth[0]
    # September 2026's CP pupils were born in 2020: during the run.
    born = built.birth_years()[built.school_levels() == 1]
    assert len(born) > 0 and np.all(born == 2020)


def test_the_same_seed_gives_the_same_population_and_another_seed_differs():
    runs = [model(months=6, scale=0.05, rng=seed) for seed in (7, 7, 8)]
    for key in ("age", "present", "activity", "wage", "household"):
        np.testing.assert_array_equal(
            runs[0].population.persons[key], runs[1].population.persons[key]
        )
    assert runs[0].results().equals(runs[1].results())
    assert not np.array_equal(
        runs[0].population.persons["present"], runs[2].population.persons["present"]
    )


def test_a_runs_first_months_do_not_depend_on_its_horizon():
    """The vacant dwellings are laid out for ten years of growth whatever the horizon."""
    short = InclusionModel(zones=["venissieux"], scale=0.1, rng=3, months=3)
    long = InclusionModel(zones=["venissieux"], scale=0.1, rng=3, months=240)
    for _ in range(3):
        short.step()
        long.step()
    pd.testing.assert_frame_equal(short.results(), long.results())


def test_vacant_dwellings_are_let_within_each_zones_stock_and_households_are_weighed():
    built = model(scale={"saint_fons": 1.0, "venissieux": 0.5, "bron": 0.2, "rest": 0.02})
    hh = built.population.households
    start = built.demography.households_target()
    assert (~hh["occupied"]).any()  # vacant dwellings to let
    moved_in = np.zeros(built.n_zones)
    for _ in range(12):
        built.step()
        occupied = np.bincount(hh["zone"][hh["occupied"]], minlength=built.n_zones)
        assert np.all(occupied <= built.demography.households_target())
        moved_in += built.demography.flows["households_moved_in"]
        households = built.current_indicators()["households"]
        np.testing.assert_allclose(households[:-1], occupied * built.population.zone_weight)
        assert households[-1] == pytest.approx(households[:-1].sum())
    assert np.all(moved_in > 0)
    np.testing.assert_allclose(built.population.zone_weight, [1.0, 2.0, 5.0, 50.0])
    growth = built.params["household_growth_rate"]
    np.testing.assert_array_equal(
        built.demography.households_target(), np.round(start * (1 + growth)).astype(int)
    )


def test_rates_weigh_each_zone_by_its_own_scale():
    """The Territory's poverty rate is the zones' rates weighted by their real populations, not
    by their agents (Saint-Fons at 1.0 would otherwise count twenty times too much)."""
    built = model(months=2, zones=["saint_fons", "rest"], scale={"saint_fons": 1.0, "rest": 0.05})
    values = built.current_indicators()
    people = values["population"]
    rates = values["poverty_rate"]
    assert rates[-1] == pytest.approx((rates[:-1] * people[:-1]).sum() / people[:-1].sum())
    agents = np.bincount(
        built.population.households["zone"][built.population.households["occupied"]],
        weights=built.population.households["size"][built.population.households["occupied"]],
    )
    np.testing.assert_allclose(people[:-1], agents * built.population.zone_weight)


def test_actions_forget_exactly_who_changed_occupant(monkeypatch):
    """Each month every action is told the dwellings and slots whose occupant changed, and the
    generation counters of those (and only those) moved on."""
    told = []
    action = REGISTRY["energy_poverty"]
    forget = action.forget

    def spy(self, households, persons):
        told.append((households.copy(), persons.copy()))
        forget(self, households, persons)

    monkeypatch.setattr(action, "forget", spy)
    built = model(zones=["venissieux"], scale=0.2, actions={"energy_poverty": {}})
    hh, persons = built.population.households, built.population.persons
    for _ in range(6):
        generation = hh["generation"].copy(), persons["generation"].copy()
        occupied, present = hh["occupied"].copy(), persons["present"].copy()
        built.step()
        rows, slots = told[-1]
        assert len(rows) > 0 and len(slots) > 0
        np.testing.assert_array_equal(np.flatnonzero(hh["generation"] != generation[0]), rows)
        np.testing.assert_array_equal(np.flatnonzero(persons["generation"] != generation[1]), slots)
        # every household that left is among them, and so is every newcomer's dwelling
        assert set(np.flatnonzero(occupied & ~hh["occupied"])) <= set(rows)
        assert set(np.flatnonzero(~occupied & hh["occupied"])) <= set(rows)
        assert set(np.flatnonzero(present != persons["present"])) <= set(slots)
    # A household that left has no application pending with the FSL any more.
    records = built.actions[0].records
    assert not records.pending[~hh["occupied"]].any()


# --- the whole horizon (issue 11's first Done-when) -------------------------------------------
# Energy prices held at 2017's and the energy cheque sent from 2017: the environment stands still
# and only the population moves (the social tariffs the cheque replaced in 2018 are not modelled,
# so with the cheque from 2018 the first year's arrears stand about 3% above every later year's).
STILL = {"price_series_last_year": 2017, "cheque_first_year": 2017}
SEEDS = range(1, 11)


def yearly_means(built, indicator):
    r = built.results()
    r = r[(r["indicator"] == indicator) & (r["zone"] == "Territory") & (r["month"] > 0)]
    return r.groupby((r["month"] - 1) // 12)["value"].mean().to_numpy()


@pytest.fixture(scope="module")
def horizon():
    """The no-action baseline of the whole Metropolis over 120 months in a still environment, ten
    seeds (at scale 0.05 one run's ten-year drift varies by about 4 points from seed to seed)."""
    return [model(months=120, scale=0.05, rng=seed, parameters=STILL) for seed in SEEDS]


def drifts(runs, indicator):
    """Each year's mean over year 1's, minus 1, averaged over the runs."""
    return np.mean([yearly_means(run, indicator) / yearly_means(run, indicator)[0] - 1
                    for run in runs], axis=0)  # fmt: skip


def test_over_the_whole_horizon_the_population_moves(horizon):
    for run in horizon:
        for flow in ("births", "deaths", "households_moved_in", "households_moved_out"):
            assert np.all(yearly_means(run, flow) > 0), flow
        assert np.all(yearly_means(run, "left_home") > 0)
        # Households grow at the census's trend (INSEE: +1.2% a year in the Lyon area); persons
        # about +1% a year (INSEE: the Metropolis's population +0.7% a year 2014-2020,
        # households getting smaller, which newcomers drawn like the start's do not).
        households = yearly_means(run, "households")
        growth = run.params["household_growth_rate"]
        assert households[-1] / households[0] == pytest.approx((1 + growth) ** 9, rel=0.002)
        population = yearly_means(run, "population")
        assert 0.005 < (population[-1] / population[0]) ** (1 / 9) - 1 < 0.015


@pytest.mark.parametrize(
    "indicator", ["poverty_rate", "unemployment_rate", "households_in_arrears"]
)
def test_over_the_whole_horizon_rates_hold_within_5_percent(horizon, indicator):
    """Issue 11's first Done-when, every year of the ten, on the mean of ten seeds with the
    shipped joint calibration (experiments/population_drift.py, seeds 1-10, year 10: poverty
    +3.5%, unemployment -1.2%, arrears -3.2%; one run's ten-year drift varies by about 4 points
    from seed to seed at scale 0.05, so three seeds were not enough: arrears -5.4% over seeds
    1-3). Arrears were +8.7% before the
    minimum old-age pension. The packaged price path raises them +17% (the energy prices of
    2022-2023), so the test holds prices, and the cheque, still."""
    assert np.all(np.abs(drifts(horizon, indicator)) < 0.05)


def test_with_the_minimum_pension_a_poverty_size_association_no_longer_drifts_poverty(horizon):
    """Before the minimum old-age pension, `odds_poor_per_person` at 0.71 (large households less
    often poor) drifted poverty +5.4% in ten years (seed 1), which is why its range was cut to
    [1.0, 1.35]. With the pension the same synthesis holds, so the drift came from inactive
    persons retiring with no income rather than from the association: the range is [0.7, 1.35]
    again, and the calibration fits 0.75."""
    skewed = model(months=120, scale=0.05, rng=1, parameters=STILL | {"odds_poor_per_person": 0.71})
    assert abs(drifts([skewed], "poverty_rate")[-1]) < 0.05
