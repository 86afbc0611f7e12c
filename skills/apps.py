from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def home_figures() -> list[tuple[str, str]]:
    """Live figures for the home page: shortages in the county now, and programmes under way."""
    from django.utils.formats import number_format

    from skills.models import REGION_COUNTY, Programme, ProgrammeStatus, ShortageAssessment

    period = ShortageAssessment.objects.latest_period(REGION_COUNTY)
    shortages = (
        ShortageAssessment.objects.filter(region_code=REGION_COUNTY, period=period).shortages().count()
        if period
        else 0
    )
    programmes = Programme.objects.filter(status__in=[ProgrammeStatus.OPEN, ProgrammeStatus.RUNNING]).count()
    fmt = lambda n: number_format(n, use_l10n=True, force_grouping=True)  # noqa: E731
    return [
        (fmt(shortages), _("shortage occupations in the county")),
        (fmt(programmes), _("programmes open or running")),
    ]


class SkillsConfig(AppConfig):
    name = "skills"
    verbose_name = _("Skills supply")

    def ready(self):
        from brorebro.sections import Section, register

        register(
            Section(
                key="skills",
                order=40,
                title=_("Skills supply"),
                lead=_(
                    "Which occupations employers in the county cannot fill, and the training "
                    "programmes that address them, with their results."
                ),
                url_name="skills:index",
                figures=home_figures,
            )
        )
