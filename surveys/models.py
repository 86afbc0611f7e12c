"""The service survey: rounds, authority areas, anonymous responses and official figures.

The NKI itself is computed from the responses by `surveys.nki`, the one place where
the method lives; `SurveyRound.nki_results()` and `Response.objects.unit_sums()` are
the doors into it from the models.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from brorebro.i18n import localised
from brorebro.models import Municipality

# The three NKI questions and the six service factors are fixed by the survey
# (SKR's "Insikt"), so they are columns, not rows: a grouped query over columns is
# what keeps the computation fast at a million responses.
NKI_FIELDS = ("q_total", "q_expectations", "q_ideal")
FACTOR_FIELDS = ("information", "tillganglighet", "bemotande", "kompetens", "rattssakerhet", "effektivitet")
ANSWER_FIELDS = NKI_FIELDS + FACTOR_FIELDS

# Areas counted toward a municipality's total by default; the survey narrowed in 2024.
ALL_AREAS = (
    "bygglov",
    "miljo_halsoskydd",
    "livsmedelskontroll",
    "brandskydd",
    "serveringstillstand",
    "markupplatelse",
)
AREAS_FROM_2024 = ("bygglov", "miljo_halsoskydd", "livsmedelskontroll", "serveringstillstand")


def default_counted_area_slugs(year: int) -> tuple[str, ...]:
    return AREAS_FROM_2024 if year >= 2024 else ALL_AREAS


class NamedInLanguages(models.Model):
    """A slug with a Swedish and English name; English falls back to Swedish."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")


class AuthorityArea(NamedInLanguages):
    class Meta(NamedInLanguages.Meta):
        verbose_name = _("authority area")
        verbose_name_plural = _("authority areas")


class ServiceFactor(NamedInLanguages):
    class Meta(NamedInLanguages.Meta):
        verbose_name = _("service factor")
        verbose_name_plural = _("service factors")

    def clean(self):
        if self.slug and self.slug not in FACTOR_FIELDS:
            raise ValidationError(
                {
                    "slug": _("A service factor must be one of the survey's columns: %(cols)s")
                    % {"cols": ", ".join(FACTOR_FIELDS)}
                }
            )


