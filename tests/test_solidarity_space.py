"""Action 6, Space for Solidarity Making (document 3.5.8-3.5.15).

The 2017 baseline gives the document's yearly participants in its second year (the grocery's
places are fitted; the people welcomed across activities are held out); the committee admits by
its rule and its places; the grocery's saving lowers members' arrears against the same
households without the action (paired over seeds); places and budgets are never exceeded; an off
or idle action changes nothing; each lever moves its outcome.
"""

import numpy as np
import pandas as pd
import pytest
from fit_checks import check_fits
from scipy import stats

from inclusion_sim import InclusionModel, figure, load_figures, load_scenario, simulate
from inclusion_sim.actions.solidarity_space import SolidaritySpace
from inclusion_sim.actions.solidarity_space import committee as committee_module
from inclusion_sim.actions.solidarity_space.committee import AdmissionCommittee
from inclusion_sim.actions.solidarity_space.grocery import Grocery
from inclusion_sim.actions.solidarity_space.projects import DEBT, HOUSING, JOB
from inclusion_sim.actions.solidarity_space.records import ACTIVITIES
from inclusion_sim.codes import EMPLOYED, SOCIAL
from inclusion_sim.indicators import ARREARS_EPSILON, year_values

SAINT_FONS = ["saint_fons"]
NAME = "solidarity_space"


def run(levers=None, months=24, seed=21, zones=SAINT_FONS, scale=1.0, parameters=None, each=None):
    """The model with the action; `each(model)` is called after every month."""
    model = InclusionModel(
        zones=zones, scale=scale, seed=seed, parameters=parameters, actions={NAME: levers or {}}
    )
    for _ in range(months):
        model.step()
        if each:
            each(model)
    return model


def year(model, first, last, zone=None):
    """Each indicator summarised over simulated months first..last, by its declared kind."""
    values = year_values(model.results(), model.declared_indicators(), (first, last))
    zone = zone or model.zone_names[-1]
    return values[values["zone"] == zone].set_index("indicator")["value"]


def total(model, indicator):
    """An indicator's value over the run, summed over months (flows) for the last zone."""
    r = model.results()
    r = r[(r["indicator"] == indicator) & (r["zone"] == model.zone_names[-1]) & (r["month"] > 0)]
    return r["value"].sum()


def action(model) -> SolidaritySpace:
    return model.actions[0]


# --- the document's figures ---
@pytest.fixture(scope="module")
def baseline():
    """Saint-Fons, two years, three seeds not used to fit the places (seeds 100-104 were)."""
    return [run(seed=seed) for seed in (21, 22, 23)]


def second_year(models):
    """Year 2's indicators, mean over the runs."""
    return pd.concat([year(model, 13, 24) for model in models], axis=1).mean(axis=1)


@pytest.mark.fit_check
def test_fit_check_second_year_participants(baseline):
    """Fitted (calibration targets): each activity's participants in year 2."""
    y2 = second_year(baseline)
    check_fits({f"action6.{key}_participants": y2[f"solidarity_participants_{key}"]
                for key in (*ACTIVITIES, "social_support")})  # fmt: skip


@pytest.mark.fit_check
@pytest.mark.xfail(
    strict=True,
    reason="grocery members: 194 in year 2 here (Saint-Fons alone at scale 1, seeds 21-23; 206 "
    "over 20 seeds in experiments/solidarity_2017.py) against 250 within 20%; the calibration's "
    "own run, all six actions with the pilot communes at scale 0.5 (seed 2019), had 233",
)
def test_fit_check_second_year_grocery_members(baseline):
    """Fitted (a calibration target): 250 grocery members in year 2."""
    check_fits(
        {"action6.grocery_participants": second_year(baseline)["solidarity_grocery_members_year"]}
    )


