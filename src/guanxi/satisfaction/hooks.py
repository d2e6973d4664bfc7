"""Extension points of the satisfaction app for apps above it.

`low_score`: called at once when a response's overall score is below its template's threshold,
after the recovery task is opened — e.g. the complaint side opens a complaint from it. A
callback gets (response=SurveyResponse, task=CareTask | None)."""

from guanxi.core.hooks import Hook

low_score = Hook("satisfaction_low_score")
