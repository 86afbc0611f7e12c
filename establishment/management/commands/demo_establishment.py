"""Load the demo establishment cases: a handful of requests in every state of the workflow.

Run after the premises, land and skills demo data (`load_demo` runs the sections in order),
so the requests have listings to match and occupations to recruit. Each case is opened as a
real submission is (`establishment.cases.open_case`). Safe to run again: cases are keyed by
company name and left alone when they exist.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from brorebro.models import Municipality
from establishment.cases import open_case
from establishment.models import CaseNote, CaseStatus, EstablishmentRequest, ProposalItem, Recruitment
from skills.models import Occupation

DEMO_CASES = [
    {
        "company_name": "Nordic Cold Chain AB",
        "contact_name": "Sara Lind",
        "wants": "premises",
        "premises_kinds": ["warehouse"],
        "area_min_m2": 2000,
        "area_max_m2": 5000,
        "amenities": ["loading_dock"],
        "max_km_motorway": Decimal("10"),
        "municipality_codes": ["1880", "1861", "1860"],
        "jobs": 35,
        "status": CaseStatus.NEW,
        "days_ago": 3,
        "occupations": [("8332", 12), ("4321", 6)],
    },
    {
        "company_name": "Bergslagen Batteri AB",
        "contact_name": "Jonas Berg",
        "company_country": "Sverige",
        "wants": "land",
        "land_purposes": ["industry"],
        "land_area_min_ha": Decimal("2"),
        "land_area_max_ha": Decimal("15"),
        "land_water_sewer": True,
        "max_km_rail_terminal": Decimal("30"),
        "jobs": 120,
        "status": CaseStatus.IN_PROGRESS,
        "days_ago": 20,
        "occupations": [("7231", 10)],
    },
    {
        "company_name": "Scandi Parcel GmbH",
        "contact_name": "Anke Vogel",
        "company_country": "Deutschland",
        "via_consultant": True,
        "language": "en",
        "wants": "either",
        "premises_kinds": ["warehouse"],
        "land_purposes": ["logistics"],
        "area_min_m2": 4000,
        "area_max_m2": 15000,
        "max_km_motorway": Decimal("15"),
        "jobs": 80,
        "status": CaseStatus.PROPOSAL_SENT,
        "days_ago": 45,
        "proposal_after_days": 12,
    },
    {
        "company_name": "Kumla Verkstadsteknik AB",
        "contact_name": "Per Holm",
        "wants": "premises",
        "premises_kinds": ["industrial", "workshop"],
        "area_min_m2": 500,
        "area_max_m2": 2000,
        "amenities": ["three_phase"],
        "jobs": 15,
        "status": CaseStatus.SITE_VISIT,
        "days_ago": 70,
        "proposal_after_days": 9,
    },
    {
        "company_name": "Hallsberg Rail Logistics AB",
        "contact_name": "Maria Öst",
        "wants": "land",
        "land_purposes": ["logistics"],
        "land_rail": True,
        "jobs": 45,
        "status": CaseStatus.ESTABLISHED,
        "days_ago": 400,
        "proposal_after_days": 14,
        "established": ("1861", "Hallsbergs kombiterminal, etapp 2", 45),
    },
    {
        "company_name": "Vårdbolaget Norr AB",
        "contact_name": "Lena Ek",
        "wants": "premises",
        "premises_kinds": ["care"],
        "jobs": 25,
        "status": CaseStatus.WITHDRAWN,
        "days_ago": 200,
    },
    {
        "company_name": "Datacenter Väst AB",
        "contact_name": "Omar Said",
        "wants": "land",
        "land_min_kw": 20000,
        "municipality_codes": ["1883", "1862"],
        "jobs": 30,
        "status": CaseStatus.NOT_ESTABLISHED,
        "days_ago": 300,
        "proposal_after_days": 20,
    },
]
CASE_FIELDS = {
    "company_name",
    "contact_name",
    "company_country",
    "via_consultant",
    "language",
    "wants",
    "premises_kinds",
    "land_purposes",
    "area_min_m2",
    "area_max_m2",
    "land_area_min_ha",
    "land_area_max_ha",
    "amenities",
    "land_water_sewer",
    "land_rail",
    "land_min_kw",
    "max_km_motorway",
    "max_km_rail_terminal",
    "jobs",
}


class Command(BaseCommand):
    help = "Load a handful of demo establishment cases in different states."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        now = timezone.now()
        for spec in DEMO_CASES:
            if EstablishmentRequest.objects.filter(company_name=spec["company_name"]).exists():
                continue
            fields = {k: v for k, v in spec.items() if k in CASE_FIELDS}
            slug = spec["company_name"].split()[0].lower()
            case = EstablishmentRequest.objects.create(
                contact_email=f"{slug}@example.com",
                consent=True,
                created_at=now - timedelta(days=spec["days_ago"]),
                **fields,
            )
            case.municipalities.set(Municipality.objects.filter(code__in=spec.get("municipality_codes", [])))
            for ssyk, count in spec.get("occupations", []):
                occupation = Occupation.objects.filter(ssyk=ssyk).first()
                if occupation is not None:
                    Recruitment.objects.create(request=case, occupation=occupation, head_count=count)
            result = open_case(case)
            if "proposal_after_days" in spec:
                for candidate in result.matches[:2]:
                    ProposalItem.objects.create(
                        case=case,
                        premises=candidate.listing if candidate.kind == "premises" else None,
                        land_plot=candidate.listing if candidate.kind == "land" else None,
                        note="Ledigt enligt ansökan; visning kan ordnas inom en vecka.",
                        created_at=case.created_at + timedelta(days=spec["proposal_after_days"] - 1),
                    )
                case.proposal_published_at = case.created_at + timedelta(days=spec["proposal_after_days"])
            case.status = spec["status"]
            if "established" in spec:
                code, where, jobs = spec["established"]
                case.established_municipality = Municipality.objects.get(code=code)
                case.established_where, case.established_jobs = where, jobs
                case.established_on = date.today() - timedelta(days=spec["days_ago"] - 120)
            if case.status in (CaseStatus.ESTABLISHED, CaseStatus.NOT_ESTABLISHED, CaseStatus.WITHDRAWN):
                case.closed_at = case.created_at + timedelta(days=150)
            case.save()
            CaseNote.objects.create(
                case=case, text="Första kontakt per telefon.", created_at=case.created_at + timedelta(days=1)
            )
            created += 1
        if options["verbosity"] > 0:
            self.stdout.write(f"Demo establishment cases: {created} created.")
