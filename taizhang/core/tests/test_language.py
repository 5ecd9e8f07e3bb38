from django.urls import reverse


def test_chinese_by_default_whatever_the_browser_says(client, world):
    client.force_login(world.office)
    response = client.get(reverse("ledger:project-list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.content.decode()


def test_english_when_chosen(client, world):
    client.force_login(world.office)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(reverse("ledger:project-list"))
    assert 'lang="en"' in response.content.decode()
    assert "Key projects" in response.content.decode()


def test_date_pickers_get_iso_values_in_chinese(client, world):
    # The browser's date input drops anything but yyyy-mm-dd; Chinese formats dates 2026/11/26.
    import re

    from django.urls import reverse
    from django.utils import timezone

    from taizhang.core.periods import Period

    client.force_login(world.office)
    page = client.get(reverse("ledger:project-detail", args=[world.alice_project.pk]))
    html = page.content.decode()
    assert 'lang="zh-CN"' in html
    # The default is a day of the month being reported (2022-07 in the test world).
    expected = Period(2022, 7).clamp(timezone.localdate()).isoformat()
    values = re.findall(r'<input type="date" name="effective_date" value="([^"]*)"', html)
    assert values == [expected]
