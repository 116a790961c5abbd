"""SOLIHA (document 3.4.2): home visits, eco-gestures and kits, works, relocation, follow-up.

Social workers refer private-stock households (tenants and owner-occupiers) of the covered zones
to SOLIHA. The technicians are one SimPy resource serving referrals first come, first served;
an agent's visit stands for its zone's weight w of real visits, so it holds the team for
`w * 365 / (technicians * visits_per_technician_year)` days: real throughput and waiting
times in days are the same at any scale (and with zones at different scales), and zero
technicians never visit anyone. A household that leaves the territory before its visit is not
visited.

Each visited household draws its findings from its own generator (seeded by the action's stream
and the household's index), so what a visit finds does not depend on how many other visits were
made: more technicians visit more households, never different ones' outcomes. A household that
accepts relocation joins the social-housing queue (`relocation.py`), whose vacancies it shares
with the ordinary applicants.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
import simpy

from ...checks import RATE, Flag, ListOf, Number, Zone
from ...codes import DPE_CLASSES, SOCIAL
from ...declarations import Levers, lever
from ...housing import housing_cost, social_rent
from ...territory.figures import figure
from ...territory.zones import ALL_ZONES
from .ranges import draw
from .records import COMPLETED, NONE, RECOMMENDED, STARTED
from .relocation import SocialHousingQueue
from .renovation import RenovationLevers, finance_works

CONVENTION = ("Metropolis", "SOLIHA convention")
CLASS_E = DPE_CLASSES.index("E")  # classes E-G: poor insulation, a building cause


@dataclass(frozen=True)
class SolihaLevers(Levers):
    """SOLIHA's team, where it works, how households reach it and what it may offer."""

    soliha_technicians: float = lever(
        0.5,
        unit="full-time technicians",
        check=Number(0.0, 1000.0),
        range=(0.0, 20.0),
        source="document 3.4.2: target 50 households a year, divided by "
        "energy_poverty.visits_per_technician_year (100)",
        description="SOLIHA technicians paid by the Metropolis convention",
    )
    soliha_zones: tuple[str, ...] = lever(
        default_factory=lambda: ("saint_fons", "venissieux"),
        unit="zones",
        check=ListOf(Zone()),
        source="document 3.4.2: Vénissieux and Saint-Fons since 2018",
        description="zones whose social centres refer households to SOLIHA",
    )
    referral_rate: float = lever(
        0.5,
        unit="share of private-stock applicants",
        check=RATE,
        range=(0.0, 1.0),
        source="assumption: 3.4.6 says social workers do not yet systematically report "
        "households (1 = systematic); half of the private-stock applicants",
        description="share of private-stock FSL applicants that social workers refer to SOLIHA",
    )
    relocation: bool = lever(
        True,
        unit="on/off",
        check=Flag(),
        source="document 3.4.2: relocation is offered when no work can be done",
        description="whether SOLIHA offers relocation to social housing when works are impossible",
    )


