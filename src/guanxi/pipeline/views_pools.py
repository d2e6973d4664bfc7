"""Pages of the public pools (公海, INT-6, INT-7): the pools a user belongs to, a pool's
customers with Claim, the release form on the customer 360 page, and pool administration.
Thin: parse, call one selector or service, render. Domain errors become messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.accounts.permissions import MANAGE_USERS
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import DomainError, NotFound, ValidationFailed
from guanxi.core.phones import display_phone, mask_phone
from guanxi.customers.scope import editable_customers, user_covers_customer
from guanxi.pipeline import pools
from guanxi.pipeline.forms_pools import PoolFilterForm, PoolForm, ReleaseForm
from guanxi.pipeline.models import PoolEntry, PublicPool


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_text(exc: DomainError) -> str:
    details = [str(m) for messages_ in exc.field_errors.values() for m in messages_]
    if details and isinstance(exc, ValidationFailed):
        return " ".join(details)
    return str(exc.message)


def _phone(pool, customer) -> str:
    # In a pool the customer has no owner: masked until claimed, whatever the viewer's
    # reveal permission, when the pool says so.
    if pool.masks_phones:
        return mask_phone(customer.mobile)
    return display_phone(customer.mobile)


# ---------------------------------------------------------------- list and pool page


@login_required
def pool_list(request):
    administered = []
    if user_can(request.user, MANAGE_USERS):
        administered = list(PublicPool.objects.order_by("id"))
    else:
        administered = list(PublicPool.objects.filter(admins=request.user).order_by("id"))
    return render(
        request,
        "pipeline/pools/list.html",
        {
            "pools": pools.pools_for_user(request.user),
            "administered": administered,
            "can_create": user_can(request.user, MANAGE_USERS),
        },
    )


@login_required
def pool_detail(request, pool_id):
    try:
        pool = pools.pool_get_for_user(request.user, pool_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    form = PoolFilterForm(request.GET or None)
    cursor = request.GET.get("cursor", "")
    try:
        page = pools.pool_customers_for_user(request.user, pool, cursor=cursor, **form.filters())
    except ValidationFailed:
        cursor = ""
        page = pools.pool_customers_for_user(request.user, pool, **form.filters())
    rows = [{"entry": entry, "phone": _phone(pool, entry.customer)} for entry in page.items]
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "pool": pool,
        "form": form,
        "rows": rows,
        "page": page,
        "cursor": cursor,
        "filter_query": query.urlencode(),
        "can_manage": pools.can_administer(request.user, pool),
    }
    return render(request, "pipeline/pools/detail.html", context)


@login_required
@require_POST
def pool_claim(request, customer_id):
    entry = (
        PoolEntry.objects.select_related("pool", "customer").filter(customer_id=customer_id).first()
    )
    back = reverse("pipeline:pool_list")
    if entry is not None and pools.is_member(request.user, entry.pool):
        back = reverse("pipeline:pool_detail", args=[entry.pool_id])
    try:
        from guanxi.customers.models import Customer

        customer = Customer(pk=customer_id)
        customer = pools.pool_claim(actor=request.user, customer=customer)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        if _htmx(request):
            return render(
                request,
                "pipeline/pools/claim_result.html",
                {"error": _error_text(exc), "customer_id": customer_id},
                status=422,
            )
        messages.error(request, _error_text(exc))
        return redirect(back)
    if _htmx(request):
        return render(request, "pipeline/pools/claim_result.html", {"customer": customer})
    messages.success(request, _("You now own %(name)s.") % {"name": customer.name})
    return redirect("customers:detail", customer_id=customer.pk)


# ---------------------------------------------------------------- release (360 page panel)


def _may_release(user, customer) -> bool:
    return (
        customer.owner_id is not None
        and (customer.owner_id == user.pk or user_covers_customer(user, customer))
        and editable_customers(user).filter(pk=customer.pk).exists()
    )


def release_panel_html(request, customer) -> str | None:
    """customers.panels.detail_panels: the release form for the owner or their manager, or,
    for a customer sitting in a pool the user belongs to, where it sits and Claim."""
    entry = (
        PoolEntry.objects.select_related("pool", "previous_owner")
        .filter(customer_id=customer.pk)
        .first()
    )
    if entry is not None:
        if not pools.is_member(request.user, entry.pool):
            return None
        return render_to_string(
            "pipeline/pools/panel.html", {"entry": entry, "customer": customer}, request=request
        )
    if not _may_release(request.user, customer):
        return None
    if not PublicPool.objects.filter(is_active=True).exists():
        return None
    return render_to_string(
        "pipeline/pools/panel.html",
        {"form": ReleaseForm(), "customer": customer},
        request=request,
    )


@login_required
@require_POST
def pool_release(request, customer_id):
    customer = editable_customers(request.user).filter(pk=customer_id).first()
    if customer is None:
        raise Http404(_("Not found, or you may not see it."))
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason for the release."))
        return redirect("customers:detail", customer_id=customer.pk)
    try:
        entry = pools.pool_release(
            actor=request.user,
            customer=customer,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
        return redirect("customers:detail", customer_id=customer.pk)
    messages.success(
        request,
        _("%(name)s was released to %(pool)s.") % {"name": customer.name, "pool": entry.pool},
    )
    if pools.is_member(request.user, entry.pool) or user_covers_customer(request.user, customer):
        return redirect("customers:detail", customer_id=customer.pk)
    return redirect("pipeline:pool_list")


# ---------------------------------------------------------------- administration


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request, pool_id=None):
    pool = None
    if pool_id is not None:
        pool = PublicPool.objects.filter(pk=pool_id).first()
        if pool is None or not pools.can_administer(request.user, pool):
            raise Http404(_("Not found, or you may not see it."))
    elif not user_can(request.user, MANAGE_USERS):
        raise Http404(_("Not found, or you may not see it."))
    form = PoolForm(request.POST or None, pool=pool)
    if request.method == "POST" and form.is_valid():
        try:
            if pool is None:
                pool = pools.pool_create(actor=request.user, data=form.to_data())
            else:
                pool = pools.pool_update(actor=request.user, pool=pool, data=form.to_data())
        except DomainError as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, str(error))
            if not exc.field_errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The public pool was saved."))
            return redirect("pipeline:pool_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "pipeline/pools/edit.html", {"form": form, "pool": pool}, status=status)
