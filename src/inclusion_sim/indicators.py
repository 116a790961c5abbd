"""Monthly territorial indicators per zone, and their tidy long form.

Each indicator is a ratio or a count of weighted agents per zone. Zones are contiguous slices of
the population arrays, so a per-zone total is a sum over a slice; when several zones are
simulated a 'Territory' total is appended.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .agencies import SOCIAL_CENTRE_INDICATORS, social_centre_indicators
from .codes import EMPLOYED, INACTIVE, TENURES, UNEMPLOYED
from .declarations import Indicator
from .strain import NORMAL

if TYPE_CHECKING:
    from .model import InclusionModel

TOTAL = "Territory"
DEMOGRAPHY_INDICATORS = (
    "births",
    "deaths",
    "households_moved_in",
    "households_moved_out",
    "left_home",
    "retirements",
    "evictions",
    "repossessions",
)
ARREARS_EPSILON = 1.0  # EUR: rounding left by repayments is not a debt

CORE_INDICATORS: tuple[Indicator, ...] = (
    Indicator("population", "persons", "stock", "persons living in the zone"),
    Indicator("households", "households", "stock", "households living in the zone"),
    Indicator(
        "poverty_rate",
        "%",
        "rate",
        "persons whose income per consumption unit is below the poverty line",
        figure=("metro.poverty_rate", 1.0),
        headline=True,
    ),
    Indicator(
        "unemployment_rate",
        "%",
        "rate",
        "unemployed persons in the labour force",
        figure=("metro.unemployment_rate", 1.0),
        headline=True,
    ),
    Indicator(
        "households_in_arrears",
        "%",
        "rate",
        "households owing rent (or a loan instalment) or energy bills",
        headline=True,
    ),
    Indicator(
        "energy_poverty_document",
        "%",
        "rate",
        "households below the poverty line spending over 35% of income on housing net of the "
        "allowance and energy net of the cheque (document, 3.4.2)",
        headline=True,
    ),
    Indicator(
        "energy_poverty_onpe",
        "%",
        "rate",
        "households in income deciles D1-D3 spending over 8% of income on energy net of the "
        "cheque (ONPE)",
        headline=True,
    ),
    Indicator(
        "energy_effort",
        "%",
        "rate",
        "mean share of income spent on energy, net of the cheque (households with an income)",
    ),
    Indicator(
        "supply_interventions",
        "households",
        "flow",
        "energy supply cuts and power reductions started this month (unpaid bills)",
        headline=True,
    ),
    Indicator(
        "supply_interventions_rate",
        "per 1,000 households",
        "flow",
        "energy supply cuts and power reductions started this month per 1,000 households (a "
        "year sums to the yearly rate)",
    ),
    Indicator(
        "supply_interrupted",
        "%",
        "rate",
        "households whose energy supply is cut or limited in power at the end of the month",
    ),
    Indicator(
        "households_restricting",
        "%",
        "rate",
        "households heating less than their need (restriction under strain or a supply cut)",
    ),
    Indicator(
        "cold_homes",
        "%",
        "rate",
        "households heating less than the cold-home share of their need in a heating month",
        headline=True,
    ),
    Indicator("comfort_deficit", "MWh", "flow", "heating need not heated this month"),
    Indicator(
        "allowance_recipients",
        "households",
        "stock",
        "tenant households receiving a housing allowance",
    ),
    Indicator("allowance_paid", "EUR", "flow", "housing allowances paid this month"),
    Indicator(
        "cheque_recipients", "households", "stock", "households holding this year's energy cheque"
    ),
    Indicator("cheque_spent", "EUR", "flow", "energy cheque credit spent on bills this month"),
    *(
        Indicator(
            f"energy_poverty_{test}_{tenure}",
            "%",
            "rate",
            f"{label} energy-poor under {reading}, share of {label}",
        )
        for tenure, label in (
            ("social_tenant", "social tenants"),
            ("private_tenant", "private tenants"),
            ("owner", "owner-occupiers"),
        )
        for test, reading in (("document", "the document's test (3.4.2)"), ("onpe", "ONPE's test"))
    ),
    *(
        Indicator(name, unit, "flow", description)
        for name, unit, description in (
            ("births", "persons", "children born this month"),
            ("deaths", "persons", "persons who died this month"),
            (
                "households_moved_in",
                "households",
                "households that moved into a vacant dwelling this month (newcomers)",
            ),
            (
                "households_moved_out",
                "households",
                "households that left their dwelling this month (moves, and households left "
                "without an adult)",
            ),
            ("left_home", "persons", "adult children who left the parental home this month"),
            ("retirements", "persons", "persons who retired this month"),
            (
                "evictions",
                "households",
                "tenant households evicted for unpaid rent this month (they leave, with their "
                "debts)",
            ),
            (
                "repossessions",
                "households",
                "owner households whose home was sold over unpaid loan instalments this month "
                "(they leave, with their debts)",
            ),
            (
                "overindebtedness_files",
                "households",
                "households filing with the over-indebtedness commission this month",
            ),
            ("debt_written_off", "EUR", "rent and energy arrears the commission wrote off"),
        )
    ),
    Indicator("vacant_dwellings", "dwellings", "stock", "dwellings with nobody living in them"),
    *SOCIAL_CENTRE_INDICATORS,
)


def units(indicators) -> dict[str, tuple[str, str]]:
    """Indicator name -> (unit, description), for tables and plots."""
    return {i.name: (i.unit, i.description) for i in indicators}


def per_zone(values: np.ndarray, slices: list[slice]) -> np.ndarray:
    """Sum (or count, for a boolean mask) of `values` in each zone's slice. Mask what vacant
    dwellings and empty person slots must not add (`occupied`, `present`)."""
    if values.dtype == bool:
        return np.array([np.count_nonzero(values[s]) for s in slices], dtype=float)
    return np.array([values[s].sum() for s in slices], dtype=float)


def with_total(values: np.ndarray) -> np.ndarray:
    """Append the territory total when there are several zones."""
    return np.append(values, values.sum()) if len(values) > 1 else values


def ratio(numerator, denominator) -> np.ndarray:
    """numerator / denominator elementwise; NaN where the denominator is not positive."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    return np.divide(num, den, out=np.full(np.shape(den), np.nan), where=den > 0)


