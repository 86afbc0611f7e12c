"""Every admin URL that takes an object id, of every municipality-scoped model, as a foreign officer.

The walk is built from `admin.site._registry` and each ModelAdmin's own `get_urls()`, so a
view added later (a custom object URL, another app's scoped admin) is walked without
editing this file. For each object-level pattern it asks as a Laxå officer, about an
object of Örebro:
- GET, and a POST of a complete, valid change form that moves the object to Laxå
  (what the Örebro officer would post, with the municipality forged), plus `post=yes`
  for the delete confirmation;
- the answer is 403 or 404 and the database is unchanged;
- a missing object gets the same answer as the foreign one (no existence oracle).

History-tracked objects were created in Laxå and then moved to Örebro, so one of their
past versions lies in the officer's own municipality: the revert view must judge the
object, not the version.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models.fields.files import FieldFile
from django.urls import URLPattern, reverse
from django.urls.resolvers import RoutePattern

from brorebro.admin import MunicipalityScopedAdmin
from brorebro.models import Inquiry, Municipality
from establishment.models import EstablishmentRequest
from land.models import LandPlot
from premises.models import Premises
from skills.models import Programme
from surveys.models import Response
from tests.establishment.factories import RequestFactory
from tests.factories import UserFactory, make_officer
from tests.land.factories import LandPlotFactory
from tests.premises.factories import PremisesFactory
from tests.skills.factories import ProgrammeFactory
from tests.surveys.factories import make_round, respond

pytestmark = pytest.mark.django_db


def _moved(obj, there):
    """`obj`, moved to `there` with a save, so that its history has a version elsewhere."""
    obj.municipality = there
    obj.save()
    return obj


def _inquiry(municipality):
    return Inquiry.objects.create(
        municipality=municipality,
        content_type=ContentType.objects.get_for_model(Municipality),
        object_id=municipality.pk,
        listing_title=f"Lager i {municipality.name}",
        name="Anna Andersson",
        email="anna@example.se",
        message="Vi behöver 2 000 m² lager.",
        consent=True,
    )


# How to make an object of each scoped model in `there` (with a past in `first`, where the
# model keeps a history). A new scoped admin without an entry here fails the walk.
MAKERS = {
    Premises: lambda first, there: _moved(PremisesFactory(municipality=first, title="Örebros kontor"), there),
    LandPlot: lambda first, there: _moved(LandPlotFactory(municipality=first, name="Örebros tomt"), there),
    Inquiry: lambda first, there: _inquiry(there),
    Programme: lambda first, there: ProgrammeFactory(name_sv="Örebros utbildning", municipalities=[there]),
    Response: lambda first, there: respond(make_round(2023), there, "bygglov", (5, 5, 5))[0],
    Municipality: lambda first, there: there,
    EstablishmentRequest: lambda first, there: RequestFactory(company_name="Örebros ärende", concerned=[there]),
}


def scoped_admins() -> list[MunicipalityScopedAdmin]:
    return [a for a in admin.site._registry.values() if isinstance(a, MunicipalityScopedAdmin)]


def parameters(pattern: URLPattern) -> int:
    route = pattern.pattern
    return len(route.converters) if isinstance(route, RoutePattern) else route.regex.groups


def object_patterns(model_admin) -> list[URLPattern]:
    """The admin's URL patterns that take an object id (one or more parameters)."""
    found = []
    for pattern in model_admin.get_urls():
        if parameters(pattern):
            found.append(pattern)
    return found


def urls_for(model_admin, pattern, object_id, history_ids) -> list[str]:
    opts = model_admin.model._meta
    argument_sets = [[object_id]] if parameters(pattern) == 1 else [[object_id, h] for h in history_ids]
    urls = []
    for args in argument_sets:
        if pattern.name:
            urls.append(reverse(f"admin:{pattern.name}", args=args))
        else:  # Django's old-style `<id>/` redirect has no name
            route = str(pattern.pattern)
            for arg in args:
                route = re.sub(r"<[^>]+>", str(arg), route, count=1)
            urls.append(f"/admin/{opts.app_label}/{opts.model_name}/{route}")
    return urls