def test_held_out_people_welcomed_and_their_profile_stay_near_the_documents(baseline):
    """Held out (never fitted; calibration/validation.csv has their predictive intervals): 630
    people welcomed within 20%, the shares within 10 points of 3.5.10's."""
    y2 = second_year(baseline)
    assert y2["solidarity_people_welcomed"] == pytest.approx(630, rel=0.2)
    for key, figure_id in (
        ("aged_26_49", "action6.adults_26_49_share"),
        ("couples_with_children", "action6.couples_with_children_share"),
        ("grant_beneficiaries", "action6.grant_beneficiaries_share"),
    ):
        assert abs(y2[f"solidarity_share_{key}"] - figure(figure_id)) < 10, key


def test_every_declared_figure_is_a_row_of_the_figures_file():
    figures = set(load_figures()["id"])
    declared = [i.figure[0] for i in SolidaritySpace.outputs if i.figure]
    assert len(declared) == 10 and set(declared) <= figures


# --- the committee: rule and places ---
def test_places_are_never_exceeded(monkeypatch):
    """Few places and many referrals: after every sitting and every month, no site holds more
    members, participants or supported people than its places."""
    levers = {
        "grocery_places": 20,
        "solidarity_places": 5,
        "referral_factor": 3.0,
        "shared_gardens_places": 7,
        "tool_library_places": 3,
        "recycling_store_places": 4,
        "culture_places": 2,
        "supported_places": 6,
    }
    checks = []

    def check(model):
        rec = action(model).records
        checks.append(
            (
                np.count_nonzero(rec.members),
                np.count_nonzero(rec.solidarity_members),
                *rec.in_activity.sum(axis=1),
                np.count_nonzero(rec.supported),
            )
        )

    original = AdmissionCommittee.sit

    def sit(self):
        original(self)
        check(self.model)

    monkeypatch.setattr(AdmissionCommittee, "sit", sit)
    model = run(levers, months=18, each=check)
    places = [20, 5, 7, 3, 4, 2, 6]
    counts = np.array(checks)
    assert np.all(counts <= places)
    assert np.all(counts.max(axis=0) == places)  # every place was taken at some point
    assert year(model, 1, 18)["solidarity_gave_up"] > 0  # applicants waited for a place


def test_refused_applicants_are_not_members_and_admitted_ones_met_the_rule(monkeypatch):
    reviewed, refused, admitted = {}, [], []
    rav = committee_module.reste_a_vivre

    def spy_rav(households, idx=slice(None)):
        value = rav(households, idx)
        if np.isscalar(idx) or isinstance(idx, np.integer):
            reviewed[int(idx)] = float(value)
        return value

    close, admit = AdmissionCommittee._close, Grocery.admit

    def spy_close(self, household, outcome):
        close(self, household, outcome)
        if outcome == "refusals":
            # the reste a vivre reviewed at this sitting (a row may be reviewed again later,
            # for another occupant)
            refused.append((household, self.records.members[household], reviewed[household]))

    def spy_admit(self, household, referred_day):
        admit(self, household, referred_day)
        admitted.append(reviewed[household])

    monkeypatch.setattr(committee_module, "reste_a_vivre", spy_rav)
    monkeypatch.setattr(AdmissionCommittee, "_close", spy_close)
    monkeypatch.setattr(Grocery, "admit", spy_admit)
    model = run(months=12)
    threshold = action(model).threshold
    assert refused and admitted
    for _, member, rav in refused:
        assert not member and rav >= threshold
    assert all(rav < threshold for rav in admitted)


def test_memberships_last_their_term_and_at_most_the_extensions():
    levers = {"membership_months": 4, "extension_months": 2, "max_extensions": 1}
    model = run(levers, months=20)
    rec = action(model).records
    current = rec.members & (rec.member_since > 0)
    assert current.any()
    length = rec.member_until[current] - rec.member_since[current]
    assert set(np.unique(length)) <= {4, 6}
    assert (rec.extensions[current] > 0).any()


