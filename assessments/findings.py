"""The findings in words, FINDINGS.md's: the profile line, the caveat that no society is
immune, the measures counted by status, and the chart's scale. Pure functions of scoring's
results; the sentences are whole, for translators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from assessments import lists
from assessments.scoring import (
    DONT_KNOW,
    MEASURE_STATUSES,
    NOT_APPLICABLE,
    NOT_PRIORITY,
    RISK_LEVELS,
    Profile,
    Result,
)

# The chart's scale, short enough for an axis; the profile's table gives the full wording.
CHART_SCALE = (
    gettext_lazy("Not observed"),
    pgettext_lazy("risk level", "Low"),
    pgettext_lazy("risk level", "Moderate"),
    pgettext_lazy("risk level", "High"),
)


@dataclass(frozen=True, slots=True)
class Count:
    text: str  # the whole phrase, count included ("2 partly in place"), plural handled
    count: int


# The highest level's clause, one whole sentence per level (an adjective agrees with its noun
# in many languages, so a level is never slotted into a sentence).
HIGHEST_RATING = {
    "low": gettext_lazy("Highest rating: low (%(count)s: %(factors)s)"),
    "moderate": gettext_lazy("Highest rating: moderate (%(count)s: %(factors)s)"),
    "high": gettext_lazy("Highest rating: high (%(count)s: %(factors)s)"),
}


def level_count(level: str, count: int) -> str:
    """ "3 low": a count and a level as one phrase, with its plural forms."""
    if level == "not_present":
        text = ngettext("%(count)s not observed", "%(count)s not observed", count)
    elif level == "low":
        text = ngettext("%(count)s low", "%(count)s low", count)
    elif level == "moderate":
        text = ngettext("%(count)s moderate", "%(count)s moderate", count)
    else:
        text = ngettext("%(count)s high", "%(count)s high", count)
    return text % {"count": count}


def profile_line(profile: Profile, numbers: Mapping[str, str]) -> str:
    """The profile in words, highest level first: "Highest rating: high (2: 1.3 …, 1.10 …);
    8 not observed; 0 unknown"."""
    if not profile.factors:
        return _("No risk factor is asked, given the answers so far.")
    highest = profile.highest
    unknown = len(profile.not_rated)
    if highest is None:
        return ngettext(
            "No risk factor is rated yet: %(count)s is unknown (“Don't know” or not answered).",
            "No risk factor is rated yet: %(count)s are unknown (“Don't know” or not answered).",
            unknown,
        ) % {"count": unknown}
    if highest == "not_present":
        return ngettext(
            "%(count)s not observed; %(unknown)s unknown.",
            "%(count)s not observed; %(unknown)s unknown.",
            len(profile.at("not_present")),
        ) % {"count": len(profile.at("not_present")), "unknown": unknown}
    top = profile.at(highest)
    named = lists.commas(f"{numbers[f.question.key]} {f.question.title}" for f in top)
    parts = [HIGHEST_RATING[highest] % {"count": len(top), "factors": named}]
    for level in reversed(RISK_LEVELS[: RISK_LEVELS.index(highest)]):
        parts.append(level_count(level, len(profile.at(level))))
    parts.append(ngettext("%(count)s unknown", "%(count)s unknown", unknown) % {"count": unknown})
    return lists.sentence(parts)


def no_risk_caveat(profile: Profile) -> str:
    """Said whenever no factor is rated above "not observed": no figure or word may read as
    immunity (¶ 4)."""
    if profile.highest not in (None, "not_present"):
        return ""
    if profile.highest == "not_present" and not profile.not_rated:
        return _(
            "No risk factor was observed on the evidence available. This does not mean there "
            "is no risk (¶ 4)."
        )
    return _(
        "No risk factor was observed among those rated, and the others are not rated: "
        "unknown is not “not observed”. This does not mean there is no risk (¶ 4)."
    )


MEASURE_COUNT_ORDER = (*reversed(MEASURE_STATUSES), NOT_PRIORITY, NOT_APPLICABLE, DONT_KNOW, None)


def measure_count(status: str | None, count: int) -> str:
    """ "2 partly in place": a count and a measure's status as one phrase, with its plurals."""
    if status == "fully":
        text = ngettext("%(count)s fully in place", "%(count)s fully in place", count)
    elif status == "partly":
        text = ngettext("%(count)s partly in place", "%(count)s partly in place", count)
    elif status == "planned":
        text = ngettext("%(count)s planned", "%(count)s planned", count)
    elif status == "not_in_place":
        text = ngettext("%(count)s not in place", "%(count)s not in place", count)
    elif status == NOT_PRIORITY:
        text = ngettext("%(count)s judged not a priority", "%(count)s judged not a priority", count)
    elif status == NOT_APPLICABLE:
        text = ngettext("%(count)s not applicable", "%(count)s not applicable", count)
    elif status == DONT_KNOW:
        text = ngettext("%(count)s “Don't know”", "%(count)s “Don't know”", count)
    else:
        text = ngettext("%(count)s not answered", "%(count)s not answered", count)
    return text % {"count": count}


def measure_counts(result: Result) -> tuple[Count, ...]:
    counts = result.measures.counts
    return tuple(
        Count(measure_count(status, counts[status]), counts[status])
        for status in MEASURE_COUNT_ORDER
        # Always the four statuses, so that a zero is seen; the rest only when they occur.
        if counts[status] or status in MEASURE_STATUSES
    )
