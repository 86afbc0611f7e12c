"""Settings, production checks and the docker-compose deployment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["BROREBRO_VAR_DIR"] = str(tmp_path)  # no var/secret_key to fall back on
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "false"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_malformed_setting_fails_loudly(tmp_path):
    result = run_manage(
        "check", env_overrides={"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_HTTPS": "maybe"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "DJANGO_HTTPS must be a boolean" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SECRET_KEY": "k3y-" + "a8Zq" * 14,
            "DJANGO_HTTPS": "true",
            "DJANGO_ALLOWED_HOSTS": "portal.example.se",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_security_headers_are_sent(client, db):
    response = client.get("/sv/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self';" in csp  # no inline scripts on public pages
    assert "https://tile.openstreetmap.org" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_compose_file_parses_and_references_what_exists():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgis/postgis:")
    web = services["web"]
    assert (ROOT / web["build"] / "Dockerfile").is_file()
    assert web["environment"]["DATABASE_URL"].startswith("postgis://")
    assert "migrate" in web["command"] and "gunicorn brorebro.wsgi" in web["command"]
    for volume in [v.split(":")[0] for v in web["volumes"] + services["db"]["volumes"]]:
        assert volume in compose["volumes"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    for name in ("requirements.lock", "manage.py"):
        assert name in dockerfile or name == "manage.py"
        assert (ROOT / name).is_file()


def test_ci_script_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


@pytest.mark.parametrize("lang,text", [("sv", "Sidan hittades inte"), ("en", "Page not found")])
def test_friendly_404_in_both_languages(client, db, lang, text):
    response = client.get(f"/{lang}/does-not-exist/")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_friendly_500_page_renders_without_database(rf):
    from brorebro.views import server_error

    response = server_error(rf.get("/sv/"))
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_load_demo_draws_the_county_map_from_boundaries_in_the_repository(client, db):
    """A fresh clone has no ../shared: load_demo's boundaries must come from fixtures/."""
    from django.core.management import call_command

    from brorebro.management.commands.load_demo import Command
    from brorebro.models import Municipality

    default = Path(Command().create_parser("manage.py", "load_demo").get_default("boundaries"))
    assert default.resolve().is_relative_to(ROOT), f"{default} lies outside the repository"

    call_command("load_demo", verbosity=0)

    assert Municipality.objects.count() == 12
    assert not Municipality.objects.filter(boundary__isnull=True).exists()
    html = client.get("/sv/").content.decode()
    assert 'class="county-map"' in html
    assert html.count('<path d="M ') == 12


def test_load_demo_with_a_missing_boundary_file_fails_and_says_which(db, tmp_path):
    from django.core.management import CommandError, call_command

    from brorebro.models import Municipality

    missing = tmp_path / "kommuner.geojson"
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_demo", boundaries=str(missing), verbosity=0)
    assert not Municipality.objects.filter(boundary__isnull=False).exists()


def test_the_shipped_boundaries_name_their_source_and_licence():
    readme = (ROOT / "README.md").read_text()
    assert "fixtures/orebro_lan_municipalities.geojson" in readme
    assert "okfse/sweden-geojson" in readme and "CC0" in readme


def test_bench_without_the_national_boundaries_stops_at_once_and_says_how_to_give_them(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DATABASE_URL")}
    missing = tmp_path / "sweden_municipalities.geojson"
    result = subprocess.run(
        ["bench/run.sh", "--scale", "0.001", "--setup-only", "--boundaries", str(missing)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"The national boundary file is missing: {missing}" in result.stderr
    assert "--boundaries FILE" in result.stderr
