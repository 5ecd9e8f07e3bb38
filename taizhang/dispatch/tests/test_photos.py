"""Site photos of an on-site dispatch: checked as a report's, thumbnailed, served in scope."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from taizhang.core.services import ServiceError
from taizhang.dispatch import services
from taizhang.dispatch.choices import MeetingKind
from taizhang.dispatch.models import MeetingPhoto
from taizhang.dispatch.tests.helpers import DAY, meeting_with_problems

pytestmark = pytest.mark.django_db


def png(size=(600, 400)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_photo_is_checked_thumbnailed_and_served_to_the_office_only(world):
    meeting = meeting_with_problems(world)
    photo = services.add_meeting_photo(meeting, png(), actor=world.office, caption="现场")
    with Image.open(photo.thumbnail.open("rb")) as thumb:
        assert max(thumb.size) < 600
    office = Client()
    office.force_login(world.office)
    url = reverse("dispatch:photo", args=[photo.token])
    response = office.get(url + "?thumb=1")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    dave = Client()
    dave.force_login(world.dave)
    assert dave.get(url).status_code == 403


def test_not_an_image_and_not_on_site_are_refused(world):
    meeting = meeting_with_problems(world)
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ServiceError):
        services.add_meeting_photo(meeting, fake, actor=world.office)
    centralized = services.record_meeting(actor=world.office, division=world.county,
                                          kind=MeetingKind.CENTRALIZED, date=DAY,
                                          chair=world.carol.person)
    with pytest.raises(ServiceError):
        services.add_meeting_photo(centralized, png(), actor=world.office)
    with pytest.raises(PermissionDenied):
        services.add_meeting_photo(meeting, png(), actor=world.dave)
    assert not MeetingPhoto.objects.exists()


def test_the_office_uploads_on_the_meeting_page(world):
    meeting = meeting_with_problems(world)
    office = Client()
    office.force_login(world.office)
    url = reverse("dispatch:meeting", args=[meeting.pk])
    response = office.post(url, {"photo": png(), "caption": "现场"})
    assert response.status_code == 302
    assert 'class="thumb"' in office.get(url).content.decode()
