"""Skills supply (kompetensförsörjning): where the shortages are and what is done about them.

Occupations (SSYK 2012) and industries (SNI) are region-wide reference data. A
`ShortageAssessment` says how hard an occupation is to recruit for in a region and a
period (Arbetsförmedlingen's Yrkesbarometer, or the region's own judgement). A
`Programme` is a training that addresses one or more occupations in one or more
municipalities; each `Intake` records how many applied, started, finished and found a
job, from which the completion and employment rates are derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brorebro.i18n import localised
from brorebro.listings import Authored
from brorebro.models import Municipality

ssyk_validator = RegexValidator(r"^\d{4}$", _("An SSYK 2012 code has four digits, e.g. 7231."))
period_validator = RegexValidator(
    r"^\d{4}-[12]$", _("A period is a year and a round, e.g. 2025-1 (spring) or 2025-2 (autumn).")
)
term_validator = RegexValidator(
    r"^(HT|VT)\d{4}$", _("A term is VT (spring) or HT (autumn) and a year, e.g. HT2023.")
)
sni_validator = RegexValidator(
    r"^\d{2}(\.\d{1,3})?$", _("An SNI code is two digits, optionally a dot and more digits, e.g. 49.41.")
)


class Sector(models.TextChoices):
    """The growth sectors the region names (the article: visitor industry, IT, private care, logistics)."""

    VISITOR_INDUSTRY = "visitor_industry", _("Visitor industry")
    IT = "it", _("IT")
    PRIVATE_CARE = "private_care", _("Private care")
    LOGISTICS = "logistics", _("Logistics")


class Industry(models.Model):
    class SniVersion(models.IntegerChoices):
        SNI_2007 = 2007, "SNI 2007"
        SNI_2025 = 2025, "SNI 2025"

    sni_code = models.CharField(_("SNI code"), max_length=7, validators=[sni_validator])
    sni_version = models.PositiveSmallIntegerField(
        _("SNI version"), choices=SniVersion.choices, default=SniVersion.SNI_2007
    )
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    sector = models.CharField(
        _("growth sector"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("Tag the industry when it belongs to one of the region's growth sectors."),
    )

    class Meta:
        ordering = ["sni_code", "sni_version"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        constraints = [
            models.UniqueConstraint(fields=["sni_code", "sni_version"], name="skills_industry_unique_sni"),
        ]

    def __str__(self) -> str:
        return f"{self.sni_code} {self.name}"

    @property
    def name(self) -> str:
        return localised(self, "name")


class Occupation(models.Model):
    """An occupation as Yrkesbarometer assesses it, or as the region names it.

    Yrkesbarometer's occupations are identified by `yb_concept_id` (a JobTech taxonomy
    concept). One may cover several SSYK codes (`ssyk_codes`), and one SSYK code may be
    split between several of them, so `ssyk` (the first code) is not unique.
    """

    ssyk = models.CharField(_("SSYK 2012 code"), max_length=4, db_index=True, validators=[ssyk_validator])
    ssyk_codes = models.CharField(
        _("all SSYK 2012 codes"),
        max_length=200,
        blank=True,
        help_text=_("When the occupation covers several SSYK codes: all of them, e.g. 2611, 2612."),
    )
    yb_concept_id = models.CharField(
        _("Yrkesbarometer concept id"),
        max_length=40,
        blank=True,
        help_text=_("The occupation's stable identity in Yrkesbarometer (set by the import)."),
    )
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    occupational_area = models.CharField(_("occupational area"), max_length=200, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    jobtech_concept_id = models.CharField(
        _("JobTech taxonomy concept id"),
        max_length=40,
        blank=True,
        help_text=_("The occupation's concept id in Arbetsförmedlingen's JobTech taxonomy, if known."),
    )
    # Not in SSYK itself: the link lets the public page group shortages by sector.
    industries = models.ManyToManyField(
        Industry,
        related_name="occupations",
        blank=True,
        verbose_name=_("main industries"),
        help_text=_("The industries where most people in this occupation work."),
    )

    class Meta:
        ordering = ["ssyk", "name_sv"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.UniqueConstraint(
                fields=["yb_concept_id"],
                condition=~Q(yb_concept_id=""),
                name="skills_occupation_unique_yb_concept",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ssyk} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("skills:occupation", args=[self.pk])

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def ssyk_list(self) -> list[str]:
        codes = [code.strip() for code in self.ssyk_codes.split(",") if code.strip()]
        return codes or [self.ssyk]

    def current_assessments(self) -> list[ShortageAssessment]:
        """The county's and Sweden's assessment of the newest period assessed, county first."""
        regions = [REGION_COUNTY, REGION_NATIONAL]
        period = self.assessments.filter(region_code__in=regions).aggregate(latest=models.Max("period"))[
            "latest"
        ]
        if period is None:
            return []
        found = {a.region_code: a for a in self.assessments.filter(region_code__in=regions, period=period)}
        return [found[region] for region in regions if region in found]


# --- shortage assessments -------------------------------------------------------------
REGION_NATIONAL = "00"
# The county's Yrkesbarometer region code is its län code.
REGION_COUNTY = settings.COUNTY_CODE


class RecruitmentSituation(models.TextChoices):
    SHORTAGE = "brist", _("Shortage")
    BALANCE = "balans", _("Balance")
    SURPLUS = "overskott", _("Surplus")
    # Hard to recruit although many are looking for work in the occupation.
    PARADOX = "paradox", _("Paradox")
    # Yrkesbarometer makes no assessment where the basis is too small: a state of its own.
    NOT_ASSESSED = "none", _("No assessment")


class AssessmentBasis(models.TextChoices):
    """The highest level Yrkesbarometer assessed at (`hogsta_bedomningsniva`)."""

    COUNTY = "county", _("the county")
    REGION = "region", _("a larger region")
    NATIONAL = "national", _("the whole country")


class AssessmentExtent(models.TextChoices):
    """Whether the assessment rests partly or wholly on that level (`delvis_helt`)."""

    PARTLY = "partly", _("partly")
    WHOLLY = "wholly", _("wholly")


class Outlook(models.TextChoices):
    INCREASE = "oka", _("Increasing demand")
    UNCHANGED = "oforandrad", _("Unchanged demand")
    DECREASE = "minska", _("Decreasing demand")


class JobOpportunities(models.TextChoices):
    GOOD = "stora", _("Good")
    FAIR = "medelstora", _("Fair")
    POOR = "sma", _("Poor")


class ShortageAssessmentQuerySet(models.QuerySet):
    def latest_period(self, region_code: str = REGION_COUNTY) -> str | None:
        """The newest period (e.g. "2025-2") assessed for `region_code`. YYYY-N sorts as text."""
        return (
            self.filter(region_code=region_code).order_by("-period").values_list("period", flat=True).first()
        )

    def shortages(self) -> ShortageAssessmentQuerySet:
        return self.filter(recruitment=RecruitmentSituation.SHORTAGE)

    def for_public_page(self, period: str, *, sector: str = "", municipality: Municipality | None = None):
        """Assessments of the county (and of `municipality`, if given) for `period`.

        An assessment of the municipality itself overrides the county's for the same
        occupation, so callers must pick per occupation (see `county_shortages`).
        """
        regions = [REGION_COUNTY] + ([municipality.code] if municipality else [])
        qs = self.filter(period=period, region_code__in=regions)
        if sector:
            qs = qs.filter(occupation__industries__sector=sector).distinct()
        return qs


class ShortageAssessment(models.Model):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("occupation")
    )
    region_code = models.CharField(
        _("region"),
        max_length=4,
        default=REGION_COUNTY,
        help_text=_(
            "18 for Örebro County, a four-digit municipality code, or 00 for Sweden (the national reference)."
        ),
    )
    period = models.CharField(_("period"), max_length=6, validators=[period_validator])
    recruitment = models.CharField(
        _("recruitment situation"), max_length=10, choices=RecruitmentSituation.choices
    )
    outlook = models.CharField(_("five-year outlook"), max_length=10, choices=Outlook.choices, blank=True)
    job_opportunities = models.CharField(
        _("job opportunities"), max_length=10, choices=JobOpportunities.choices, blank=True
    )
    text_recruitment = models.TextField(_("published text on recruitment"), blank=True)
    text_job_opportunities = models.TextField(_("published text on job opportunities"), blank=True)
    paradox_reasons = models.TextField(
        _("why it is a paradox"), blank=True, help_text=_("As published, one reason per line.")
    )
    basis_level = models.CharField(
        _("assessed at"), max_length=10, choices=AssessmentBasis.choices, blank=True
    )
    basis_extent = models.CharField(
        _("partly or wholly"), max_length=10, choices=AssessmentExtent.choices, blank=True
    )
    taxonomy_version = models.PositiveSmallIntegerField(_("taxonomy version"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ShortageAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "region_code", "occupation__ssyk"]
        verbose_name = _("shortage assessment")
        verbose_name_plural = _("shortage assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "region_code", "period"], name="skills_assessment_unique_per_period"
            ),
        ]
        indexes = [models.Index(fields=["region_code", "period"], name="skills_assessment_region_idx")]

    def __str__(self) -> str:
        return f"{self.occupation.ssyk} {self.region_code} {self.period}: {self.get_recruitment_display()}"

    def clean(self) -> None:
        super().clean()
        if self.region_code in (REGION_NATIONAL, REGION_COUNTY):
            return
        if (
            not re.fullmatch(r"\d{4}", self.region_code or "")
            or not Municipality.objects.filter(code=self.region_code).exists()
        ):
            raise ValidationError(
                {
                    "region_code": _(
                        "Use 18 (the county), 00 (Sweden) or the code of a municipality in the portal."
                    )
                }
            )

    @property
    def is_assessed(self) -> bool:
        return self.recruitment != RecruitmentSituation.NOT_ASSESSED

    @property
    def is_paradox(self) -> bool:
        return self.recruitment == RecruitmentSituation.PARADOX

    @property
    def paradox_reason_list(self) -> list[str]:
        return [line for line in self.paradox_reasons.splitlines() if line.strip()]


# --- programmes ------------------------------------------------------------------------
class Partner(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        SCHOOL = "school", _("School")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("web address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class ProgrammeKind(models.TextChoices):
    YH = "yh", _("Higher vocational education (YH)")
    KOMVUX = "komvux", _("Municipal adult education (Komvux)")
    AMU = "amu", _("Labour market training (AMU)")
    EMPLOYER = "employer", _("Employer-led training")
    OTHER = "other", _("Other")


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for applications")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


# The programmes a person can still apply to or that are under way: the "current" ones.
CURRENT_STATUSES = [ProgrammeStatus.PLANNED, ProgrammeStatus.OPEN, ProgrammeStatus.RUNNING]


class ProgrammeQuerySet(models.QuerySet):
    def public(self) -> ProgrammeQuerySet:
        """Cancelled programmes are only listed when someone asks for them by status."""
        return self.exclude(status=ProgrammeStatus.CANCELLED)

    def current(self) -> ProgrammeQuerySet:
        return self.filter(status__in=CURRENT_STATUSES)

    def for_list(self) -> ProgrammeQuerySet:
        """Everything a list card shows, in a fixed number of queries."""
        return self.prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.defer("boundary")),
            "occupations",
        )

    def with_outcomes(self) -> ProgrammeQuerySet:
        """Programmes with at least one finished intake, intakes prefetched in term order."""
        return (
            self.filter(intakes__completed__isnull=False)
            .distinct()
            .prefetch_related(Prefetch("intakes", queryset=Intake.objects.order_by("sort_key")))
        )


class Programme(Authored):
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ProgrammeKind.choices)
    provider = models.CharField(_("provider"), max_length=200, help_text=_("Who runs the training."))
    partners = models.ManyToManyField(
        Partner, related_name="programmes", blank=True, verbose_name=_("partners")
    )
    occupations = models.ManyToManyField(
        Occupation,
        related_name="programmes",
        blank=True,
        verbose_name=_("occupations"),
        help_text=_("The occupations the programme trains for."),
    )
    industries = models.ManyToManyField(
        Industry, related_name="programmes", blank=True, verbose_name=_("industries")
    )
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="skills_programmes",
        verbose_name=_("municipalities"),
        help_text=_("Where the programme is given or recruits."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    application_deadline = models.DateField(_("last day to apply"), null=True, blank=True)
    length_weeks = models.PositiveSmallIntegerField(
        _("length in weeks"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(520)]
    )
    study_pace = models.PositiveSmallIntegerField(
        _("study pace (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("100 for full time, 50 for half time."),
    )
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    application_url = models.URLField(_("application web address"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name_sv"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(study_pace__gte=1) & Q(study_pace__lte=100), name="skills_programme_pace_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name_sv

    def get_absolute_url(self) -> str:
        return reverse("skills:programme", args=[self.pk])

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def description(self) -> str:
        return localised(self, "description")

    @property
    def can_apply(self) -> bool:
        return self.status in (ProgrammeStatus.OPEN, ProgrammeStatus.PLANNED) and bool(self.application_url)


# --- intakes -------------------------------------------------------------------------------
def _rate(part: int | None, whole: int | None) -> Decimal | None:
    """part/whole as a percentage with one decimal; None when unknown or nobody to divide by."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Intake(models.Model):
    """One group of students. Numbers stay empty until they are known.

    Applicants are not bounded by anything: AMU places are assigned by Arbetsförmedlingen
    and employers enrol their own staff, so more people can start than applied.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="intakes", verbose_name=_("programme")
    )
    term = models.CharField(
        _("term"),
        max_length=6,
        validators=[term_validator],
        help_text=_("VT for spring, HT for autumn, and the year: HT2023."),
    )
    applicants = models.PositiveIntegerField(_("applicants"), null=True, blank=True)
    enrolled = models.PositiveIntegerField(_("enrolled"), null=True, blank=True)
    completed = models.PositiveIntegerField(
        _("completed"), null=True, blank=True, help_text=_("Fill in when the intake has finished.")
    )
    employed_within_6_months = models.PositiveIntegerField(
        _("employed within 6 months"),
        null=True,
        blank=True,
        help_text=_("Of those who completed: how many had a job six months later."),
    )
    # Derived from term in save(), so intakes sort by time and not alphabetically (HT before VT).
    sort_key = models.PositiveIntegerField(editable=False, default=0, db_index=True)

    class Meta:
        ordering = ["programme", "sort_key"]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.UniqueConstraint(fields=["programme", "term"], name="skills_intake_unique_term"),
            models.CheckConstraint(
                condition=Q(completed__isnull=True)
                | Q(enrolled__isnull=False) & Q(completed__lte=F("enrolled")),
                name="skills_intake_completed_lte_enrolled",
            ),
            models.CheckConstraint(
                condition=Q(employed_within_6_months__isnull=True)
                | Q(completed__isnull=False) & Q(employed_within_6_months__lte=F("completed")),
                name="skills_intake_employed_lte_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.term}"

    def save(self, *args, **kwargs):
        self.term = (self.term or "").upper().replace(" ", "")
        self.sort_key = self.term_sort_key(self.term)
        super().save(*args, **kwargs)

    @staticmethod
    def term_sort_key(term: str) -> int:
        match = re.fullmatch(r"(HT|VT)(\d{4})", term or "")
        if not match:
            return 0
        return int(match.group(2)) * 10 + (1 if match.group(1) == "VT" else 2)

    def clean(self) -> None:
        super().clean()
        self.term = (self.term or "").upper().replace(" ", "")
        errors = {}
        if self.completed is not None:
            if self.enrolled is None:
                errors["enrolled"] = _("Fill in how many enrolled before how many completed.")
            elif self.completed > self.enrolled:
                errors["completed"] = _("More cannot complete than enrolled.")
        if self.employed_within_6_months is not None:
            if self.completed is None:
                errors["completed"] = _("Fill in how many completed before how many were employed.")
            elif self.employed_within_6_months > self.completed:
                errors["employed_within_6_months"] = _("More cannot be employed than completed.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_finished(self) -> bool:
        return self.completed is not None

    @property
    def completion_rate(self) -> Decimal | None:
        """Completed as a share of enrolled, in per cent."""
        return _rate(self.completed, self.enrolled)

    @property
    def employment_rate(self) -> Decimal | None:
        """Employed within six months as a share of those who *completed*, in per cent.

        Those who completed, not those who enrolled: that is how YH and AMU report it,
        and it keeps the two rates independent (drop-outs count once, in completion).
        """
        return _rate(self.employed_within_6_months, self.completed)

    # Why a rate is missing, so the page can say so instead of showing a bare dash.
    @property
    def completion_missing_reason(self) -> str:
        if self.completed is None:
            return _("the intake has not finished")
        if not self.enrolled:
            return _("nobody enrolled")
        return ""

    @property
    def employment_missing_reason(self) -> str:
        if self.completed is None:
            return _("the intake has not finished")
        if self.employed_within_6_months is None:
            return _("not yet followed up")
        if not self.completed:
            return _("nobody completed")
        return ""


# --- the public overview of shortages ---------------------------------------------------------
@dataclass
class ShortageGroup:
    """The shortage occupations of one growth sector (key "" for the rest)."""

    sector: str
    label: str
    assessments: list[ShortageAssessment] = field(default_factory=list)


@dataclass
class ShortageOverview:
    period: str | None
    municipality: Municipality | None
    groups: list[ShortageGroup]

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def count(self) -> int:
        """Distinct occupations in shortage (one may sit in two sectors)."""
        return len({a.occupation_id for group in self.groups for a in group.assessments})


def shortage_overview(*, sector: str = "", municipality: Municipality | None = None) -> ShortageOverview:
    """The county's shortage occupations for the latest period, grouped by growth sector.

    Each occupation carries `current_programmes` (planned, open or running; only those
    in `municipality` when one is chosen) and `national` (the '00' assessment of the
    same period, when imported). A fixed number of queries, whatever the data size.
    """
    period = ShortageAssessment.objects.latest_period(REGION_COUNTY)
    if period is None:
        return ShortageOverview(None, municipality, [])
    programmes = Programme.objects.current().order_by("name_sv")
    if municipality is not None:
        programmes = programmes.filter(municipalities=municipality)
    assessments = (
        ShortageAssessment.objects.for_public_page(period, sector=sector, municipality=municipality)
        .select_related("occupation")
        .prefetch_related(
            "occupation__industries",
            Prefetch("occupation__programmes", queryset=programmes, to_attr="current_programmes"),
        )
        .order_by("occupation__name_sv")
    )
    # A municipality's own assessment of an occupation overrides the county's.
    chosen: dict[int, ShortageAssessment] = {}
    for assessment in assessments:
        if assessment.occupation_id not in chosen or assessment.region_code != REGION_COUNTY:
            chosen[assessment.occupation_id] = assessment
    shortages = [a for a in chosen.values() if a.recruitment == RecruitmentSituation.SHORTAGE]
    national = dict(
        ShortageAssessment.objects.filter(
            period=period, region_code=REGION_NATIONAL, occupation_id__in=[a.occupation_id for a in shortages]
        ).values_list("occupation_id", "recruitment")
    )
    labels = dict(RecruitmentSituation.choices)
    groups = {key: ShortageGroup(key, label) for key, label in Sector.choices}
    other = ShortageGroup("", _("Other occupations"))
    for assessment in sorted(shortages, key=lambda a: a.occupation.name):
        code = national.get(assessment.occupation_id)
        assessment.national = labels.get(code, "") if code else ""
        sectors = {i.sector for i in assessment.occupation.industries.all() if i.sector}
        if sector:
            sectors &= {sector}
        for key in sectors:
            groups[key].assessments.append(assessment)
        if not sectors and not sector:
            other.assessments.append(assessment)
    result = [g for g in groups.values() if g.assessments]
    if other.assessments:
        result.append(other)
    return ShortageOverview(period, municipality, result)


def period_label(period: str | None) -> str:
    """'2025-1' → 'spring 2025' ('våren 2025'); Yrkesbarometer has a spring and an autumn round."""
    match = re.fullmatch(r"(\d{4})-([12])", period or "")
    if not match:
        return period or ""
    if match.group(2) == "1":
        return _("spring %(year)s") % {"year": match.group(1)}
    return _("autumn %(year)s") % {"year": match.group(1)}
