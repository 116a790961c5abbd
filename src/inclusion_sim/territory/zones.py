"""The zones a run can simulate: the three pilot communes and the rest of the Metropolis."""

from __future__ import annotations

from ..errors import InclusionSimError

ZONES: dict[str, str] = {
    "saint_fons": "Saint-Fons",
    "venissieux": "Vénissieux",
    "bron": "Bron",
    "rest": "Rest of Metropolis",
}
ALL_ZONES: tuple[str, ...] = tuple(ZONES)


def zone_id(name: str) -> str:
    """Accept a zone id ('saint_fons') or its display name ('Saint-Fons')."""
    if name in ZONES:
        return name
    for key, label in ZONES.items():
        if name.casefold() == label.casefold():
            return key
    known = ", ".join(f"'{k}'" for k in ZONES)
    raise InclusionSimError(f"unknown zone '{name}': expected one of {known}")
