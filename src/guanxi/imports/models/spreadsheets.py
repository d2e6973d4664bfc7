"""Spreadsheet imports (INTG-1) of customers, of follow-ups and of purchase history (the
batch's `kind`): the uploaded file, its column mapping and options, the dry run's and the
run's progress, and one outcome row per imported or refused row — the checkpoint that makes
a run resumable and idempotent, and the link by which every imported record knows its batch
(a customer by `customer`, a follow-up or a historic contract by `record_id`)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import Department, user_fk
from guanxi.core.model_parts import optional_fk
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Customer


class ImportTemplate(models.Model):
    """A named column mapping a user saved: header text → field key."""

    # indexed by the unique (owner, name) below (imports_template_owner_name)
    owner = user_fk("import_templates", db_index=False)
    name = models.CharField(_("name"), max_length=60)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("import template")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="imports_template_owner_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportBatchQuerySet(ScopedQuerySet["ImportBatch"]):
    """Batches in the data scope of the user who started them and their department."""

    scope_owner_field = "owner"


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        # (a context: the list's column "Uploaded" is the time, 上传时间)
        UPLOADED = "uploaded", pgettext_lazy("import status", "Uploaded")
        CHECKING = "checking", _("Dry run")
        CHECKED = "checked", _("Checked")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")
        ROLLED_BACK = "rolled_back", _("Rolled back")

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        FOLLOWUPS = "followups", _("Follow-ups")
        PURCHASES = "purchases", _("Purchase history")

    class OnDuplicate(models.TextChoices):
        SKIP = "skip", _("Skip the row")
        UPDATE_EMPTY = "update_empty", _("Fill the match's empty fields")
        UPDATE_ALL = "update_all", _("Overwrite the match's fields")

    owner = user_fk("import_batches", on_delete=models.PROTECT, db_index=False)
    department = optional_fk(Department)
    # whose customers the rows become when the row names no owner (the importer by default)
    default_owner = user_fk("+", on_delete=models.PROTECT)
    kind = models.CharField(
        _("what is imported"), max_length=10, choices=Kind.choices, default=Kind.CUSTOMERS
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    file_kind = models.CharField(max_length=4)  # csv | xlsx
    encoding = models.CharField(_("encoding"), max_length=30, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # field key → column index
    on_duplicate = models.CharField(
        _("duplicates"), max_length=20, choices=OnDuplicate.choices, default=OnDuplicate.SKIP
    )
    create_sources = models.BooleanField(_("create unknown sources"), default=False)
    create_tags = models.BooleanField(_("create unknown tags"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(default=0)
    # the phase under way: the dry run ("check") or the import ("run"), and its checkpoint
    phase = models.CharField(max_length=5, default="check")
    rows_done = models.PositiveIntegerField(default=0)
    check_counts = models.JSONField(default=dict)
    run_counts = models.JSONField(default=dict)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    failure = models.CharField(max_length=300, blank=True)
    report = models.FileField(upload_to="imports/reports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["owner", "-id"], name="imports_batch_owner_idx"),
            models.Index(fields=["status"], name="imports_batch_status_idx"),
        ]
        constraints = [
            # the same file is imported by one batch at a time: two starts of it at once
            # cannot both run (INTG-1, "nothing doubled")
            models.UniqueConstraint(
                fields=["file_sha256"],
                condition=Q(status__in=["queued", "running"]),
                name="imports_one_running_per_file",
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class ImportRow(models.Model):
    """What became of one data row of a batch in a phase: a record created or a customer
    updated (run), a duplicate, or an error with the row's original cells for the error
    report. `customer` is the customer the row created, updated or (follow-ups, purchases)
    was attached to; `record_id` the follow-up or contract a follow-up or purchase row
    created (its model follows from the batch's kind)."""

    class Outcome(models.TextChoices):
        NEW = "new", _("New")
        UPDATED = "updated", _("Updated")
        DUPLICATE = "duplicate", _("Duplicate")
        ERROR = "error", _("Error")

    # indexed by the unique (batch, phase, row_number) below (imports_row_once)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    phase = models.CharField(max_length=5)  # check | run
    row_number = models.PositiveIntegerField()  # as the spreadsheet numbers it (header = 1)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    customer = optional_fk(Customer, related_name="import_rows")
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    cells = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "phase", "row_number"], name="imports_row_once"
            )
        ]
        indexes = [
            models.Index(fields=["batch", "phase", "outcome"], name="imports_row_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.phase}:{self.row_number}"


class ImportChunk(models.Model):
    """One chunk of a batch's rows in the import phase (rows number × CHUNK onwards): `done`
    turns true in the transaction that writes the chunk's records, so it is the checkpoint.
    Several workers share a batch by each locking an undone chunk's row before doing it (a
    worker killed mid-chunk loses its transaction and with it the lock)."""

    # indexed by the unique (batch, number) below (imports_chunk_once)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="chunks", db_index=False
    )
    number = models.PositiveIntegerField()
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="imports_chunk_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number}"
