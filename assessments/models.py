"""The stored state of assessments. Rules about who may do what live in access.py; every
write goes through services.py; what the answers mean (scores, progress) is scoring.py's."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.scoring import Progress, Response


class UserSettings(models.Model):
    """What a person chooses for themselves: the time zone times are shown in (empty: their
    browser's, else the site's), and the language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="r2p_settings"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # The language the app speaks to them in, on any device (empty: the picker's, else English).
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("user settings")
        verbose_name_plural = _("user settings")

    def __str__(self) -> str:
        return str(self.user)


class PasswordResetRequest(models.Model):
    """A password reset asked for: counted per address and per IP (throttles.py)."""

    email = models.EmailField(_("email"))
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return self.email


class Country(models.Model):
    class Region(models.TextChoices):
        # The UN's regional groups of member States, as the General Assembly uses them.
        AFRICAN = "african", _("African States")
        ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific States")
        EASTERN_EUROPEAN = "eastern_european", _("Eastern European States")
        LATIN_AMERICAN_CARIBBEAN = (
            "latin_american_caribbean",
            _("Latin American and Caribbean States"),
        )
        WESTERN_EUROPEAN_OTHER = "western_european_other", _("Western European and other States")

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use two capital letters, e.g. XA."))],
        help_text=_(
            "ISO 3166 alpha-2 code, or a user-assigned code (XA to XZ) for a fictional State."
        ),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="countries"
    )
    require_second_factor = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_("Its members must sign in with a code from an authenticator app too."),
    )
    region = models.CharField(
        _("regional group"),
        max_length=30,
        choices=Region.choices,
        blank=True,
        help_text=_("The UN regional group of member States it belongs to, if any."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "country"], name="one_membership_per_country")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.country} · {self.get_role_display()}"


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("an assessment's status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("an assessment's status", "Submitted")
        RETURNED = "returned", pgettext_lazy("an assessment's status", "Returned for revision")
        ACCEPTED = "accepted", pgettext_lazy("an assessment's status", "Accepted")

    class Marking(models.TextChoices):
        # The security marking printed on every page of the report: the State's choice.
        UNCLASSIFIED = "unclassified", _("Unclassified")
        RESTRICTED = "restricted", _("Restricted")
        CONFIDENTIAL = "confidential", _("Confidential")

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="assessments")
    cycle = models.PositiveSmallIntegerField(
        _("cycle"), validators=[MinValueValidator(2013), MaxValueValidator(2100)]
    )
    instrument_version = models.CharField(_("instrument version"), max_length=50)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    marking = models.CharField(
        _("security marking"),
        max_length=20,
        choices=Marking.choices,
        default=Marking.RESTRICTED,
        help_text=_("Printed on every page of the report."),
    )
    # Moves on with every write, so anything derived (a rendered PDF) can be keyed by it.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Answered of asked (scoring.overall_progress), kept by every write (services.core), so
    # that a page listing every State's assessments never loads an answer. Empty until first
    # counted: assessments from before these figures are counted when first listed.
    progress_answered = models.PositiveSmallIntegerField(null=True, editable=False)
    progress_total = models.PositiveSmallIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["country__name", "-cycle"]
        constraints = [
            models.UniqueConstraint(fields=["country", "cycle"], name="one_assessment_per_cycle")
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.country} {self.cycle}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def progress(self) -> Progress | None:
        """Answered of asked, as last counted; None if never counted (services.count_progress)."""
        if self.progress_answered is None or self.progress_total is None:
            return None
        return Progress(self.progress_answered, self.progress_total)

    def responses(self) -> dict[str, Response]:
        """The answers as scoring reads them (uses prefetched answers when there are any)."""
        return {a.question_key: a.response() for a in self.answers.all()}

    def dismissed_links(self) -> set[tuple[str, str]]:
        """The suggested links marked not relevant, as scoring reads them."""
        return {(d.risk_key, d.measure_key) for d in self.dismissals.all()}


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question_key = models.CharField(_("question"), max_length=100)
    value = models.CharField(_("answer"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Do no harm: the country's members (and reviewers, once submitted) still read the note.
    keep_out_of_report = models.BooleanField(_("keep the note out of the report"), default=False)
    # The assessment's revision when this answer last changed: a section's revision is the
    # highest of its answers', which is what a concurrent save is checked against.
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The page (one id per page load) that saved it last: a page never conflicts with itself.
    writer = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_key"], name="one_answer_per_question"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.question_key}"

    def response(self) -> Response:
        return Response(self.value, self.note, self.keep_out_of_report)


class Judgement(models.Model):
    """How sure the country is of one answer, and whether someone's view differs: beside the
    answer, kept apart from it so that judging it never conflicts with editing it."""

    class Confidence(models.TextChoices):
        HIGH = "high", pgettext_lazy("confidence in an answer", "High")
        MEDIUM = "medium", pgettext_lazy("confidence in an answer", "Medium")
        LOW = "low", pgettext_lazy("confidence in an answer", "Low")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="judgements")
    question_key = models.CharField(_("question"), max_length=100)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, blank=True
    )
    contested = models.BooleanField(_("contested"), default=False)
    differing_view = models.TextField(_("whose view differs, and how"), blank=True)
    # The assessment's revision when it last changed: a page that loaded an older one is told.
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_key"], name="one_judgement_per_question"
            )
        ]
        verbose_name = _("judgement")
        verbose_name_plural = _("judgements")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.question_key}"


