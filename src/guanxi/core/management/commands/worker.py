"""`guanxi worker`: django-tasks-db's `db_worker` that first puts right the tasks a dead
worker left RUNNING, and names itself so that the next one can tell (core.task_recovery)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from guanxi.core.task_recovery import tasks_recover_lost, worker_id_new


class Command(BaseCommand):
    help = "Run the background task worker (db_worker), recovering tasks of dead workers first."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, **options):
        result = tasks_recover_lost()
        if result.requeued or result.failed:
            self.stderr.write(
                f"worker: {result.requeued} interrupted task(s) queued again, "
                f"{result.failed} marked failed."
            )
        extra = ["--batch"] if options["batch"] else []
        call_command(
            "db_worker",
            "--no-reload",
            "--worker-id",
            worker_id_new(),
            *extra,
            verbosity=options["verbosity"],
        )
