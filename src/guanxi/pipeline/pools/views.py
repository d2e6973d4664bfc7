"""Pages of the public pools (公海, INT-6, INT-7): the pools a user belongs to, a pool's
customers with Claim, the release form on the customer 360 page, and pool administration.
Thin: parse, call one selector or service, render. Refusals become messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.permissions import MANAGE_USERS
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from guanxi.core.http import form_saved, is_htmx, panel_response, query_without
from guanxi.core.phones import display_phone, mask_phone
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer
from guanxi.pipeline.errors import error_text
from guanxi.pipeline.models import PoolEntry, PublicPool
from guanxi.pipeline.pools import selectors, services
from guanxi.pipeline.pools.forms import PoolFilterForm, PoolForm, ReleaseForm


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
    if user_can(user=request.user, permission=MANAGE_USERS):
        administered = list(PublicPool.objects.order_by("id"))
    else:
        administered = list(PublicPool.objects.filter(admins=request.user).order_by("id"))
    return render(
        request,
        "pipeline/pools/list.html",
        {
            "pools": selectors.pools_for_user(user=request.user),
            "administered": administered,
            "can_create": user_can(user=request.user, permission=MANAGE_USERS),
        },
    )


@login_required
def pool_detail(request, pool_id):
    pool = selectors.pool_get_for_user(user=request.user, pool_id=pool_id)
    form = PoolFilterForm(request.GET or None)
    cursor = request.GET.get("cursor", "")
    try:
        page = selectors.pool_customers_for_user(
            user=request.user, pool=pool, cursor=cursor, **form.filters()
        )
    except ValidationFailed:
        cursor = ""
        page = selectors.pool_customers_for_user(user=request.user, pool=pool, **form.filters())
    rows = [{"entry": entry, "phone": _phone(pool, entry.customer)} for entry in page.items]
    query = query_without(request, "cursor")
    context = {
        "pool": pool,
        "form": form,
        "rows": rows,
        "page": page,
        "cursor": cursor,
        "filter_query": query,
        "can_manage": selectors.can_administer(user=request.user, pool=pool),
    }
    return render(request, "pipeline/pools/detail.html", context)


@login_required
@require_POST
def pool_claim(request, customer_id):
    entry = (
        PoolEntry.objects.select_related("pool", "customer").filter(customer_id=customer_id).first()
    )
    back = reverse("pipeline:pool_list")
    if entry is not None and selectors.is_member(user=request.user, pool=entry.pool):
        back = reverse("pipeline:pool_detail", args=[entry.pool_id])
    try:
        customer = services.pool_claim(actor=request.user, customer=Customer(pk=customer_id))
    except (ValidationFailed, Conflict) as exc:
        if is_htmx(request):
            return render(
                request,
                "pipeline/pools/claim_result.html",
                {"error": error_text(exc), "customer_id": customer_id},
                status=422,
            )
        messages.error(request, error_text(exc))
        return redirect(back)
    if is_htmx(request):
        return render(request, "pipeline/pools/claim_result.html", {"customer": customer})
    messages.success(request, _("You now own %(name)s.") % {"name": customer.name})
    return redirect("customers:detail", customer_id=customer.pk)


# ---------------------------------------------------------------- release (360 page panel)


def _release_panel_context(request, customer) -> dict | None:
    """The release form for the owner or their manager, or, for a customer sitting in a pool
    the user belongs to, where it sits and Claim; None when neither applies."""
    entry = (
        PoolEntry.objects.select_related("pool", "previous_owner")
        .filter(customer_id=customer.pk)
        .first()
    )
    if entry is not None:
        if not selectors.is_member(user=request.user, pool=entry.pool):
            return None
        return {"entry": entry, "customer": customer}
    if not selectors.may_release(user=request.user, customer=customer):
        return None
    if not PublicPool.objects.filter(is_active=True).exists():
        return None
    return {"form": ReleaseForm(), "customer": customer}


@login_required
@require_GET
def customer_pool_panel(request, customer_id):
    """The 360 page's public-pool panel, loaded after the page (customers.panels.LazyPanel):
    nothing to htmx when there is nothing the user may do."""
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    context = _release_panel_context(request, customer)
    if context is None:
        if is_htmx(request):
            return HttpResponse("")
        return redirect("customers:detail", customer_id=customer.pk)
    return panel_response(
        request,
        "pipeline/pools/panel.html",
        context,
        title=_("Public pool"),
        back_url=reverse("customers:detail", args=[customer.pk]),
    )


@login_required
@require_POST
def pool_release(request, customer_id):
    customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first()
    if customer is None or not selectors.may_release(user=request.user, customer=customer):
        raise NotFound()
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason for the release."))
        return redirect("customers:detail", customer_id=customer.pk)
    try:
        entry = services.pool_release(actor=request.user, customer=customer, **form.cleaned_data)
    except DomainError as exc:
        # Every refusal (someone released it first, only the owner or their manager may)
        # is shown on the customer's page the user came from.
        messages.error(request, error_text(exc))
        return redirect("customers:detail", customer_id=customer.pk)
    messages.success(
        request,
        _("%(name)s was released to %(pool)s.") % {"name": customer.name, "pool": entry.pool},
    )
    if selectors.is_member(user=request.user, pool=entry.pool) or (
        Customer.objects.visible_to(request.user).filter(pk=customer.pk).exists()
    ):
        return redirect("customers:detail", customer_id=customer.pk)
    return redirect("pipeline:pool_list")


# ---------------------------------------------------------------- administration


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request, pool_id=None):
    pool = None
    if pool_id is not None:
        pool = PublicPool.objects.filter(pk=pool_id).first()
        if pool is None or not selectors.can_administer(user=request.user, pool=pool):
            raise NotFound()
    elif not user_can(user=request.user, permission=MANAGE_USERS):
        raise NotFound()
    form = PoolForm(request.POST or None, pool=pool)

    # The form turns its cleaned data into the service's input itself.
    def save(_cleaned):
        if pool is None:
            services.pool_create(actor=request.user, data=form.to_data())
        else:
            services.pool_update(actor=request.user, pool=pool, data=form.to_data())
        return _("The public pool was saved.")

    if form_saved(request, form, save):
        return redirect("pipeline:pool_list")
    status = 422 if request.method == "POST" else 200
    return render(request, "pipeline/pools/edit.html", {"form": form, "pool": pool}, status=status)