class Source(models.Model):
    """A document behind an answer: a link, or a file kept in private storage under a name no
    one can guess (evidence.py), handed out only through access.py."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        PARLIAMENT = "parliament", _("Parliament")
        COURT = "court", _("Court")
        NHRI = "nhri", _("National human rights institution")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIC = "academic", _("Academic")
        UN_REGIONAL = "un_regional", _("UN or regional body")
        MEDIA = "media", _("Media")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sources")
    question_key = models.CharField(_("question"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuing body"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    issued = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    file = models.FileField(_("file"), max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", file=""), name="source_has_a_link_or_a_file"
            )
        ]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """A commitment the country makes against a risk or a weak measure: what, who leads, by
    when, and how it will be known to be done. Open ones carry to the next cycle."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("an action's status", "Planned")
        UNDER_WAY = "under_way", pgettext_lazy("an action's status", "Under way")
        DONE = "done", pgettext_lazy("an action's status", "Done")
        DROPPED = "dropped", pgettext_lazy("an action's status", "Dropped")

    OPEN = (Status.PLANNED, Status.UNDER_WAY)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField(_("what will be done"))
    lead = models.CharField(_("lead institution"), max_length=300)
    due = models.DateField(
        pgettext_lazy("action plan: the date an action is due", "due"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    reason = models.TextField(_("why it was dropped"), blank=True)
    indicator = models.TextField(_("how it will be known to be done"), blank=True)
    # Keys of the questions (risks, measures) it answers, in questionnaire order.
    questions = models.JSONField(_("questions it answers"), default=list, blank=True)
    # The same action in the cycle before, when carried from there.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # Carried from the cycle before and not yet confirmed, updated or closed in this one.
    to_confirm = models.BooleanField(_("to confirm"), default=False)
    # The assessment's revision when it last changed: a page that loaded an older one is told.
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class DismissedLink(models.Model):
    """A link between a risk factor and a measure, suggested by R2P Assess, that the country
    judged not relevant for this assessment, and why. Kept, shown to reviewers, carried to the
    next cycle; the analysis leaves it out."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="dismissals")
    risk_key = models.CharField(_("risk factor"), max_length=100)
    measure_key = models.CharField(_("measure"), max_length=100)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("marked"), auto_now_add=True)

    class Meta:
        ordering = ["risk_key", "measure_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "risk_key", "measure_key"], name="one_dismissal_per_link"
            )
        ]
        verbose_name = _("link marked not relevant")
        verbose_name_plural = _("links marked not relevant")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.risk_key} → {self.measure_key}"


class AssessmentEvent(models.Model):
    """The record of what happened to an assessment: written once, never changed."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("history event", "Started")
        ANSWERS_SAVED = "answers_saved", _("Answers saved")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", pgettext_lazy("history event", "Returned for revision")
        ACCEPTED = "accepted", pgettext_lazy("history event", "Accepted")
        COMMENTED = "commented", _("Review comment")
        REPLIED = "replied", _("Reply to a review comment")
        WITHDRAWN = "withdrawn", _("Submission withdrawn")
        LINK_DISMISSED = "link_dismissed", _("Suggested link marked not relevant")
        LINK_RESTORED = "link_restored", _("Suggested link restored")
        MARKING_SET = "marking_set", _("Security marking chosen")
        SOURCE_ADDED = "source_added", _("Source added")
        SOURCE_REMOVED = "source_removed", _("Source removed")
        JUDGED = "judged", _("Confidence or contest recorded")
        ACTION_ADDED = "action_added", _("Action added to the plan")
        ACTION_CHANGED = "action_changed", _("Action updated")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.get_kind_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("An assessment event is never changed once written.")
        super().save(*args, **kwargs)


class Read(models.Model):
    """Who read an assessment, what and when: its results, its PDF report, its review page.
    A log of its own, apart from the events: reading changes nothing, so it never moves the
    revision (nor makes a stored report stale), and autosaves are not reads."""

    class What(models.TextChoices):
        RESULTS = "results", _("Results page")
        REPORT = "report", _("PDF report")
        REVIEW = "review", _("Review page")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    what = models.CharField(_("what"), max_length=10, choices=What.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["assessment", "at"])]
        verbose_name = _("read")
        verbose_name_plural = _("reads")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.get_what_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("A read is never changed once recorded.")
        super().save(*args, **kwargs)


class ReportRender(models.Model):
    """Where one language's copy of an assessment's PDF report stands (rendering.py). Kept
    here, not in the task queue: the queue has no de-duplication, no time limit and no
    recovery of work that a dead worker had claimed."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="renders")
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # The revision to render (queued, running) or rendered (ready).
    revision = models.PositiveIntegerField(_("revision"))
    # Writes push this on, so that a render starts once the assessment has been quiet.
    not_before = models.DateTimeField(_("not before"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "language"], name="one_render_per_language"
            )
        ]
        verbose_name = _("report render")
        verbose_name_plural = _("report renders")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.language} · {self.get_state_display()}"


class ReviewComment(models.Model):
    """A reviewer's question on one answer (or, with no question key, on the whole
    assessment), and the country's reply."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    question_key = models.CharField(_("question"), max_length=100, blank=True)
    # A comment on an action of the plan, rather than on a question.
    action = models.ForeignKey(
        "Action", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.question_key or _('general')}"

    @property
    def is_general(self) -> bool:
        return not self.question_key and self.action_id is None
