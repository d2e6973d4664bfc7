"""Pages of the customer archive (ARC-1 … ARC-9). Thin: parse, call one service or selector,
render. Domain errors become messages or form errors, never a 500."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.permissions import (
    DELETE,
    EXPORT,
    HANDOVER,
    MERGE,
    PURGE,
    REASSIGN,
    REVEAL_PII,
)
from guanxi.accounts.selectors import user_permissions
from guanxi.core import home
from guanxi.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from guanxi.core.forms import form_add_errors
from guanxi.core.home import HomeSection, home_section
from guanxi.core.http import file_download, form_saved, is_htmx, page_or_partial
from guanxi.core.pagination import Page
from guanxi.core.phones import display_phone, mask_phone
from guanxi.customers import panels
from guanxi.customers.archive import exports, selectors, services
from guanxi.customers.archive.forms import (
    AttachmentForm,
    ContactForm,
    CustomerFilterForm,
    CustomerForm,
    HandoverForm,
    MergeForm,
    ReassignForm,
    ShareForm,
)
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import Customer, CustomFieldDefinition

TABS = ("profile", "contacts", "collaborators", "attachments", "timeline", "history")


def _perms(user) -> dict:
    codes = user_permissions(user=user)
    return {
        "can_export": EXPORT in codes,
        "can_reveal": REVEAL_PII in codes,
        "can_delete": DELETE in codes,
        "can_purge": PURGE in codes,
        "can_merge": MERGE in codes,
        "can_reassign": REASSIGN in codes,
        "can_handover": HANDOVER in codes,
    }


def _get_customer(request, customer_id, *, include_deleted=False) -> Customer:
    return selectors.customer_get_for_user(
        user=request.user, customer_id=customer_id, include_deleted=include_deleted
    )


def _error_message(request, exc: DomainError) -> None:
    text = str(exc.message)
    details = [str(m) for messages_ in exc.field_errors.values() for m in messages_]
    if details and isinstance(exc, ValidationFailed):
        text = " ".join(details)
    messages.error(request, text)


# ---------------------------------------------------------------- list and export


@login_required
@require_GET
def customer_list(request):
    form = CustomerFilterForm(
        request.GET or None,
        user=request.user,
        options=CustomerFilterForm.shows_options(request.GET),
    )
    filters = form.to_filters()
    cursor = request.GET.get("cursor", "")
    cursor_error = None
    try:
        page = selectors.customer_list_rows_for_user(
            user=request.user, filters=filters, cursor=cursor, count=False
        )
    except ValidationFailed as exc:
        # A broken or outdated page link: say so and show the first page.
        cursor_error = " ".join(str(m) for m in exc.field_errors.get("cursor", [exc.message]))
        cursor = ""
        page = selectors.customer_list_rows_for_user(
            user=request.user, filters=filters, count=False
        )
    context = {
        "form": form,
        "page": page,
        "cursor": cursor,
        "cursor_error": cursor_error,
        "export_query": form.querystring() if request.GET else "",
        **_perms(request.user),
    }
    template = page_or_partial(
        request, "customers/list.html", target="customer-results", partial="results"
    )
    return render(request, template, context)


@login_required
@require_GET
def customer_filter_fields(request):
    """The list's filter fields with their option lists, loaded when the panel is opened."""
    form = CustomerFilterForm(request.GET or None, user=request.user)
    return render(request, "customers/list.html#filter_fields", {"form": form})


@login_required
@require_GET
def customer_count(request):
    """The capped total of the list's current selection, loaded by the list page after it."""
    form = CustomerFilterForm(request.GET or None, user=request.user, options=False)
    total, capped = selectors.customer_count_for_user(user=request.user, filters=form.to_filters())
    page: Page[Customer] = Page(items=[], next_cursor=None, total=total, total_capped=capped)
    return render(request, "customers/list.html#total", {"page": page})


def _export(request, writer):
    form = CustomerFilterForm(request.GET or None, user=request.user, options=False)
    return writer(user=request.user, filters=form.to_filters(), request=request)


@login_required
@require_GET
def export_csv(request):
    return _export(request, exports.export_csv)


@login_required
@require_GET
def export_xlsx(request):
    return _export(request, exports.export_xlsx)


# ---------------------------------------------------------------- create / edit


