"""Receivables' connections (ORD-4, ORD-5): the approval finishers for payments and invoices,
the "my overdue instalments" section at the top of the pipeline work list, and the daily
overdue reminder task (crontask only loads `<app>.tasks`, so it is imported here)."""


def connect() -> None:
    from guanxi.pipeline.worklist.hooks import worklist_sections
    from guanxi.sales import (
        approvals,
        tasks_receivables,  # noqa: F401 - registers the daily cron job
    )
    from guanxi.sales.services_receivables import invoice_finish, payment_finish
    from guanxi.sales.views_receivables import overdue_worklist_section

    approvals.register_finisher("payment", payment_finish)
    approvals.register_finisher("invoice", invoice_finish)
    worklist_sections.register(overdue_worklist_section)