class SurveyRound(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest answer"),
        default=6,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_(
            "Answers run from 1 to this value (6 in the survey since 2011; 10 in some older rounds)."
        ),
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    min_n_display = models.PositiveSmallIntegerField(
        _("fewest responses shown"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("With fewer responses than this, a value is not shown publicly (only n is)."),
    )
    counted_areas = models.ManyToManyField(
        AuthorityArea,
        blank=True,
        related_name="counted_in_rounds",
        verbose_name=_("areas counted toward the total"),
        help_text=_(
            "Leave empty on a new round to get the default: all six areas up to 2023; building permits, "
            "environment and health, food control and alcohol licences from 2024."
        ),
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")

    def __str__(self) -> str:
        return self.label or str(self.year)

    def save(self, *args, **kwargs):
        created = self._state.adding
        super().save(*args, **kwargs)
        if created:
            # on_commit-free on purpose: the areas must be there when the caller goes on.
            self.set_default_counted_areas()

    def set_default_counted_areas(self) -> None:
        """Count the default areas of this round's year (only when none are set)."""
        if not self.counted_areas.exists():
            self.counted_areas.set(
                AuthorityArea.objects.filter(slug__in=default_counted_area_slugs(self.year))
            )

    def rescale(self, answer: float) -> float:
        """One answer on 1..scale_max as 0..100 (the method's first step; see surveys.nki)."""
        return (answer - 1) / (self.scale_max - 1) * 100

    def nki_results(self):
        """Every unit's NKI for this round (see surveys.nki for the method)."""
        from surveys.nki import compute

        return compute(years=[self.year])


class ResponseQuerySet(models.QuerySet):
    def complete(self) -> ResponseQuerySet:
        """Responses that answered all three NKI questions."""
        return self.filter(**{f"{name}__isnull": False for name in NKI_FIELDS})

    def for_user(self, user) -> ResponseQuerySet:
        return self.filter(municipality__in=Municipality.objects.for_user(user))

    def unit_sums(self, factors: bool = False):
        """One row per round × municipality × area with the sums the method needs.

        For NKI: n (complete responses), `responses` (all), s1 = SUM(q_total +
        q_expectations + q_ideal) and s2 = SUM of its square, over complete responses.
        With `factors`, also `<factor>_n`, `<factor>_s1`, `<factor>_s2` per factor over
        the answers given. Integer sums are exact on every database; mean, deviation
        and interval are derived from them in surveys.nki.
        """
        # NULL propagates through +, so `raw` is NULL for an incomplete response and
        # COUNT/SUM skip it: no per-row filter needed (about twice as fast on PostgreSQL).
        raw = F("q_total") + F("q_expectations") + F("q_ideal")
        # On PostgreSQL smallint × smallint is a smallint: r² overflows it (an error)
        # once r > 181, i.e. on a scale above 60. The cast costs nothing measurable.
        wide = Cast(raw, IntegerField())
        aggregates = {
            "responses": Count("id"),
            "n": Count(raw),
            "s1": Sum(raw),
            "s2": Sum(wide * wide),
        }
        if factors:
            for name in FACTOR_FIELDS:
                aggregates[f"{name}_n"] = Count(name)
                aggregates[f"{name}_s1"] = Sum(name)
                aggregates[f"{name}_s2"] = Sum(F(name) * F(name))
        return (
            self.order_by().values("round_id", "municipality_id", "area_id").annotate(**aggregates).order_by()
        )


def _answer_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, validators=[MinValueValidator(1)]
    )


class Response(models.Model):
    """One company's anonymous answers about one case with one municipality."""

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey round")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("municipality"),
    )
    area = models.ForeignKey(
        AuthorityArea, on_delete=models.PROTECT, related_name="responses", verbose_name=_("authority area")
    )
    q_total = _answer_field(_("satisfaction overall"))
    q_expectations = _answer_field(_("met expectations"))
    q_ideal = _answer_field(_("close to the ideal"))
    information = _answer_field(_("information"))
    tillganglighet = _answer_field(_("accessibility"))
    bemotande = _answer_field(_("treatment"))
    kompetens = _answer_field(_("competence"))
    rattssakerhet = _answer_field(_("legal certainty"))
    effektivitet = _answer_field(_("efficiency"))

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["round", "municipality", "area"], name="response_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__gte": 1}) | Q(**{f"{name}__isnull": True}),
                name=f"response_{name}_positive",
            )
            for name in ANSWER_FIELDS
        ]

    def __str__(self) -> str:
        if not (self.round_id and self.municipality_id and self.area_id):
            return str(_("new response"))
        return f"{self.round} · {self.municipality} · {self.area} (#{self.pk})"

    @property
    def is_complete(self) -> bool:
        return all(getattr(self, name) is not None for name in NKI_FIELDS)

    def clean(self):
        if self.round_id is None:
            return
        top = self.round.scale_max
        errors = {
            name: _("Answer with a whole number from 1 to %(max)d.") % {"max": top}
            for name in ANSWER_FIELDS
            if getattr(self, name) is not None and not 1 <= getattr(self, name) <= top
        }
        if errors:
            raise ValidationError(errors)


area_code_validator = RegexValidator(
    r"^\d{4}$", _("Four digits: 0000 for Sweden, 0018 for the county, or a municipality code.")
)


class PublishedResultQuerySet(models.QuerySet):
    def national(self) -> PublishedResultQuerySet:
        return self.filter(area_code=PublishedResult.SWEDEN)


