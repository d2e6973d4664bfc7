"""Extension points of the care app for apps above it.

`task_created`: called inside `visits.services.care_task_create`, in its transaction, once a
care task (a 回访 by hand, by a care rule, a tracked action …) exists. A callback gets
(task=CareTask, actor=User | None); e.g. the satisfaction app sends its survey link when a care
rule's satisfaction 回访 is to be done online (issue 15)."""

from guanxi.core.hooks import Hook

task_created = Hook("care_task_created")
