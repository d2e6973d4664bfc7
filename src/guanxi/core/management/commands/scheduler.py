"""`guanxi scheduler`: django-crontask's scheduler, at most one per installation.

Two schedulers would enqueue every cron job twice. Before it starts, the scheduler takes an
installation-wide lock — a PostgreSQL advisory lock (any number of machines share one
database), or a file lock in the data directory with SQLite — and a second one waits as a
standby until the first ends. It is the only process that imports django-crontask: it hands over
the cron expressions the task modules recorded (core/schedule.py), then starts crontask's loop."""

import time

import crontask
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.core.management import call_command
from django.core.management.base import BaseCommand

from guanxi.core.installation_lock import installation_lock_try
from guanxi.core.schedule import periodic_tasks_discover

STANDBY_POLL = 15  # seconds between a standby scheduler's attempts


class Command(BaseCommand):
    help = "Run the cron scheduler (one per installation; others wait as standby)."

    def handle(self, *args, **options):
        lock = installation_lock_try("scheduler")
        if lock is None:
            self.stderr.write("scheduler: another scheduler runs for this installation; waiting.")
            while lock is None:
                time.sleep(STANDBY_POLL)
                lock = installation_lock_try("scheduler")
        try:
            for periodic in periodic_tasks_discover():
                crontask.cron(periodic.expression)(periodic.task)
            call_command(
                CrontaskCommand(),
                "--no-heartbeat",
                "--no-task-loading",
                verbosity=options["verbosity"],
            )
        finally:
            lock.release()
