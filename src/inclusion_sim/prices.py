"""Energy prices by month and fuel: the packaged series 2015-2026 and the price-path lever.

`data/energy_prices.csv` holds, for every month and fuel (electricity, gas, district heating, in
the order of the `heating` codes), the standing charge (EUR a month) and the price of a kWh (EUR,
taxes included), each row with its source: the regulated electricity tariff (TRVE, base option,
6 kVA), the regulated gas tariff (B1) then CRE's benchmark price from July 2023, and the heat
networks' mean all-in price; the 2022-2023 tariff shield is in the series. Months before the
series take its first month, months after it its last.

The price path is a scenario lever: `price_path_factor` multiplies every standing charge and
kWh price from the month (`price_path_start_year`, `price_path_start_month`) on, and never
before it (1 = the packaged series). `price_series_last_year` stops the series at the end of a
year: later months keep that December's prices (a baseline at constant prices).
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

FUELS = ("electricity", "gas", "district_heating")  # index = the household's `heating` code
ELECTRICITY, GAS, DISTRICT_HEATING = range(3)
PRICES_FILE = "energy_prices.csv"


def load_price_table() -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    """(first (year, month), standing[month, fuel], price[month, fuel]) of the packaged series.

    The file must give every fuel for every month from its first to its last, once.
    """
    text = (resources.files("inclusion_sim.data") / PRICES_FILE).read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    keys = [(int(r["year"]), int(r["month"]), FUELS.index(r["fuel"])) for r in rows]
    first = min(keys)[:2]
    n_months = _index(max(keys)[:2], first) + 1
    if sorted(keys) != [
        (*_calendar(first, k), f) for k in range(n_months) for f in range(len(FUELS))
    ]:
        raise ValueError(f"{PRICES_FILE}: every fuel of every month must appear exactly once")
    if not all(r["source"].strip() for r in rows):
        raise ValueError(f"{PRICES_FILE}: every row needs a source")
    standing = np.zeros((n_months, len(FUELS)))
    price = np.zeros((n_months, len(FUELS)))
    for (year, month, fuel), r in zip(keys, rows, strict=True):
        k = _index((year, month), first)
        standing[k, fuel] = float(r["standing_eur_month"])
        price[k, fuel] = float(r["price_eur_kwh"])
    return first, standing, price


def _index(year_month: tuple[int, int], first: tuple[int, int]) -> int:
    return (year_month[0] - first[0]) * 12 + year_month[1] - first[1]


def _calendar(first: tuple[int, int], k: int) -> tuple[int, int]:
    index = first[1] - 1 + k
    return first[0] + index // 12, index % 12 + 1


class EnergyPrices:
    """Standing charges and kWh prices of a calendar month, with the scenario's price path."""

    def __init__(self, params):
        self.first, self._standing, self._price = load_price_table()
        self.factor = params["price_path_factor"]
        last = _index((params["price_series_last_year"], 12), self.first)
        self._standing, self._price = self._standing[: last + 1], self._price[: last + 1]
        self.path_start = (params["price_path_start_year"], params["price_path_start_month"])

    def at(self, year: int, month: int) -> tuple[np.ndarray, np.ndarray]:
        """(standing charge EUR/month, price EUR/kWh) per fuel in force in (year, month)."""
        k = min(max(_index((year, month), self.first), 0), len(self._price) - 1)
        factor = self.factor if (year, month) >= self.path_start else 1.0
        return factor * self._standing[k], factor * self._price[k]