class Soliha(mesa.Agent):
    """The SOLIHA team: a FIFO queue of referred households and a pooled technician resource."""

    def __init__(
        self,
        model,
        records,
        levers: SolihaLevers,
        renovation: RenovationLevers,
        params,
        seed: int,
        energy_poor,
    ):
        super().__init__(model)
        self.records, self.levers, self.renovation, self.params = (
            records,
            levers,
            renovation,
            params,
        )
        self.seed = seed
        self.energy_poor = energy_poor  # the document's test, vectorised (see the action)
        self.technicians = levers.soliha_technicians
        self.team = simpy.Resource(model.env, capacity=1)
        self.follow_up = int(figure("action4.follow_up_delay"))  # months after the visit
        per_year = self.technicians * params["energy_poverty.visits_per_technician_year"]
        # Days one real visit holds the team (an agent's visit: times its zone's weight).
        self.days_per_real_visit = 365.0 / per_year if per_year > 0 else np.inf
        # The average cost of one real visit, to attribute the convention to households.
        self.cost_per_visit = (
            params["energy_poverty.technician_cost"]
            / params["energy_poverty.visits_per_technician_year"]
        )
        self.social_housing = SocialHousingQueue(model, records, params, seed)

    def open_year(self) -> None:
        cost = self.technicians * self.params["energy_poverty.technician_cost"]
        self.model.ledger.open_line(*CONVENTION, cost)

    def pay_month(self) -> None:
        cost = self.technicians * self.params["energy_poverty.technician_cost"] / 12
        self.model.ledger.pay(*CONVENTION, cost, self.model.steps)

    def refer(self, household: int) -> None:
        """A social worker reports the household: it joins the visit queue (once in its life)."""
        self.records.visited[household] = True
        self.records.count("soliha_referrals", household)
        if np.isfinite(self.days_per_real_visit):
            self.model.env.process(self._visit(household))

    def _visit(self, household: int):
        env, referred = self.model.env, self.model.env.now
        generation = self.model.population.households["generation"]
        referred_generation = generation[household]
        with self.team.request() as request:
            yield request
            if generation[household] != referred_generation:
                return  # the household left the territory before its visit
            self.records.count("soliha_visits", household)
            self.records.count("soliha_wait_days", household, env.now - referred)
            self._findings(household, np.random.default_rng([self.seed, household]))
            # report, works file, accompaniment
            yield env.timeout(self.days_per_real_visit * self.records.weight(household))

    def _findings(self, i: int, rng: np.random.Generator) -> None:
        """What the visit finds and does; the draws are always made, in the same order."""
        hh, rec, p = self.model.population.households, self.records, self.params
        rec.visit_month[i] = self.model.steps
        rec.kwh_at_visit[i] = hh["annual_kwh"][i]
        rec.heat_at_visit[i], rec.other_at_visit[i] = self._consumption(i)
        rec.energy_cost_at_visit[i] = self.model.net_energy_cost(i)
        rec.rent_at_visit[i], rec.income_at_visit[i] = hh["rent"][i], hh["income"][i]
        rec.housing_at_visit[i] = housing_cost(hh, i)
        rec.tenure_at_visit[i] = hh["tenure"][i]
        rec.spent[i] += self.cost_per_visit * rec.weight(i)
        behaviour = rng.random() < p["energy_poverty.behaviour_cause_share"]
        faulty_heating = rng.random() < p["energy_poverty.defective_heating_share"]
        building = hh["dpe"][i] >= CLASS_E or faulty_heating
        acts = rng.random() < p["energy_poverty.action_share"]
        gesture_saving = draw(p, "energy_poverty.eco_gesture_saving", rng)
        concern = rng.random() < p["energy_poverty.social_concern_share"]
        if acts:  # eco-gestures are explained in all cases; the kit and habits need the household
            rec.count("soliha_kits", i)
            saving = p["energy_poverty.kit_saving"] + (gesture_saving if behaviour else 0.0)
            hh["annual_kwh"][i] *= 1 - saving
            hh["dwelling_kwh"][i] *= 1 - p["energy_poverty.kit_saving"]  # the kit stays
        if concern:
            rec.count("soliha_social_concerns", i)
            centre = self.model.social_centres[hh["zone"][i]]
            self.model.env.process(centre.case_work())
        works = False
        if building:
            rec.works[i] = RECOMMENDED
            rec.count("soliha_works_recommended", i)
            works = finance_works(self.model, rec, self.renovation, p, i, rng)
            if works:
                rec.works[i] = STARTED
                rec.orphan_works[i] = False
                rec.count("soliha_works_started", i)
        severe = bool(self.energy_poor(np.array([i]))[0])
        accepts = rng.random() < p["energy_poverty.relocation_acceptance"]
        if not works and (building or severe) and self.levers.relocation and accepts:
            self.social_housing.apply(i)

    def _consumption(self, i) -> tuple[float, float]:
        """Annual kWh the household now consumes for heating and for other uses (its need,
        less what it restricts or its supply stops), at this month's heating level."""
        hh, p = self.model.population.households, self.params
        heat = p["heating_share"] * hh["annual_kwh"][i] * hh["heating_kept"][i]
        return heat, (1 - p["heating_share"]) * hh["annual_kwh"][i]

    def due_events(self) -> None:
        """Works completed, relocations and 12-month follow-ups falling due this month."""
        hh, rec, now = self.model.population.households, self.records, self.model.steps
        for i in np.flatnonzero((rec.works == STARTED) & (rec.works_done_month == now)):
            rec.kwh_before_works[i] = hh["annual_kwh"][i]
            hh["annual_kwh"][i] *= 1 - rec.works_saving[i]
            hh["dwelling_kwh"][i] *= 1 - rec.works_saving[i]
            rec.works[i] = COMPLETED
            rec.count("soliha_works_completed", i)
            if rec.orphan_works[i]:  # its household left: the dwelling keeps the works
                rec.works_spent_departed[rec.zone[i]] += rec.works_spent[i]
                rec.works[i], rec.works_spent[i], rec.orphan_works[i] = NONE, 0.0, False
        for i in self.social_housing.allocate():
            _move_to_social_housing(self.model, i, np.random.default_rng([self.seed, i, 1]))
            rec.relocation_month[i] = now
            rec.count("soliha_relocations", i)
            rec.count("soliha_relocation_wait", i, now - rec.relocation_applied[i])
        due = np.flatnonzero((rec.visit_month >= 0) & (rec.visit_month == now - self.follow_up))
        if len(due) == 0:
            return
        model = self.model
        cost_then = model.annual_energy_cost(due, rec.kwh_at_visit[due])
        saved_eur = cost_then - model.annual_energy_cost(due)
        for k, i in enumerate(due):
            heat, other = self._consumption(i)
            consumed_then = rec.heat_at_visit[i] + rec.other_at_visit[i]
            rec.count("soliha_followups", i)
            rec.count("soliha_kwh_saved", i, rec.kwh_at_visit[i] - hh["annual_kwh"][i])
            rec.count("soliha_eur_saved", i, saved_eur[k])
            rec.count("soliha_consumption_saved", i, consumed_then - heat - other)
            if hh["income"][i] > 0 and rec.income_at_visit[i] > 0:  # an effort needs an income
                effort_now = model.net_energy_cost(i) / (12 * hh["income"][i])
                effort_then = rec.energy_cost_at_visit[i] / (12 * rec.income_at_visit[i])
                rec.count("soliha_effort_change", i, 100 * (effort_now - effort_then))
                rec.count("soliha_effort_followups", i)


def _move_to_social_housing(model, i: int, rng: np.random.Generator) -> None:
    """Relocation: a social dwelling of the same surface in the zone, at its social rent (the
    allowance follows the new rent), with an energy class drawn from the social stock's mix;
    an owner's charges and loan end with the sale."""
    hh, params = model.population.households, model.params
    dpe_social = np.asarray(params["dpe_shares_social"])
    dpe = rng.choice(len(dpe_social), p=dpe_social / dpe_social.sum())
    zone = ALL_ZONES.index(model.zones[hh["zone"][i]])
    hh["tenure"][i] = SOCIAL
    hh["dpe"][i] = dpe
    hh["rent"][i] = social_rent(zone, hh["surface"][i], params)
    hh["owner_costs"][i] = hh["mortgage"][i] = 0.0
    hh["annual_kwh"][i] = hh["dwelling_kwh"][i] = (
        hh["surface"][i] * params["dpe_intensity"][dpe] * (1 - params["prebound_gap"])
    )
