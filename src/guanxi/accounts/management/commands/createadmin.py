"""`guanxi createadmin --username X [--password Y] [--department NAME]`: a user with the
administrator role. Without --password it asks twice when run in a terminal."""

import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from guanxi.accounts.models import Department, Role, RoleCode, User
from guanxi.accounts.services import user_create
from guanxi.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user with the administrator role."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="Asked for when omitted (terminal only).")
        parser.add_argument("--name", default="", help="Display name.")
        parser.add_argument("--email", default="")
        parser.add_argument("--department", default="", help="Name or id of a department.")

    def _password(self, given):
        if given:
            return given
        if not sys.stdin.isatty():
            raise CommandError("--password is required when stdin is not a terminal.")
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The two passwords differ.")
        return first

    def _department(self, value):
        if not value:
            return None
        department = None
        if value.isdigit():
            department = Department.objects.filter(pk=int(value)).first()
        department = department or Department.objects.filter(name=value).order_by("path").first()
        if department is None:
            raise CommandError(f"No department {value!r}.")
        return department

    def handle(self, *args, **options):
        username = options["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        role = Role.objects.filter(code=RoleCode.ADMIN).first()
        if role is None:
            raise CommandError("The administrator role is missing; run `guanxi migrate` first.")
        department = self._department(options["department"])
        password = self._password(options["password"])
        try:
            with transaction.atomic():
                user = user_create(
                    username=username,
                    password=password,
                    display_name=options["name"],
                    email=options["email"],
                    department=department,
                    roles=[role],
                )
        except DomainError as error:
            problems = [m for messages in error.field_errors.values() for m in messages]
            raise CommandError("; ".join(str(m) for m in problems) or str(error.message)) from error
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.username} created."))
