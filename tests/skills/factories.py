"""Factories for the skills models."""

from __future__ import annotations

import factory

from skills.models import Industry, Intake, Occupation, Partner, Programme, ShortageAssessment


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("sni_code", "sni_version")

    sni_code = factory.Sequence(lambda n: f"{10 + n % 80}.{n % 100:02d}")
    sni_version = 2007
    name_sv = factory.Sequence(lambda n: f"Bransch {n}")
    sector = ""


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation
        django_get_or_create = ("ssyk",)
        skip_postgeneration_save = True

    ssyk = factory.Sequence(lambda n: f"{1000 + n:04d}")
    name_sv = factory.Sequence(lambda n: f"Yrke {n}")

    @factory.post_generation
    def industries(self, create, extracted, **kwargs):
        if create and extracted:
            self.industries.set(extracted)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortageAssessment

    occupation = factory.SubFactory(OccupationFactory)
    region_code = "18"
    period = "2025-2"
    recruitment = "brist"
    outlook = "oka"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "company"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name_sv = factory.Sequence(lambda n: f"Utbildning {n}")
    kind = "yh"
    status = "open"
    provider = "Yrkeshögskolan"
    seats = 20

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)

    @factory.post_generation
    def occupations(self, create, extracted, **kwargs):
        if create and extracted:
            self.occupations.set(extracted)

    @factory.post_generation
    def industries(self, create, extracted, **kwargs):
        if create and extracted:
            self.industries.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    programme = factory.SubFactory(ProgrammeFactory)
    term = "HT2023"
    applicants = 40
    enrolled = 20
    completed = 16
    employed_within_6_months = 12
