"""The admin site, for the secretariat: only a session verified with a second factor gets in,
and signing in is the app's own (password, then the code), not the admin's login form."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode


class SecondFactorAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return super().has_permission(request) and bool(
            getattr(user, "is_verified", lambda: False)()
        )

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        target = request.GET.get("next") or resolve_url("admin:index")
        return redirect(f"{resolve_url('login')}?{urlencode({'next': target})}")


class R2PAdminConfig(AdminConfig):
    default_site = "r2p_assess.admin_site.SecondFactorAdminSite"
