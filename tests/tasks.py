"""Running what the app queued (assessments/tasks.py), as the worker would, in tests that use
the in-memory queue (tests/conftest.py)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import default_task_backend


def run_tasks(*, name: str | None = None) -> list[BaseException]:
    """Run every queued task that is due (named `name`, if given), and those they queue that
    are due too; return the errors raised, as the worker records them."""
    errors = []
    while due := [
        result
        for result in default_task_backend.results
        if (name is None or result.task.name == name)
        and (result.task.run_after is None or result.task.run_after <= timezone.now())
    ]:
        for result in due:
            default_task_backend.results.remove(result)
            try:
                result.task.call(*result.args, **result.kwargs)
            except Exception as error:
                errors.append(error)
    return errors


def queued(name: str) -> list:
    """The tasks named `name` waiting in the queue, due or not."""
    return [r for r in default_task_backend.results if r.task.name == name]