def test_a_busy_social_centre_delays_admissions():
    """Referral files are cases for the social centre's workers, shared with other actions: a
    slow centre leaves files queueing for a worker, so fewer households are admitted."""
    quick = run(months=12)
    slow = run(months=12, parameters={"social_worker_days_per_case": 30.0})
    assert total(slow, "solidarity_admissions") < 0.5 * total(quick, "solidarity_admissions")
    assert len(slow.social_centres[0].workers.queue) > 10 * len(
        quick.social_centres[0].workers.queue
    )


# --- the grocery and the household budget ---
def test_price_ratio_one_gives_no_saving():
    model = run({"social_price_ratio": 1.0}, months=6)
    assert np.count_nonzero(action(model).records.members) > 0
    assert total(model, "solidarity_food_saving") == 0
    assert not model.population.households["budget_relief"].any()


def test_a_lower_price_saves_members_more_and_their_budgets_carry_it():
    cheap, dear = (run({"social_price_ratio": r}, months=6) for r in (0.1, 0.3))
    assert total(cheap, "solidarity_food_saving") > total(dear, "solidarity_food_saving") > 0
    rec, relief = action(cheap).records, cheap.population.households["budget_relief"]
    np.testing.assert_array_equal(relief, rec.relief)  # only this action sets a relief
    shopped = rec.members & (rec.member_since < cheap.steps)  # this month's newcomers: next
    assert np.all(relief[shopped] > 0) and not relief[~shopped].any()


def test_members_arrears_fall_against_the_same_households_without_the_action():
    """Paired over seeds: each seed's members, on vs off (same population and labour draws)."""
    arrears, energy = [], []
    for seed in range(4):
        on, off = run(months=24, seed=seed), InclusionModel(zones=SAINT_FONS, scale=1.0, seed=seed)
        for _ in range(24):
            off.step()
        rec = action(on).records
        members, poor = rec.ever_member, rec.ever_member & rec.energy_poor_at_admission
        total_on, total_off = (
            m.population.households["arrears_rent"] + m.population.households["arrears_energy"]
            for m in (on, off)
        )
        arrears.append(total_on[members].mean() - total_off[members].mean())
        energy_on = on.population.households["arrears_energy"][poor]
        energy.append(energy_on.mean() - off.population.households["arrears_energy"][poor].mean())
    for diffs in (arrears, energy):
        mean, sem = np.mean(diffs), stats.sem(diffs)
        upper = mean + stats.t.ppf(0.95, len(diffs) - 1) * sem  # one side of the 90% CI
        assert upper < 0


def test_money_short_means_fewer_places_and_thinner_baskets_never_overspending():
    """Grants far below the running costs, and no donated food: every month, each grant's
    payments this year stay under it and the grocery spends no more than it took; places shrink
    and the baskets are thinner than with the default grants."""
    grants = {"city_budget": 60_000.0, "metropolis_budget": 60_000.0, "private_funds": 0.0}
    no_donations = {"solidarity_space.donated_supply": 0.0}
    line = "Space for Solidarity Making (Saint-Fons)"
    checks = []

    def check(model):
        entries = model.ledger.entries()
        paid = entries[entries["line"] == line].groupby("funder")["amount"].sum()
        checks.append(
            (
                paid.get("City of Saint-Fons", 0.0),
                paid.get("Metropolis", 0.0),
                paid.get("Private funds", 0.0),
                paid.get("Grocery sales (double pricing)", 0.0),
                action(model).records.since_start("sales")[0],
            )
        )

    poor = run(grants, months=12, parameters=no_donations, each=check)
    rich = run(months=12, parameters=no_donations)
    paid = np.array(checks)
    assert np.all(paid[:, :2] <= 60_000 + 1e-6) and np.all(paid[:, 2] == 0)
    assert np.all(paid[:, 3] <= paid[:, 4] + 1e-6)  # the grocery spends no more than it took
    assert paid[-1, 0] > 59_000 and paid[-1, 1] > 59_000  # the grants ran out
    short, full = year(poor, 1, 12), year(rich, 1, 12)
    assert short["solidarity_basket_fill"] < full["solidarity_basket_fill"]
    for key in ("members_social", "participants_culture", "participants_shared_gardens"):
        assert short[f"solidarity_{key}"] < full[f"solidarity_{key}"], key
    for m in (poor, rich):
        for key, spent in m.ledger.spent.items():
            assert spent <= m.ledger.budget[key] + 1e-6


