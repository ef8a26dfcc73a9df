# English dates as United Nations documents write them ("29 November 2026", a 24-hour clock),
# not Django's American default ("Nov. 29, 2026, 5:51 p.m."). The other languages keep
# Django's own formats for their locale, but Arabic (ar/formats.py).
from __future__ import annotations

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
