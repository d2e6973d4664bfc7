"""SMS providers behind one interface (CARE-4): `sms_adapter()` returns the configured one.

`ConsoleSms` writes the text to the log (the default: the demo and development send
nothing). `AliyunSms` speaks Aliyun's SendSms API (dysmsapi, version 2017-05-25, RPC style,
signature version 1.0: HMAC-SHA1 over the sorted, percent-encoded parameters). Aliyun only
sends texts of registered templates, so the site registers one template whose only
variable is `${content}` and the whole rendered message goes into it."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

logger = logging.getLogger("guanxi.care.sms")


class SmsError(Exception):
    """The provider did not take the message. `transient`: worth trying again later."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class SmsSent:
    provider_id: str


class SmsAdapter(Protocol):
    def send(self, *, phone: str, text: str, reference: str) -> SmsSent:
        """Hand one text to the provider; raise SmsError when it is refused."""
        ...


class ConsoleSms:
    def send(self, *, phone: str, text: str, reference: str) -> SmsSent:
        logger.warning("SMS to %s (%s): %s", phone, reference, text)
        return SmsSent(provider_id=f"console-{reference}")


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Aliyun's signature wants it: space as %20, `*` as %2A, `~` kept."""
    return urllib.parse.quote(value, safe="~")


def aliyun_signature(*, method: str, params: dict[str, str], secret: str) -> str:
    canonical = "&".join(
        f"{percent_encode(key)}={percent_encode(params[key])}" for key in sorted(params)
    )
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# Aliyun's codes that mean "later" rather than "never" (throttling, its own trouble).
_ALIYUN_TRANSIENT = ("isv.BUSINESS_LIMIT_CONTROL", "Throttling", "ServiceUnavailable", "isp.")


@dataclass(kw_only=True)
class AliyunSms:
    endpoint: str
    access_key_id: str
    access_key_secret: str
    sign_name: str
    template_code: str
    region: str = "cn-hangzhou"
    timeout: float = 10.0

    def request_params(self, *, phone: str, text: str, reference: str) -> dict[str, str]:
        # Mainland numbers go without the country code; others as 00-less international.
        number = phone[3:] if phone.startswith("+86") else phone.lstrip("+")
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": reference,
            "PhoneNumbers": number,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({"content": text}, ensure_ascii=False),
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(
            method="POST", params=params, secret=self.access_key_secret
        )
        return params

    def send(self, *, phone: str, text: str, reference: str) -> SmsSent:
        body = urllib.parse.urlencode(
            self.request_params(phone=phone, text=text, reference=reference),
            quote_via=urllib.parse.quote,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the endpoint is the site's setting
            self.endpoint,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                raise SmsError(f"HTTP {exc.code}", transient=exc.code >= 500) from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise SmsError(f"aliyun: {exc}", transient=True) from exc
        code = str(answer.get("Code", ""))
        if code != "OK":
            raise SmsError(
                f"aliyun {code}: {answer.get('Message', '')}"[:180],
                transient=code.startswith(_ALIYUN_TRANSIENT),
            )
        return SmsSent(provider_id=str(answer.get("BizId", "")))


def sms_adapter() -> SmsAdapter:
    if settings.GUANXI_SMS_ADAPTER == "aliyun":
        config: dict[str, str] = settings.GUANXI_SMS_ALIYUN
        return AliyunSms(
            endpoint=config["endpoint"],
            access_key_id=config["access_key_id"],
            access_key_secret=config["access_key_secret"],
            sign_name=config["sign_name"],
            template_code=config["template_code"],
            region=config["region"],
        )
    return ConsoleSms()
