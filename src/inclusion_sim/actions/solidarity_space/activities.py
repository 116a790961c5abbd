"""The activities (3.5.9): shared gardens, the tool library, the recycling store, access to
culture, and the social support of government-grant (RSA) beneficiaries.

Each activity of a site has places (people at a time); a participant stays a number of months
(geometric, with the mean `solidarity_space.<activity>_months`), and comes to
`<activity>_sessions` sessions a month, attending a share `attendance` of them (attendance is
counted in expectation, not drawn). Who comes: most activities are 'open to all' but people are
'generally directed by social workers' (3.5.8) and members are 'encouraged to participate in
workshops' (3.5.9). So each free place goes, with probability `member_share`, to a grocery member
of the site not yet in the activity, otherwise to an adult of the zone drawn with odds
`difficulty_odds` for households in difficulty (poor or in arrears). The profile of the people
welcomed (age, couples with children, grant beneficiaries) follows from that; it is compared with
the document's, never fitted.

The tool library's weekly workshop teaches small home repairs: with the lever
`tool_library_home_repairs`, a share `repair_share` of the new participants' households carry out
repairs and eco-gestures that lower their dwelling's energy use by a saving drawn from the energy
action's eco-gesture range (`energy_poverty.eco_gesture_saving`), once per household.

Social support (3.5.9): places by convention with the Metropolis; the social centre's workers
direct RSA recipients of the zone (a monthly probability), each referral being one of their
cases; referred people wait for a place (first come, first served, giving up after
`max_wait_days`); a supported person leaves after a geometric time with the mean
`support_months` and is handed back to the social centre (another case).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import mesa
import numpy as np

from ...checks import COUNT, Flag
from ...declarations import Levers, lever
from ...territory.figures import figure
from ..energy_poverty.ranges import draw as draw_in_range
from .records import ACTIVITIES, SUPPORT, WELCOMED


@dataclass(frozen=True)
class ActivityLevers(Levers):
    """The places of each activity at a site, and the tool library's home-repair workshops."""

    shared_gardens_places: int = lever(
        42,
        unit="gardeners per site",
        check=COUNT,
        range=(0, 200),
        source="fitted: about 80 gardeners in 2017 (3.5.10) with plots held "
        "solidarity_space.shared_gardens_months (M = 12) on average: a year sees P (1 + 11/M) "
        "people (those staying past January and the year's newcomers), 42 x 1.92 = 80",
        description="people a site's shared gardens take at a time (individual or family plots)",
    )
    tool_library_places: int = lever(
        27,
        unit="participants per site",
        check=COUNT,
        range=(0, 200),
        source="fitted: about 125 participants in 2017 (3.5.10) staying "
        "solidarity_space.tool_library_months (M = 3) on average: 27 x (1 + 11/3) = 126",
        description="people a site's tool library takes at a time",
    )
    recycling_store_places: int = lever(
        21,
        unit="participants per site",
        check=COUNT,
        range=(0, 200),
        source="fitted: about 240 people in 2017 (3.5.10) coming "
        "solidarity_space.recycling_store_months (M = 1) on average: 21 x (1 + 11/1) = 252, "
        "less those who come back within the year",
        description="people a site's recycling workshop and store serve at a time (a month)",
    )
    culture_places: int = lever(
        22,
        unit="participants per site",
        check=COUNT,
        range=(0, 200),
        source="fitted: about 100 people in 2017 (3.5.10) taking part "
        "solidarity_space.culture_months (M = 3) on average: 22 x (1 + 11/3) = 103",
        description="people a site's cultural outings and artistic workshops take at a time",
    )
    tool_library_home_repairs: bool = lever(
        True,
        unit="on/off",
        check=Flag(),
        source="document 3.5.9: the tool library lets participants 'improve their homes at low "
        "cost and subsequently, independently'",
        description="whether tool-library participants carry out small repairs and "
        "eco-gestures at home (lowering their energy use)",
    )


@dataclass(frozen=True)
class SupportLevers(Levers):
    """The social support places of a site, by convention with the Metropolis."""

    supported_places: int = lever(
        default_factory=lambda: int(figure("action6.social_support_places")),
        unit="people per site",
        check=COUNT,
        range=(0, 200),
        source="document 3.5.9: 40 places a year by convention with the Metropolis",
        description="grant beneficiaries a site supports at a time",
    )


def _leave(rng: np.random.Generator, members: np.ndarray, months: float) -> np.ndarray:
    """Members who leave this month (a geometric stay with mean `months`)."""
    return members[rng.random(len(members)) < 1 / max(months, 1.0)]


