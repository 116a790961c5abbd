"""The model as Mesa's clients use it: flat keywords, `rng`, scalar reporters, mesa.batch_run and
SolaraViz pages built from Mesa's own components."""

import multiprocessing
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest
from mesa.experimental.scenarios import Scenario as MesaScenario

import inclusion_sim as ism
from inclusion_sim import InclusionModel, ScenarioError, load_scenario
from inclusion_sim.keywords import flat_keywords, keyword_paths

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"zones": ["saint_fons", "venissieux"], "scale": 0.05}


def run(model: InclusionModel, months: int) -> pd.DataFrame:
    for _ in range(months):
        model.step()
    return model.results()


@pytest.fixture
def batch_run(monkeypatch):
    """mesa.batch_run, run from the repository root; it forces the 'spawn' start method on the
    whole process, which is put back afterwards."""
    monkeypatch.chdir(ROOT)
    method = multiprocessing.get_start_method(allow_none=True)
    yield mesa.batch_run
    multiprocessing.set_start_method(method, force=True)


def test_batch_run_of_the_issue_returns_numeric_reporter_columns_only(batch_run):
    rows = batch_run(
        ism.InclusionModel,
        parameters={
            "scenario": "scenarios/energy_baseline.toml",
            "scale": 0.02,
            "energy_poverty__fsl_budget": [0.0, 800000.0],
        },
        rng=[1],
        max_steps=3,
        display_progress=False,
    )
    assert len(rows) == 2
    inputs = {
        "RunId",
        "iteration",
        "Step",
        "scenario",
        "scale",
        "energy_poverty__fsl_budget",
        "rng",
    }
    for row in rows:
        reporters = {k: v for k, v in row.items() if k not in inputs}
        assert {"energy_poor_households", "energy_poor_households__saint_fons"} <= set(reporters)
        assert all(type(v) is float for v in reporters.values()), {
            k: type(v) for k, v in reporters.items() if type(v) is not float
        }
        assert row["Step"] == 3
    frame = pd.DataFrame(rows).set_index("energy_poverty__fsl_budget")
    # Same random numbers: the FSL budget is what differs, and no budget means no grant.
    assert frame.loc[0.0, "fsl_grants"] == 0 < frame.loc[800000.0, "fsl_grants"]
    assert frame.loc[0.0, "population"] == frame.loc[800000.0, "population"]


def test_batch_run_stops_at_the_scenario_horizon(batch_run):
    rows = batch_run(
        InclusionModel,
        parameters={"zones": "saint_fons", "scale": 0.05, "months": 2},
        rng=[3],
        data_collection_period=1,
        display_progress=False,
    )
    assert [row["Step"] for row in rows] == [0, 1, 2]


def test_reporters_are_scalars_per_zone_and_for_the_territory():
    model = InclusionModel(**SMALL, rng=2)
    results = run(model, 2)
    table = model.datacollector.get_model_vars_dataframe()
    assert all(dtype == np.float64 for dtype in table.dtypes)
    for indicator, zone, column in [
        ("poverty_rate", "Territory", "poverty_rate"),
        ("poverty_rate", "Saint-Fons", "poverty_rate__saint_fons"),
        ("households", "Vénissieux", "households__venissieux"),
    ]:
        tidy = results[(results["indicator"] == indicator) & (results["zone"] == zone)]
        tidy = tidy["value"].to_numpy()
        np.testing.assert_array_equal(tidy, table[column].to_numpy())


def test_one_pass_collection_records_what_the_reporters_return():
    """The collector fills its columns in one pass; Mesa's own collect, calling every reporter,
    records the same values."""
    model = InclusionModel(**SMALL, rng=2, energy_poverty__fsl_budget=400000.0)
    reference = mesa.DataCollector(model_reporters=model.datacollector.model_reporters)
    reference.collect(model)
    for _ in range(2):
        model.step()
        reference.collect(model)
    ours = model.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(ours, reference.get_model_vars_dataframe())


def test_one_zone_may_be_a_string_and_is_its_own_territory():
    model = InclusionModel(zones="Saint-Fons", scale=0.05, rng=1)
    assert model.zones == ["saint_fons"]
    table = model.datacollector.get_model_vars_dataframe()
    assert table["population"].equals(table["population__saint_fons"].rename("population"))
    assert set(model.results()["zone"]) == {"Saint-Fons"}


def test_rng_is_the_seed_and_seed_is_still_accepted():
    a = run(InclusionModel(**SMALL, rng=4), 2)
    b = run(InclusionModel(**SMALL, seed=4), 2)
    c = run(InclusionModel(**SMALL, rng=np.random.default_rng(4)), 2)
    pd.testing.assert_frame_equal(a, b)
    assert not a["value"].equals(c["value"])
    with pytest.raises(ScenarioError, match="seed: given with rng"):
        InclusionModel(**SMALL, rng=1, seed=1)
    with pytest.raises(ScenarioError, match="rng: got -1, expected an integer >= 0"):
        InclusionModel(**SMALL, rng=-1)


def test_a_scenario_file_with_keywords_equals_the_file_that_says_the_same(tmp_path):
    """A keyword is a scenario value: the pilot file with keywords over it runs exactly as a
    file holding those values."""
    written = tmp_path / "pilot_variant.toml"
    written.write_text(
        'extends = "' + str(ROOT / "scenarios/pilot.toml") + '"\n'
        'name = "pilot"\n'
        "[territory]\nscale = 0.05\n[horizon]\nmonths = 3\n"
        "[parameters]\njob_finding_rate = 0.05\n"
        '"energy_poverty.take_up" = 0.4\n'
        "[actions.energy_poverty]\nfsl_budget = 500000.0\n"
    )
    from_file = InclusionModel(written)
    from_keywords = InclusionModel(
        ROOT / "scenarios/pilot.toml",
        scale=0.05,
        months=3,
        job_finding_rate=0.05,
        energy_poverty__take_up=0.4,
        energy_poverty__fsl_budget=500000.0,
    )
    assert from_keywords.settings.actions == from_file.settings.actions
    assert from_keywords.settings.parameters == from_file.settings.parameters
    pd.testing.assert_frame_equal(run(from_file, 3), run(from_keywords, 3))