def valid_form_post(client, model_admin, obj) -> dict:
    """The change form of `obj` as its own officer's browser would post it."""
    opts = model_admin.model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if bound.field.disabled or value is None or isinstance(value, FieldFile):
                continue
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def forged(data: dict, model_admin, own: Municipality) -> dict:
    name = model_admin.municipality_field.split("__")[0]
    field = model_admin.model._meta.get_field(name)
    if field.is_relation and name in data:
        data = {**data, name: [str(own.pk)] if field.many_to_many else str(own.pk)}
    return {**data, "post": "yes"}


def versions_of(obj) -> list[int]:
    history = getattr(type(obj), "history", None)
    if history is None:
        return []
    return list(history.filter(**{obj._meta.pk.attname: obj.pk}).values_list("history_id", flat=True))


def snapshot() -> dict:
    state = {}
    for model_admin in scoped_admins():
        model = model_admin.model
        state[model._meta.label] = [
            {k: str(v) for k, v in row.items()} for row in model._default_manager.order_by("pk").values()
        ]
        history = getattr(model, "history", None)
        if history is not None:
            state[f"{model._meta.label} history"] = history.count()
    return state


@pytest.fixture
def world(orebro, laxa):
    """Örebro's objects, the Laxå officer, and an Örebro officer with every model permission."""
    objects = {a.model: MAKERS[a.model](laxa, orebro) for a in scoped_admins() if a.model in MAKERS}
    owner = make_officer(orebro, username="orebro_owner")
    # The Örebro officer may open every scoped model's change form (municipalities included).
    for model_admin in scoped_admins():
        content_type = ContentType.objects.get_for_model(model_admin.model)
        owner.user_permissions.add(*Permission.objects.filter(content_type=content_type))
    return objects, owner, make_officer(laxa, username="laxa_walker")


def test_every_scoped_model_is_walked():
    missing = [a.model._meta.label for a in scoped_admins() if a.model not in MAKERS]
    assert not missing, f"add a maker for {missing} so its admin URLs are walked"
    assert {a.model for a in scoped_admins()} >= {Premises, LandPlot, Inquiry, Programme, Response}


def test_every_admin_of_municipality_data_is_scoped():
    """A model with a relation to Municipality is either scoped or region-only."""
    from brorebro.admin import RegionalOnlyAdmin

    for model, model_admin in admin.site._registry.items():
        related = [f for f in model._meta.get_fields() if getattr(f, "related_model", None) is Municipality]
        owning = [f for f in related if f.concrete or f.many_to_many and not f.auto_created]
        if owning:
            assert isinstance(model_admin, (MunicipalityScopedAdmin, RegionalOnlyAdmin)), model._meta.label


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_foreign_officer_gets_404_from_every_object_url(client, world, laxa, method):
    objects, owner, foreign = world
    walked = 0
    for model_admin in scoped_admins():
        obj = objects[model_admin.model]
        client.force_login(owner)
        payload = forged(valid_form_post(client, model_admin, obj), model_admin, laxa)
        history_ids = versions_of(obj)
        missing_id = model_admin.model._default_manager.order_by("-pk").first().pk + 1000
        client.force_login(foreign)
        before = snapshot()
        for pattern in object_patterns(model_admin):
            for url, missing_url in zip(
                urls_for(model_admin, pattern, obj.pk, history_ids),
                urls_for(model_admin, pattern, missing_id, history_ids),
                strict=True,
            ):
                send = getattr(client, method)
                response = send(url, payload, follow=True) if method == "post" else send(url, follow=True)
                assert response.status_code in (403, 404), f"{method.upper()} {url}: {response.status_code}"
                assert snapshot() == before, f"{method.upper()} {url} changed the database"
                other = (
                    send(missing_url, payload, follow=True)
                    if method == "post"
                    else send(missing_url, follow=True)
                )
                assert other.status_code == response.status_code, (
                    f"{url} and {missing_url} answer differently"
                )
                if str(obj) not in other.content.decode():  # (a municipality's name is everywhere)
                    assert str(obj) not in response.content.decode(), url
                walked += 1
    # change, delete, history and the old-style redirect for every model; for premises and land
    # also confirm and their two versions (one in Laxå, one in Örebro)
    assert walked >= 4 * len(scoped_admins()) + 2 * 3


