"""Field check-ins (外勤签到, INTG-5): a visit follow-up with the phone's location and an
optional photo; the distance to the customer's recorded location (haversine, no map
service) flags a far check-in; each role sees its scope; bad coordinates and photos are
refused with nothing written."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.archive.services import customer_merge
from guanxi.pipeline.checkins import selectors, services
from guanxi.pipeline.checkins.demo import seed_checkins_demo
from guanxi.pipeline.checkins.geo import haversine_m
from guanxi.pipeline.models import CheckIn, CustomerLocation, FollowUp
from tests.sales.support import api

pytestmark = pytest.mark.django_db

# 人民广场, Shanghai, and two points: ~150 m and ~3 km away
SITE = (Decimal("31.230416"), Decimal("121.473701"))
NEAR = ("31.231500", "121.474500")
FAR = ("31.250000", "121.500000")

SEES = {
    "sales1a": {"sales1a"},
    "sales1b": set(),
    "sales2a": {"sales2a"},
    "manager": {"sales1a", "sales2a"},
    "relations": {"sales1a", "sales2a"},
    "agent": {"sales1a", "sales2a"},
    "marketing": {"sales1a", "sales2a"},
    "admin": {"sales1a", "sales2a"},
}


def _png(size=(8, 8), fmt="PNG", name="site.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def _check_in(user, customer, lat_lon=NEAR, **fields):
    data = services.CheckInInput(latitude=lat_lon[0], longitude=lat_lon[1], **fields)
    return services.checkin_record(actor=user, customer=customer, data=data)


@pytest.fixture
def site(org, make_customer):
    customer = make_customer(org["sales1a"], name="外勤客户")
    CustomerLocation.objects.create(customer=customer, latitude=SITE[0], longitude=SITE[1])
    return customer


def test_haversine_matches_known_distances():
    assert haversine_m(0, 0, 0, 0) == 0
    # Beijing (Tiananmen) to Shanghai (People's Square): about 1,068 km
    assert 1_060_000 < haversine_m(39.9087, 116.3975, 31.2304, 121.4737) < 1_075_000
    assert round(haversine_m(0, 0, 0, 1)) == 111_195  # one degree on the equator


def test_a_check_in_is_a_visit_follow_up_measured_against_the_customer(org, site):
    checkin = _check_in(org["sales1a"], site, accuracy_m="12.4", note="现场拜访，看了样机")
    followup = checkin.followup
    assert followup.channel == FollowUp.Channel.VISIT and followup.effective
    assert followup.content == "现场拜访，看了样机" and followup.customer_id == site.pk
    assert 100 < checkin.distance_m < 200 and not checkin.far
    assert checkin.accuracy_m == 12 and checkin.department_id == org["sales1a"].department_id
    far = _check_in(org["sales1a"], site, FAR)
    assert far.distance_m > services.FAR_M and far.far
    assert far.followup.content  # a default note when none was written


def test_without_a_location_on_record_no_distance_is_claimed(org, make_customer):
    customer = make_customer(org["sales1a"], name="无坐标客户")
    checkin = _check_in(org["sales1a"], customer)
    assert checkin.distance_m is None and not checkin.far


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        ("", "121.47", "latitude"),
        ("31.2", None, "longitude"),
        ("abc", "121.47", "latitude"),
        ("91", "121.47", "latitude"),
        ("31.2", "-180.5", "longitude"),
        ("NaN", "121.47", "latitude"),
        ("31.2", "Infinity", "longitude"),
    ],
)
def test_bad_coordinates_are_refused_and_nothing_is_written(org, site, lat, lon, field):
    before = FollowUp.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _check_in(org["sales1a"], site, (lat, lon))
    assert field in caught.value.field_errors
    assert FollowUp.objects.count() == before and not CheckIn.objects.exists()


def test_a_bad_accuracy_is_refused(org, site):
    with pytest.raises(ValidationFailed) as caught:
        _check_in(org["sales1a"], site, accuracy_m="-3")
    assert "accuracy_m" in caught.value.field_errors


def test_a_photo_is_stored_when_it_is_an_image(org, site):
    checkin = _check_in(org["sales1a"], site, photo=_png(fmt="JPEG", name="IMG_0001.JPG"))
    assert checkin.photo.name.startswith("checkins/") and checkin.photo.name.endswith(".jpg")
    assert "IMG_0001" not in checkin.photo.name


@pytest.mark.parametrize(
    "photo",
    [
        SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg"),
        SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, content_type="image/png"),
        "gif",
        "huge",
    ],
)
def test_a_photo_that_is_not_one_or_too_big_is_refused(org, site, monkeypatch, photo):
    if photo == "gif":
        photo = _png(fmt="GIF", name="x.gif")
    elif photo == "huge":
        monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 50)
        photo = _png()
    before = FollowUp.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _check_in(org["sales1a"], site, photo=photo)
    assert "photo" in caught.value.field_errors
    assert FollowUp.objects.count() == before


def test_a_consultant_checks_in_only_at_customers_they_may_follow_up(org, site):
    with pytest.raises(NotFound):
        _check_in(org["sales1b"], site)
    with pytest.raises((PermissionDenied, NotFound)):
        _check_in(org["marketing"], site)


@pytest.fixture
def day_of_checkins(org, make_customer, site):
    other = make_customer(org["sales2a"], name="二部客户")
    _check_in(org["sales1a"], site, NEAR)
    _check_in(org["sales1a"], site, FAR)
    _check_in(org["sales2a"], other, NEAR)


@pytest.mark.parametrize(("viewer", "expected"), sorted(SEES.items()))
def test_each_role_sees_the_check_ins_of_its_scope(org, day_of_checkins, viewer, expected):
    groups = selectors.checkins_of_day(user=org[viewer], day=timezone.localdate())
    assert {g.user.username for g in groups} == expected
    response = api(org[viewer]).get("/api/v1/checkins")
    assert {i["user"]["name"] for i in response.json()["items"]} == {
        str(org[name]) for name in expected
    }


def test_the_managers_day_page_flags_the_far_check_in(org, day_of_checkins, client_for):
    page = client_for(org["manager"]).get(reverse("pipeline:checkin_day")).content.decode()
    assert page.count("data-checkin=") == 3
    assert page.count("table-danger") == 1
    assert str(org["sales1a"]) in page and str(org["sales2a"]) in page


def test_the_check_in_page_uses_the_static_script_and_records_a_visit(org, site, client_for):
    client = client_for(org["sales1a"])
    url = reverse("pipeline:checkin_new", args=[site.pk])
    page = client.get(url).content.decode()
    assert "pipeline/checkin.js" in page and "<script>" not in page
    response = client.post(
        url, {"latitude": NEAR[0], "longitude": NEAR[1], "note": "到店", "photo": _png()}
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.photo
    photo = client.get(reverse("pipeline:checkin_photo", args=[checkin.pk]))
    assert photo.status_code == 200
    assert (
        client_for(org["sales2a"])
        .get(reverse("pipeline:checkin_photo", args=[checkin.pk]))
        .status_code
        == 404
    )
    refused = client.post(url, {"latitude": "", "longitude": "", "note": "x"})
    assert refused.status_code == 422 and CheckIn.objects.count() == 1


def test_the_360_page_shows_and_edits_the_location(org, make_customer, client_for):
    customer = make_customer(org["sales1a"], name="无坐标客户")
    client = client_for(org["sales1a"])
    panel_url = reverse("pipeline:customer_checkins", args=[customer.pk])
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert panel_url in detail  # the placeholder htmx loads the panel from
    panel = client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="gx-checkin-panel"' in panel and "data-location" not in panel
    url = reverse("pipeline:customer_location", args=[customer.pk])
    assert client.post(url, {"latitude": "95", "longitude": "121"}).status_code == 422
    assert client.post(url, {"latitude": "31.2", "longitude": ""}).status_code == 422
    assert not CustomerLocation.objects.exists()
    assert client.post(url, {"latitude": "31.2304", "longitude": "121.4737"}).status_code == 302
    assert CustomerLocation.objects.get(customer=customer).latitude == Decimal("31.230400")
    panel = client.get(panel_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-location="31.230400,121.473700"' in panel
    # sales1b neither sees nor changes it; clearing both removes it
    assert (
        client_for(org["sales1b"]).post(url, {"latitude": "1", "longitude": "1"}).status_code == 404
    )
    assert client.post(url, {"latitude": "", "longitude": ""}).status_code == 302
    assert not CustomerLocation.objects.exists()


def test_api_checks_in_with_a_photo_and_refuses_bad_input(org, site):
    client = api(org["sales1a"])
    url = f"/api/v1/customers/{site.pk}/checkins"
    response = client.post(url, {"latitude": FAR[0], "longitude": FAR[1], "photo": _png()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["far"] is True and body["distance_m"] > 1000 and body["photo_url"]
    assert client.get(f"/api/v1/checkins/{body['id']}").json()["id"] == body["id"]
    assert api(org["sales2a"]).get(f"/api/v1/checkins/{body['id']}").status_code == 404
    bad = client.post(url, {"latitude": "200", "longitude": "x"})
    assert bad.status_code == 422 and CheckIn.objects.count() == 1
    assert api(org["sales1b"]).post(url, {"latitude": "1", "longitude": "1"}).status_code == 404
    put = client.put(
        f"/api/v1/customers/{site.pk}/location",
        {"latitude": "30.5", "longitude": "114.3"},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["latitude"] == "30.500000"


def test_the_demo_checks_in_near_far_and_without_a_location(org, make_customer):
    for index in range(6):
        make_customer(org["sales1a"], name=f"演示客户{index}", city="上海")
    stats = seed_checkins_demo(seed=3)
    assert stats.checkins == 6 and stats.far == 1 and stats.located == 5
    rows = CheckIn.objects.filter(user=org["sales1a"])
    assert rows.filter(distance_m__isnull=True).count() == 1
    assert all(c.followup.channel == FollowUp.Channel.VISIT for c in rows)
    assert seed_checkins_demo().skipped


def test_a_merge_keeps_the_duplicates_location_and_check_ins(org, make_customer, site):
    primary = make_customer(org["sales1a"], name="主客户")
    checkin = _check_in(org["sales1a"], site)
    customer_merge(actor=org["admin"], primary=primary, duplicate=site)
    assert CustomerLocation.objects.get().customer_id == primary.pk
    checkin.refresh_from_db()
    assert checkin.customer_id == primary.pk


def test_the_day_is_read_in_a_fixed_number_of_queries(
    org, make_customer, site, django_assert_max_num_queries
):
    for _ in range(2):
        _check_in(org["sales1a"], site)
    manager = org["manager"]
    selectors.checkins_of_day(user=manager, day=timezone.localdate())  # scope cached
    with django_assert_max_num_queries(2):
        few = selectors.checkins_of_day(user=manager, day=timezone.localdate())
    for _ in range(6):
        _check_in(org["sales1a"], site)
    with django_assert_max_num_queries(2):
        many = selectors.checkins_of_day(user=manager, day=timezone.localdate())
    assert [len(g.checkins) for g in few] == [2] and [len(g.checkins) for g in many] == [8]
    assert [c.customer.name for c in many[0].checkins][:1] == [site.name]
