"""Synthetic households and persons fitted to each zone's marginals.

Households are drawn from a tenure x size x poverty table fitted by IPF (poverty counted in
persons), persons from a poverty x age-group x diploma x activity table fitted by IPF within each
zone; both tables are integerised (TRS) and the draw is deterministic from the generator given.
`scale` samples a share of the real households, one share for all zones or one per zone; every
agent of a zone then weighs 1/(its zone's scale).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..budget import labour_income
from ..codes import CHILD, EMPLOYED, INACTIVE, RETIRED, SOCIAL, UNEMPLOYED
from ..demography_tables import load_tables
from ..errors import InclusionSimError
from ..housing import set_housing_costs
from ..parameters import Parameters
from .ipf import Margin, integerise, ipf
from .marginals import ZoneMarginals
from .zones import ALL_ZONES

SIZES = np.arange(1, 7)
ADULT_AGE = 18


@dataclass
class Population:
    """Column arrays of households and persons; person `household` indexes the household rows.

    Households are grouped by zone and persons by household, so each zone is one slice of rows.
    `zone_weight[z]` is how many real households (and persons) an agent of zone z stands for.
    In the model the household rows are dwellings, some vacant, and each owns a block of person
    slots (`territory/layout.py`): `n_dwellings` and `n_slots` count rows, not occupants.
    """

    households: dict[str, np.ndarray]
    persons: dict[str, np.ndarray]
    zone_weight: np.ndarray

    @property
    def n_dwellings(self) -> int:
        return len(self.households["zone"])

    @property
    def n_slots(self) -> int:
        return len(self.persons["household"])

    def household_weight(self, rows=slice(None)) -> np.ndarray:
        """Real households each household row (or `rows`) stands for."""
        return self.zone_weight[self.households["zone"][rows]]

    def person_weight(self, slots=slice(None)) -> np.ndarray:
        """Real persons each person slot (or `slots`) stands for."""
        return self.zone_weight[self.households["zone"][self.persons["household"][slots]]]

    def zone_slices(self, n_zones: int) -> tuple[list[slice], list[slice]]:
        """Row slices of each zone in the household and in the person arrays."""
        hh_bounds = np.searchsorted(self.households["zone"], np.arange(n_zones + 1))
        person_bounds = np.searchsorted(self.persons["household"], hh_bounds)
        return (
            [slice(a, b) for a, b in zip(hh_bounds[:-1], hh_bounds[1:], strict=True)],
            [slice(a, b) for a, b in zip(person_bounds[:-1], person_bounds[1:], strict=True)],
        )


def synthesize(
    marginals: list[ZoneMarginals],
    scale: float | Sequence[float],
    rng: np.random.Generator,
    params: Parameters | None = None,
) -> Population:
    """Households and persons of the given zones (the zone code is the position in the list).

    `scale` is the share of real households simulated: one number for every zone, or one per
    zone (in the order of `marginals`)."""
    scales = np.broadcast_to(np.asarray(scale, dtype=float), (len(marginals),)).copy()
    if not np.all((scales > 0) & (scales <= 1)):
        raise InclusionSimError(f"scale must be in (0, 1], got {scale}")
    params = params or Parameters()
    # One stream per stage: a parameter that changes how many numbers one stage draws leaves
    # the draws of the others as they were (common random numbers in calibration).
    stages = rng.spawn(4)
    households = _households(marginals, scales, stages[0], params)
    persons = _persons(households, marginals, stages[1], params)
    income = _incomes(households, persons, marginals, stages[2], params)
    _dwellings(households, persons, marginals, income, stages[3], params)
    return Population(households=households, persons=persons, zone_weight=1.0 / scales)


def _households(marginals, scales, rng, params) -> dict[str, np.ndarray]:
    size_shares = np.asarray(params["household_size_shares"])
    size_shares = size_shares / size_shares.sum()
    mean_size = float(SIZES @ size_shares)
    seed = np.ones((3, len(SIZES), 2))
    seed[SOCIAL, :, 1] *= params["odds_poor_social_tenant"]
    seed[:, :, 1] *= params["odds_poor_per_person"] ** (SIZES - 1)[None, :]
    owner = params["owner_share_of_non_social"]
    columns = {"zone": [], "tenure": [], "size": [], "initially_poor": []}
    for code, m in enumerate(marginals):
        n_households = m.population / mean_size
        tenure = n_households * np.array(
            [m.social_share, (1 - m.social_share) * (1 - owner), (1 - m.social_share) * owner]
        )
        fitted = ipf(
            seed,
            [
                Margin(0, tenure),
                Margin(1, n_households * size_shares),
                Margin(
                    2,
                    m.population * np.array([1 - m.poverty_rate, m.poverty_rate]),
                    weight=SIZES[None, :, None],
                ),
            ],
        )
        counts = integerise(fitted * scales[code], rng)
        t, s, p = np.indices(counts.shape)
        reps = counts.ravel()
        columns["zone"].append(np.full(reps.sum(), code, dtype=np.int8))
        columns["tenure"].append(np.repeat(t.ravel(), reps).astype(np.int8))
        columns["size"].append(np.repeat(SIZES[s.ravel()], reps).astype(np.int8))
        columns["initially_poor"].append(np.repeat(p.ravel() == 1, reps))
    households = {k: np.concatenate(v) for k, v in columns.items()}
    # Shuffle within each zone (no ordering by cell), zones kept contiguous: per-zone
    # indicators are then sums over slices.
    order = rng.permutation(len(households["zone"]))
    order = order[np.argsort(households["zone"][order], kind="stable")]
    households = {k: v[order] for k, v in households.items()}
    households["qpv"] = _qpv(households, marginals, rng, params)
    return households


def _qpv(households, marginals, rng, params) -> np.ndarray:
    """Flag the QPV share of each zone, social tenants being `qpv_social_weight` times likelier."""
    shares = params["qpv_population_share"]  # in the order of ALL_ZONES
    qpv = np.zeros(len(households["zone"]), dtype=bool)
    weight = np.where(households["tenure"] == SOCIAL, params["qpv_social_weight"], 1.0)
    for code, m in enumerate(marginals):
        members = np.flatnonzero(households["zone"] == code)
        k = int(round(shares[ALL_ZONES.index(m.zone)] * len(members)))
        if k:
            w = weight[members]
            qpv[rng.choice(members, size=k, replace=False, p=w / w.sum())] = True
    return qpv


def _persons(households, marginals, rng, params) -> dict[str, np.ndarray]:
    size = households["size"].astype(np.int64)
    n = int(size.sum())
    household = np.repeat(np.arange(len(size), dtype=np.int32), size)
    start = np.repeat(np.cumsum(size) - size, size)
    position = np.arange(n) - start
    single_parent = rng.random(len(size)) < params["single_parent_share"]
    n_adults = np.where(size == 1, 1, np.where(size == 2, 2, np.where(single_parent, 1, 2)))
    households["adults"] = n_adults.astype(np.int8)
    adult = position < n_adults[household]
    with_children = (size > n_adults)[household]

    bands = np.array([[18, 24], [25, 39], [40, 54], [55, 64], [65, 84]])
    band_shares = np.asarray(params["adult_age_band_shares"], dtype=float)
    parent_shares = np.where((bands[:, 0] >= 25) & (bands[:, 1] <= 54), band_shares, 0.0)
    band = np.where(
        with_children,
        rng.choice(5, size=n, p=parent_shares / parent_shares.sum()),
        rng.choice(5, size=n, p=band_shares / band_shares.sum()),
    )
    adult_age = rng.integers(bands[band, 0], bands[band, 1] + 1)
    at_home = dependents_at_home()
    dependent_age = rng.choice(len(at_home), size=n, p=at_home / at_home.sum())
    age = np.where(adult, adult_age, dependent_age).astype(np.int16)
    persons = {
        "household": household,
        "head": adult,  # the household's one or two adults (a couple); the others are dependents
        "age": age,
        "sex": rng.integers(0, 2, size=n).astype(np.int8),  # 0 man, 1 woman
        "no_diploma": np.zeros(n, dtype=bool),
        "activity": np.full(n, CHILD, dtype=np.int8),
        "unemployment_months": np.zeros(n, dtype=np.int16),
    }
    _adult_status(persons, households, marginals, rng, params)
    return persons


def dependents_at_home() -> np.ndarray:
    """Relative number of a household's dependents (its members who are not the one or two
    adults heading it) at each age: every child under 18, then the share of a cohort still in
    the parental home at each age under the leaving-home rates (INSEE, data/
    demography_leaving_home.csv), so that the young adults at home are those the open
    population keeps there."""
    leaving = load_tables().leaving_home
    ages = np.arange(ADULT_AGE, len(leaving))
    staying = np.cumprod(np.r_[1.0, 1.0 - leaving[ages[:-1]]])
    profile = np.r_[np.ones(ADULT_AGE), staying]
    return profile[: np.flatnonzero(profile > 1e-3)[-1] + 1]


def _adult_status(persons, households, marginals, rng, params) -> None:
    """Diploma and activity of adults. Young adults living with their parents (dependents aged
    18 or more) are active with the share of their age (INSEE, data/demography_activity.csv),
    unemployed with the zone's rate and without a diploma with its share, as the open
    population makes them; the one or two adults heading each household then get theirs by IPF
    on poverty x age group x diploma x activity, so that all adults together meet the zone's
    activity, unemployment and no-diploma figures."""
    age = persons["age"]
    zone = households["zone"][persons["household"]]
    poor = households["initially_poor"][persons["household"]]
    senior = age >= 65
    dependent = (age >= ADULT_AGE) & ~persons["head"]
    activity_by_age = load_tables().activity
    # seed[group, no_diploma, status]; group = 2 * poor + senior;
    # status = employed, unemployed, inactive, retired (seniors are retired, nobody else)
    poor_group, senior_group = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    seed = np.ones((4, 2, 4))
    seed[senior_group == 0, :, RETIRED] = 0.0
    seed[senior_group == 1, :, :RETIRED] = 0.0
    seed[poor_group == 1, 1, :] *= params["odds_no_diploma_poor"]
    seed[poor_group == 1, :, UNEMPLOYED] *= params["odds_unemployed_poor"]
    seed[:, 1, UNEMPLOYED] *= params["odds_unemployed_no_diploma"]
    seed[poor_group == 1, :, INACTIVE] *= params["odds_inactive_poor"]
    activity_rate = params["activity_rate"]
    for code, m in enumerate(marginals):
        young = np.flatnonzero((zone == code) & dependent)
        active_young = rng.random(len(young)) < activity_by_age[np.minimum(age[young], 120)]
        unemployed_young = active_young & (rng.random(len(young)) < m.unemployment_rate)
        no_diploma_young = rng.random(len(young)) < m.no_diploma_share
        persons["activity"][young] = np.where(
            active_young, np.where(unemployed_young, UNEMPLOYED, EMPLOYED), INACTIVE
        )
        persons["no_diploma"][young] = no_diploma_young
        adults = np.flatnonzero((zone == code) & (age >= ADULT_AGE) & ~dependent)
        if len(adults) == 0:
            continue
        group = poor[adults].astype(int) * 2 + senior[adults]
        group_totals = np.bincount(group, minlength=4)
        n_senior = group_totals[senior_group == 1].sum()
        n_working = len(adults) - n_senior
        # The zone's figures over all adults, less what the young adults at home already hold.
        active = np.clip(
            activity_rate * (n_working + len(young)) - active_young.sum(), 0, n_working
        )
        unemployed = m.unemployment_rate * (active + active_young.sum()) - unemployed_young.sum()
        unemployed = np.clip(unemployed, 0, active)
        no_diploma = m.no_diploma_share * (len(adults) + len(young)) - no_diploma_young.sum()
        no_diploma = np.clip(no_diploma, 0, len(adults))
        fitted = ipf(
            seed,
            [
                Margin(0, group_totals),
                Margin(1, np.array([len(adults) - no_diploma, no_diploma])),
                Margin(
                    2, np.array([active - unemployed, unemployed, n_working - active, n_senior])
                ),
            ],
        )
        for g in range(4):
            members = rng.permutation(adults[group == g])
            counts = integerise(fitted[g], rng, total=len(members))
            d, status = np.indices(counts.shape)
            reps = counts.ravel()
            persons["no_diploma"][members] = np.repeat(d.ravel() == 1, reps)
            persons["activity"][members] = np.repeat(status.ravel(), reps)
    unemployed = persons["activity"] == UNEMPLOYED
    # Durations of a stationary spell: geometric in the monthly job-finding rate.
    durations = rng.geometric(params["job_finding_rate"], size=len(unemployed)) - 1
    persons["unemployment_months"][unemployed] = durations[unemployed]


def consumption_units(persons, n_households: int) -> np.ndarray:
    """OECD-modified scale: 1 for the first person, 0.5 per other person 14+, 0.3 per child."""
    first = np.r_[True, persons["household"][1:] != persons["household"][:-1]]
    unit = np.where(first, 1.0, np.where(persons["age"] >= 14, 0.5, 0.3))
    return np.bincount(persons["household"], weights=unit, minlength=n_households)


def _incomes(households, persons, marginals, rng, params) -> np.ndarray:
    """Income per CU from each zone's lognormal; the poor draw from below the poverty line.

    Persons in poor households take quantiles in [0, p), the others in [p, 1), so the
    person-weighted median and poverty rate are the zone's figures. Quantiles are stratified
    (one per 1/n band, in random order) so that a sample's median is close to its figure.
    Labour earnings are split off so that employment changes move the household's income: the
    active members share `labour_income_share` of it, a young adult living with the parents
    `young_wage_ratio` times an adult's share.
    """
    line = params["poverty_line"]
    zone = households["zone"]
    p = np.array([m.poverty_rate for m in marginals])[zone]
    u = np.empty(len(zone))
    for code in range(len(marginals)):
        for poor in (False, True):
            group = np.flatnonzero((zone == code) & (households["initially_poor"] == poor))
            u[group] = (rng.permutation(len(group)) + rng.random(len(group))) / max(len(group), 1)
    quantile = np.where(households["initially_poor"], u * p, p + u * (1 - p))
    median = np.array([m.median_income_cu for m in marginals])[zone]
    sigma = np.array([m.income_sigma(line) for m in marginals])[zone]
    income_cu = median * np.exp(sigma * stats.norm.ppf(quantile))
    income_cu = np.maximum(income_cu, 12 * params["minimum_income"])
    cu = consumption_units(persons, len(zone))
    income = income_cu * cu / 12

    activity = persons["activity"]
    hh = persons["household"]
    active = (activity == EMPLOYED) | (activity == UNEMPLOYED)
    # Young adults living with their parents earn less than the adults heading the household.
    earning = active * np.where(persons["head"], 1.0, params["young_wage_ratio"])
    n_earning = np.bincount(hh, weights=earning, minlength=len(zone))
    share = params["labour_income_share"]
    wage = share * income[hh] * earning / np.maximum(n_earning[hh], 1e-9)
    persons["wage"] = wage
    households["cu"] = cu
    earned = labour_income(activity, persons["unemployment_months"], wage, params)
    # Non-labour income cannot be negative (two adults on the minimum income can exceed a
    # household's drawn income by a few euros).
    households["other_income"] = np.maximum(
        income - np.bincount(hh, weights=earned, minlength=len(zone)), 0.0
    )
    return income


def _dwellings(households, persons, marginals, income, rng, params) -> None:
    """Surface, energy class, heating mode and need, housing costs, and the two take-up flags
    (housing allowance claimed, energy cheque used), drawn once per household."""
    n = len(households["zone"])
    social = households["tenure"] == SOCIAL
    surface = params["surface_base"] + params["surface_per_person"] * (households["size"] - 1)
    dpe_private = np.asarray(params["dpe_shares_private"])
    dpe_social = np.asarray(params["dpe_shares_social"])
    dpe = np.where(
        social,
        rng.choice(7, size=n, p=dpe_social / dpe_social.sum()),
        rng.choice(7, size=n, p=dpe_private / dpe_private.sum()),
    ).astype(np.int8)
    heating_shares = np.asarray(params["heating_mode_shares"])
    heating = rng.choice(3, size=n, p=heating_shares / heating_shares.sum()).astype(np.int8)
    intensity = np.asarray(params["dpe_intensity"])[dpe]
    households["surface"] = surface.astype(float)
    households["dpe"] = dpe
    households["heating"] = heating
    households["annual_kwh"] = surface * intensity * (1 - params["prebound_gap"])
    zone_ids = np.array([ALL_ZONES.index(m.zone) for m in marginals])[households["zone"]]
    head = np.searchsorted(persons["household"], np.arange(n))
    set_housing_costs(households, zone_ids, persons["age"][head], income, rng, params)
    households["claims_allowance"] = rng.random(n) >= params["allowance_non_take_up"]
    households["uses_cheque"] = rng.random(n) >= params["cheque_non_use"]
