"""The packaged figures file holds the document's figures, and its loader rejects bad edits."""

import math

import pandas as pd
import pytest

from inclusion_sim.territory.figures import COLUMNS, figure, load_figures

# Values the model reads: (value, unit, year); year None where the document gives none.
EXPECTED = {
    "metro.inhabitants_2015": (1_400_000, "persons", 2015),
    "metro.population_2017": (1_385_927, "persons", 2017),
    "metro.population_2018": (1_398_892, "persons", 2018),
    "venissieux.population_2017": (65_894, "persons", 2017),
    "bron.population_2018": (42_216, "persons", 2018),
    "saint_fons.inhabitants": (17_463, "persons", None),
    "metro.unemployment_rate": (9.3, "%", None),
    "national.unemployment_rate": (10.3, "%", None),
    "metro.poverty_rate": (14.1, "%", None),
    "metro.rsa_beneficiaries": (50_100, "persons", 2014),
    "metro.rsa_amount": (545, "EUR/person/month", None),
    "metro.low_income_households": (110_000, "households", None),
    "metro.social_housing_units": (150_000, "housing units", None),
    "saint_fons.poverty_rate": (30, "%", 2014),
    "saint_fons.social_housing_share": (53, "%", None),
    "saint_fons.median_income_cu": (15_336, "EUR/year", None),
    "saint_fons.no_diploma_share": (40, "%", None),
    "saint_fons.unemployment_rate": (20, "%", None),
    "venissieux.social_housing_share": (50, "%", None),
    "venissieux.poverty_rate": (30, "%", None),
    "venissieux.unemployment_rate": (22, "%", None),
    "venissieux.median_income_vs_metro": (-40, "%", None),
    "action4.energy_insecurity_rate": (9.6, "%", 2016),
    "action4.fsl_budget": (800_000, "EUR/year", None),
    "action4.fsl_households": (3_000, "households/year", None),
    "action4.fsl_average_aid": (250, "EUR/household", None),
    "action4.soliha_target": (50, "households/year", None),
    "action4.household_share_cap": (100, "EUR", None),
    "action5.hours_metropolis": (260_463, "hours", 2017),
    "action5.hours_grand_lyon_habitat": (153_399, "hours", 2017),
    "action5.hours_social_landlords": (288_893, "hours", 2017),
    "action5.hours_all_buyers": (673_727, "hours", 2017),
    "action5.persons_employed": (2_465, "persons", 2017),
    "action5.contract_duration": (2, "months", 2017),
    "action5.male_share": (90, "%", None),
}

OUTSIDE = {
    "venissieux.population_2017",
    "bron.population_2018",
    "metro.population_2017",
    "metro.population_2018",
    "national.out_of_school_15_17",
}

HEADER = ",".join(COLUMNS)


@pytest.fixture(scope="module")
def figures():
    return load_figures()


def test_model_ids_have_their_values(figures):
    rows = figures.set_index("id")
    for figure_id, (value, unit, year) in EXPECTED.items():
        row = rows.loc[figure_id]
        assert row["value"] == pytest.approx(value), figure_id
        assert row["unit"] == unit, figure_id
        assert (None if pd.isna(row["year"]) else row["year"]) == year, figure_id
        assert figure(figure_id, figures) == pytest.approx(value)


def test_ids_are_unique_dotted_keys_of_their_scope(figures):
    assert figures["id"].is_unique
    for figure_id, scope in zip(figures["id"], figures["scope"], strict=True):
        assert figure_id == figure_id.lower()
        assert figure_id.startswith(scope + "."), figure_id


def test_every_row_is_described(figures):
    for column in ("scope", "figure", "source_section"):
        assert (figures[column].str.strip() != "").all(), column


def test_numeric_rows_have_a_unit_and_others_a_note(figures):
    numeric = figures["value"].notna()
    assert (figures.loc[numeric, "unit"] != "").all()
    assert (figures.loc[~numeric, "note"] != "").all()


def test_outside_rows_are_marked(figures):
    marked = set(figures.loc[figures["source_section"].str.startswith("outside:"), "id"])
    assert marked == OUTSIDE
    assert (
        "in force 1 Jan 2020"
        in figures.set_index("id").loc["venissieux.population_2017", "source_section"]
    )


def test_garbled_and_split_figures_keep_their_ambiguity(figures):
    notes = figures.set_index("id")["note"]
    assert "garbled" in notes["action5.hours_grand_lyon_habitat"]
    assert "garbled" in notes["action5.hours_social_landlords"]
    assert figure("saint_fons.unemployment_vs_metro", figures) == 2
    assert figure("venissieux.unemployment_vs_metro", figures) == 2.5


def test_every_figure_of_figures_md_is_there(figures):
    # figures.md has 72 table rows; Saint-Fons inhabitants is listed twice (territory and
    # outside tables) and has one row here. 62 of the 72 rows carry a number in their value
    # column ("Sauvegarde 69" in the educator row is a name), so 61 distinct numeric figures.
    assert len(figures) >= 71
    assert figures["value"].notna().sum() >= 61


def test_figures_without_a_number_are_nan(figures):
    assert math.isnan(figure("action3.pilot_sites", figures))


# --- loader errors on small files -----------------------------------------------------------


def write(tmp_path, *lines):
    path = tmp_path / "figures.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_custom_file_is_parsed(tmp_path):
    path = write(tmp_path, HEADER, "a.x,a,x,1.5,%,2019,1.1,", "a.y,a,y,,,,1.1,text only")
    table = load_figures(path)
    assert list(table["id"]) == ["a.x", "a.y"]
    assert table["value"].iloc[0] == 1.5 and math.isnan(table["value"].iloc[1])
    assert str(table["year"].dtype) == "Int64" and table["year"].iloc[0] == 2019
    assert table["year"].isna().iloc[1]


def test_bad_header_names_file_and_columns(tmp_path):
    path = write(tmp_path, "id,scope,figure,value,units,year,source_section,note,extra")
    with pytest.raises(ValueError, match="figures.csv") as error:
        load_figures(path)
    assert "'unit'" in str(error.value) and "'units'" in str(error.value)
    assert "'extra'" in str(error.value)


def test_duplicate_id_is_named(tmp_path):
    path = write(tmp_path, HEADER, "a.x,a,x,1,%,,1.1,", "a.x,a,x again,2,%,,1.1,")
    with pytest.raises(ValueError, match=r"figures\.csv.*duplicated id.*a\.x"):
        load_figures(path)


def test_non_numeric_value_names_file_line_and_id(tmp_path):
    path = write(tmp_path, HEADER, "a.x,a,x,1,%,,1.1,", "a.y,a,y,~3x,ratio,,1.1,")
    with pytest.raises(ValueError, match=r"figures\.csv, line 3, id 'a\.y'.*'~3x'"):
        load_figures(path)


def test_unknown_id_suggests_close_matches(figures):
    with pytest.raises(KeyError, match="metro.poverty_rate"):
        figure("metro.povrty_rate", figures)
