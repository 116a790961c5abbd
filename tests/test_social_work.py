"""Action 1, action research on social work (document 3.1): phases, workshops taken from casework
on the one shared capacity, participation, practice, field experiments, and its effects through
the other actions' mechanisms only."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inclusion_sim import InclusionModel, load_scenario, simulate
from inclusion_sim.actions.social_work import SocialWork

ROOT = Path(__file__).resolve().parents[1]
PILOT = ["saint_fons", "venissieux"]
IDLE = {"volunteers": 0, "outreach_events": 0, "booth_zones": []}


def run(months=24, zones=PILOT, scale=0.5, seed=5, parameters=None, each=None, **actions):
    model = InclusionModel(
        zones=zones, scale=scale, seed=seed, parameters=parameters, actions=actions
    )
    for _ in range(months):
        if each:
            each(model)
        model.step()
    return model


def series(model, indicator, zone=None):
    r = model.results()
    zone = zone or model.zone_names[-1]
    r = r[(r["indicator"] == indicator) & (r["zone"] == zone) & (r["month"] > 0)]
    return r["value"].to_numpy()


@pytest.fixture(scope="module")
def documented():
    """The shipped 2017 scenario, at a small scale and for 30 months."""
    scenario = load_scenario(ROOT / "scenarios" / "social_work_2017.toml")
    return simulate(dataclasses.replace(scenario, scale=0.05, months=30))


def test_the_scenario_runs_with_its_monitoring_criteria(documented):
    names = {i.name for i in SocialWork.outputs}
    assert names <= set(documented.results()["indicator"])
    participants = series(documented, "social_work_participants")
    assert participants[:6].sum() == 0  # phase 1: the 6-month pre-diagnosis
    assert 0 < participants[6:18].max() <= 50  # phase 2: at most the fifty volunteers
    assert participants[18:].sum() == 0
    assert participants[6] > participants[17]  # participation decays without feedback
    deliverables = series(documented, "social_work_deliverables")
    assert deliverables[5] == 1 and deliverables[-1] > 1  # pre-diagnosis, then workshops'
    practice = series(documented, "social_work_practice_index")
    assert practice[5] == 0 and practice[17] > 5
    assert practice[-1] < practice[17]  # the renewed practice erodes once workshops end
    hours = series(documented, "social_work_casework_hours_lost")
    assert np.all(hours[6:18] >= 3 * participants[6:18])  # workshops (3 h each) + outreach
    assert series(documented, "social_work_households_contacted")[6:18].sum() > 0
    assert series(documented, "social_work_take_up_change")[17] > 0


def test_workshop_hours_take_casework_capacity_in_those_months():
    """A saturated social centre closes fewer cases in workshop months, by the time withdrawn,
    and as many as without workshops before and after them."""

    def flood(model):  # more cases than the centre can take, every month
        centre = model.social_centres[0]
        for _ in range(int(2 * centre.capacity * 31 / centre.days_per_case)):
            model.env.process(centre.case_work())

    def cases(hours):
        levers = dict(IDLE, volunteers=100, workshop_hours=hours)
        levers.update(prediagnosis_months=2, workshop_months=3, participant_feedback=True)
        model = run(months=7, zones=["saint_fons"], scale=1.0, each=flood, social_work=levers)
        return series(model, "social_centre_cases"), series(
            model, "social_work_casework_hours_lost"
        )

    without, _ = cases(0.0)
    with_workshops, hours = cases(40.0)
    np.testing.assert_array_equal(with_workshops[:2], without[:2])  # pre-diagnosis
    assert np.all(with_workshops[2:5] < without[2:5])  # workshop months
    centre = InclusionModel(zones=["saint_fons"], scale=1.0, seed=5).social_centres[0]
    share = hours[2:5] / 151.67 / centre.real_staff  # share of the centre's month withdrawn
    expected = share * without[2:5]
    np.testing.assert_allclose(without[2:5] - with_workshops[2:5], expected, atol=centre.capacity)
    np.testing.assert_allclose(with_workshops[5:], without[5:], atol=centre.capacity)


def test_the_action_off_equals_the_no_action_model_exactly(tmp_path):
    path = tmp_path / "off.toml"
    path.write_text(
        'name = "off"\nseed = 4\n[territory]\nzones = ["saint_fons", "venissieux"]\n'
        "scale = 0.2\n[horizon]\nmonths = 14\n[actions.social_work]\nenabled = false\n"
        "volunteers = 40\n"
    )
    scenario = load_scenario(path)
    assert scenario.actions == {}
    plain = run(months=14, scale=0.2, seed=4)
    pd.testing.assert_frame_equal(simulate(scenario).results(), plain.results())


def test_an_idle_action_leaves_the_other_actions_results_unchanged():
    """No volunteers, no field experiments: the pathways stay at 1, the centres' time whole."""
    alone = run(energy_poverty={}, dropout={}).results()
    idle = run(energy_poverty={}, dropout={}, social_work=IDLE).results()
    idle = idle[~idle["indicator"].str.startswith("social_work_")].reset_index(drop=True)
    pd.testing.assert_frame_equal(idle, alone)