class PublishedResult(models.Model):
    """An official figure from outside the portal, e.g. the national average from Kolada."""

    SWEDEN = "0000"
    COUNTY = f"00{settings.COUNTY_CODE}"  # Kolada writes a county as 00 + its län code

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    area_code = models.CharField(
        _("area code"),
        max_length=4,
        validators=[area_code_validator],
        help_text=_("0000 for Sweden, 0018 for Örebro County, or a municipality code."),
    )
    authority_area = models.ForeignKey(
        AuthorityArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_results",
        verbose_name=_("authority area"),
        help_text=_("Empty for the total."),
    )
    value = models.DecimalField(
        _("NKI"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    n = models.PositiveIntegerField(_("number of responses"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)

    objects = PublishedResultQuerySet.as_manager()

    class Meta:
        ordering = ["year", "area_code", "authority_area__order"]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        constraints = [
            # NULL is never equal to NULL in a unique index, so the total needs its own.
            models.UniqueConstraint(
                fields=["year", "area_code", "authority_area"],
                condition=Q(authority_area__isnull=False),
                name="published_result_area_unique",
            ),
            models.UniqueConstraint(
                fields=["year", "area_code"],
                condition=Q(authority_area__isnull=True),
                name="published_result_total_unique",
            ),
        ]

    def __str__(self) -> str:
        area = self.authority_area or _("total")
        return f"{self.year} {self.area_code} {area}: {self.value}"


class KoladaKpiMapping(models.Model):
    """Which Kolada KPI holds which NKI, and for which survey years.

    The official ids change over the years, and one id can mean different things in
    different years: from 2024 the total NKI covers four areas, and fire protection and
    land-use permits are reported separately. So a mapping names the survey years it
    applies to, and a KPI may have several mappings for years that do not overlap.
    """

    kpi = models.CharField(
        _("KPI id"),
        max_length=20,
        help_text=_("E.g. U07455. Check the id and its definition on kolada.se before mapping it."),
    )
    first_year = models.PositiveSmallIntegerField(
        _("from survey year"), null=True, blank=True, help_text=_("Empty: from the first year.")
    )
    last_year = models.PositiveSmallIntegerField(
        _("to survey year"), null=True, blank=True, help_text=_("Empty: still in use.")
    )
    authority_area = models.ForeignKey(
        AuthorityArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kolada_kpis",
        verbose_name=_("authority area"),
        help_text=_("Empty when the KPI is the total NKI."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["kpi", "first_year"]
        verbose_name = _("Kolada KPI mapping")
        verbose_name_plural = _("Kolada KPI mappings")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "first_year"], name="surveys_kolada_kpi_unique_from"),
            models.CheckConstraint(
                condition=Q(first_year__isnull=True)
                | Q(last_year__isnull=True)
                | Q(first_year__lte=F("last_year")),
                name="surveys_kolada_kpi_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} ({self.years_label}) → {self.authority_area or _('total')}"

    def clean(self) -> None:
        super().clean()
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError({"last_year": _("The last year comes before the first.")})
        others = KoladaKpiMapping.objects.filter(kpi=self.kpi).exclude(pk=self.pk)
        overlapping = [other for other in others if other._overlaps(self)]
        if overlapping:
            raise ValidationError(
                {
                    "first_year": _("%(kpi)s is already mapped for the survey years %(years)s.")
                    % {"kpi": self.kpi, "years": ", ".join(o.years_label for o in overlapping)}
                }
            )

    def _overlaps(self, other: KoladaKpiMapping) -> bool:
        low = max(self.first_year or 0, other.first_year or 0)
        high = min(self.last_year or 9999, other.last_year or 9999)
        return low <= high

    def covers(self, year: int) -> bool:
        return (self.first_year or 0) <= year <= (self.last_year or 9999)

    @property
    def years_label(self) -> str:
        if self.first_year and self.last_year:
            return f"{self.first_year}–{self.last_year}"
        if self.first_year:
            return _("from %(year)d") % {"year": self.first_year}
        if self.last_year:
            return _("until %(year)d") % {"year": self.last_year}
        return str(_("all years"))

    years_label.fget.short_description = _("survey years")


# --- stored results ---------------------------------------------------------------------------
class NkiSnapshot(models.Model):
    """Which state of the data the stored unit results (`NkiStoredUnits`) were computed from.

    One row. `stamp` is the data version of surveys and municipalities
    (`brorebro.versions.stamp`) read before the computation; the stored results are
    used only while it is still the current one. Derived data: writing it does not
    move the survey data version.
    """

    data_version_exempt = True

    stamp = models.CharField(max_length=100, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stored NKI results")
        verbose_name_plural = _("stored NKI results")

    def __str__(self) -> str:
        return self.stamp


class NkiStoredUnits(models.Model):
    """The finished units of one round and one municipality (or the region), as `surveys.nki.compute()` made them.

    `nki`: per area (and "total") [area slug, n, responses, mean numerator, mean
    denominator, variance numerator, variance denominator, withheld], the exact parts
    of `surveys.nki.Estimate`, from which value, interval and grade follow exactly.
    `factors` is left empty: the factor indexes are computed when asked for (one page,
    one municipality), as storing them would make every store several times slower.
    `export`: the same units as the CSV export writes them (`surveys.export.stored_text`),
    formatted once here so that an export of every unit only joins text.
    """

    data_version_exempt = True

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="stored_units")
    code = models.CharField(max_length=10)  # a municipality code, or "region"
    nki = models.JSONField(default=list)
    factors = models.JSONField(default=list)
    export = models.TextField(default="", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey_round", "code"], name="nki_stored_round_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey_round} {self.code}"
