"""Demo data for skills supply. Safe to run more than once (everything is keyed).

SSYK 2012 and SNI 2007 codes and names are the real classification entries. The
assessments, programmes, intakes and partners are made up for the demo: the
companies are generic descriptions, not real firms, and the assessments are marked
as example data, not Arbetsförmedlingen's.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction

from brorebro.models import Municipality
from skills.models import (
    REGION_COUNTY,
    REGION_NATIONAL,
    Industry,
    Intake,
    Occupation,
    Partner,
    Programme,
    ShortageAssessment,
)

DEMO_SOURCE = "Exempeldata (demo)"

# (SNI 2007 code, Swedish name, English name, sector)
INDUSTRIES = [
    ("55.10", "Hotellverksamhet", "Hotels and similar accommodation", "visitor_industry"),
    ("56.10", "Restaurangverksamhet", "Restaurants and mobile food service activities", "visitor_industry"),
    ("62.01", "Dataprogrammering", "Computer programming activities", "it"),
    ("62.02", "Datakonsultverksamhet", "Computer consultancy activities", "it"),
    (
        "87.30",
        "Vård och omsorg i särskilda boendeformer för äldre och personer med funktionshinder",
        "Residential care for the elderly and disabled",
        "private_care",
    ),
    (
        "88.10",
        "Öppna sociala insatser för äldre och funktionshindrade",
        "Social work without accommodation for the elderly and disabled",
        "private_care",
    ),
    ("86.10", "Sluten sjukvård", "Hospital activities", ""),
    ("49.41", "Vägtransport, godstrafik", "Freight transport by road", "logistics"),
    ("52.10", "Magasinering och varulagring", "Warehousing and storage", "logistics"),
    (
        "45.20",
        "Underhåll och reparation av motorfordon utom motorcyklar",
        "Maintenance and repair of motor vehicles",
        "logistics",
    ),
]

# (SSYK 2012, Swedish name, English name, SNI codes of the main industries)
OCCUPATIONS = [
    (
        "7231",
        "Motorfordonsmekaniker och fordonsreparatörer",
        "Motor vehicle mechanics and repairers",
        ["45.20", "49.41"],
    ),
    ("5120", "Kockar och kallskänkor", "Cooks", ["56.10", "55.10"]),
    ("5131", "Hovmästare och servitörer", "Waiters and head waiters", ["56.10", "55.10"]),
    ("3451", "Köksmästare och souschefer", "Chefs and sous chefs", ["56.10"]),
    ("2512", "Mjukvaru- och systemutvecklare m.fl.", "Software and systems developers", ["62.01", "62.02"]),
    ("2511", "Systemanalytiker och IT-arkitekter m.fl.", "Systems analysts and IT architects", ["62.02"]),
    ("2514", "Systemtestare och testledare", "Systems testers and test managers", ["62.01"]),
    (
        "5321",
        "Undersköterskor, hemtjänst, hemsjukvård, äldreboende och habilitering",
        "Assistant nurses, home care, elderly care and habilitation",
        ["87.30", "88.10"],
    ),
    ("2221", "Grundutbildade sjuksköterskor", "Registered nurses", ["86.10", "87.30"]),
    ("8332", "Lastbilsförare m.fl.", "Heavy truck drivers", ["49.41"]),
    ("4322", "Lager- och terminalpersonal", "Warehouse and terminal staff", ["52.10"]),
    ("8344", "Truckförare", "Lift-truck operators", ["52.10"]),
    ("4224", "Hotellreceptionister m.fl.", "Hotel receptionists", ["55.10"]),
    ("4222", "Kundtjänstpersonal", "Customer service staff", []),
]

# (SSYK, county situation, outlook, national situation) for the two latest rounds.
ASSESSMENTS = {
    "2026-1": [
        ("7231", "brist", "oka", "brist"),
        ("5120", "brist", "oka", "brist"),
        ("5131", "balans", "oforandrad", "balans"),
        ("3451", "brist", "oka", "brist"),
        ("2512", "brist", "oka", "balans"),
        ("2511", "brist", "oka", "brist"),
        ("2514", "balans", "oforandrad", "balans"),
        ("5321", "brist", "oka", "brist"),
        ("2221", "brist", "oka", "brist"),
        ("8332", "brist", "oka", "brist"),
        ("4322", "balans", "oka", "balans"),
        ("8344", "balans", "oforandrad", "balans"),
        ("4224", "balans", "oka", "balans"),
        ("4222", "overskott", "minska", "overskott"),
    ],
    "2025-2": [
        ("7231", "brist", "oka", "brist"),
        ("5120", "brist", "oka", "brist"),
        ("5131", "brist", "oka", "balans"),
        ("2512", "brist", "oka", "brist"),
        ("5321", "brist", "oka", "brist"),
        ("8332", "brist", "oka", "brist"),
        ("4322", "balans", "oforandrad", "balans"),
    ],
}

# (name, kind, url). Schools are the municipalities' own adult education and a
# generic vocational college; companies are descriptions, not real firms.
PARTNERS = [
    ("Komvux Örebro", "school", "https://www.orebro.se/"),
    ("Komvux Hallsberg", "school", "https://www.hallsberg.se/"),
    ("Komvux Lindesberg", "school", "https://www.lindesberg.se/"),
    ("Komvux Karlskoga", "school", "https://www.karlskoga.se/"),
    ("Yrkeshögskoleutbildning i Örebro län (exempel)", "school", ""),
    ("Åkeri i Hallsberg", "company", ""),
    ("Verkstad för tunga fordon i Kumla", "company", ""),
    ("Bussdepå i Örebro", "company", ""),
    ("Hotell vid Vättern i Askersund", "company", ""),
    ("Restaurang i Nora", "company", ""),
    ("IT-konsultbolag i Örebro", "company", ""),
    ("Privat hemtjänstföretag i Kumla", "company", ""),
    ("Lager- och logistikcentrum i Örebro", "company", ""),
]

# name_sv, name_en, kind, status, provider, municipalities, occupations, industries, partners,
# start, weeks, pace, seats, description_sv, description_en, intakes [(term, applicants, enrolled, completed, employed)]
PROGRAMMES = [
    dict(
        name_sv="Fordonsmekaniker tunga fordon",
        name_en="Heavy-vehicle mechanic",
        kind="yh",
        status="open",
        provider="Yrkeshögskoleutbildning i Örebro län (exempel)",
        municipalities=["1861", "1881", "1880"],
        occupations=["7231"],
        industries=["45.20", "49.41"],
        partners=[
            "Yrkeshögskoleutbildning i Örebro län (exempel)",
            "Åkeri i Hallsberg",
            "Verkstad för tunga fordon i Kumla",
            "Bussdepå i Örebro",
        ],
        start=date(2027, 8, 23),
        deadline=date(2027, 4, 15),
        weeks=80,
        pace=100,
        seats=24,
        url="https://example.org/ansok/fordonsmekaniker-tunga-fordon",
        description_sv=(
            "Verkstäderna för lastbilar, bussar och arbetsmaskiner i länet har svårt att hitta mekaniker. "
            "Business Region Örebro tog initiativ till utbildningen tillsammans med åkerier och verkstäder.\n\n"
            "Halva tiden är lärande i arbete (LIA) på en verkstad i länet."
        ),
        description_en=(
            "Workshops for trucks, buses and machines in the county struggle to find mechanics. "
            "Business Region Örebro started the programme together with hauliers and workshops.\n\n"
            "Half of the time is work-based learning at a workshop in the county."
        ),
        intakes=[
            ("HT2021", 58, 22, 18, 16),
            ("HT2022", 49, 24, 21, 19),
            ("HT2023", 72, 24, 20, 19),
            ("HT2024", 81, 24, 22, 20),
            ("HT2025", 95, 24, None, None),
            ("HT2026", 88, 24, None, None),
        ],
    ),
    dict(
        name_sv="Kock med inriktning besöksnäring",
        name_en="Cook for the visitor industry",
        kind="komvux",
        status="open",
        provider="Komvux Örebro",
        municipalities=["1880", "1814"],
        occupations=["5120", "3451"],
        industries=["56.10", "55.10"],
        partners=["Komvux Örebro", "Restaurang i Nora", "Hotell vid Vättern i Askersund"],
        start=date(2027, 1, 11),
        deadline=date(2026, 12, 1),
        weeks=40,
        pace=100,
        seats=20,
        url="https://example.org/ansok/kock",
        description_sv="Yrkesutbildning till kock med praktik på hotell och restauranger i länet.",
        description_en="Vocational training as a cook, with placements at hotels and restaurants in the county.",
        intakes=[("VT2024", 41, 20, 16, 14), ("VT2025", 37, 19, 15, 13), ("VT2026", 44, 20, None, None)],
    ),
    dict(
        name_sv="Servering och hovmästeri",
        name_en="Waiting and front of house",
        kind="employer",
        status="planned",
        provider="Hotell vid Vättern i Askersund",
        municipalities=["1882", "1884"],
        occupations=["5131"],
        industries=["56.10", "55.10"],
        partners=["Hotell vid Vättern i Askersund", "Restaurang i Nora"],
        start=date(2027, 3, 1),
        weeks=12,
        pace=100,
        seats=10,
        url="",
        description_sv="Arbetsgivarledd introduktion till servering inför sommarsäsongen vid Vättern och i Nora.",
        description_en="Employer-led introduction to waiting tables before the summer season.",
        intakes=[],
    ),
    dict(
        name_sv="Mjukvaruutvecklare",
        name_en="Software developer",
        kind="yh",
        status="running",
        provider="Yrkeshögskoleutbildning i Örebro län (exempel)",
        municipalities=["1880"],
        occupations=["2512", "2514"],
        industries=["62.01"],
        partners=["Yrkeshögskoleutbildning i Örebro län (exempel)", "IT-konsultbolag i Örebro"],
        start=date(2025, 8, 25),
        weeks=80,
        pace=100,
        seats=35,
        url="",
        description_sv="Utbildning till systemutvecklare med två perioder lärande i arbete hos IT-företag i Örebro.",
        description_en="Training as a systems developer with two work placements at IT companies in Örebro.",
        intakes=[
            ("HT2022", 140, 35, 29, 24),
            ("HT2023", 122, 35, 27, 21),
            ("HT2024", 96, 33, None, None),
            ("HT2025", 104, 35, None, None),
        ],
    ),
    dict(
        name_sv="IT-arkitekt",
        name_en="IT architect",
        kind="yh",
        status="planned",
        provider="Yrkeshögskoleutbildning i Örebro län (exempel)",
        municipalities=["1880", "1883"],
        occupations=["2511"],
        industries=["62.02"],
        partners=["IT-konsultbolag i Örebro"],
        start=date(2027, 8, 30),
        weeks=60,
        pace=100,
        seats=25,
        url="https://example.org/ansok/it-arkitekt",
        description_sv="Ny utbildning för den som arbetar med IT och vill bli systemanalytiker eller IT-arkitekt.",
        description_en="A new programme for people in IT who want to become systems analysts or IT architects.",
        intakes=[],
    ),
    dict(
        name_sv="Undersköterska, äldreomsorg",
        name_en="Assistant nurse, elderly care",
        kind="komvux",
        status="running",
        provider="Komvux Lindesberg",
        municipalities=["1885", "1863", "1864", "1884"],
        occupations=["5321"],
        industries=["87.30", "88.10"],
        partners=["Komvux Lindesberg"],
        start=date(2026, 1, 12),
        weeks=60,
        pace=100,
        seats=30,
        url="",
        description_sv="Vård- och omsorgsutbildning till undersköterska för Bergslagens kommuner.",
        description_en="Health and social care training as an assistant nurse for the Bergslagen municipalities.",
        intakes=[
            ("VT2023", 52, 30, 24, 23),
            ("VT2024", 47, 28, 22, 21),
            ("VT2025", 38, 26, 21, None),
            ("VT2026", 45, 30, None, None),
        ],
    ),
    dict(
        name_sv="Undersköterska med lön, hemtjänst",
        name_en="Paid assistant-nurse training, home care",
        kind="employer",
        status="open",
        provider="Privat hemtjänstföretag i Kumla",
        municipalities=["1881", "1814"],
        occupations=["5321"],
        industries=["88.10"],
        partners=["Privat hemtjänstföretag i Kumla", "Komvux Örebro"],
        start=date(2027, 2, 1),
        deadline=date(2026, 12, 15),
        weeks=52,
        pace=75,
        seats=12,
        url="https://example.org/ansok/underskoterska-med-lon",
        description_sv="Anställning på 75 procent och studier på Komvux: du får lön medan du utbildar dig.",
        description_en="Employed at 75 per cent while studying at Komvux: you are paid while you train.",
        intakes=[("VT2025", 30, 12, 11, 11), ("VT2026", 34, 12, None, None)],
    ),
    dict(
        name_sv="Lastbilsförare C/CE",
        name_en="Truck driver C/CE",
        kind="amu",
        status="open",
        provider="Arbetsmarknadsutbildning (upphandlad av Arbetsförmedlingen)",
        municipalities=["1861", "1860", "1862"],
        occupations=["8332"],
        industries=["49.41"],
        partners=["Åkeri i Hallsberg", "Komvux Hallsberg"],
        start=date(2027, 1, 18),
        weeks=20,
        pace=100,
        seats=16,
        url="https://example.org/ansok/lastbilsforare",
        description_sv="Körkort C och CE, YKB och praktik på åkeri. Anvisning sker via Arbetsförmedlingen.",
        description_en="Driving licence C and CE, professional competence and a placement at a haulier. "
        "Places are assigned by Arbetsförmedlingen.",
        # AMU places are assigned, so more can start than applied.
        intakes=[
            ("VT2024", 12, 16, 14, 12),
            ("HT2024", 18, 16, 15, 14),
            ("VT2025", 20, 16, 13, 12),
            ("HT2025", 22, 16, 15, 13),
        ],
    ),
    dict(
        name_sv="Lager och logistik med truckkort",
        name_en="Warehouse and logistics with forklift licence",
        kind="amu",
        status="running",
        provider="Arbetsmarknadsutbildning (upphandlad av Arbetsförmedlingen)",
        municipalities=["1880", "1881", "1861"],
        occupations=["4322", "8344"],
        industries=["52.10"],
        partners=["Lager- och logistikcentrum i Örebro"],
        start=date(2026, 9, 7),
        weeks=14,
        pace=100,
        seats=18,
        url="",
        description_sv="Grundläggande lager- och terminalarbete, truckkort A och B och praktik i länets logistikcentrum.",
        description_en="Warehouse and terminal work, forklift licence and a placement at a logistics centre.",
        intakes=[("HT2025", 25, 18, 17, 15), ("HT2026", 28, 18, None, None)],
    ),
    dict(
        name_sv="Vårdbiträde och omsorg, Karlskoga och Degerfors",
        name_en="Care assistant, Karlskoga and Degerfors",
        kind="komvux",
        status="finished",
        provider="Komvux Karlskoga",
        municipalities=["1883", "1862"],
        occupations=["5321"],
        industries=["87.30"],
        partners=["Komvux Karlskoga"],
        start=date(2023, 8, 21),
        weeks=40,
        pace=100,
        seats=20,
        url="",
        description_sv="Utbildningen är avslutad. Nya utbildningar annonseras här.",
        description_en="The programme has finished. New programmes are announced here.",
        intakes=[("HT2023", 33, 20, 17, 15), ("HT2024", 29, 18, 14, 13)],
    ),
    dict(
        name_sv="Hotellreception och bokning",
        name_en="Hotel reception and booking",
        kind="komvux",
        status="cancelled",
        provider="Komvux Örebro",
        municipalities=["1880"],
        occupations=["4224"],
        industries=["55.10"],
        partners=["Komvux Örebro"],
        start=date(2026, 1, 12),
        weeks=20,
        pace=50,
        seats=15,
        url="",
        description_sv="Ställdes in: för få sökande.",
        description_en="Cancelled: too few applicants.",
        intakes=[("VT2026", 3, 0, None, None)],
    ),
]


class Command(BaseCommand):
    help = "Load demo occupations, shortage assessments and about ten programmes with intakes."

    @transaction.atomic
    def handle(self, *args, **options):
        municipalities = {m.code: m for m in Municipality.objects.all()}
        if not municipalities:
            self.stderr.write("No municipalities: run load_demo (or loaddata municipalities) first.")
            return
        industries = {}
        for code, name_sv, name_en, sector in INDUSTRIES:
            industries[code], _ = Industry.objects.update_or_create(
                sni_code=code,
                sni_version=2007,
                defaults={"name_sv": name_sv, "name_en": name_en, "sector": sector},
            )
        occupations = {}
        for ssyk, name_sv, name_en, sni in OCCUPATIONS:
            occupation, _ = Occupation.objects.update_or_create(
                ssyk=ssyk, defaults={"name_sv": name_sv, "name_en": name_en}
            )
            occupation.industries.set([industries[c] for c in sni])
            occupations[ssyk] = occupation
        for period, rows in ASSESSMENTS.items():
            for ssyk, county, outlook, national in rows:
                for region, situation in ((REGION_COUNTY, county), (REGION_NATIONAL, national)):
                    ShortageAssessment.objects.update_or_create(
                        occupation=occupations[ssyk],
                        region_code=region,
                        period=period,
                        defaults={"recruitment": situation, "outlook": outlook, "source": DEMO_SOURCE},
                    )
        # A municipality's own view can differ from the county's: Laxå sees no shortage of cooks.
        ShortageAssessment.objects.update_or_create(
            occupation=occupations["5120"],
            region_code="1860",
            period="2026-1",
            defaults={
                "recruitment": "balans",
                "outlook": "oforandrad",
                "source": DEMO_SOURCE,
                "note": "Kommunens egen bedömning (exempel).",
            },
        )
        partners = {}
        for name, kind, url in PARTNERS:
            partners[name], _ = Partner.objects.update_or_create(
                name=name, defaults={"kind": kind, "url": url}
            )
        for spec in PROGRAMMES:
            programme, _ = Programme.objects.update_or_create(
                name_sv=spec["name_sv"],
                defaults={
                    "name_en": spec["name_en"],
                    "kind": spec["kind"],
                    "status": spec["status"],
                    "provider": spec["provider"],
                    "start_date": spec["start"],
                    "application_deadline": spec.get("deadline"),
                    "length_weeks": spec["weeks"],
                    "study_pace": spec["pace"],
                    "seats": spec["seats"],
                    "application_url": spec["url"],
                    "contact_name": "Kontaktperson kompetensförsörjning",
                    "contact_email": "kompetens@example.se",
                    "contact_phone": "019-00 00 00",
                    "description_sv": spec["description_sv"],
                    "description_en": spec["description_en"],
                },
            )
            programme.municipalities.set(
                [municipalities[c] for c in spec["municipalities"] if c in municipalities]
            )
            programme.occupations.set([occupations[c] for c in spec["occupations"]])
            programme.industries.set([industries[c] for c in spec["industries"]])
            programme.partners.set([partners[n] for n in spec["partners"]])
            for term, applicants, enrolled, completed, employed in spec["intakes"]:
                Intake.objects.update_or_create(
                    programme=programme,
                    term=term,
                    defaults={
                        "applicants": applicants,
                        "enrolled": enrolled,
                        "completed": completed,
                        "employed_within_6_months": employed,
                    },
                )
        self.stdout.write(
            f"Skills: {len(OCCUPATIONS)} occupations, {len(PROGRAMMES)} programmes, "
            f"{ShortageAssessment.objects.count()} assessments."
        )