def _duplicate_notice(request, exc: CustomerDuplicate):
    if exc.visible and exc.match_id:
        url = reverse("customers:detail", args=[exc.match_id])
        return format_html(
            '{} <a href="{}">{}</a>', exc.message, url, _("Open the existing customer")
        )
    return str(exc.message)


def _refusal_on_form(request, form, exc: CustomerDuplicate | ValidationFailed):
    """The refusal's errors go on the form; a duplicate also answers the notice above it."""
    form_add_errors(form, exc)
    return _duplicate_notice(request, exc) if isinstance(exc, CustomerDuplicate) else None


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    form = CustomerForm(request.POST or None, initial={"kind": request.GET.get("kind", "person")})
    notice = None
    if request.method == "POST" and form.is_valid():
        data, tags = form.to_input()
        try:
            customer = services.customer_create(actor=request.user, data=data, tags=tags)
        except (CustomerDuplicate, ValidationFailed) as exc:
            notice = _refusal_on_form(request, form, exc)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/form.html",
        {"form": form, "customer": None, "notice": notice},
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, customer_id):
    customer = _get_customer(request, customer_id)
    if not selectors.customer_can_edit(user=request.user, customer=customer):
        raise PermissionDenied(_("You may not change this customer."))
    notice = conflict = None
    if request.method == "POST":
        form = CustomerForm(request.POST, customer=customer)
        if form.is_valid():
            data, tags = form.to_input()
            version = form.cleaned_data.get("version")
            try:
                with transaction.atomic():
                    updated = services.customer_update(
                        actor=request.user, customer=customer, data=data, expected_version=version
                    )
                    services.customer_set_tags(actor=request.user, customer=updated, tags=tags)
            except Conflict:
                conflict = True
                form.add_error(
                    None,
                    _(
                        "Someone else saved this customer after you opened it. Your changes "
                        "were not saved: reload the form to see the current data."
                    ),
                )
            except (CustomerDuplicate, ValidationFailed) as exc:
                notice = _refusal_on_form(request, form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("customers:detail", updated.pk)
    else:
        form = CustomerForm(initial=CustomerForm.initial_for(customer), customer=customer)
    return render(
        request,
        "customers/form.html",
        {"form": form, "customer": customer, "notice": notice, "conflict": conflict},
    )


# ---------------------------------------------------------------- 360 page (ARC-8)

PROFILE_SECTIONS = CustomerForm.SECTIONS


def _display(customer: Customer, name: str):
    if name == "id_number":
        return customer.id_number_masked
    if name == "tags":
        return None
    field = Customer._meta.get_field(name)
    if field.choices:
        return getattr(customer, f"get_{name}_display")() if getattr(customer, name) else ""
    value = getattr(customer, name)
    return value


def _profile(customer: Customer) -> list:
    """[(section title, [(label, value, revealable field or "")])] — filled fields only."""
    sections = []
    for title, names in PROFILE_SECTIONS:
        rows = []
        for name in names:
            if name in ("tags", "kind", "name"):
                continue
            value = _display(customer, name)
            if value in (None, ""):
                continue
            label = (
                _("ID number")
                if name == "id_number"
                else Customer._meta.get_field(name).verbose_name
            )
            if name in services.REVEALABLE:
                shown = mask_phone(value) if name != "id_number" else value
                rows.append((label, shown, name))
            elif name == "fax":
                rows.append((label, display_phone(value), ""))
            else:
                rows.append((label, value, ""))
        if rows:
            sections.append((title, rows))
    custom = []
    if customer.custom_data:
        for definition in CustomFieldDefinition.objects.filter(key__in=list(customer.custom_data)):
            value = customer.custom_data.get(definition.key)
            if isinstance(value, bool):
                value = _("Yes") if value else _("No")
            custom.append((definition.label, value, ""))
    if custom:
        sections.append((_("Custom fields"), custom))
    return sections


def _detail_context(request, customer: Customer, tab: str, **extra) -> dict:
    tab = tab if tab in TABS else "profile"
    user = request.user
    can_edit = selectors.customer_can_edit(user=user, customer=customer)
    context = {
        "customer": customer,
        "tab": tab,
        "tabs": [
            ("profile", _("Profile")),
            ("contacts", _("Contacts")),
            ("collaborators", _("Collaborators")),
            ("attachments", _("Attachments")),
            ("timeline", _("Timeline")),
            ("history", _("History")),
        ],
        "tags": selectors.customer_tags(customer=customer),
        "can_edit": can_edit,
        **_perms(user),
    }
    if tab == "profile":
        context["profile"] = _profile(customer)
    elif tab == "contacts":
        context["contacts"] = selectors.customer_contacts(customer=customer)
        context.setdefault("contact_form", ContactForm())
    elif tab == "collaborators":
        context["shares"] = selectors.customer_shares(customer=customer)
        context.setdefault("share_form", ShareForm())
    elif tab == "attachments":
        context["attachments"] = selectors.customer_attachments(customer=customer)
        context.setdefault("attachment_form", AttachmentForm())
    elif tab == "timeline":
        events, more = selectors.customer_timeline(
            customer=customer, before=request.GET.get("before", "")
        )
        context["events"], context["more"] = events, more
    elif tab == "history":
        context["history"] = _masked_history(selectors.customer_history(customer=customer))
    context.update(extra)
    return context


def _masked_history(records):
    """Phones in the change history are masked like everywhere else (ARC-6)."""
    labels = {str(Customer._meta.get_field(name).verbose_name) for name in CustomerForm.PHONES}
    masked = []
    for record, lines in records:
        lines = [
            (label, mask_phone(old) if old != "—" else old, mask_phone(new) if new != "—" else new)
            if str(label) in labels
            else (label, old, new)
            for label, old, new in lines
        ]
        masked.append((record, lines))
    return masked


def _render_detail(request, customer, tab, *, status=200, **extra):
    context = _detail_context(request, customer, tab, **extra)
    template = "customers/detail.html#panel" if is_htmx(request) else "customers/detail.html"
    if not is_htmx(request):
        context["extra_panels"] = panels.render_panels(request=request, customer=customer)
    return render(request, template, context, status=status)


@login_required
@require_GET
def customer_detail(request, customer_id):
    customer = _get_customer(request, customer_id)
    return _render_detail(request, customer, request.GET.get("tab", "profile"))


@login_required
@require_GET
def customer_timeline(request, customer_id):
    """The next rows of the timeline ("more", via htmx)."""
    customer = _get_customer(request, customer_id)
    events, more = selectors.customer_timeline(
        customer=customer, before=request.GET.get("before", "")
    )
    return render(
        request,
        "customers/detail.html#timeline_rows",
        {"customer": customer, "events": events, "more": more},
    )


@login_required
@require_POST
def customer_reveal(request, customer_id, field):
    customer = _get_customer(request, customer_id)
    try:
        value = services.customer_reveal(
            actor=request.user, customer=customer, field=field, request=request
        )
    except ValidationFailed as exc:
        raise Http404(str(exc.message)) from exc
    shown = value if field == "id_number" else display_phone(value)
    return HttpResponse(format_html('<span class="gx-revealed font-monospace">{}</span>', shown))


# ---------------------------------------------------------------- contacts


def _after_panel_change(request, customer, tab, success_message):
    messages.success(request, success_message)
    if is_htmx(request):
        return _render_detail(request, customer, tab)
    return redirect(f"{reverse('customers:detail', args=[customer.pk])}?tab={tab}")


def _panel_form(request, customer, *, tab, form_name, form, action, done):
    """A form on a tab of the 360 page: `action(form)` when the form is valid, then the tab
    with the message `done`; else the tab again, the form showing the errors (422)."""
    if form.is_valid():
        try:
            action(form)
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            return _after_panel_change(request, customer, tab, done)
    return _render_detail(request, customer, tab, status=422, **{form_name: form})


def _tab_action(view):
    """A POST from a tab of the 360 page (contacts, collaborators, files): signed in, POST
    only, and the view gets the customer (404 when the user may not see them) for its id."""

    @login_required
    @require_POST
    @functools.wraps(view)
    def with_customer(request, customer_id, **kwargs):
        return view(request, _get_customer(request, customer_id), **kwargs)

    return with_customer


def _find(items, item_id):
    for item in items:
        if str(item.pk) == str(item_id):
            return item
    raise Http404()


@_tab_action
def contact_add(request, customer):
    return _panel_form(
        request,
        customer,
        tab="contacts",
        form_name="contact_form",
        form=ContactForm(request.POST),
        action=lambda form: services.contact_create(
            actor=request.user, customer=customer, data=form.to_input()
        ),
        done=_("Contact added."),
    )


@_tab_action
def contact_edit(request, customer, contact_id):
    contact = _find(selectors.customer_contacts(customer=customer), contact_id)
    form = ContactForm(request.POST)
    form.is_valid()
    try:
        services.contact_update(
            actor=request.user, contact=contact, data=form.to_input(editing=True)
        )
    except ValidationFailed as exc:
        _error_message(request, exc)
        return _render_detail(request, customer, "contacts", status=422)
    return _after_panel_change(request, customer, "contacts", _("Contact saved."))


@_tab_action
def contact_delete(request, customer, contact_id):
    contact = _find(selectors.customer_contacts(customer=customer), contact_id)
    services.contact_delete(actor=request.user, contact=contact)
    return _after_panel_change(request, customer, "contacts", _("Contact removed."))


# ---------------------------------------------------------------- collaborators


@_tab_action
def share_add(request, customer):

    def share(form):
        try:
            services.share_set(
                actor=request.user,
                customer=customer,
                user=form.cleaned_data["user"],
                can_edit=form.cleaned_data["can_edit"],
                expires_at=form.expires_at(),
            )
        except ValidationFailed as exc:
            if "expires_at" in exc.field_errors:  # the form calls it "until"
                exc.field_errors["until"] = exc.field_errors.pop("expires_at")
            raise

    return _panel_form(
        request,
        customer,
        tab="collaborators",
        form_name="share_form",
        form=ShareForm(request.POST),
        action=share,
        done=_("Collaborator saved."),
    )


@_tab_action
def share_remove(request, customer, user_id):
    share = next(
        (s for s in selectors.customer_shares(customer=customer) if s.user_id == int(user_id)), None
    )
    if share is None:
        raise Http404()
    services.share_remove(actor=request.user, customer=customer, user=share.user)
    return _after_panel_change(request, customer, "collaborators", _("Collaborator removed."))


# ---------------------------------------------------------------- attachments


@_tab_action
def attachment_upload(request, customer):
    return _panel_form(
        request,
        customer,
        tab="attachments",
        form_name="attachment_form",
        form=AttachmentForm(request.POST, request.FILES),
        action=lambda form: services.attachment_add(
            actor=request.user,
            customer=customer,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        ),
        done=_("File attached."),
    )


@login_required
@require_GET
def attachment_download(request, customer_id, attachment_id):
    customer = _get_customer(request, customer_id)
    attachment = _find(selectors.customer_attachments(customer=customer), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404() from exc
    return file_download(
        handle,
        filename=attachment.original_name,
        content_type=attachment.content_type,
        cache="private, no-store",
    )


@_tab_action
def attachment_delete(request, customer, attachment_id):
    attachment = _find(selectors.customer_attachments(customer=customer), attachment_id)
    services.attachment_delete(actor=request.user, attachment=attachment)
    return _after_panel_change(request, customer, "attachments", _("File removed."))


# ---------------------------------------------------------------- owner, delete, merge


@login_required
@require_http_methods(["GET", "POST"])
def customer_reassign(request, customer_id):
    customer = _get_customer(request, customer_id)
    if not _perms(request.user)["can_reassign"]:
        raise PermissionDenied(_("You may not change the owner of customers."))
    form = ReassignForm(request.POST or None, user=request.user)

    def save(data):
        try:
            services.customer_reassign(
                actor=request.user,
                customer=customer,
                to_user=data["to_user"],
                reason=data["reason"],
            )
        except ValidationFailed as exc:
            if "owner" in exc.field_errors:  # the form calls it "to_user"
                exc.field_errors["to_user"] = exc.field_errors.pop("owner")
            raise
        return _("Owner changed.")

    if form_saved(request, form, save):
        return redirect("customers:detail", customer.pk)
    return render(request, "customers/reassign.html", {"customer": customer, "form": form})


@login_required
@require_POST
def customer_delete(request, customer_id):
    customer = _get_customer(request, customer_id)
    services.customer_delete(actor=request.user, customer=customer, request=request)
    messages.success(request, _("%(name)s was moved to the recycle bin.") % {"name": customer.name})
    return redirect("customers:list")


@login_required
@require_http_methods(["GET", "POST"])
def customer_merge(request, customer_id):
    customer = _get_customer(request, customer_id)
    if not _perms(request.user)["can_merge"]:
        raise PermissionDenied(_("You may not merge customers."))
    source = (
        request.POST
        if request.method == "POST"
        else (request.GET if "other" in request.GET else None)
    )
    form = MergeForm(source)
    other = None
    if source is not None and form.is_valid():
        try:
            other = selectors.customer_get_for_user(
                user=request.user, customer_id=form.cleaned_data["other"]
            )
        except NotFound as exc:
            form.add_error("other", str(exc.message))
        if other is not None and other.pk == customer.pk:
            form.add_error("other", _("Choose two different customers."))
            other = None
    if request.method == "POST" and other is not None and request.POST.get("confirm") == "1":
        try:
            services.customer_merge(
                actor=request.user, primary=customer, duplicate=other, request=request
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(other)s was merged into %(name)s.")
                % {"other": other.name, "name": customer.name},
            )
            return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/merge.html",
        {
            "customer": customer,
            "form": form,
            "other": other,
            "candidates": selectors.duplicate_candidates_for_user(
                user=request.user, customer=customer
            ),
        },
    )


# ---------------------------------------------------------------- recycle bin


@login_required
@require_GET
def recycle_bin(request):
    cursor = request.GET.get("cursor", "")
    try:
        page = selectors.recycle_bin_for_user(user=request.user, cursor=cursor)
    except ValidationFailed as exc:
        _error_message(request, exc)
        cursor = ""
        page = selectors.recycle_bin_for_user(user=request.user)
    return render(
        request,
        "customers/recycle_bin.html",
        {
            "rows": page.items,
            "cursor": cursor,
            "next_cursor": page.next_cursor,
            **_perms(request.user),
        },
    )


@login_required
@require_POST
def customer_restore(request, customer_id):
    customer = _get_customer(request, customer_id, include_deleted=True)
    try:
        services.customer_restore(actor=request.user, customer=customer, request=request)
    except CustomerDuplicate as exc:
        messages.error(request, _duplicate_notice(request, exc))
    except ValidationFailed as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("%(name)s was restored.") % {"name": customer.name})
    return redirect("customers:recycle_bin")


