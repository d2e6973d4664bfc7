"""The home page (RPT-1): one page, whose sections each app adds for the kinds of work a user
does. A role names its kinds of home (`accounts.home_kinds`); a callback of `home_sections`
gets (request=, user=, kinds=) and returns a `HomeSection` for the kinds it serves, or None.
Apps built later (care, service) add their sections the same way."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from guanxi.core.hooks import Hook
from guanxi.core.scope import AnyUser

# The kinds of home a role can have.
SALES = "sales"  # a consultant's own day: due work, targets, pipeline
MANAGER = "manager"  # the team: approvals, targets against actual, funnel, receivables
RELATIONS = "relations"  # customer relations: the customer base after the sale
SERVICE = "service"  # a service agent: find the caller, what is open for them
MARKETING = "marketing"  # where the customers come from
ADMIN = "admin"  # the installation: users, sign-in locks, audit

KINDS = (SALES, MANAGER, RELATIONS, SERVICE, MARKETING, ADMIN)


@dataclass(frozen=True)
class HomeSection:
    order: int  # smaller first
    html: SafeString
    wide: bool = False  # the whole row at 1280 px instead of half


home_sections = Hook("home_sections")


def home_section(
    template: str, request: HttpRequest, context: dict, *, order: int, wide: bool = False
) -> HomeSection:
    """A section rendered from an app's template."""
    html = render_to_string(template, context, request=request)
    return HomeSection(order=order, html=html, wide=wide)


def home_sections_for(
    *, request: HttpRequest, user: AnyUser, kinds: frozenset[str]
) -> list[HomeSection]:
    found = home_sections.call_all(request=request, user=user, kinds=kinds)
    return sorted((section for section in found if section is not None), key=lambda s: s.order)
