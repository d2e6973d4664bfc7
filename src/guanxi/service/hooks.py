"""Hooks of the service app for the apps above it (satisfaction, webhooks).

complaint_opened: callback(complaint=) after a complaint is logged and routed (in the
    logging transaction).
complaint_closed: callback(complaint=, actor=) after a complaint is closed, e.g. to send the
    customer a confirmation survey link (in the closing transaction).
complaints_escalated: callback(escalations=, at=) once per batch of the SLA escalation run,
    with the complaints it moved up a level (`complaints.services.Escalation`: complaint id,
    level reached, the person notified, the targets missed), in the batch's transaction; a
    failing callback is logged and undone (a savepoint), never stopping the run.
complaint_sections: callback(request=, complaint=) returns safe HTML or "" for a section of the
    complaint's page (e.g. the customer's confirmation survey and its score); the callback
    checks what the user may see itself.
"""

from guanxi.core.hooks import Hook

complaint_opened = Hook("service_complaint_opened")
complaint_closed = Hook("service_complaint_closed")
complaints_escalated = Hook("service_complaints_escalated")
complaint_sections = Hook("service_complaint_sections")