# --- projects, activities and support ---
def test_achieved_projects_are_what_they_say():
    """In the month a project is achieved: a job project's person works, a housing project's
    household rents social housing, a debt project's household owes nothing."""
    seen, kinds = {}, set()

    def check(model):
        rec = action(model).records
        hh, persons = model.population.households, model.population.persons
        new = np.flatnonzero(rec.achieved & rec.members & ~seen.get("before", rec.achieved * 0))
        for i in new:
            kind = rec.project[i]
            kinds.add(int(kind))
            if kind == JOB:
                assert persons["activity"][rec.project_person[i]] == EMPLOYED
            elif kind == HOUSING:
                assert hh["tenure"][i] == SOCIAL
            elif kind == DEBT:
                assert hh["arrears_rent"][i] + hh["arrears_energy"][i] <= ARREARS_EPSILON
        seen["before"] = rec.achieved & rec.members

    model = run({"grocery_places": 200, "referral_factor": 2.0}, months=12, seed=3, each=check)
    assert {DEBT, JOB, HOUSING} <= kinds
    flows = ("debts_paid", "jobs_found", "housing_changes", "licences")
    assert total(model, "solidarity_projects_achieved") == pytest.approx(
        sum(total(model, f"solidarity_{k}") for k in flows)
    )


def test_tool_library_repairs_lower_energy_use_only_when_on():
    on, off = (run({"tool_library_home_repairs": flag}, months=12) for flag in (True, False))
    assert total(on, "solidarity_home_repairs") > 0 and total(off, "solidarity_home_repairs") == 0
    repaired = action(on).records.repaired
    kwh_on, kwh_off = (
        on.population.households["annual_kwh"],
        off.population.households["annual_kwh"],
    )
    assert np.all(kwh_on[repaired] < kwh_off[repaired])
    # Households not repaired keep their use, unless a housing project moved them in one run
    # only (repairs change bills, hence arrears, hence who the committee admits).
    dpe_on, dpe_off = on.population.households["dpe"], off.population.households["dpe"]
    same = ~repaired & (dpe_on == dpe_off)
    assert same.sum() > 0.99 * (~repaired).sum()
    np.testing.assert_array_equal(kwh_on[same], kwh_off[same])


def test_support_places_are_taken_by_grant_beneficiaries_sent_by_the_social_centre(baseline):
    years = [year(model, 13, 24) for model in baseline]
    for y2 in years:
        assert y2["solidarity_supported"] <= 40
        assert y2["solidarity_support_referrals"] > 0
    # Places free up when support ends and when a supported person leaves the territory; the
    # social centre's referrals refill them a month or more later: mostly used, over seeds.
    assert np.mean([y2["solidarity_supported_places_used"] for y2 in years]) > 85


# --- levers move their outcomes (same seed) ---
def test_more_grocery_places_never_mean_fewer_members():
    counts = [
        year(run({"grocery_places": p}, months=12), 1, 12)["solidarity_grocery_members_year"]
        for p in (20, 43, 86, 172)
    ]
    assert counts == sorted(counts) and counts[-1] > counts[0]


def test_more_support_places_support_more_people():
    few, more = (run({"supported_places": p}, months=12) for p in (20, 60))
    assert year(more, 1, 12)["solidarity_supported"] > year(few, 1, 12)["solidarity_supported"]


