"""SSRF (INTG-3): a target's every resolved address must be global unless an administrator
allowed the host; the connection goes to the checked address."""

import pytest

from guanxi.core.errors import ValidationFailed
from guanxi.webhooks.common.net import UnsafeTarget, address_forbidden, target_check
from guanxi.webhooks.subscriptions.services import SubscriptionData, subscription_create


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.100.100.200",  # Alibaba Cloud metadata (shared address space)
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_forbidden(address):
    assert address_forbidden(address)


@pytest.mark.parametrize("address", ["1.1.1.1", "140.205.60.46", "2400:3200::1"])
def test_public_addresses_are_allowed(address):
    assert not address_forbidden(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://0x7f000001/",  # 127.0.0.1 in hex, as getaddrinfo reads it
        "http://2130706433/",  # 127.0.0.1 as one number
    ],
)
def test_urls_to_internal_hosts_are_refused(url):
    with pytest.raises(UnsafeTarget):
        target_check(url, allowed_hosts=set())


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "file:///etc/passwd", "http://user:pw@example.com/", "http://"]
)
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(UnsafeTarget):
        target_check(url, allowed_hosts=set())


def test_an_allowed_host_passes_and_is_pinned_to_its_address():
    target = target_check("http://127.0.0.1:8123/a?b=1", allowed_hosts={"127.0.0.1"})
    assert target.addresses == ("127.0.0.1",)
    assert (target.port, target.path) == (8123, "/a?b=1")


@pytest.mark.django_db
def test_a_subscription_to_an_internal_url_is_refused_with_a_field_error(admin_user):
    with pytest.raises(ValidationFailed) as refused:
        subscription_create(
            actor=admin_user,
            data=SubscriptionData(
                name="内网", kind="json", url="http://10.0.0.5/hook", events=["customer.created"]
            ),
        )
    assert "url" in refused.value.field_errors
