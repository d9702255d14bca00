from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions

from core.models import ApiClient


class HasScope(permissions.BasePermission):
    """Views name ``required_scope``; None means public (rate-limited per IP)."""

    def has_permission(self, request, view):
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True
        client = request.auth
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated(_("需要接口密钥：Authorization: Bearer <密钥>"))
        if scope not in client.scopes:
            raise exceptions.PermissionDenied(_("该接口客户端没有“%(scope)s”权限") % {"scope": scope})
        return True