def test_the_walks_post_is_a_form_its_owner_may_save(client, world):
    """The walk's POST would change the object if it got through: the owner's own post saves."""
    objects, owner, _ = world
    client.force_login(owner)
    for model_admin in scoped_admins():
        obj = objects[model_admin.model]
        opts = model_admin.model._meta
        data = valid_form_post(client, model_admin, obj)
        response = client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]), data
        )
        errors = response.context["adminform"].form.errors if response.status_code == 200 else None
        assert response.status_code == 302, f"{opts.label}: {errors}"


def test_a_revert_cannot_move_a_record_to_a_municipality_the_officer_lacks(client, orebro, laxa, hallsberg):
    """An officer of Laxå and Hallsberg reverts their own premises, forging Örebro into the post."""
    from tests.premises.test_admin import change_data

    premises = PremisesFactory(municipality=laxa, title="Laxås kontor")
    premises.title = "Nytt namn"
    premises.save()
    officer = make_officer(laxa, hallsberg, username="two_towns")
    version = premises.history.order_by("history_date").first()
    client.force_login(officer)
    url = f"/admin/premises/premises/{premises.pk}/history/{version.history_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, change_data(premises, title="Laxås kontor", municipality=orebro))
    assert response.status_code in (200, 403)  # the form refuses the choice, or the save does
    premises.refresh_from_db()
    assert (premises.municipality, premises.title) == (laxa, "Nytt namn")
    # The same revert without the forgery goes through.
    response = client.post(url, change_data(premises, title="Laxås kontor"))
    assert response.status_code == 302
    premises.refresh_from_db()
    assert premises.title == "Laxås kontor"


def test_a_superuser_still_opens_every_object_url(client, world):
    objects, _, _ = world
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for model_admin in scoped_admins():
        obj = objects[model_admin.model]
        history_ids = versions_of(obj)
        for pattern in object_patterns(model_admin):
            if pattern.name and pattern.name.endswith(("_confirm", "_answered", "_publish")):
                continue  # POST only
            for url in urls_for(model_admin, pattern, obj.pk, history_ids):
                assert client.get(url, follow=True).status_code == 200, url


def test_a_deleted_record_keeps_its_history_scoped(client, orebro, laxa):
    """A deleted object is known only by its history: it is judged by its last version."""
    gone = _moved(PremisesFactory(municipality=laxa), orebro)
    pk, versions = gone.pk, list(gone.history.values_list("history_id", flat=True))
    gone.delete()
    client.force_login(make_officer(laxa, username="laxa_late"))
    assert client.get(f"/admin/premises/premises/{pk}/history/").status_code == 404
    for history_id in versions:
        assert client.get(f"/admin/premises/premises/{pk}/history/{history_id}/").status_code == 404
    client.force_login(make_officer(orebro, username="orebro_late"))
    assert client.get(f"/admin/premises/premises/{pk}/history/").status_code == 200


@pytest.mark.parametrize("model", [Premises, LandPlot])
def test_a_past_version_in_the_officers_municipality_does_not_open_the_record(client, orebro, laxa, model):
    """The finding: a listing made in Laxå and moved to Örebro; the Laxå officer opened its
    first version (200) and a POST reverted the listing into Laxå, wiping Örebro's edits."""
    from tests.premises.test_admin import change_data

    obj = MAKERS[model](laxa, orebro)
    first = obj.history.order_by("history_date").first()
    assert first.municipality == laxa
    opts = model._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/{first.history_id}/"
    client.force_login(make_officer(laxa, username="laxa_reverter"))
    assert client.get(url).status_code == 404
    if model is Premises:
        assert client.post(url, change_data(obj, municipality=laxa)).status_code == 404
    obj.refresh_from_db()
    assert obj.municipality == orebro