@pytest.mark.parametrize(
    "keyword, value, file_key, toml",
    [
        ("energy_poverty__fsl_budget", -1.0, "actions.energy_poverty.fsl_budget", "-1.0"),
        (
            "energy_poverty__fsl_when_exhausted",
            "wait",
            "actions.energy_poverty.fsl_when_exhausted",
            '"wait"',
        ),
        (
            "energy_poverty__soliha_zones",
            ["lyon"],
            "actions.energy_poverty.soliha_zones",
            '["lyon"]',
        ),
        ("job_finding_rate", float("nan"), "parameters.job_finding_rate", "nan"),
        ("energy_poverty__take_up", 1.5, "parameters.energy_poverty.take_up", "1.5"),
        ("scale", 0.0, "territory.scale", "0.0"),
        ("zones", ["lyon"], "territory.zones", '["lyon"]'),
        ("months", 0, "horizon.months", "0"),
    ],
)
def test_a_bad_keyword_gets_the_files_one_line_error_naming_the_keyword(
    keyword, value, file_key, toml, scenario_error
):
    *tables, key = file_key.split(".")
    if tables[0] == "parameters" and len(tables) > 1:  # a dotted parameter name is quoted
        tables, key = tables[:1], f'"{".".join([*tables[1:], key])}"'
    file_message = scenario_error(f"[{'.'.join(tables)}]\n{key} = {toml}\n")
    with pytest.raises(ScenarioError) as raised:
        InclusionModel(**{**SMALL, keyword: value})
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"InclusionModel: {keyword}: ")
    assert message.split(": ", 2)[2] == file_message.split(f"{file_key}: ", 1)[1]


def test_an_unknown_keyword_is_refused_with_a_suggestion():
    with pytest.raises(ScenarioError, match="did you mean 'energy_poverty__fsl_budget'"):
        InclusionModel(**SMALL, energy_poverty__fsl_budjet=1.0)


def test_a_flat_lever_enables_its_action_and_moves_its_outcome():
    plain = InclusionModel(**SMALL, rng=5)
    assert plain.actions == []
    # A quarter of the households: the FSL grants some every month whatever the seed.
    enough = SMALL | {"scale": 0.25}
    on = InclusionModel(**enough, rng=5, energy_poverty__fsl_budget=800000.0)
    off = InclusionModel(**enough, rng=5, energy_poverty__fsl_budget=0.0)
    assert [a.name for a in on.actions] == ["energy_poverty"]
    grants = {
        name: run(m, 3).query("indicator == 'fsl_grants' and zone == 'Territory'")["value"].sum()
        for name, m in (("on", on), ("off", off))
    }
    assert grants["off"] == 0 < grants["on"]


def test_flat_keywords_rebuild_a_shipped_scenario():
    scenario = load_scenario(ROOT / "scenarios/energy_baseline.toml")
    keywords = flat_keywords(scenario) | {"scale": 0.02}
    rebuilt = InclusionModel(**keywords, rng=scenario.seed).settings
    assert rebuilt.actions == scenario.actions
    assert (rebuilt.zones, rebuilt.months, rebuilt.seed, rebuilt.scale) == (
        scenario.zones,
        scenario.months,
        scenario.seed,
        0.02,
    )


def test_mesas_scenario_object_carries_keywords():
    """SolaraViz rebuilds a model with Mesa's Scenario on reset; its attributes are keywords."""
    model = InclusionModel(scenario=MesaScenario(rng=6, zones="bron", scale=0.05, months=2))
    assert (model.zones, model.seed, model.months) == (["bron"], 6, 2)


def test_every_catalogue_identifier_is_a_keyword_of_the_model():
    table = ism.levers()
    assert table["identifier"].is_unique
    assert set(table["identifier"]) <= set(keyword_paths())
    row = table.set_index("name").loc["energy_poverty.take_up"]
    assert row["identifier"] == "energy_poverty__take_up"
    lever = table[(table["name"] == "fsl_budget") & (table["kind"] == "lever")].iloc[0]
    assert lever["identifier"] == "energy_poverty__fsl_budget"


@pytest.mark.parametrize("backend", ["matplotlib", "altair"])
def test_a_solaraviz_page_of_mesas_components_shows_an_indicator(backend):
    """Headless: SolaraViz with Mesa's make_plot_component renders the indicator's values (the
    Altair chart's data are checked; the Matplotlib one renders a PNG without error)."""
    import ipywidgets
    import solara
    from mesa.visualization import SolaraViz, make_plot_component

    model = InclusionModel(**SMALL, rng=1)
    run(model, 2)
    page = SolaraViz(
        model, components=[make_plot_component("households_in_arrears", backend=backend)]
    )
    _, rc = solara.render(page, handle_error=False)
    expected = model.datacollector.get_model_vars_dataframe()["households_in_arrears"]
    if backend == "altair":
        spec = rc.find(solara.widgets.VegaLite).widget.spec
        (rows,) = spec["datasets"].values()
        assert [r["Value"] for r in rows] == expected.tolist()
        assert {r["Measure"] for r in rows} == {"households_in_arrears"}
    else:
        (image,) = rc.find(ipywidgets.Image).widgets
        png = bytes(image.value)
        assert png.startswith(b"\x89PNG") and len(png) > 1000
