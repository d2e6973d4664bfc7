"""Administration pages of the customer-side configuration: custom fields, duplicate rules,
tags and lead sources. Everyone else gets 403 (permission customer.manage_fields)."""

from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from guanxi.accounts.decorators import permission_required
from guanxi.accounts.permissions import MANAGE_FIELDS
from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.core.http import action_then_back, form_page, form_saved, render_form
from guanxi.customers.configuration import selectors, services
from guanxi.customers.configuration.forms import CustomFieldForm, SourceForm, TagForm
from guanxi.customers.models import CustomFieldDefinition, Source, Tag

# Pages for holders of customer.manage_fields; everyone else gets 403.
manage_fields_required = permission_required(MANAGE_FIELDS)


# ---------------------------------------------------------------- custom fields


@manage_fields_required
def custom_field_list(request):
    return render(
        request,
        "customers/settings/custom_fields.html",
        {"fields": selectors.custom_field_list()},
    )


@manage_fields_required
@require_http_methods(["GET", "POST"])
def custom_field_create(request):
    def save(data):
        services.custom_field_create(actor=request.user, data=services.CustomFieldInput(**data))
        return _("Custom field created.")

    return form_page(
        request,
        form=CustomFieldForm(request.POST or None),
        save=save,
        back="customer_settings:custom_fields",
        title=_("New custom field"),
        submit=_("Create"),
    )


@manage_fields_required
@require_http_methods(["GET", "POST"])
def custom_field_edit(request, pk):
    field = get_object_or_404(CustomFieldDefinition, pk=pk)
    initial = model_to_dict(
        field, fields=["label", "applies_to", "required", "sort_order", "is_active"]
    ) | {"choices": "\n".join(str(c) for c in field.choices or [])}

    def save(data):
        services.custom_field_update(
            actor=request.user, field=field, data=services.CustomFieldInput(**data)
        )
        return _("Custom field saved.")

    return form_page(
        request,
        form=CustomFieldForm(request.POST or None, initial=initial, editing=True),
        save=save,
        back="customer_settings:custom_fields",
        title=_("Edit custom field %(label)s (%(type)s)")
        % {"label": field.label, "type": field.get_field_type_display()},
        submit=_("Save"),
    )


# ---------------------------------------------------------------- duplicate rules


@manage_fields_required
def duplicate_rule_list(request):
    return render(
        request,
        "customers/settings/duplicate_rules.html",
        {"rules": selectors.duplicate_rule_list()},
    )


@manage_fields_required
@require_POST
def duplicate_rule_toggle(request, field):
    active = request.POST.get("active") == "1"

    def switch():
        services.duplicate_rule_set_active(actor=request.user, field=field, active=active)
        return _("Duplicate rule switched on.") if active else _("Duplicate rule switched off.")

    return action_then_back(
        request,
        switch,
        back="customer_settings:duplicate_rules",
        refused=(ValidationFailed, Conflict),
    )


# ---------------------------------------------------------------- tags


@manage_fields_required
def tag_list(request):
    return render(
        request,
        "customers/settings/tags.html",
        {"tags": selectors.tag_list(), "form": TagForm()},
    )


@manage_fields_required
@require_POST
def tag_create(request):
    form = TagForm(request.POST)

    def save(data):
        services.tag_create(actor=request.user, **data)
        return _("Tag created.")

    if form_saved(request, form, save):
        return redirect("customer_settings:tags")
    return render_form(
        request, "customers/settings/tags.html", {"tags": selectors.tag_list()}, form=form
    )


@manage_fields_required
@require_http_methods(["GET", "POST"])
def tag_edit(request, pk):
    tag = get_object_or_404(Tag, pk=pk)

    def save(data):
        services.tag_rename(actor=request.user, tag=tag, **data)
        return _("Tag saved.")

    return form_page(
        request,
        form=TagForm(request.POST or None, initial={"name": tag.name, "color": tag.color}),
        save=save,
        back="customer_settings:tags",
        title=_("Edit tag %(name)s") % {"name": tag.name},
        submit=_("Save"),
    )


@manage_fields_required
@require_POST
def tag_delete(request, pk):
    tag = get_object_or_404(Tag, pk=pk)

    def delete():
        services.tag_delete(actor=request.user, tag=tag)
        return _("Tag deleted.")

    return action_then_back(request, delete, back="customer_settings:tags")


# ---------------------------------------------------------------- lead sources


@manage_fields_required
def source_list(request):
    return render(request, "customers/settings/sources.html", {"sources": selectors.source_list()})


@manage_fields_required
@require_http_methods(["GET", "POST"])
def source_create(request):
    def save(data):
        services.source_create(actor=request.user, data=services.SourceInput(**data))
        return _("Lead source created.")

    return form_page(
        request,
        form=SourceForm(request.POST or None),
        save=save,
        back="customer_settings:sources",
        title=_("New lead source"),
        submit=_("Create"),
    )


@manage_fields_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk):
    source = get_object_or_404(Source, pk=pk)
    initial = model_to_dict(source, fields=["name", "name_en", "group", "sort_order", "is_active"])

    def save(data):
        services.source_update(actor=request.user, source=source, data=services.SourceInput(**data))
        return _("Lead source saved.")

    return form_page(
        request,
        form=SourceForm(request.POST or None, initial=initial, editing=True),
        save=save,
        back="customer_settings:sources",
        title=_("Edit lead source %(name)s") % {"name": source},
        submit=_("Save"),
    )
