"""Survey templates, answers, satisfaction scores and improvement plans (SAT)."""