@login_required
@require_POST
def customer_purge(request, customer_id):
    customer = _get_customer(request, customer_id, include_deleted=True)
    services.customer_purge(actor=request.user, customer=customer, request=request)
    messages.success(request, _("%(name)s was deleted permanently.") % {"name": customer.name})
    return redirect("customers:recycle_bin")


# ---------------------------------------------------------------- handover (ARC-9)


@login_required
@require_http_methods(["GET", "POST"])
def handover(request):
    if not _perms(request.user)["can_handover"]:
        raise PermissionDenied(_("You may not hand over customers."))
    form = HandoverForm(request.POST or None)
    moved = None
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.customer_handover(
                actor=request.user,
                from_user=form.cleaned_data["from_user"],
                to_user=form.cleaned_data["to_user"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)d customers were handed over to %(user)s.")
                % {"count": moved, "user": form.cleaned_data["to_user"]},
            )
            return redirect(f"{reverse('customers:handover')}?moved={moved}")
    if moved is None and request.GET.get("moved", "").isdigit():
        moved = int(request.GET["moved"])
    return render(request, "customers/handover.html", {"form": form, "moved": moved})


# ---------------------------------------------------------------- home page


def home_lookup_section(*, request, user, kinds, **kwargs) -> HomeSection | None:
    """Find a customer at once (a caller, a visitor), and the newest customers: the home of
    the service agent, customer relations and marketing."""
    if not kinds & {home.SERVICE, home.RELATIONS, home.MARKETING}:
        return None
    context = {
        "newest": selectors.customers_newest_for_user(user=user)
        if kinds & {home.SERVICE, home.RELATIONS}
        else [],
        "focus": home.SERVICE in kinds,
    }
    wide = home.SERVICE in kinds
    return home_section("customers/home_lookup.html", request, context, order=1, wide=wide)