class Activities(mesa.Agent):
    """The open activities of every site."""

    def __init__(self, model, records, levers: ActivityLevers, params, sites, rng):
        super().__init__(model)
        self.records, self.levers, self.params = records, levers, params
        self.sites, self.stream = sites, rng

    def month(self, difficulty: np.ndarray, member_adults: np.ndarray) -> None:
        """Leavers, then free places filled, attendance and the tool library's repairs.

        `difficulty` is the households' mask of difficulty; `member_adults` the registered
        adults of the current grocery members (persons)."""
        model, rec, p = self.model, self.records, self.params
        persons = model.population.persons
        year = model.calendar_month[0]
        for zone, site in self.sites.items():
            rows = model.person_slices[zone]
            adult = persons["present"][rows] & (persons["age"][rows] >= 18)  # from rows.start
            weight = np.where(
                difficulty[persons["household"][rows]], p["solidarity_space.difficulty_odds"], 1.0
            )
            for a, key in enumerate(ACTIVITIES):
                inside = rec.in_activity[a]
                current = np.flatnonzero(inside[rows]) + rows.start
                inside[_leave(self.stream, current, p[f"solidarity_space.{key}_months"])] = False
                places = site.open_places(key)
                free = places - np.count_nonzero(inside[rows])
                new = self._newcomers(free, rows, ~inside, member_adults, adult, weight)
                inside[new] = True
                if key == "tool_library" and self.levers.tool_library_home_repairs:
                    self._repairs(new, zone)
                now = np.flatnonzero(inside[rows]) + rows.start
                rec.welcome(WELCOMED.index(key), now, year)
                sessions = p[f"solidarity_space.{key}_sessions"] * p["solidarity_space.attendance"]
                rec.count(f"attendance_{key}", zone, len(now) * sessions)

    def _newcomers(self, free, rows, outside, member_adults, adult, weight) -> np.ndarray:
        """Persons taking `free` places: members first with `member_share`, then the public
        (`adult` and `weight`, the odds of people in difficulty, are the zone's `rows`)."""
        if free <= 0:
            return np.empty(0, dtype=int)
        rng = self.stream
        from_members = int(
            np.count_nonzero(rng.random(free) < self.params["solidarity_space.member_share"])
        )
        pool = np.flatnonzero(member_adults[rows] & outside[rows]) + rows.start
        chosen = rng.choice(pool, size=min(from_members, len(pool)), replace=False)
        public = np.flatnonzero(adult & outside[rows]) + rows.start
        public = public[~np.isin(public, chosen)]
        n = min(free - len(chosen), len(public))
        if n > 0:
            odds = weight[public - rows.start]
            chosen = np.concatenate(
                [chosen, rng.choice(public, size=n, replace=False, p=odds / odds.sum())]
            )
        return chosen.astype(int)

    def _repairs(self, newcomers: np.ndarray, zone: int) -> None:
        """New tool-library participants' households may repair and save energy (once each)."""
        model, rec, p = self.model, self.records, self.params
        hh = model.population.households
        households = np.unique(model.population.persons["household"][newcomers])
        households = households[~rec.repaired[households]]
        repairs = households[
            self.stream.random(len(households)) < p["solidarity_space.repair_share"]
        ]
        for h in repairs:
            saving = draw_in_range(p, "energy_poverty.eco_gesture_saving", self.stream)
            rec.count("kwh_saved", zone, hh["annual_kwh"][h] * saving)
            hh["annual_kwh"][h] *= 1 - saving
            rec.repaired[h] = True
            rec.count("home_repairs", zone)


class Support(mesa.Agent):
    """Social support of grant beneficiaries at every site."""

    def __init__(self, model, records, params, sites, max_wait, rng):
        super().__init__(model)
        self.records, self.params, self.sites, self.stream = records, params, sites, rng
        self.max_wait = max_wait
        self.waiting: dict[int, deque[tuple[int, float]]] = {zone: deque() for zone in sites}

    def month(self, grant: np.ndarray) -> None:
        """Exits, give-ups, free places filled from the waiting list, attendance, referrals.

        `grant` is the persons' mask of RSA recipients."""
        model, rec, p = self.model, self.records, self.params
        year, now = model.calendar_month[0], model.env.now
        for zone, site in self.sites.items():
            rows = model.person_slices[zone]
            current = np.flatnonzero(rec.supported[rows]) + rows.start
            leaving = _leave(self.stream, current, p["solidarity_space.support_months"])
            rec.supported[leaving] = False
            for _ in leaving:  # the person is handed back to the social centre
                model.env.process(model.social_centres[zone].case_work())
            queue = self.waiting[zone]
            for person, day in list(queue):  # those who waited too long give up
                if now - day > self.max_wait:
                    queue.remove((person, day))
                    rec.support_waiting[person] = False
                    rec.count("support_gave_up", zone)
            places = site.open_places("social_support")
            while queue and np.count_nonzero(rec.supported[rows]) < places:
                person, _ = queue.popleft()
                rec.support_waiting[person] = False
                rec.supported[person] = rec.ever_supported[person] = True
            now_in = np.flatnonzero(rec.supported[rows]) + rows.start
            rec.welcome(SUPPORT, now_in, year)
            sessions = (
                p["solidarity_space.social_support_sessions"] * p["solidarity_space.attendance"]
            )
            rec.count("attendance_social_support", zone, len(now_in) * sessions)
        draw = self.stream.random(len(rec.supported))  # every person, every month: aligned streams
        rate = p["solidarity_space.support_referral_rate"]
        for zone in self.sites:  # in person order, zone after zone
            rows = model.person_slices[zone]
            can = grant[rows] & ~rec.supported[rows] & ~rec.support_waiting[rows]
            for person in np.flatnonzero(can & ~rec.ever_supported[rows] & (draw[rows] < rate)):
                model.env.process(self._refer(person + rows.start))

    def _refer(self, person: int):
        """SimPy process: the social worker's referral case, then the waiting list."""
        rec, env = self.records, self.model.env
        zone, referred = rec.person_zone[person], env.now
        generation = self.model.population.persons["generation"]
        referred_generation = generation[person]
        rec.support_waiting[person] = True
        rec.count("support_referrals", zone)
        yield env.process(self.model.social_centres[zone].case_work())
        if generation[person] == referred_generation:  # not if the person left
            self.waiting[zone].append((person, referred))

    def forget(self, persons: set[int]) -> None:
        """Persons who left the territory leave the waiting lists."""
        for queue in self.waiting.values():
            kept = [(p, day) for p, day in queue if p not in persons]
            queue.clear()
            queue.extend(kept)
