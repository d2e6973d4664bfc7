"""Field check-ins (外勤签到, INTG-5)."""
