"""Who may see, edit and review what: the only place that decides.

A country's assessments are seen by that country's members and by reviewers, nobody else.
Views fetch through `get_assessment_for`, so another country's assessment is a 404: its
existence is not disclosed.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from assessments.models import Assessment, Country, Membership

REVIEWERS_GROUP = "Reviewers"

User = AbstractBaseUser | AnonymousUser


def is_verified(user: User) -> bool:
    """Whether this session was confirmed with a second factor (django-otp's middleware)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def needs_second_factor(user: User) -> bool:
    """Who must sign in with a code as well as a password: the secretariat (staff: reviewers
    and admins), and the members of a country that requires it."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Country.objects.filter(memberships__user=user, require_second_factor=True).exists()


def is_reviewer(user: User) -> bool:
    """Secretariat reviewers: staff in the Reviewers group (and superusers), in a session
    verified with their second factor: without it, none of a reviewer's reach."""
    if not (user.is_authenticated and user.is_active and user.is_staff and is_verified(user)):
        return False
    if user.is_superuser:
        return True
    # Asked once per request: the answer is kept on the user object.
    if not hasattr(user, "_r2p_is_reviewer"):
        user._r2p_is_reviewer = user.groups.filter(name=REVIEWERS_GROUP).exists()
    return user._r2p_is_reviewer


def reviewers() -> QuerySet:
    """The secretariat's reviewers, as a queryset of users (is_reviewer's rule)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(Q(is_superuser=True) | Q(groups__name=REVIEWERS_GROUP)).distinct()


def can_see_reads(user: User, assessment: Assessment) -> bool:
    """Who read an assessment is for the secretariat and the country's editors."""
    return (is_reviewer(user) and assessment.status != Assessment.Status.DRAFT) or _role(
        user, assessment
    ) == Membership.Role.EDITOR


def can_export(user: User, assessment: Assessment) -> bool:
    """A whole assessment as a file (JSON, spreadsheet, its evidence files) leaves the app with
    its notes, comments and history: for those who answer for it, its country's editors (in
    any status), and the secretariat once it is submitted. Viewers read it here and in the
    PDF."""
    return can_review(user, assessment) or _role(user, assessment) == Membership.Role.EDITOR


def member_countries(user: User) -> QuerySet[Country]:
    """The countries the user is a member of: their own (a reviewer reaches the others'
    assessments through `reviewable_assessments`)."""
    if not user.is_authenticated:
        return Country.objects.none()
    return Country.objects.filter(memberships__user=user)


def editable_countries_for(user: User) -> QuerySet[Country]:
    if not user.is_authenticated:
        return Country.objects.none()
    return Country.objects.filter(memberships__user=user, memberships__role=Membership.Role.EDITOR)


def visible_assessments(user: User) -> QuerySet[Assessment]:
    """What `user` may see, each row annotated with the user's role in its country.

    A draft is the State's own work until it chooses to submit it: reviewers see an
    assessment from its first submission on (submitted, returned, accepted), never a draft,
    including one withdrawn back to draft."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    role = Membership.objects.filter(country=OuterRef("country"), user=user).values("role")[:1]
    assessments = Assessment.objects.select_related("country", "updated_by").annotate(
        user_role=Subquery(role)
    )
    own = Q(user_role__isnull=False)  # a member of its country, in whatever role
    if is_reviewer(user):
        return assessments.filter(own | ~Q(status=Assessment.Status.DRAFT))
    return assessments.filter(own)


def reviewable_assessments(user: User) -> QuerySet[Assessment]:
    """What the secretariat's screens list: every country's, once submitted."""
    if not is_reviewer(user):
        return Assessment.objects.none()
    return Assessment.objects.exclude(status=Assessment.Status.DRAFT)


def get_assessment_for(user: User, *, code: str, cycle: int) -> Assessment:
    try:
        return visible_assessments(user).get(country__code=code, cycle=cycle)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment.") from None


def get_editable_assessment_for(user: User, *, code: str, cycle: int) -> Assessment:
    """For a write: another country's assessment is a 404, one the user may only read a 403."""
    assessment = get_assessment_for(user, code=code, cycle=cycle)
    if not can_edit(user, assessment):
        raise PermissionDenied
    return assessment


def can_edit(user: User, assessment: Assessment) -> bool:
    """Editors of the assessment's country, while it is a draft or returned for revision."""
    return assessment.is_editable and _role(user, assessment) == Membership.Role.EDITOR


def can_submit(user: User, assessment: Assessment) -> bool:
    return can_edit(user, assessment)


def can_withdraw(user: User, assessment: Assessment) -> bool:
    """Editors, while it is submitted (services.withdraw also asks that no reviewer has
    opened it yet)."""
    return (
        assessment.status == Assessment.Status.SUBMITTED
        and _role(user, assessment) == Membership.Role.EDITOR
    )


def can_start(user: User, country: Country) -> bool:
    return editable_countries_for(user).filter(pk=country.pk).exists()


def can_invite(user: User) -> bool:
    """Adding a person to a country is adding a membership: the permission to change the
    country (its name, its code) is not enough, or a staff user could make themselves one
    of its editors."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("assessments.add_membership")
    )


def can_review(user: User, assessment: Assessment) -> bool:
    return is_reviewer(user) and assessment.status != Assessment.Status.DRAFT


def _role(user: User, assessment: Assessment) -> str | None:
    if not user.is_authenticated:
        return None
    if hasattr(assessment, "user_role"):
        return assessment.user_role
    membership = Membership.objects.filter(country=assessment.country_id, user=user).first()
    return membership.role if membership else None
