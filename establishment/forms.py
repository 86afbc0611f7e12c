"""The public request form, and what the search pages hand it.

Nothing is stored until the whole form (and its occupations) is valid. The honeypot and
the rate limit are the inquiries' (`brorebro.inquiries`): one limit per client and per
e-mail address for everything a visitor sends.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from brorebro import versions
from brorebro.compare import parse_ids
from brorebro.models import Municipality
from establishment.models import MAX_DISTANCE_KM, EstablishmentRequest
from land.filters import DecimalCommaField, LandPlotFilterSet
from land.models import LandmarkKind, LandPlot, Purpose
from premises.filters import PremisesFilterSet
from premises.models import Amenity, Kind, Premises
from skills.models import Occupation

DISTANCE_FIELDS = {
    LandmarkKind.MOTORWAY_JUNCTION: "max_km_motorway",
    LandmarkKind.RAIL_TERMINAL: "max_km_rail_terminal",
    LandmarkKind.AIRPORT: "max_km_airport",
}


# (list, language) -> (data version, [(value, label), ...]); see _stored_choices.
_CHOICES: dict[tuple[str, str], tuple[str, list]] = {}
_CHOICE_KINDS = ("municipalities", "skills")


def _stored_choices(name: str, field: forms.ModelChoiceField) -> list:
    """`field`'s choices as (value, label) pairs, read once per language and data version.

    The form lists the county's municipalities and, three times, the occupations: four
    queries and some 60 model instances per page otherwise. Kept in each process. Only the
    rendering uses these; validation still asks the field's queryset about the values sent.
    """
    key = (name, get_language() or settings.LANGUAGE_CODE)
    version = versions.current(_CHOICE_KINDS)
    found = _CHOICES.get(key)
    if found is None or found[0] != version:
        pairs = [(getattr(value, "value", value), str(label)) for value, label in field.choices]
        found = _CHOICES[key] = (version, pairs)
    return found[1]


# The largest primary key a database column holds (a bigint).
_MAX_PK = 2**63 - 1


class _KnownPksMixin:
    """A number beyond the primary keys' column is no choice: said before the database is asked.

    SQLite and PostgreSQL answer such a number with an error rather than no row, which was
    a server error for e.g. municipalities=99999999999999999999 (tests/establishment/
    test_request_fuzz.py). Anything else is validated as Django does.
    """

    def _refuse_out_of_range(self, value) -> None:
        text = str(value).strip()
        if text.lstrip("-").isdigit() and abs(int(text)) > _MAX_PK:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class CountyMunicipalitiesField(_KnownPksMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            self._refuse_out_of_range(pk)
        return super()._check_values(value)


class OccupationField(_KnownPksMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            self._refuse_out_of_range(value)
        return super().to_python(value)


def _km_field(label) -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal(MAX_DISTANCE_KM),
        decimal_places=1,
        error_messages={
            "invalid": _("Enter the distance in km as a number, e.g. 10."),
            "min_value": _("The distance must be at least 0.1 km."),
            "max_value": _("The distance can be at most 500 km."),
            "max_decimal_places": _("Give the distance with at most one decimal."),
        },
    )


def _ha_field(label) -> DecimalCommaField:
    return DecimalCommaField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100000),
        decimal_places=2,
        error_messages={
            "invalid": _("Enter the area in hectares as a number, e.g. 2,5."),
            "min_value": _("The area cannot be negative."),
            "max_value": _("The area is unrealistically large."),
            "max_decimal_places": _("Give the area with at most two decimals."),
        },
    )


class RequestForm(forms.ModelForm):
    # A honeypot, as on the inquiry form: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    premises_kinds = forms.MultipleChoiceField(
        label=_("Kinds of premises"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen means any kind."),
    )
    land_purposes = forms.MultipleChoiceField(
        label=_("Permitted use of the land"),
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Plots that allow any of the chosen uses. None chosen means any use."),
    )
    amenities = forms.MultipleChoiceField(
        label=_("Premises must have"),
        choices=Amenity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nice_amenities = forms.MultipleChoiceField(
        label=_("Nice to have"),
        choices=Amenity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Not required, but premises with these rank higher."),
    )
    land_area_min_ha = _ha_field(_("Land area from (ha)"))
    land_area_max_ha = _ha_field(_("Land area to (ha)"))
    max_km_motorway = _km_field(_("Motorway junction, at most (km)"))
    max_km_rail_terminal = _km_field(_("Rail terminal, at most (km)"))
    max_km_airport = _km_field(_("Airport, at most (km)"))
    municipalities = CountyMunicipalitiesField(
        label=_("Municipalities of interest"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen means all."),
    )

    class Meta:
        model = EstablishmentRequest
        fields = [
            "company_name",
            "company_country",
            "org_number",
            "contact_name",
            "contact_email",
            "contact_phone",
            "via_consultant",
            "wants",
            "premises_kinds",
            "land_purposes",
            "area_min_m2",
            "area_max_m2",
            "land_area_min_ha",
            "land_area_max_ha",
            "tenure",
            "rent_budget",
            "price_budget",
            "land_price_budget",
            "wanted_by",
            "municipalities",
            "amenities",
            "nice_amenities",
            "land_rail",
            "land_water_sewer",
            "land_min_kw",
            "max_km_motorway",
            "max_km_rail_terminal",
            "max_km_airport",
            "jobs",
            "free_text",
            "notify_new_matches",
            "consent",
        ]
        labels = {
            "company_name": _("Company name"),
            "company_country": _("Country"),
            "org_number": _("Organisation number (optional)"),
            "contact_name": _("Your name"),
            "contact_email": _("E-mail"),
            "contact_phone": _("Phone (optional)"),
            "via_consultant": _("I am a consultant asking on the company's behalf"),
            "wants": _("What are you looking for?"),
            "area_min_m2": _("Premises area from (m²)"),
            "area_max_m2": _("Premises area to (m²)"),
            "tenure": _("Rent or buy"),
            "rent_budget": _("Highest rent (SEK per m² and year)"),
            "price_budget": _("Highest price for premises (SEK)"),
            "land_price_budget": _("Highest land price (SEK per m²)"),
            "wanted_by": _("Wanted by"),
            "land_rail": _("A rail siding must be possible"),
            "land_water_sewer": _("Water and sewer must be connected"),
            "land_min_kw": _("Electricity, at least (kW)"),
            "jobs": _("Jobs the establishment will create"),
            "free_text": _("Anything else we should know"),
            "notify_new_matches": _("E-mail me when a new listing matches my request"),
        }
        help_texts = {
            "wanted_by": _("A date such as 2027-01-31. Premises available on or before it match."),
            "contact_email": _("We send the link to your request page here."),
            "free_text": _("For example the business, traffic, emissions or special needs."),
        }
        widgets = {
            "wanted_by": forms.DateInput(attrs={"type": "date"}),
            "free_text": forms.Textarea(attrs={"rows": 5}),
            "wants": forms.RadioSelect,
            "tenure": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = self.fields["municipalities"]
        municipalities.queryset = Municipality.objects.in_county().defer("boundary")
        municipalities.choices = _stored_choices("municipalities", municipalities)
        self.fields["consent"].required = True
        self.fields["consent"].label = _(
            "I agree that my details are stored and passed to the municipalities of Business Region Örebro "
            "to answer my request. They are anonymised %(months)s months after the case is closed."
        ) % {"months": settings.INQUIRY_RETENTION_MONTHS}
        self.fields["consent"].error_messages["required"] = _(
            "You must agree to the handling of your personal data to send the request."
        )
        for name in ("company_name", "contact_name", "contact_email"):
            self.fields[name].error_messages["required"] = _("Fill in this field.")
        self.fields["contact_email"].error_messages["invalid"] = _(
            "Enter an e-mail address such as name@company.se."
        )
        self.fields["wanted_by"].error_messages["invalid"] = _(
            "Enter the date as year-month-day, e.g. 2027-01-31."
        )
        for name in (
            "area_min_m2",
            "area_max_m2",
            "rent_budget",
            "price_budget",
            "land_price_budget",
            "land_min_kw",
            "jobs",
        ):
            field = self.fields[name]
            field.error_messages.update(
                {
                    "invalid": _("Enter a whole number, e.g. 500."),
                    "min_value": _("The number cannot be negative."),
                    "max_value": _("The number is unrealistically large."),
                }
            )

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def clean(self):
        data = super().clean()
        pairs = [("area_min_m2", "area_max_m2"), ("land_area_min_ha", "land_area_max_ha")]
        for low_name, high_name in pairs:
            low, high = data.get(low_name), data.get(high_name)
            if low is not None and high is not None and low > high:
                self.add_error(high_name, _("“To” must be at least “from”."))
        wants = data.get("wants")
        if wants == "premises" and data.get("land_purposes"):
            self.add_error(
                "land_purposes",
                _("You are looking for premises only: clear the land uses, or choose “Premises or land”."),
            )
        if wants == "land" and data.get("premises_kinds"):
            self.add_error(
                "premises_kinds",
                _(
                    "You are looking for land only: clear the kinds of premises, or choose “Premises or land”."
                ),
            )
        return data


class RecruitmentForm(forms.Form):
    occupation = OccupationField(
        label=_("Occupation"),
        queryset=Occupation.objects.none(),
        required=False,
        empty_label=_("Choose an occupation"),
        error_messages={"invalid_choice": _("Choose an occupation from the list.")},
    )
    head_count = forms.IntegerField(
        label=_("Number of people"),
        required=False,
        min_value=1,
        max_value=100000,
        error_messages={
            "invalid": _("Enter a whole number, e.g. 12."),
            "min_value": _("At least one person."),
            "max_value": _("The number is unrealistically large."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        occupation = self.fields["occupation"]
        occupation.queryset = Occupation.objects.order_by("name_sv", "ssyk")
        occupation.label_from_instance = lambda o: f"{o.name} (SSYK {o.ssyk})"
        occupation.choices = _stored_choices("occupations", occupation)

    def clean(self):
        data = super().clean()
        occupation, count = data.get("occupation"), data.get("head_count")
        if occupation and count is None and "head_count" not in self.errors:
            self.add_error("head_count", _("Give the number of people for the occupation."))
        if count is not None and not occupation and "occupation" not in self.errors:
            self.add_error("occupation", _("Choose the occupation the people are needed for."))
        return data


RecruitmentFormSet = forms.formset_factory(RecruitmentForm, extra=3, max_num=10, absolute_max=10)


# --- what the search pages hand over --------------------------------------------------------
def _valid_search(filterset) -> dict:
    """The search's cleaned values, without those it refuses."""
    form = filterset.form
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


