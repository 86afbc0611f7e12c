"""Public pages of skills supply: the overview, one programme, one occupation, and the outcomes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from brorebro.caching import public_response
from brorebro.models import Municipality
from skills.charts import rate_chart
from skills.filters import ProgrammeFilter
from skills.models import Intake, Occupation, Programme, shortage_overview

PROGRAMMES_PER_PAGE = 20


@require_GET
@public_response("skills", "municipalities")
def index(request):
    filters = ProgrammeFilter(request.GET, queryset=Programme.objects.for_list().order_by("name_sv", "pk"))
    overview = shortage_overview(
        sector=filters.value("sector") or "", municipality=filters.value("municipality")
    )
    page = Paginator(filters.qs, PROGRAMMES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "skills/index.html",
        {"filter": filters, "form": filters.form, "overview": overview, "page": page},
    )


@require_GET
@public_response("skills", "municipalities")
def programme(request, pk: int):
    programme = get_object_or_404(
        Programme.objects.prefetch_related(
            "partners",
            "occupations",
            "industries",
            Prefetch("municipalities", queryset=Municipality.objects.defer("boundary")),
            Prefetch("intakes", queryset=Intake.objects.order_by("sort_key")),
        ),
        pk=pk,
    )
    intakes = list(programme.intakes.all())
    return render(
        request,
        "skills/programme_detail.html",
        {"programme": programme, "intakes": intakes, "chart": rate_chart(intakes)},
    )


@require_GET
@public_response("skills", "municipalities")
def occupation(request, pk: int):
    occupation = get_object_or_404(Occupation, pk=pk)
    programmes = occupation.programmes.public().order_by("name_sv", "pk")
    return render(
        request,
        "skills/occupation_detail.html",
        {"occupation": occupation, "assessments": occupation.current_assessments(), "programmes": programmes},
    )


@require_GET
@public_response("skills", "municipalities")
def outcomes(request):
    programmes = Programme.objects.with_outcomes().order_by("name_sv", "pk")
    page = Paginator(programmes, PROGRAMMES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(p, rate_chart(list(p.intakes.all())), f"rate-chart-{p.pk}") for p in page]
    return render(request, "skills/outcomes.html", {"page": page, "rows": rows})
