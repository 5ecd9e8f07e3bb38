"""Uploaded photos are checked by content and size, stored under our own name, served inert."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from taizhang.core.periods import Period
from taizhang.core.services import UNCHECKED, ServiceError
from taizhang.ledger.models import ReportPhoto
from taizhang.ledger.services.reports import add_photo, save_report

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b'<script>alert(document.cookie)</script></svg>')
HTML = b"<!DOCTYPE html><html><body><script>fetch('/ledger/export/')</script></body></html>"


def _image(fmt="PNG", size=(32, 24)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def draft(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return save_report(world.alice_project, Period(2022, 7), actor=world.alice,
                       data={"completed": Decimal("1"), "image_progress": "x"},
                       expected_version=UNCHECKED)


def _upload(client, world, name, content):
    client.force_login(world.alice)
    url = f"/ledger/projects/{world.alice_project.pk}/reports/2022-07/photos/"
    return client.post(url, {"photos": SimpleUploadedFile(name, content)}, follow=True)


@pytest.mark.parametrize(("name", "content"), [
    ("site.jpg", HTML),                      # HTML dressed as a photo
    ("site.png", SVG),                       # SVG with script, named as PNG
    ("site.svg", SVG),
    ("site.gif", _image("GIF")),             # a real image, but not an allowed format
    ("site.jpg", _image("PNG")[:40]),        # a truncated image
])
def test_anything_but_a_real_jpeg_png_or_webp_is_refused(draft, world, name, content):
    with translation.override("en"):
        with pytest.raises(ServiceError) as exc:
            add_photo(draft, SimpleUploadedFile(name, content), actor=world.alice)
        assert str(exc.value) == "The file is not a JPEG, PNG or WebP image."
    assert not ReportPhoto.objects.exists()


def test_the_three_allowed_formats_are_accepted_and_typed_by_content(draft, world):
    for fmt, ext in (("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")):
        photo = add_photo(draft, SimpleUploadedFile("photo.bmp", _image(fmt)), actor=world.alice)
        assert photo.extension == ext and photo.image.name.endswith(f".{ext}")


def test_an_oversized_file_is_refused_through_the_web(client, draft, world, settings):
    settings.TAIZHANG_MAX_PHOTO_BYTES = 1024 * 1024
    big = _image("PNG", (10, 10)) + b"\0" * (1024 * 1024)  # a valid header, too many bytes
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _upload(client, world, "big.png", big)
    assert "The photo is larger than 1 MB." in response.content.decode()
    assert not ReportPhoto.objects.exists()


def test_a_decompression_bomb_is_refused(draft, world, settings):
    settings.TAIZHANG_MAX_PHOTO_PIXELS = 1_000_000
    small_file = _image("PNG", (2000, 1000))  # one colour: a few KB, 2 million pixels
    assert len(small_file) < settings.TAIZHANG_MAX_PHOTO_BYTES
    with translation.override("en"):
        with pytest.raises(ServiceError) as exc:
            add_photo(draft, SimpleUploadedFile("bomb.png", small_file), actor=world.alice)
        assert "million pixels" in str(exc.value)


def test_a_path_trick_in_the_client_name_changes_nothing(client, draft, world, settings):
    response = _upload(client, world, "../../../../etc/cron.d/evil.php.jpg", _image("JPEG"))
    assert response.status_code == 200
    photo = ReportPhoto.objects.get()
    assert photo.image.name == (f"reports/{world.alice_project.pk}/2022-07/"
                                f"{photo.token}.jpg")
    media = Path(settings.MEDIA_ROOT).resolve()
    stored = [p for p in media.rglob("*") if p.is_file()]
    # The photo and its thumbnail, both named by the server.
    assert sorted(stored) == sorted([media / photo.image.name, media / photo.thumbnail.name])
    assert photo.thumbnail.name == (f"reports/{world.alice_project.pk}/2022-07/"
                                    f"{photo.token}.thumb.jpg")
    assert not any("evil" in str(p) or "php" in str(p) for p in stored)


def test_a_photo_is_served_inert_and_only_to_who_may_see_the_report(client, draft, world):
    # A real PNG uploaded under a .html name: the name is ignored, the content decides.
    _upload(client, world, "page.html", _image("PNG"))
    photo = ReportPhoto.objects.get()
    url = f"/ledger/photos/{photo.token}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'inline; filename="{photo.token}.png"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(world.bob)  # another owner
    assert client.get(url).status_code == 404
    client.force_login(world.eve)  # a bank officer sees no ledger data
    assert client.get(url).status_code == 404
    client.force_login(world.office)
    assert client.get(url).status_code == 200
