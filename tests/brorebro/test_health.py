import pytest
from django.db.utils import ConnectionHandler

from brorebro import views


def test_healthz_reports_ok_when_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"db": "ok"}


def test_healthz_reports_503_when_database_is_unreachable(client, db, monkeypatch):
    # A real connection attempt to a closed port on this machine.
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.contrib.gis.db.backends.postgis",
                "NAME": "nowhere",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": "1",
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )
    monkeypatch.setattr(views, "connection", handler["default"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"db": "unavailable"}


@pytest.mark.parametrize("method", ["post", "put"])
def test_healthz_rejects_writes(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405


@pytest.mark.parametrize("url", ["/sv/nki/%00/", "/sv/premises/?q=a%00b", "/sv/?x=%00"])
def test_nul_bytes_are_a_bad_request_not_a_database_error(client, db, url):
    assert client.get(url).status_code in (400, 404)
