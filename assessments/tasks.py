"""Work done off the request path by the worker (`manage.py db_worker`: django-tasks and its
database backend). A task is a row committed with the write that asked for it, or not at all.

Tasks carry ids and codes only, never content, links or tokens: the queue's admin shows their
arguments. What a task needs it reads when it runs.

The queue retries nothing by itself: a task that fails queues its next attempt, later, then
fails, so that each failed attempt stays in the queue's admin with its error.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django_tasks import task

from assessments import notifications, rendering

logger = logging.getLogger(__name__)

# Emails before renders, when both wait.
EMAIL_PRIORITY = 10
# Waits before the 2nd, 3rd, ... attempt: a mail server down for an hour loses nothing.
EMAIL_RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60)]


@task(priority=EMAIL_PRIORITY)
def send_email(kind: str, *, language: str, attempt: int = 1, **ids: int | str) -> int:
    try:
        return notifications.send(kind, language=language, **ids)
    except ObjectDoesNotExist:
        logger.info("The %r email %s is about something deleted since: not sent", kind, ids)
        return 0
    except Exception:
        if attempt > len(EMAIL_RETRY_DELAYS):
            logger.exception("Gave up the %r email %s after %d attempts", kind, ids, attempt)
            raise
        delay = EMAIL_RETRY_DELAYS[attempt - 1]
        send_email.using(run_after=timezone.now() + delay).enqueue(
            kind, language=language, attempt=attempt + 1, **ids
        )
        logger.warning(
            "The %r email %s failed (attempt %d); again in %s", kind, ids, attempt, delay
        )
        raise


@task()
def render_report(assessment_pk: int, language: str) -> str:
    """Render and keep an assessment's report (rendering.py decides whether, and retries)."""
    return rendering.run(assessment_pk, language)
