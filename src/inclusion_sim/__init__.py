"""inclusion_sim: agent-based simulation of the Metropolis of Lyon's social-inclusion actions.

The public names below are imported on first use (PEP 562), so that `import inclusion_sim` and
the command line's `--help` do not load NumPy, pandas, Mesa, SciPy or matplotlib before they
are needed; `inclusion_sim.run(...)` works as if they had been imported here.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> (module, attribute)
_PUBLIC = {
    "__version__": (".version", "__version__"),
    "ACTIONS": (".actions", "REGISTRY"),
    "Action": (".actions", "Action"),
    "Comparison": (".comparison", "Comparison"),
    "InclusionModel": (".model", "InclusionModel"),
    "InclusionSimError": (".errors", "InclusionSimError"),
    "Ledger": (".ledger", "Ledger"),
    "Parameters": (".parameters", "Parameters"),
    "Scenario": (".scenario", "Scenario"),
    "ScenarioError": (".scenario", "ScenarioError"),
    "compare": (".comparison", "compare"),
    "figure": (".territory.figures", "figure"),
    "levers": (".catalogue", "levers"),
    "load_figures": (".territory.figures", "load_figures"),
    "load_scenario": (".scenario", "load_scenario"),
    "open_experiment": (".store", "open_experiment"),
    "register": (".actions", "register"),
    "run": (".simulation", "run"),
    "run_experiment": (".experiment", "run_experiment"),
    "simulate": (".simulation", "simulate"),
    "summary": (".simulation", "summary"),
    "synthesize": (".territory.population", "synthesize"),
    "write_report": (".report", "write_report"),
    "zone_marginals": (".territory.marginals", "zone_marginals"),
}
__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
