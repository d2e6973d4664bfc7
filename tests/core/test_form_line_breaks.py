"""FormLineBreaksMiddleware: posted text keeps LF line breaks, whichever way it was sent;
a view exempt from CSRF (a gateway's signed callback) still reads its raw body."""

from django.test import RequestFactory
from django.views.decorators.csrf import csrf_exempt

from guanxi.core.middleware import FormLineBreaksMiddleware


def _view(request):
    return None


def _middleware():
    return FormLineBreaksMiddleware(lambda request: None)


def test_crlf_and_cr_become_lf_in_every_value():
    request = RequestFactory().post("/x/", {"terms": "一\r\n二\r三", "tags": ["a\r\nb", "c"]})
    _middleware().process_view(request, _view, (), {})
    assert request.POST["terms"] == "一\n二\n三"
    assert request.POST.getlist("tags") == ["a\nb", "c"]
    assert not request.POST._mutable


def test_urlencoded_too():
    request = RequestFactory().post(
        "/x/", "notes=a%0D%0Ab", content_type="application/x-www-form-urlencoded"
    )
    _middleware().process_view(request, _view, (), {})
    assert request.POST["notes"] == "a\nb"


def test_a_csrf_exempt_view_reads_its_body_as_sent():
    request = RequestFactory().post("/x/", {"notes": "a\r\nb"})
    _middleware().process_view(request, csrf_exempt(_view), (), {})
    assert b"a\r\nb" in request.body
    assert request.POST["notes"] == "a\r\nb"


def test_json_is_left_alone():
    request = RequestFactory().post("/x/", '{"notes": "a\\r\\nb"}', content_type="application/json")
    _middleware().process_view(request, _view, (), {})
    assert request.body == b'{"notes": "a\\r\\nb"}'
