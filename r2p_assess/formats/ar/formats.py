# Arabic dates as United Nations documents write them ("29 نوفمبر 2026", a 24-hour clock).
# Django's Arabic locale has no date-and-time format, so times fell back to the American
# English order ("نوفمبر 29, 2026, 8:52 ص").
from __future__ import annotations

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
TIME_FORMAT = "H:i"
