"""Factories for establishment requests. Listings come from the premises and land factories."""

from __future__ import annotations

import factory

from establishment.models import EstablishmentRequest


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EstablishmentRequest
        skip_postgeneration_save = True

    company_name = factory.Sequence(lambda n: f"Lager AB {n}")
    company_country = "Sverige"
    contact_name = "Eva Ek"
    contact_email = factory.Sequence(lambda n: f"eva{n}@lager.example")
    wants = "either"
    tenure = "either"
    consent = True

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)

    @factory.post_generation
    def concerned(self, create, extracted, **kwargs):
        if create and extracted:
            self.concerned_municipalities.set(extracted)
