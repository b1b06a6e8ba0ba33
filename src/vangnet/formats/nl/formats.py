"""Dutch date formats: one way to write a date in the whole UI (docs/i18n.md, "Dates")."""

DATE_FORMAT = "j F Y"  # 4 december 2026
DATETIME_FORMAT = "j F Y, H:i"  # 4 december 2026, 14:05
SHORT_DATE_FORMAT = "d-m-Y"  # 04-12-2026 (tables, forms)
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
