"""Load the public holidays and 调休 make-up working days the `chinese-calendar` package ships
into the working calendar (data: an administrator changes them on the calendar page)."""

from django.db import migrations

from guanxi.core.workdays import shipped_days


def load(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    present = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=e.date, is_working=e.is_working, name=e.name, name_en=e.name_en)
            for e in shipped_days()
            if e.date not in present
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar_days")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
