"""Database outage: the real app under gunicorn survives PostgreSQL going away and coming back.

The test starts its OWN throw-away PostgreSQL 15 cluster in a temporary folder (never
the one the rest of the suite uses), migrates a database there, serves the app with
gunicorn in production mode, writes through the admin, stops PostgreSQL, checks that
visitors get the friendly 503 page and /healthz says 503, starts PostgreSQL again and
checks that the very same gunicorn processes serve pages again within 5 seconds and
that what was written before the outage is still there. The cluster is always
stopped and removed again, whatever happens.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgis_only

REPO = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
VENV_BIN = Path(sys.executable).parent
RECOVERY_SECONDS = 5
PASSWORD = "outage-test-password-1234"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(command: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["su", "postgres", "-s", "/bin/sh", "-c", command],
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class PrivateCluster:
    """A PostgreSQL cluster that only this test knows about."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="brorebro-outage-"))
        shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.started = False

    def init(self) -> None:
        as_postgres(f"{PG_BIN}/initdb -D '{self.data}' --auth=trust -U postgres -E UTF8 >/dev/null")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        as_postgres(
            f"{PG_BIN}/pg_ctl -D '{self.data}' -l '{self.dir}/log' -w -o \"{options}\" start >/dev/null"
        )
        self.started = True

    def stop(self) -> None:
        as_postgres(f"{PG_BIN}/pg_ctl -D '{self.data}' -m fast -w stop >/dev/null")
        self.started = False

    def psql(self, sql: str, db: str = "postgres") -> str:
        result = subprocess.run(
            [
                f"{PG_BIN}/psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-Atc",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout.strip()

    def destroy(self) -> None:
        if self.started:
            try:
                self.stop()
            except subprocess.SubprocessError:
                as_postgres(f"{PG_BIN}/pg_ctl -D '{self.data}' -m immediate stop >/dev/null")
        shutil.rmtree(self.dir, ignore_errors=True)


class Browser:
    """A tiny cookie-keeping HTTP client for the gunicorn under test (urllib only)."""

    def __init__(self, base: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.jar = jar

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 - http://127.0.0.1 only

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def csrf(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token in the form"
        return match.group(1)


def child_pids(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def wait_until(predicate, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(step)
    return last


@pytest.fixture
def cluster():
    if os.geteuid() != 0:
        pytest.skip("the outage test starts its own PostgreSQL cluster and must run as root")
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL 15 binaries are missing in {PG_BIN} (apt-get install postgresql-15)")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("there is no 'postgres' system user to run the private cluster")
    pg = PrivateCluster()
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def app_env(cluster, tmp_path):
    cluster.psql("CREATE DATABASE brorebro_outage")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://postgres@127.0.0.1:{cluster.port}/brorebro_outage",
        "DJANGO_SECRET_KEY": "outage-test-" + os.urandom(16).hex(),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "BROREBRO_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "brorebro.settings",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage = [str(VENV_BIN / "python"), "manage.py"]

    def run(*args):
        subprocess.run([*manage, *args], cwd=REPO, env=env, check=True, capture_output=True, timeout=300)

    run("migrate", "--noinput")
    run("collectstatic", "--noinput", "-v", "0")
    run("loaddata", "municipalities")
    run("create_officer", "orebro_outage", "--municipality", "1880", "--password", PASSWORD)
    return env


@pytest.fixture
def gunicorn(app_env, tmp_path):
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "brorebro.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            # Our own control socket, so this never collides with another gunicorn on the machine.
            "--control-socket",
            str(tmp_path / "gunicorn.ctl"),
        ],
        cwd=REPO,
        env=app_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        up = wait_until(lambda: Browser(base).get("/healthz")[0] == 200 if _listening(port) else False, 30)
        assert up, "gunicorn did not come up"
        yield process, base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        # Shown by pytest only when the test fails: the server's side of the story.
        print("--- gunicorn log (tail) ---")
        print("\n".join((tmp_path / "gunicorn.log").read_text(errors="replace").splitlines()[-60:]))


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_database_outage_gives_503_and_the_same_gunicorn_recovers(cluster, gunicorn):
    process, base = gunicorn
    officer = Browser(base)

    # Warm both workers' persistent connections so the outage breaks live connections too.
    for _ in range(6):
        assert officer.get("/sv/")[0] == 200

    # Write through the running app: the officer updates Örebro's business office phone.
    status, html = officer.get("/admin/login/?next=/admin/")
    assert status == 200
    status, html = officer.post(
        "/admin/login/?next=/admin/",
        {"username": "orebro_outage", "password": PASSWORD, "csrfmiddlewaretoken": officer.csrf(html)},
    )
    assert status == 200 and "orebro_outage" in html, "officer login failed"
    orebro_id = cluster.psql("SELECT id FROM brorebro_municipality WHERE code = '1880'", "brorebro_outage")
    change = f"/admin/brorebro/municipality/{orebro_id}/change/"
    status, html = officer.get(change)
    assert status == 200
    status, html = officer.post(
        change,
        {
            "csrfmiddlewaretoken": officer.csrf(html),
            "office_email": "naringsliv@orebro.example.se",
            "office_phone": "019-123 45 67",
            "office_url": "",
            "_save": "Save",
        },
    )
    assert status == 200, f"saving the municipality answered {status}"
    written = "SELECT office_phone FROM brorebro_municipality WHERE code = '1880'"
    assert cluster.psql(written, "brorebro_outage") == "019-123 45 67"

    workers_before = child_pids(process.pid)
    assert len(workers_before) == 2

    cluster.stop()
    try:
        for path in ("/sv/", "/sv/premises/", "/en/"):
            status, html = Browser(base).get(path)
            assert status == 503, f"{path} answered {status} while the database was down"
            assert "tillfälligt otillgänglig" in html and "temporarily unavailable" in html
        # A logged-in officer (session in the database) gets the same friendly page.
        status, html = officer.get("/admin/")
        assert status == 503, f"/admin/ answered {status} while the database was down"
        status, body = Browser(base).get("/healthz")
        assert status == 503 and '"unavailable"' in body
    finally:
        cluster.start()

    started = time.monotonic()

    def all_ok():
        return all(Browser(base).get(path)[0] == 200 for path in ("/healthz", "/sv/", "/sv/premises/"))

    # Every path is checked repeatedly so both workers have had to reconnect.
    assert wait_until(lambda: all_ok() and all_ok() and all_ok(), RECOVERY_SECONDS, step=0.1), (
        f"the app did not recover within {RECOVERY_SECONDS}s of PostgreSQL coming back"
    )
    print(f"recovered {time.monotonic() - started:.2f}s after PostgreSQL was back")

    # The same gunicorn: master still running, same worker processes (no restart, no respawn).
    assert process.poll() is None
    assert child_pids(process.pid) == workers_before

    # What was written before the outage is still there, in the DB and on the officer's page.
    assert cluster.psql(written, "brorebro_outage") == "019-123 45 67"
    status, html = officer.get(change)
    assert status == 200 and "019-123 45 67" in html, "the officer's session or data did not survive"
