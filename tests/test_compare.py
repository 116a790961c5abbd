"""Comparisons: paired intervals, cost per outcome, spending per funder."""

from pathlib import Path

import helpers_actions
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from inclusion_sim import comparison as cmp
from inclusion_sim.actions import REGISTRY
from inclusion_sim.experiment import run_experiment
from inclusion_sim.scenario import load_scenario, parse_scenario
from inclusion_sim.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def helper():
    helpers_actions.install()
    yield helpers_actions.Helper
    REGISTRY.pop(helpers_actions.Helper.name, None)


def _data(name, budget):
    return {
        "name": name,
        "seed": 2,
        "territory": {"zones": ["saint_fons", "venissieux"], "scale": 0.05},
        "horizon": {"months": 12},
        "actions": {"test_helper": {"budget": budget}},
    }


def scenario(name, budget):
    return parse_scenario(_data(name, budget), f"{name}.toml")


@pytest.fixture
def helped(helper, tmp_path):
    """A small budget and a larger one, 4 replications: the action spends and helps."""
    run_experiment([scenario("small", 1500.0), scenario("large", 3000.0)], tmp_path, 4)
    return Store(tmp_path)


def test_cost_per_outcome_is_extra_spending_per_unit_gained(helped):
    comparison = cmp.compare_folder(helped.root)
    costs = comparison.costs.set_index("outcome")
    assert set(costs.index) == {"test_helped", "test_in_need"}
    for outcome in costs.index:  # visits at 100 euros plus 10% of State fees
        row = costs.loc[outcome]
        assert row["scenario"] == "large" and row["reference"] == "small"
        assert row["outcome_gained"] > 0
        assert row["cost_per_outcome"] == pytest.approx(110.0)
        assert row["low"] == pytest.approx(110.0) and row["high"] == pytest.approx(110.0)


def test_spending_per_funder_and_line_adds_up(helped):
    comparison = cmp.compare_folder(helped.root)
    spending = helped.load("spending")
    table = comparison.spending.set_index(["scenario", "funder", "line"])
    for (name, funder, line), row in table.iterrows():
        runs = spending[
            (spending["scenario"] == name)
            & (spending["funder"] == funder)
            & (spending["line"] == line)
        ]
        totals = runs.groupby("replication")["amount"].sum().reindex(range(4), fill_value=0)
        assert row["mean"] == pytest.approx(totals.mean()) and row["runs"] == 4
    assert table.loc[("large", "state", "test_admin"), "mean"] == pytest.approx(
        0.1 * table.loc[("large", "metropolis", "test_visits"), "mean"]
    )
    assert table.loc[("small", "metropolis", "test_visits"), "high"] <= 1500.0  # budget holds


def test_no_gain_gives_no_cost(helper, tmp_path):
    run_experiment([scenario("large", 3000.0), scenario("none", 0.0)], tmp_path, 2)
    costs = cmp.compare_folder(tmp_path).costs
    assert len(costs) == 2 and costs["cost_per_outcome"].isna().all()


def test_paired_interval_is_the_t_interval_of_differences():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = a + np.array([0.9, 1.1, 1.0, 1.2])
    values = pd.DataFrame(
        {
            "scenario": ["A"] * 4 + ["B"] * 4,
            "replication": list(range(4)) * 2,
            "sample": 0,
            "zone": "Territory",
            "indicator": "x",
            "value": np.concatenate([a, b]),
        }
    )
    (row,) = cmp.differences(values, ["A", "B"]).to_dict("records")
    d = b - a
    half = stats.t.ppf(0.95, 3) * d.std(ddof=1) / 2
    assert row["difference"] == pytest.approx(1.05)
    assert (row["low"], row["high"]) == pytest.approx((1.05 - half, 1.05 + half))
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.90)
    assert (row["unpaired_low"], row["unpaired_high"]) == pytest.approx((welch.low, welch.high))
    levels = cmp.levels(values, ["A", "B"]).set_index("scenario")
    assert levels.loc["A", "mean"] == 2.5 and levels.loc["A", "low"] == pytest.approx(1.15)


def test_on_shipped_scenarios_pairing_narrows_the_interval(tmp_path):
    files = [ROOT / "scenarios" / f for f in ("pilot.toml", "pilot_energy_prices_up.toml")]
    run_experiment([load_scenario(f) for f in files], tmp_path, replications=6)
    diff = cmp.compare_folder(tmp_path).differences
    diff = diff[(diff["zone"] == "Territory") & (diff["difference"].fillna(0) != 0)]
    assert len(diff) >= 3  # the energy indicators moved
    paired = diff["high"] - diff["low"]
    unpaired = diff["unpaired_high"] - diff["unpaired_low"]
    # Pairing narrows the interval of most indicators; where the effect itself varies between
    # runs as much as the level (e.g. the share of households restricting their heating when
    # prices rise by a quarter), it cannot narrow it, but it never widens it much.
    assert (paired < unpaired).mean() > 0.8, diff
    assert (paired < 1.1 * unpaired).all(), diff


