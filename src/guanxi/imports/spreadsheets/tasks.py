"""The import's background phases run by the task worker (INTG-1). A worker killed
mid-import leaves the task RUNNING; core.task_recovery queues it again, and batch_process
resumes after the last committed chunk."""

from django.tasks import task

from guanxi.imports.spreadsheets.services import batch_process


@task
def import_process(batch_id: int) -> dict[str, object]:
    batch = batch_process(batch_id=batch_id)
    return {"batch": batch.pk, "status": batch.status, "rows": batch.rows_done}
