"""Application services: commands per context over the one event store."""

from __future__ import annotations

from services.accountability import AccountabilityService
from services.base import Written
from services.discipline import DisciplineService
from services.inspections import InspectionService
from services.kpi import KpiService
from services.organisation import OrganisationService
from services.store import Store, open_store
from services.tasks import TaskService


class Services:
    """Every context's commands over one store (the composition root builds one of these)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.organisation = OrganisationService(store)
        self.inspections = InspectionService(store)
        self.discipline = DisciplineService(store)
        self.accountability = AccountabilityService(store)
        self.tasks = TaskService(store)
        self.kpi = KpiService(store)


__all__ = ["Services", "Store", "Written", "open_store"]