def initial_from_search(query) -> dict:
    """The form's starting values from a search page's query string (`from=premises|land`).

    The query is read by the search's own FilterSet, so a value the search would refuse is
    left out here too.
    """
    origin = query.get("from")
    if origin == "premises":
        data = _valid_search(PremisesFilterSet(query, queryset=Premises.objects.none()))
        initial = {"wants": "premises"}
        mapping = {
            "kind": "premises_kinds",
            "area_min": "area_min_m2",
            "area_max": "area_max_m2",
            "rent_max": "rent_budget",
            "price_max": "price_budget",
            "available_by": "wanted_by",
            "amenity": "amenities",
        }
        for source, target in mapping.items():
            if data.get(source) not in (None, "", []):
                value = data[source]
                initial[target] = int(value) if isinstance(value, Decimal | float) else value
        if data.get("tenure"):
            initial["tenure"] = "rent" if data["tenure"] == "rent" else "buy"
    elif origin == "land":
        data = _valid_search(LandPlotFilterSet(query, queryset=LandPlot.objects.none()))
        initial = {"wants": "land"}
        mapping = {
            "purpose": "land_purposes",
            "area_min_ha": "land_area_min_ha",
            "area_max_ha": "land_area_max_ha",
        }
        for source, target in mapping.items():
            if data.get(source) not in (None, "", []):
                initial[target] = data[source]
        if data.get("price_max") is not None:
            initial["land_price_budget"] = int(data["price_max"])
        if data.get("rail"):
            initial["land_rail"] = True
        if "water_sewer" in (data.get("service") or []):
            initial["land_water_sewer"] = True
        kind, km = data.get("landmark_kind"), data.get("within_km")
        if kind in DISTANCE_FIELDS and km is not None:
            initial[DISTANCE_FIELDS[kind]] = km
    elif origin == "shortlist":
        return _initial_from_shortlist(query)
    else:
        return {}
    codes = data.get("municipality") or []
    if codes:
        initial["municipalities"] = list(
            Municipality.objects.in_county().filter(code__in=codes).values_list("pk", flat=True)
        )
    return initial


