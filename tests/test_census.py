"""INSEE loaders on the made-up fixtures in tests/fixtures/insee (see its README)."""

from pathlib import Path

import numpy as np
import pytest

from inclusion_sim import InclusionModel
from inclusion_sim.territory.census import CensusError, census_marginals, read_insee

FIXTURES = Path(__file__).parent / "fixtures" / "insee"
FILES = {
    "population": FIXTURES / "base-cc-evol-struct-pop-2019.csv",
    "activity": FIXTURES / "base-cc-emploi-pop-active-2019.csv",
    "housing": FIXTURES / "base-cc-logement-2019.csv",
    "education": FIXTURES / "base-cc-diplomes-formation-2019.csv",
    "filosofi": FIXTURES / "cc_filosofi_2019_COM.csv",
}


def test_all_files_give_each_commune_its_fields():
    with pytest.warns(UserWarning):
        out = census_marginals(FILES)
    assert out["venissieux"] == pytest.approx(
        {
            "population": 66500,
            "unemployment_rate": 6300 / 30000,
            "social_share": 13500 / 27000,
            "no_diploma_share": 17000 / 46000,
            "median_income_cu": 16000,
            "poverty_rate": 0.28,
        }
    )
    # the latest vintage of an 'evol' file wins over P13_
    assert out["saint_fons"]["population"] == 18500


def test_both_unemployment_spellings():
    new = census_marginals({"activity": FILES["activity"]})  # P19_CHOMEUR1564, decimal commas
    old = census_marginals({"activity": FIXTURES / "base-cc-emploi-pop-active-2017.csv"})
    assert new["saint_fons"]["unemployment_rate"] == pytest.approx(1600.1 / 8000.5)
    assert old["saint_fons"]["unemployment_rate"] == pytest.approx(1560 / 7800)


def test_decimal_commas_are_read():
    table = read_insee(FILES["activity"])
    assert table.at["69199", "P19_POP1564"] == pytest.approx(12034.25)
    assert list(table.index) == ["69029", "69199", "69259"]  # codes stay text


def test_suppressed_cells_are_left_out_with_a_warning():
    with pytest.warns(UserWarning, match=r"TP6019 is suppressed for commune 69029"):
        filo = census_marginals({"filosofi": FILES["filosofi"]})
    assert "poverty_rate" not in filo["bron"]
    assert filo["bron"]["median_income_cu"] == 21000
    with pytest.warns(UserWarning, match="P19_RP_LOCHLMV/P19_RP"):
        housing = census_marginals({"housing": FILES["housing"]})
    assert "bron" not in housing
    assert np.isnan(read_insee(FILES["filosofi"]).at["69123", "TP6019"])  # 'so'


def test_missing_column_names_file_and_column(tmp_path):
    bad = tmp_path / "activity.csv"
    bad.write_text("CODGEO;P19_ACT1564\n69259;100\n69199;100\n69029;100\n", encoding="utf-8")
    with pytest.raises(
        CensusError, match=r"activity\.csv: missing column P19_CHOMEUR1564 or P19_CHOM1564"
    ):
        census_marginals({"activity": bad})
    with pytest.raises(CensusError, match=r"missing column MEDYY"):
        census_marginals({"filosofi": FILES["housing"]})


def test_unknown_commune_code_is_an_error(tmp_path):
    with pytest.raises(CensusError, match=r"unknown commune code\(s\) \['69999'\]"):
        census_marginals(FILES, communes={"69999": "bron"})
    partial = tmp_path / "pop.csv"
    partial.write_text("CODGEO;P19_POP\n69259;66000\n", encoding="utf-8")
    with pytest.raises(
        CensusError, match=r"pop\.csv: commune code\(s\) \['69199', '69029'\] not found"
    ):
        census_marginals({"population": partial})


def test_text_in_a_numeric_cell_is_an_error(tmp_path):
    bad = tmp_path / "pop.csv"
    bad.write_text("CODGEO;P19_POP\n69259;about 66000\n", encoding="utf-8")
    with pytest.raises(CensusError, match=r"column P19_POP, commune 69259: 'about 66000'"):
        read_insee(bad)


def test_overrides_feed_the_model():
    with pytest.warns(UserWarning):
        overrides = census_marginals(FILES)
    model = InclusionModel(zones=["venissieux"], scale=0.05, seed=3, marginals=overrides)
    m = model.marginals[0]
    assert m.poverty_rate == pytest.approx(0.28)
    assert m.sources["poverty_rate"] == "user override"
    persons = model.population.persons["present"].sum() * model.population.zone_weight[0]
    assert persons == pytest.approx(66500, rel=0.03)