def test_library_compare_runs_scenarios_or_reads_a_folder(helper, tmp_path):
    import inclusion_sim as ism

    scenarios = [scenario("small", 1500.0), scenario("large", 3000.0)]
    ran = ism.compare(scenarios, out=tmp_path, replications=2)
    read = ism.compare(tmp_path)
    assert isinstance(ran, ism.Comparison) and len(ran.levels) > 0
    pd.testing.assert_frame_equal(ran.differences, read.differences)
    assert set(ran.differences["scenario"]) == {"large"}


# --- cost attribution: an action's outcomes cost its own spending -----------------------------


@pytest.mark.parametrize(
    "file, scale",
    [
        ("energy_renovation_first.toml", 0.05),
        ("clauses_double_hours.toml", 0.02),
        ("dropout_budget.toml", 0.3),
        ("solidarity_2017.toml", 0.3),
        ("community_2017.toml", 0.05),
    ],
)
def test_every_line_an_action_pays_from_is_declared(file, scale):
    from inclusion_sim.actions.solidarity_space.association import SALES_FUNDER
    from inclusion_sim.scenario import with_overrides
    from inclusion_sim.simulation import simulate

    scenario = with_overrides(load_scenario(ROOT / "scenarios" / file), scale=scale, months=14)
    model = simulate(scenario)
    (action,) = model.actions
    opened = set(model.ledger.budget)
    paid = set(zip(model.ledger.entries()["funder"], model.ledger.entries()["line"], strict=True))
    assert paid & set(action.budget_lines), "the action spent nothing: the test proves nothing"
    undeclared = (opened | paid) - set(action.budget_lines)
    # Only the grocery's sales (members' own money, spent again) are not a funder's cost.
    assert {funder for funder, _ in undeclared} <= {SALES_FUNDER}


def _attribution_frames():
    """Two actions A and B; scenario 'alt' changes A, which also moves B's spending a little."""
    rows, spend = [], []
    for scenario, a_gain, a_spent, b_spent in (
        ("ref", 0.0, 1000.0, 500.0),
        ("alt", 10.0, 3000.0, 520.0),
    ):
        for rep in range(3):
            for indicator, value in (("a_outcome", a_gain + rep), ("b_outcome", 5.0 + rep)):
                rows.append((scenario, rep, 0, 12, "Territory", indicator, value))
            spend += [
                (scenario, rep, 0, 12, "city", "a line", a_spent),
                (scenario, rep, 0, 12, "state", "b line", b_spent),
            ]
    keys = ["scenario", "replication", "sample", "month"]
    indicators = pd.DataFrame(rows, columns=[*keys, "zone", "indicator", "value"])
    spending = pd.DataFrame(spend, columns=[*keys, "funder", "line", "amount"])
    actions = [
        cmp.CostedAction("A", {"a_outcome": "increase"}, (("city", "a line"),)),
        cmp.CostedAction("B", {"b_outcome": "increase"}, (("state", "b line"),)),
    ]
    return indicators, spending, actions


def test_cost_per_outcome_divides_the_actions_own_spending_for_the_actions_changed():
    indicators, spending, actions = _attribution_frames()
    costs = cmp.cost_per_outcome(indicators, spending, ["ref", "alt"], actions, {"alt": {"A"}})
    (row,) = costs.to_dict("records")  # no cost per B outcome: 'alt' does not change B
    assert (row["action"], row["outcome"]) == ("A", "a_outcome")
    assert row["extra_spending"] == 2000.0  # A's line only, not B's extra 20
    assert row["cost_per_outcome"] == pytest.approx(200.0)
    # Without knowing what changed, an action whose own spending moved gets its row.
    fallback = cmp.cost_per_outcome(indicators, spending, ["ref", "alt"], actions)
    assert set(fallback["action"]) == {"A", "B"}
    assert fallback.set_index("action").loc["B", "extra_spending"] == 20.0


def test_changed_actions_are_read_from_the_runs_settings(helper, tmp_path):
    small_, large = scenario("small", 1500.0), scenario("large", 3000.0)
    priced = parse_scenario(
        {**_data("priced", 1500.0), "parameters": {"living_floor": 450.0}}, "priced.toml"
    )
    run_experiment([small_, large, priced], tmp_path, 2)
    store = Store(tmp_path)
    assert cmp.changed_actions(store, ["small", "large", "priced"]) == {
        "large": {"test_helper"},
        "priced": set(),
    }
    costs = cmp.compare_folder(tmp_path).costs
    assert set(costs["scenario"]) == {"large"}  # a core parameter change costs no action