def _initial_from_shortlist(query) -> dict:
    """The form's starting values from the compare page's shortlist (`from=shortlist&premises=1,2&land=3`).

    What the company kept tells what it needs: the kinds and purposes, an area range that
    spans the listings, their municipalities, and the listings themselves, named in the
    free text so that the officers see them. Only listings still on offer are read.
    """
    wanted = parse_ids(query).ids
    premises = list(
        Premises.objects.visible().filter(pk__in=wanted["premises"]).select_related("municipality")
    )
    plots = list(LandPlot.objects.visible().filter(pk__in=wanted["land"]).select_related("municipality"))
    if not premises and not plots:
        return {}
    initial: dict = {"wants": "either" if premises and plots else ("premises" if premises else "land")}
    if premises:
        initial["premises_kinds"] = sorted({p.kind for p in premises})
        initial["area_min_m2"] = min(p.area_min_m2 for p in premises)
        initial["area_max_m2"] = max(p.area_max_m2 or p.area_min_m2 for p in premises)
    if plots:
        initial["land_purposes"] = sorted({key for plot in plots for key in plot.purposes})
        hectares = [Decimal(plot.area_m2) / 10_000 for plot in plots]
        initial["land_area_min_ha"] = round(min(hectares), 2)
        initial["land_area_max_ha"] = round(max(hectares), 2)
    initial["municipalities"] = sorted({listing.municipality_id for listing in [*premises, *plots]})
    lines = [str(_("Listings on my shortlist:"))]
    lines += [
        f"- {listing} ({listing.municipality.name}): {listing.get_absolute_url()}"
        for listing in [*premises, *plots]
    ]
    initial["free_text"] = "\n".join(lines)
    return initial
