"""Public views: the request form, the company's private page (and its PDF), the public figures."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brorebro import versions
from brorebro.inquiries import rate_limited
from establishment import stats
from establishment.cases import submit
from establishment.context import municipality_context
from establishment.forms import RecruitmentFormSet, RequestForm, initial_from_search
from establishment.matching import match
from establishment.models import EstablishmentRequest
from establishment.report import render_pdf, static_map

COMPARE_MAX = 5
# Matches and near misses listed on the page and in the report, each list best first; the
# rest behind "Show all" (?all=1). The map and the counts always cover every match: a broad
# request has hundreds, and explaining each one made a page of almost a megabyte.
LISTED = 25


@require_http_methods(["GET", "POST"])
def request_form(request):
    if request.method == "POST":
        # The data versions read once for the form's lists (not around `submit`, which writes).
        with versions.pinned():
            form = RequestForm(request.POST)
            formset = RecruitmentFormSet(request.POST, prefix="occ")
        if form.is_valid() and formset.is_valid():
            if form.is_spam:
                # Pretend success so bots learn nothing; store nothing.
                messages.success(request, _("Thank you! Your request has been received."))
                return redirect("establishment:request")
            if rate_limited(request, form.cleaned_data["contact_email"]):
                form.add_error(
                    None,
                    _(
                        "You have sent many requests in a short time. Please try again in an hour, "
                        "or contact a municipality's business office directly."
                    ),
                )
            else:
                case, _result = submit(
                    form, formset, get_language() or settings.LANGUAGE_CODE, settings.SITE_URL
                )
                messages.success(
                    request,
                    _(
                        "Thank you! Your request has been received. Keep the address of this page: it is your own."
                    ),
                )
                return redirect(case.get_absolute_url())
        with versions.pinned():
            return _request_page(request, form, formset, _fields(form, formset))
    initial = initial_from_search(request.GET)
    with versions.pinned():
        form = RequestForm(initial=initial)
        formset = RecruitmentFormSet(prefix="occ")
        fields_html = _fields(form, formset) if initial else _blank_fields(form, formset)
        return _request_page(request, form, formset, fields_html)


def _request_page(request, form, formset, fields_html: SafeString):
    context = {"form": form, "formset": formset, "fields_html": fields_html}
    return render(request, "establishment/request.html", context)


def _fields(form: RequestForm, formset) -> SafeString:
    """The form's fields (establishment/_request_fields.html), without the CSRF token.

    Rendered in a context of their own: the same template included in the page's context
    took a fifth longer, and the blank form's HTML is kept (`_blank_fields`).
    """
    # A SafeString already: the template escaped what it shows.
    return render_to_string("establishment/_request_fields.html", {"form": form, "formset": formset})


# The blank form's fields (a plain visit, the usual case), per language: (data version, HTML).
# Besides fixed text they show the county's municipalities and the occupations, so they are
# rendered again when those change (or for the other language); otherwise some 30 inputs
# and 60 options were rendered on every visit. The page itself cannot be shared because of
# its CSRF token, which stays outside. Kept in each process, not in the shared cache: a new
# release (new labels or fields) starts with none.
_BLANK_FIELDS: dict[str, tuple[str, SafeString]] = {}
_BLANK_FIELDS_KINDS = ("municipalities", "skills")


def _blank_fields(form: RequestForm, formset) -> SafeString:
    language = get_language() or settings.LANGUAGE_CODE
    version = versions.current(_BLANK_FIELDS_KINDS)
    found = _BLANK_FIELDS.get(language)
    if found is None or found[0] != version:
        found = _BLANK_FIELDS[language] = (version, _fields(form, formset))
    return found[1]


def _private(response: HttpResponse) -> HttpResponse:
    """The company's page is its own: never indexed, cached or sent on as a referrer."""
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _get_case(token: str) -> EstablishmentRequest:
    case = (
        EstablishmentRequest.objects.filter(token=token, revoked_at__isnull=True, anonymised_at__isnull=True)
        .prefetch_related("municipalities", "recruitments__occupation")
        .first()
    )
    if case is None:
        raise Http404(_("There is no such request page, or it has been removed."))
    return case


def _case_context(request, case: EstablishmentRequest) -> dict:
    result = match(case)
    listed = None if request.GET.get("all") == "1" else LISTED
    matches, near_misses = result.matches[:listed], result.near_misses[:listed]
    wanted = request.GET.getlist("compare")[:COMPARE_MAX]
    compared = result.by_key(wanted) if wanted else matches[:3]
    # What can be compared: what is listed, and what the query string chose to compare.
    choices = matches + near_misses
    choices += [c for c in compared if c not in choices]
    occupations = [r.occupation for r in case.recruitments.all()]
    municipality_ids = result.municipality_ids | {m.pk for m in case.municipalities.all()}
    proposal = []
    if case.proposal_is_published:
        proposal = list(
            case.proposal_items.select_related(
                "premises__municipality", "land_plot__municipality", "municipality"
            ).defer(
                "municipality__boundary",
                "premises__municipality__boundary",
                "land_plot__municipality__boundary",
            )
        )
        municipality_ids |= {item.municipality_id for item in proposal}
    return {
        "case": case,
        "result": result,
        "matches": matches,
        "near_misses": near_misses,
        "unlisted": len(result.matches) - len(matches) + len(result.near_misses) - len(near_misses),
        "compare_choices": choices,
        "compared": compared,
        "compare_keys": [c.key for c in compared],
        "compare_max": COMPARE_MAX,
        "context": municipality_context(municipality_ids, occupations),
        "recruitments": list(case.recruitments.all()),
        "proposal": proposal,
        "map_points": [
            {
                "lat": c.lat,
                "lon": c.lon,
                "title": c.title,
                "url": c.listing.get_absolute_url(),
                "score": c.score,
            }
            for c in result.matches
            if c.lat is not None
        ],
    }


@never_cache
@require_GET
def case_page(request, token: str):
    case = _get_case(token)
    return _private(render(request, "establishment/case.html", _case_context(request, case)))


@never_cache
@require_GET
def case_pdf(request, token: str):
    case = _get_case(token)
    context = _case_context(request, case)
    context["map_svg"] = static_map(context["result"])
    context["page_url"] = request.build_absolute_uri(case.get_absolute_url())
    pdf = render_pdf("establishment/report.html", context, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="site-selection-report.pdf"'
    return _private(response)


@require_POST
def revoke(request, token: str):
    case = _get_case(token)
    case.revoke()
    messages.success(request, _("Your request page has been removed. The link no longer works."))
    return redirect("establishment:request")


@require_GET
def figures(request):
    return render(request, "establishment/figures.html", {"table": stats.yearly_figures()})
