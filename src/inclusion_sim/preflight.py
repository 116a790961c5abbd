"""Checks of a scenario's run made before anything is allocated: every zone's marginals hold
together, every simulated zone gets agents at the chosen scale, and the run fits in memory.

Memory rule (measured on the whole Metropolis at scales 0.2 to 1.0, with and without actions,
12 to 1,200 months: 90-160 bytes per agent above a 180 MiB interpreter; building every Mesa view
with `model.agents` adds about 270): a run needs about `BYTES_PER_AGENT` per household and per
person plus `BASE_BYTES`, and an experiment runs up to one run per worker at a time. The limit is
half the machine's memory unless `memory_limit` (GiB) or the environment variable
INCLUSION_SIM_MEMORY_LIMIT says otherwise.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .errors import InclusionSimError
from .parameters import Parameters
from .territory.zones import ZONES

if TYPE_CHECKING:
    from .scenario import Scenario

BYTES_PER_AGENT = 250
BASE_BYTES = 250 * 2**20
GIB = 2**30
MEMORY_VARIABLE = "INCLUSION_SIM_MEMORY_LIMIT"


def memory_limit(gib: float | None = None) -> float:
    """The limit in bytes: `gib`, else the environment variable, else half the machine's memory."""
    if gib is None and os.environ.get(MEMORY_VARIABLE):
        text = os.environ[MEMORY_VARIABLE]
        try:
            gib = float(text)
        except ValueError:
            gib = math.nan
        if not (math.isfinite(gib) and gib > 0):
            raise InclusionSimError(
                f"{MEMORY_VARIABLE}: got {text!r}, expected a number of GiB > 0"
            ) from None
    if gib is not None:
        return gib * GIB
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2


def zone_agents(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Expected simulated (households, persons) of each zone of the scenario, i.e. the real ones
    times the scale; checks that the marginals (packaged, with the scenario's overrides) hold
    together."""
    # Imported when checking, not with the module: the command line reads MEMORY_VARIABLE
    # for its help without loading the scenario schema (every action) or SciPy.
    from .scenario import ScenarioError
    from .territory.marginals import zone_marginals

    params = Parameters(scenario.parameters)
    try:
        marginals = zone_marginals(params, overrides=scenario.marginals)
    except InclusionSimError as exc:
        raise ScenarioError(scenario.path or scenario.name, "marginals", str(exc)) from None
    shares = np.asarray(params["household_size_shares"], dtype=float)
    mean_size = float(np.arange(1, len(shares) + 1) @ shares / shares.sum())
    scales = dict(zip(scenario.zones, scenario.zone_scales(), strict=True))
    persons = {zone: marginals[zone].population * scales[zone] for zone in scenario.zones}
    return {zone: (n / mean_size, n) for zone, n in persons.items()}


def check_run(scenarios: Sequence[Scenario], gib: float | None = None, parallel: int = 1) -> None:
    """Refuse, before any allocation, a scenario with a zone that would get no household, and
    runs that would need more memory than the limit with `parallel` of the largest at a time."""
    from .scenario import ScenarioError  # as in zone_agents

    limit = memory_limit(gib)
    largest, needs = None, 0.0
    for scenario in scenarios:
        agents = zone_agents(scenario)
        scales = dict(zip(scenario.zones, scenario.zone_scales(), strict=True))
        for zone, (households, _) in agents.items():
            if round(households) < 1:
                scale = scales[zone]
                smallest = _round_up(scale / households) if households > 0 else math.inf
                raise ScenarioError(
                    scenario.path or scenario.name,
                    "territory.scale",
                    f"{scale:g} gives {ZONES[zone]} no household "
                    f"({households / scale:,.0f} real ones); "
                    f"expected a scale >= {smallest:g}",
                )
        bytes_needed = BASE_BYTES + BYTES_PER_AGENT * sum(h + p for h, p in agents.values())
        if bytes_needed > needs:
            largest, needs = scenario, bytes_needed
    if largest is not None and parallel * needs > limit:
        runs = f"{parallel} runs at a time x " if parallel > 1 else ""
        raise ScenarioError(
            largest.path or largest.name,
            "memory",
            f"the run needs about {runs}{needs / GIB:,.1f} GiB ({BYTES_PER_AGENT} bytes per "
            f"household and per person + {BASE_BYTES / GIB:.1f} GiB), over the limit of "
            f"{limit / GIB:,.1f} GiB; expected a smaller territory.scale or population, fewer "
            "workers, or a higher --memory-limit",
        )


def _round_up(x: float) -> float:
    """`x` rounded up to two significant digits."""
    digits = 1 - math.floor(math.log10(x))
    return math.ceil(x * 10**digits) / 10**digits
