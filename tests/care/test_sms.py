"""SMS (CARE-4): the Aliyun SendSms adapter against a local HTTP server that checks its
signature, and the inbound endpoint for the replies "TD"/"退订" (shared secret)."""

import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from guanxi.care.messages import sending
from guanxi.care.messages.services import MessageNew, is_unsubscribe_reply, message_queue
from guanxi.care.messages.sms import AliyunSms, SmsError, aliyun_signature
from guanxi.care.models import Channel, ConsentEvent, ContactPreference, Message
from tests.care.factories import EmailTemplateFactory

SECRET = "test-secret"


def test_the_signature_matches_aliyuns_documented_example():
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun_signature(method="GET", params=params, secret="testSecret") == (
        "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    )


class FakeAliyun(BaseHTTPRequestHandler):
    """Aliyun's side: checks the signature with the secret and answers like dysmsapi."""

    received: list[dict] = []
    answer_code = "OK"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        signature = params.pop("Signature")
        ok = signature == aliyun_signature(method="POST", params=params, secret=SECRET)
        type(self).received.append(params)
        code = self.answer_code if ok else "SignatureDoesNotMatch"
        payload = {
            "Code": code,
            "Message": code,
            "RequestId": "r1",
            "BizId": "biz-1" if code == "OK" else None,
        }
        data = json.dumps(payload).encode()
        self.send_response(200 if code == "OK" else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def aliyun(settings):
    FakeAliyun.received = []
    FakeAliyun.answer_code = "OK"
    server = HTTPServer(("127.0.0.1", 0), FakeAliyun)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GUANXI_SMS_ADAPTER = "aliyun"
    settings.GUANXI_SMS_ALIYUN = {
        "endpoint": f"http://127.0.0.1:{server.server_port}/",
        "access_key_id": "LTAI-test",
        "access_key_secret": SECRET,
        "sign_name": "关系汽车",
        "template_code": "SMS_000001",
        "region": "cn-hangzhou",
    }
    settings.GUANXI_QUIET_HOURS = "off"
    yield FakeAliyun
    server.shutdown()


def test_an_sms_goes_through_aliyun_with_the_rendered_text(aliyun, make_customer, sales1a):
    customer = make_customer(sales1a, name="李雷", gender="M")
    template = EmailTemplateFactory(
        channel=Channel.SMS, body="{{ customer.surname }}{{ customer.title }}，您的车已到店"
    )
    message = message_queue(new=MessageNew(customer=customer, template=template))
    assert sending.messages_send_due().sent == 1
    [params] = aliyun.received
    assert params["Action"] == "SendSms" and params["PhoneNumbers"] == customer.mobile.removeprefix(
        "+86"
    )
    assert json.loads(params["TemplateParam"]) == {"content": "李先生，您的车已到店"}
    assert params["SignName"] == "关系汽车" and params["OutId"] == str(message.pk)
    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("sent", "biz-1")


def test_a_refused_sms_fails_and_throttling_is_retried(aliyun, make_customer, sales1a):
    customer = make_customer(sales1a)
    template = EmailTemplateFactory(channel=Channel.SMS, body="您好")
    aliyun.answer_code = "isv.MOBILE_NUMBER_ILLEGAL"
    refused = message_queue(new=MessageNew(customer=customer, template=template))
    sending.messages_send_due()
    refused.refresh_from_db()
    assert refused.status == "failed" and "MOBILE_NUMBER_ILLEGAL" in refused.reason
    aliyun.answer_code = "isv.BUSINESS_LIMIT_CONTROL"
    throttled = message_queue(new=MessageNew(customer=customer, template=template))
    sending.messages_send_due()
    throttled.refresh_from_db()
    assert throttled.status == "queued" and throttled.attempts == 1


def test_a_wrong_secret_is_refused():
    adapter = AliyunSms(
        endpoint="http://127.0.0.1:9/",
        access_key_id="a",
        access_key_secret="b",
        sign_name="s",
        template_code="t",
    )
    with pytest.raises(SmsError) as failed:
        adapter.send(phone="+8613800138000", text="x", reference="1")
    assert failed.value.transient  # nobody listening: try again later


@pytest.mark.parametrize(
    "text", ["TD", "td", " T D ", "退订", "T", "n", "R", "退", "取消", "STOP", "ＴＤ", "TD。"]
)
def test_unsubscribe_replies(text):
    assert is_unsubscribe_reply(text)


@pytest.mark.parametrize("text", ["", "你好", "TD 是什么意思？", "不要退订", "OK", "1"])
def test_other_replies(text):
    assert not is_unsubscribe_reply(text)


def _post(client, body: dict, secret: str = SECRET):
    raw = json.dumps(body).encode()
    signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        reverse("care:sms_inbound"),
        raw,
        content_type="application/json",
        headers={"X-Guanxi-Signature": signature},
    )


def test_a_td_reply_unsubscribes_from_sms(client, settings, make_customer, sales1a):
    settings.GUANXI_SMS_INBOUND_SECRET = SECRET
    customer = make_customer(sales1a)
    answer = _post(client, {"phone": customer.mobile, "text": "退订"})
    assert answer.status_code == 200 and answer.json() == {"unsubscribed": 1}
    pref = ContactPreference.objects.get(customer=customer)
    assert pref.sms_unsubscribed_at is not None and pref.email_unsubscribed_at is None
    assert ConsentEvent.objects.get(customer=customer).source == "sms_reply"
    # then SMS to this customer are suppressed
    message = message_queue(
        new=MessageNew(customer=customer, template=EmailTemplateFactory(channel=Channel.SMS))
    )
    settings.GUANXI_QUIET_HOURS = "off"
    sending.messages_send_due()
    message.refresh_from_db()
    assert (message.status, message.reason) == ("suppressed", "unsubscribed")


@pytest.mark.parametrize("secret", ["wrong", ""])
def test_a_wrong_secret_answers_403_and_changes_nothing(
    client, settings, make_customer, sales1a, secret
):
    settings.GUANXI_SMS_INBOUND_SECRET = SECRET
    customer = make_customer(sales1a)
    answer = _post(client, {"phone": customer.mobile, "text": "TD"}, secret=secret or "x")
    assert answer.status_code == 403
    assert not ContactPreference.objects.exists()


def test_without_a_configured_secret_the_endpoint_is_closed(
    client, settings, make_customer, sales1a
):
    settings.GUANXI_SMS_INBOUND_SECRET = ""
    customer = make_customer(sales1a)
    assert _post(client, {"phone": customer.mobile, "text": "TD"}, secret="").status_code == 403
    assert not ContactPreference.objects.exists()
    assert Message.objects.count() == 0
