"""Serving uploaded files: only the stored extensions, each with its one content type, and nosniff."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_files(media_root):
    folder = media_root / "premises" / "floor-plans" / "2026"
    folder.mkdir(parents=True)
    files = {
        "plan.html": b"<script>alert(document.domain)</script>",  # e.g. stored by the old code
        "plan.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "plan": b"<script>alert(1)</script>",
        "a1b2.pdf": b"%PDF-1.4 whatever is inside",
        "photo.JPG": b"\xff\xd8\xff\xe0 not really a jpeg",
        "photo.png": b"\x89PNG\r\n\x1a\n",
        "photo.webp": b"RIFF....WEBP",
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return "/media/premises/floor-plans/2026/"


@pytest.mark.parametrize("name", ["plan.html", "plan.svg", "plan", "../../../../etc/passwd", "."])
def test_files_with_other_extensions_are_not_served(client, media_files, name):
    assert client.get(media_files + name).status_code == 404


@pytest.mark.parametrize(
    "name,content_type",
    [
        ("a1b2.pdf", "application/pdf"),
        ("photo.JPG", "image/jpeg"),
        ("photo.png", "image/png"),
        ("photo.webp", "image/webp"),
    ],
)
def test_stored_extensions_are_served_with_their_type_and_nosniff(client, media_files, name, content_type):
    response = client.get(media_files + name)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_missing_file_is_404(client, media_files):
    assert client.get(media_files + "missing.pdf").status_code == 404