def test_the_referral_pathway_raises_referrals():
    """The "solidarity_referral" pathway (action 1's practice change) multiplies referrals."""
    plain = run(months=6)
    raised = InclusionModel(zones=SAINT_FONS, scale=1.0, seed=21, actions={NAME: {}})
    doubled = np.full(raised.population.n_dwellings, 2.0)
    raised.pathways.contribute("solidarity_referral", "test", doubled)
    for _ in range(6):
        raised.step()
    assert total(raised, "solidarity_referrals") > 1.5 * total(plain, "solidarity_referrals")


def test_a_second_site_in_venissieux_serves_its_own_households():
    model = run(
        {"zones_served": ["saint_fons", "Vénissieux"]},
        months=6,
        zones=["saint_fons", "venissieux"],
        scale=0.25,
    )
    for zone in ("Saint-Fons", "Vénissieux"):
        assert year(model, 1, 6, zone)["solidarity_members_social"] > 0
    lines = set(model.ledger.entries()["line"])
    assert lines == {f"Space for Solidarity Making ({z})" for z in ("Saint-Fons", "Vénissieux")}


# --- the action off, and bad levers ---
def test_action_off_equals_the_no_action_model_exactly(tmp_path):
    path = tmp_path / "off.toml"
    path.write_text(
        'name = "off"\nseed = 4\n[territory]\nzones = ["saint_fons"]\nscale = 1.0\n'
        "[horizon]\nmonths = 14\n[actions.solidarity_space]\nenabled = false\n"
        "grocery_places = 200\n"
    )
    scenario = load_scenario(path)
    assert scenario.actions == {}
    off = simulate(scenario).results()
    plain = InclusionModel(zones=SAINT_FONS, scale=1.0, seed=4)
    for _ in range(14):
        plain.step()
    pd.testing.assert_frame_equal(off, plain.results())


def test_an_idle_action_leaves_the_core_results_unchanged():
    """Its own random streams: drawing numbers and filing referrals changes no core value."""
    idle = {
        "grocery_places": 0,
        "solidarity_places": 0,
        **{f"{key}_places": 0 for key in ACTIVITIES},
        "supported_places": 0,
    }
    core = run(idle, months=14).results()
    plain = InclusionModel(zones=SAINT_FONS, scale=1.0, seed=21)
    for _ in range(14):
        plain.step()
    # The social centres' load counts the referrals an idle action still files (casework).
    expected = plain.results().query("~indicator.str.startswith('social_centre_')")
    expected = expected.reset_index(drop=True)
    core = core[core["indicator"].isin(expected["indicator"].unique())].reset_index(drop=True)
    pd.testing.assert_frame_equal(core, expected)
    acting = run(months=14).results()  # the acting action does change arrears
    arrears = [r.query("indicator == 'households_in_arrears'")["value"] for r in (acting, expected)]
    assert not np.array_equal(*arrears)


BAD_LEVERS = {
    "grocery_places = -1": "actions.solidarity_space.grocery_places: got -1, expected a whole "
    "number >= 0",
    "social_price_ratio = 1.5": "actions.solidarity_space.social_price_ratio: got 1.5, expected "
    "a share",
    "membership_months = 0": "actions.solidarity_space.membership_months: got 0",
    'zones_served = ["lyon"]': "actions.solidarity_space.zones_served: got 'lyon', expected a zone",
    "grocery_place = 10": "actions.solidarity_space.grocery_place: unknown lever for action "
    "'solidarity_space' (did you mean 'grocery_places'?)",
    "city_budget = nan": "actions.solidarity_space.city_budget: got nan, expected a finite number",
}


@pytest.mark.parametrize("line", BAD_LEVERS)
def test_bad_levers_are_rejected_with_a_one_line_error(line, scenario_error):
    assert BAD_LEVERS[line] in scenario_error(f"[actions.solidarity_space]\n{line}\n")


def test_shipped_scenarios_load():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "scenarios"
    names = ["solidarity_2017", "solidarity_venissieux", "solidarity_double_places"]
    for name in [*names, "solidarity_support_to_demand"]:
        scenario = load_scenario(root / f"{name}.toml")
        assert NAME in scenario.actions