def test_a_renewed_practice_raises_fsl_applications_and_referrals_through_action_4():
    """Same seed, paired: every social worker takes part; more indebted households apply."""
    levers = {"volunteers": 1000, "workshop_months": 24, "prediagnosis_months": 0}
    alone = run(months=30, energy_poverty={"soliha_technicians": 2.0})
    together = run(months=30, energy_poverty={"soliha_technicians": 2.0}, social_work=levers)
    assert series(together, "social_work_take_up_change")[-1] > 10
    assert (
        series(together, "fsl_applications").sum() > 1.05 * series(alone, "fsl_applications").sum()
    )
    assert series(together, "soliha_referrals").sum() > series(alone, "soliha_referrals").sum()
    no_effect = run(
        months=30,
        energy_poverty={"soliha_technicians": 2.0},
        social_work=dict(levers, outreach_events=0, booth_zones=[]),
        parameters={"social_work.detection_effect": 0.0, "social_work.referral_effect": 0.0},
    )
    assert series(no_effect, "social_work_take_up_change").max() == 0


def test_a_renewed_practice_raises_referrals_to_the_space_for_solidarity_making():
    """Same seed, paired: action 6 reads the pathway; the Saint-Fons site gets more files."""
    levers = {"volunteers": 1000, "workshop_months": 24, "prediagnosis_months": 0}
    alone = run(months=18, zones=["saint_fons"], scale=1.0, solidarity_space={})
    together = run(
        months=18, zones=["saint_fons"], scale=1.0, solidarity_space={}, social_work=levers
    )
    assert series(together, "social_work_solidarity_change")[-1] > 10
    referrals = [series(m, "solidarity_referrals").sum() for m in (alone, together)]
    assert referrals[1] > 1.05 * referrals[0]


def test_feedback_keeps_more_volunteers_taking_part():
    """Same seed, same attendance draws: with feedback, participation never falls below."""
    off = run(months=24, social_work=IDLE | {"volunteers": 15})
    on = run(months=24, social_work=IDLE | {"volunteers": 15, "participant_feedback": True})
    a, b = series(off, "social_work_participants"), series(on, "social_work_participants")
    assert np.all(b >= a) and b.sum() > a.sum()


def test_more_volunteers_never_mean_less_practice_and_take_more_casework_time():
    models = [run(months=20, social_work=IDLE | {"volunteers": v}) for v in (0, 5, 10, 20)]
    practice = [series(m, "social_work_practice_index")[-1] for m in models]
    hours = [series(m, "social_work_casework_hours_lost").sum() for m in models]
    assert practice == sorted(practice) and practice[-1] > practice[0] == 0
    assert hours == sorted(hours) and hours[0] == 0


def test_field_experiments_contact_their_documented_number_of_households():
    p = {"social_work.households_per_event": 100.0, "social_work.booth_users_per_month": 20.0}
    levers = {"volunteers": 0, "outreach_events": 4, "workshop_months": 12}
    model = run(months=18, scale=1.0, parameters=p, social_work=levers)
    contacted = series(model, "social_work_households_contacted", "Vénissieux")
    assert contacted.sum() == pytest.approx(4 * 100 + 12 * 20, abs=2)
    assert series(model, "social_work_households_contacted", "Saint-Fons").sum() == 0
    action = model.actions[0]
    assert action.field.in_contact().sum() > 0  # contacts last `contact_months`
    raised = model.pathways.contribution("fsl_take_up", "social_work")
    assert np.all(raised[action.field.in_contact()] == 2.0)  # the contact effect (no practice)


def test_families_agree_to_an_educator_more_often_with_a_renewed_practice():
    """Action 3 reads the pathway: the same family's draw, a higher agreement rate."""
    model = run(months=13, zones=["bron"], scale=0.5, dropout={})
    dropout = model.actions[0]
    educators, pupils = dropout.educators[0], dropout.pupils
    rate = dropout.educator_levers.family_agreement_rate
    between = np.flatnonzero((pupils.agree_u >= rate) & (pupils.agree_u < 1.5 * rate))
    assert len(between) > 0
    assert not any(educators.engaged(k) for k in between)
    factor = np.full(model.population.n_dwellings, 1.5)
    model.pathways.contribute("educator_agreement", "social_work", factor)
    assert all(educators.engaged(k) for k in between)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("volunteers = -5", "actions.social_work.volunteers: got -5"),
        ("workshop_hours = 200.0", "actions.social_work.workshop_hours: got 200.0"),
        ('outreach_zones = ["lyon"]', "got 'lyon', expected a zone"),
        ("participant_feedback = 1", "actions.social_work.participant_feedback: got 1"),
        ("volunters = 5", "did you mean 'volunteers'"),
    ],
)
def test_bad_levers_are_one_line_errors(line, expected, scenario_error):
    assert expected in scenario_error(f"[actions.social_work]\n{line}\n")
