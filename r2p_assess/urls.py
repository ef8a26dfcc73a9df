from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from assessments import views
from assessments.forms import LoginForm
from assessments.tokens import invitation_token_generator
from assessments.views import second_factor
from assessments.views.account import PasswordResetView, account_settings, set_language

handler400 = "assessments.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The reviewer's dashboard list as CSV, with the same filters.
    path("review/assessments.csv", views.review_csv, name="review_csv"),
    path("assessments/", include("assessments.urls")),
    path("questionnaire.pdf", views.questionnaire, name="questionnaire_current"),
    path("questionnaire/<path:version>.pdf", views.questionnaire, name="questionnaire"),
    # Setting a password from an invitation (or a reset) logs the person in and lands them on
    # their dashboard: the link in the email is the whole onboarding. An invitation's link has
    # a token of its own, valid a week; a reset link's is valid an hour.
    path(
        "accounts/invitation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            token_generator=invitation_token_generator,
            post_reset_login=True,
            post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
            success_url=reverse_lazy("home"),
        ),
        name="invitation_confirm",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            post_reset_login=True,
            post_reset_login_backend="django.contrib.auth.backends.ModelBackend",
            success_url=reverse_lazy("home"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    # Reset links are built from DJANGO_SITE_URL, never from the request's Host header.
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/settings/", account_settings, name="account_settings"),
    path("accounts/second-factor/", second_factor.verify, name="second_factor_verify"),
    path("accounts/second-factor/set-up/", second_factor.enrol, name="second_factor_enrol"),
    path(
        "accounts/second-factor/recovery-codes/",
        second_factor.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path("accounts/second-factor/remove/", second_factor.remove, name="second_factor_remove"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
