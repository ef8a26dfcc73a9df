"""The findings in words, FINDINGS.md's: the profile line, the caveat that no society is
immune, the measures counted by status, and the chart's scale. Pure functions of scoring's
results; the sentences are whole, for translators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

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
    label: str
    count: int


# The levels as the profile line names them, lower case inside a sentence.
LEVEL_WORDS = {
    "not_present": gettext_lazy("not observed"),
    "low": gettext_lazy("low"),
    "moderate": gettext_lazy("moderate"),
    "high": gettext_lazy("high"),
}


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
    named = ", ".join(f"{numbers[f.question.key]} {f.question.title}" for f in top)
    parts = [
        _("Highest rating: %(level)s (%(count)s: %(factors)s)")
        % {"level": LEVEL_WORDS[highest], "count": len(top), "factors": named}
    ]
    for level in reversed(RISK_LEVELS[: RISK_LEVELS.index(highest)]):
        parts.append(
            _("%(count)s %(level)s")
            % {"count": len(profile.at(level)), "level": LEVEL_WORDS[level]}
        )
    parts.append(_("%(count)s unknown") % {"count": unknown})
    return "; ".join(parts) + "."


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


def measure_counts(result: Result) -> tuple[Count, ...]:
    counts = result.measures.counts
    words = {
        "fully": _("fully in place"),
        "partly": _("partly in place"),
        "planned": _("planned"),
        "not_in_place": _("not in place"),
        NOT_PRIORITY: _("judged not a priority"),
        NOT_APPLICABLE: _("not applicable"),
        DONT_KNOW: _("“Don't know”"),
        None: _("not answered"),
    }
    return tuple(
        Count(words[status], counts[status])
        for status in MEASURE_COUNT_ORDER
        # Always the four statuses, so that a zero is seen; the rest only when they occur.
        if counts[status] or status in MEASURE_STATUSES
    )
