"""Each zone's population marginals, read from the packaged figures.

The document gives Saint-Fons and Vénissieux in detail and the Metropolis as a whole; Bron is
not described (placeholders at Metropolis values, flagged), and the rest of the Metropolis is
derived so that the four zones add up to the Metropolis figures. Every value records where it
comes from, and a user-supplied extract (``overrides``) replaces any of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..errors import InclusionSimError
from ..parameters import Parameters
from .figures import figure, load_figures
from .zones import ALL_ZONES

FIELDS = (
    "population",
    "social_share",
    "poverty_rate",
    "median_income_cu",
    "unemployment_rate",
    "no_diploma_share",
)


@dataclass(frozen=True)
class ZoneMarginals:
    """Targets of population synthesis for one zone (rates as fractions, income in EUR/yr)."""

    zone: str
    population: float
    social_share: float
    poverty_rate: float
    median_income_cu: float
    unemployment_rate: float
    no_diploma_share: float
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def income_sigma(self, poverty_line: float) -> float:
        """Log-sd of the zone's lognormal income that puts `poverty_rate` below the line."""
        return lognormal_sigma(self.median_income_cu, self.poverty_rate, poverty_line)


def lognormal_sigma(median: float, share_below: float, line: float) -> float:
    z = stats.norm.ppf(share_below)
    sigma = np.log(line / median) / z
    if not np.isfinite(sigma) or sigma <= 0:
        raise InclusionSimError(
            f"median income {median:.0f} and poverty rate {share_below:.3f} are inconsistent "
            f"with the poverty line {line:.0f}: expected a median above the line"
        )
    return float(sigma)


def zone_marginals(
    params: Parameters | None = None,
    figures: pd.DataFrame | None = None,
    overrides: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, ZoneMarginals]:
    """Marginals of all four zones; `overrides` maps zone id -> {field: value}."""
    params = params or Parameters()
    figs = load_figures() if figures is None else figures

    def fig(key: str) -> float:
        return figure(key, figs)

    size_shares = np.asarray(params["household_size_shares"], dtype=float)
    mean_size = float(np.arange(1, len(size_shares) + 1) @ size_shares / size_shares.sum())
    metro_pop = fig("metro.population_2018")
    metro_social = fig("metro.social_housing_units") / (metro_pop / mean_size)
    metro = dict(
        population=metro_pop,
        social_share=metro_social,
        poverty_rate=fig("metro.poverty_rate") / 100,
        # 1.1.2: Saint-Fons' median (15,336) is "nearly 40% below" the Metropolis'.
        median_income_cu=fig("saint_fons.median_income_cu")
        / (1 + fig("saint_fons.median_income_vs_metro") / 100),
        unemployment_rate=fig("metro.unemployment_rate") / 100,
        # 1.1.2: Saint-Fons' no-diploma share (40%) is "20 points above the Metropolis' one".
        no_diploma_share=(
            fig("saint_fons.no_diploma_share") - fig("saint_fons.no_diploma_vs_metro")
        )
        / 100,
    )
    zones = {
        "saint_fons": _zone(
            "saint_fons",
            population=(fig("saint_fons.inhabitants"), "figure saint_fons.inhabitants (1.1.2)"),
            social_share=(
                fig("saint_fons.social_housing_share") / 100,
                "figure saint_fons.social_housing_share (1.1.2; share of inhabitants, "
                "used as a share of households)",
            ),
            poverty_rate=(fig("saint_fons.poverty_rate") / 100, "figure saint_fons.poverty_rate"),
            median_income_cu=(
                fig("saint_fons.median_income_cu"),
                "figure saint_fons.median_income_cu",
            ),
            unemployment_rate=(
                fig("saint_fons.unemployment_rate") / 100,
                "figure saint_fons.unemployment_rate",
            ),
            no_diploma_share=(
                fig("saint_fons.no_diploma_share") / 100,
                "figure saint_fons.no_diploma_share",
            ),
        ),
        "venissieux": _zone(
            "venissieux",
            population=(
                fig("venissieux.population_2017"),
                "figure venissieux.population_2017 (INSEE, outside the document)",
            ),
            social_share=(
                fig("venissieux.social_housing_share") / 100,
                "figure venissieux.social_housing_share (1.1.2)",
            ),
            poverty_rate=(fig("venissieux.poverty_rate") / 100, "figure venissieux.poverty_rate"),
            median_income_cu=(
                metro["median_income_cu"] * (1 + fig("venissieux.median_income_vs_metro") / 100),
                "figure venissieux.median_income_vs_metro applied to the "
                "Metropolis median derived from Saint-Fons (1.1.2)",
            ),
            unemployment_rate=(
                fig("venissieux.unemployment_rate") / 100,
                "figure venissieux.unemployment_rate",
            ),
            no_diploma_share=(
                fig("saint_fons.no_diploma_share") / 100,
                "ASSUMPTION: not in the document; Saint-Fons' value (1.1.1 ranks "
                "Vénissieux 'significantly poorly on all three criteria')",
            ),
        ),
        "bron": _zone(
            "bron",
            population=(
                fig("bron.population_2018"),
                "figure bron.population_2018 (INSEE, outside the document)",
            ),
            **{
                k: (
                    metro[k],
                    "PLACEHOLDER: not in the document; Metropolis value, supply an INSEE extract",
                )
                for k in FIELDS[1:]
            },
        ),
    }
    zones = {z: _apply(m, (overrides or {}).get(z, {})) for z, m in zones.items()}
    zones["rest"] = _apply(
        _rest_of_metropolis(zones, metro, params["poverty_line"]),
        (overrides or {}).get("rest", {}),
    )
    unknown = set(overrides or {}) - set(ALL_ZONES)
    if unknown:
        raise InclusionSimError(
            f"marginal overrides name unknown zones {sorted(unknown)}: "
            f"expected some of {list(ALL_ZONES)}"
        )
    return {z: zones[z] for z in ALL_ZONES}


