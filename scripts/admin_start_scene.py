"""What the officer's start page shows in the README picture (run by scripts/screenshots.sh
with `manage.py shell`, on the screenshot database only).

The demo data is freshly confirmed and has no inquiries, so the start page would be empty:
three of Laxå's listings are aged (one already hidden, one hidden within days, one flagged),
three inquiries arrive (two about the same office) and a new establishment request concerns Laxå.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from brorebro.models import Inquiry
from land.models import LandPlot
from premises.models import Premises

now = timezone.now()
laxa_premises = list(Premises.objects.filter(municipality__code="1860").order_by("pk"))
laxa_plots = list(LandPlot.objects.filter(municipality__code="1860").order_by("pk"))
Premises.objects.filter(pk=laxa_premises[0].pk).update(confirmed_at=now - timedelta(days=172))
Premises.objects.filter(pk=laxa_premises[-1].pk).update(confirmed_at=now - timedelta(days=120))
LandPlot.objects.filter(pk=laxa_plots[-1].pk).update(confirmed_at=now - timedelta(days=200))

office, hall = laxa_premises[1], laxa_premises[0]
content_type = ContentType.objects.get_for_model(Premises)
for listing, name, company, email, hours in [
    (office, "Greta Etablerare", "Etablering AB", "greta@etablering.example", 3),
    (office, "Ali Haddad", "Nordic Parts AB", "ali@nordicparts.example", 26),
    (hall, "Eva Svensson", "Lager & Logistik i Laxå AB", "eva@lagerlogistik.example", 50),
]:
    Inquiry.objects.create(
        municipality=listing.municipality,
        content_type=content_type,
        object_id=listing.pk,
        listing_title=str(listing),
        name=name,
        company=company,
        email=email,
        message="Vi söker lokaler i Laxå och vill gärna boka en visning.",
        consent=True,
        created_at=now - timedelta(hours=hours),
    )

# And a new establishment request that concerns Laxå, if the demo has one that is new.
from brorebro.models import Municipality  # noqa: E402
from establishment.models import CaseStatus, EstablishmentRequest  # noqa: E402

case = EstablishmentRequest.objects.filter(status=CaseStatus.NEW).order_by("pk").first()
if case is not None:
    case.concerned_municipalities.add(Municipality.objects.get(code="1860"))