def percent(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """100 * ratio per zone and for the total (NaN where the denominator is zero)."""
    return 100 * ratio(with_total(numerator), with_total(denominator))


def energy_poor_document(model: InclusionModel, idx=slice(None), housing=None, energy=None):
    """The document's energy-poverty test (3.4.2) for households `idx`: below the poverty line
    and spending over 35% of income on housing and energy, both net of the aids that pay them
    (the housing allowance, the energy cheque), as effort rates are measured. `housing` and
    `energy` (EUR a year, net) replace the current costs, e.g. to test a household at the
    costs it had before an action. A vacant dwelling is never energy-poor."""
    hh = model.population.households
    housing = 12 * model.net_housing_cost(idx) if housing is None else housing
    energy = model.net_energy_cost(idx) if energy is None else energy
    annual_income = 12 * hh["income"][idx]
    poor = annual_income / hh["cu"][idx] < model.params["poverty_line"]
    tested = poor & (housing + energy > model.energy_poverty_threshold * annual_income)
    return tested & hh["occupied"][idx]


def energy_poor_onpe(model: InclusionModel, idx=slice(None), energy=None):
    """ONPE's TEE_3D test for households `idx`: income per consumption unit in deciles D1-D3
    and energy (net of the cheque, or `energy` EUR a year) over 8% of income. A vacant dwelling
    is never energy-poor."""
    hh = model.population.households
    energy = model.net_energy_cost(idx) if energy is None else energy
    annual_income = 12 * hh["income"][idx]
    low_income = annual_income / hh["cu"][idx] < model.params["onpe_income_decile_3"]
    tested = low_income & (energy > model.params["onpe_effort_threshold"] * annual_income)
    return tested & hh["occupied"][idx]


def rsa_recipients(model: InclusionModel, idx=slice(None)) -> np.ndarray:
    """Per person (of `idx`): in a household below the poverty line and either unemployed for
    at least `benefit_duration` months (their insurance benefit has run out) or inactive aged
    25-64.

    An approximation of RSA eligibility (which is means-tested on household resources and open
    from age 25); the document's 'government grant' beneficiaries (3.5.9, 3.5.10).
    """
    hh, persons = model.population.households, model.population.persons
    household = persons["household"][idx]
    poor = 12 * hh["income"][household] / hh["cu"][household] < model.params["poverty_line"]
    age, activity = persons["age"][idx], persons["activity"][idx]
    expired = (activity == UNEMPLOYED) & (
        persons["unemployment_months"][idx] >= model.params["benefit_duration"]
    )
    inactive = (activity == INACTIVE) & (age >= 25) & (age <= 64)
    return poor & (expired | inactive)


def territorial(model: InclusionModel) -> dict[str, np.ndarray]:
    """The core indicators for the model's current state, in real units: per-zone sums of
    agents times the zone's weight, summed over zones for the Territory; rates pool the zones'
    weighted numerators and denominators."""
    hh = model.population.households
    zones, person_zones = model.household_slices, model.person_slices
    w = model.population.zone_weight
    occupied = hh["occupied"]

    annual_income = 12 * hh["income"]
    poor = occupied & (annual_income / hh["cu"] < model.params["poverty_line"])
    energy = model.net_energy_cost()  # computed once: the tests and the effort share it
    document = energy_poor_document(model, housing=12 * model.net_housing_cost(), energy=energy)
    model.month["energy_poor_document"] = document  # the energy action counts the same households
    onpe = energy_poor_onpe(model, energy=energy)
    households = per_zone(occupied, zones) * w
    persons = per_zone(hh["size"], zones) * w
    earning = occupied & (annual_income > 0)  # a household without income has no effort to average
    effort = np.divide(energy, annual_income, out=np.zeros(len(energy)), where=earning)

    def share(mask) -> np.ndarray:
        """% of the households of each zone (and the Territory) for whom `mask` holds."""
        return percent(per_zone(mask & occupied, zones) * w, households)

    activity = model.population.persons["activity"]
    unemployed = per_zone(activity == UNEMPLOYED, person_zones) * w
    active = unemployed + per_zone(activity == EMPLOYED, person_zones) * w
    interventions = per_zone(model.month["interventions"], zones) * w
    values = {
        "population": with_total(persons),
        "households": with_total(households),
        "poverty_rate": percent(per_zone(np.where(poor, hh["size"], 0), zones) * w, persons),
        "unemployment_rate": percent(unemployed, active),
        "households_in_arrears": share(hh["arrears_rent"] + hh["arrears_energy"] > ARREARS_EPSILON),
        "energy_poverty_document": share(document),
        "energy_poverty_onpe": share(onpe),
        "energy_effort": percent(per_zone(effort, zones) * w, per_zone(earning, zones) * w),
        "supply_interventions": with_total(interventions),
        "supply_interventions_rate": percent(interventions, households) * 10,
        "supply_interrupted": share(hh["supply"] != NORMAL),
        "households_restricting": share(hh["heating_kept"] < 1.0),
        "cold_homes": share(hh["cold_home"]),
        "comfort_deficit": with_total(per_zone(model.month["comfort_deficit"], zones) * w / 1000),
        "allowance_recipients": with_total(per_zone(hh["allowance"] > 0, zones) * w),
        "allowance_paid": with_total(per_zone(hh["allowance"], zones) * w),
        "cheque_recipients": with_total(per_zone(hh["cheque"] > 0, zones) * w),
        "cheque_spent": with_total(per_zone(model.month["cheque_spent"], zones) * w),
        **{
            name: with_total(flow * w)
            for name, flow in model.demography.flows.items()
            if name in DEMOGRAPHY_INDICATORS
        },  # fmt: skip
        **{name: with_total(flow * w) for name, flow in model.debt.flows.items()},
        "vacant_dwellings": with_total(per_zone(~occupied, zones) * w),
        **social_centre_indicators(model),
    }
    for code, tenure in enumerate(TENURES):
        of_tenure = occupied & (hh["tenure"] == code)
        count = per_zone(of_tenure, zones) * w
        values[f"energy_poverty_document_{tenure}"] = percent(
            per_zone(document & of_tenure, zones) * w, count
        )
        values[f"energy_poverty_onpe_{tenure}"] = percent(
            per_zone(onpe & of_tenure, zones) * w, count
        )
    return values


def year_values(
    results: pd.DataFrame,
    declared: Mapping[str, Indicator],
    months: tuple[int, int],
    start_month: int = 1,
    keys: tuple[str, ...] = ("zone",),
) -> pd.DataFrame:
    """One value per (keys, indicator) for the simulated months `months` (first, last inclusive),
    summarised by each indicator's kind (`declarations.KINDS`): the mean of stocks and rates, the
    sum of flows, the sum of a year-to-date total's monthly increments (its year-end value when
    the months are a calendar year), the last value of cumulative and trailing-year indicators.
    Indicators not declared are averaged."""
    first, last = months
    window = results[results["month"].between(first, last)]
    kind = window["indicator"].map(lambda n: declared[n].kind if n in declared else "rate")
    value = window["value"]
    ytd = kind == "year_to_date"
    if ytd.any():
        # Increments of a year-to-date total: its value in January (calendar), else the change.
        previous = results.assign(month=results["month"] + 1).rename(columns={"value": "before"})
        merged = window[ytd].merge(previous, on=[*keys, "indicator", "month"], how="left")
        january = (merged["month"] - 1 + start_month - 1) % 12 == 0
        value = value.copy()
        value[ytd] = np.where(january, merged["value"], merged["value"] - merged["before"])
    frame = window.assign(value=value, kind=kind)
    group = [*keys, "indicator"]
    summed = frame["kind"].isin(["flow", "year_to_date"])
    ends = frame["kind"].isin(["cumulative", "trailing_year"])
    parts = [
        frame[summed].groupby(group, observed=True)["value"].sum(min_count=1),
        frame[ends].sort_values("month").groupby(group, observed=True)["value"].last(),
        frame[~summed & ~ends].groupby(group, observed=True)["value"].mean(),
    ]
    return pd.concat(parts).rename("value").reset_index()