def _zone(zone: str, **values: tuple[float, str]) -> ZoneMarginals:
    return ZoneMarginals(
        zone=zone,
        **{k: float(v) for k, (v, _) in values.items()},
        sources={k: s for k, (_, s) in values.items()},
    )


def _apply(m: ZoneMarginals, overrides: Mapping[str, float]) -> ZoneMarginals:
    bad = set(overrides) - set(FIELDS)
    if bad:
        raise InclusionSimError(
            f"unknown marginal {sorted(bad)} for zone '{m.zone}': expected {FIELDS}"
        )
    if not overrides:
        return m
    sources = dict(m.sources) | {k: "user override" for k in overrides}
    return replace(m, **{k: float(v) for k, v in overrides.items()}, sources=sources)


def _rest_of_metropolis(
    pilots: dict[str, ZoneMarginals], metro: dict[str, float], poverty_line: float
) -> ZoneMarginals:
    """What the rest of the Metropolis must be for the four zones to add up to its figures."""
    pop = metro["population"] - sum(m.population for m in pilots.values())
    rates = {
        k: (
            metro[k] * metro["population"]
            - sum(getattr(m, k) * m.population for m in pilots.values())
        )
        / pop
        for k in ("social_share", "poverty_rate", "unemployment_rate", "no_diploma_share")
    }
    if not (pop > 0 and all(0 <= v < 1 for v in rates.values())):
        derived = ", ".join(f"{k} {v:,.3g}" for k, v in {"population": pop, **rates}.items())
        raise InclusionSimError(
            f"the rest of the Metropolis (its figures minus the three communes) would have "
            f"{derived}; expected the communes' marginals to fit within the Metropolis figures"
        )
    note = "derived: Metropolis figure minus the three communes, population-weighted"
    median = _rest_median(pilots, metro, rates["poverty_rate"], pop, poverty_line)
    return ZoneMarginals(
        zone="rest",
        population=pop,
        median_income_cu=median,
        **rates,
        sources={k: note for k in FIELDS}
        | {
            "median_income_cu": "derived: the median that gives the Metropolis median over the "
            "mixture of the four zones' lognormal incomes"
        },
    )


def _rest_median(pilots, metro, rest_poverty, rest_pop, line) -> float:
    """Solve for the rest's median so that the population mixture has the Metropolis median."""
    parts = [(m.population, m.median_income_cu, m.income_sigma(line)) for m in pilots.values()]
    total = metro["population"]

    def excess(rest_median: float) -> float:
        sigma = lognormal_sigma(rest_median, rest_poverty, line)
        mix = parts + [(rest_pop, rest_median, sigma)]
        below = sum(
            w * stats.norm.cdf(np.log(metro["median_income_cu"] / m) / s) for w, m, s in mix
        )
        return below / total - 0.5

    low, high = line * 1.01, metro["median_income_cu"] * 3
    if excess(low) * excess(high) > 0:
        raise InclusionSimError(
            "no median income of the rest of the Metropolis gives the Metropolis median with the "
            "communes' incomes; expected the communes' median incomes nearer the Metropolis one"
        )
    return float(optimize.brentq(excess, low, high))
