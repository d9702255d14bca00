"""Department scoping: the one place that says what an official may see and change (DOMAIN: officials
see only what their department may). Every admin, view and API scoping site goes through these four
functions, the way netbox puts one ``RestrictedQuerySet.restrict()`` under every view.

- ``is_platform_admin(user)``: superuser or 平台管理员, who see every department.
- ``department_of(user)``: the official's department (None for the public and API clients).
- ``scope_to_department(queryset, user, field="department")``: the rows the user's department owns.
- ``owns(user, obj, field="department")``: the same question for one object.
"""

from django.db.models import QuerySet

from core.choices import Role


def is_platform_admin(user) -> bool:
    """Superuser or 平台管理员. The group check is remembered on the user object, which lives for one
    request, because an admin page asks it once per registered model and row."""
    if not (user and getattr(user, "is_authenticated", False)):
        return False
    if getattr(user, "is_superuser", False):
        return True
    cached = getattr(user, "_platform_admin", None)
    if cached is None:
        cached = user._platform_admin = user.groups.filter(name=Role.PLATFORM_ADMIN).exists()
    return cached


def department_of(user):
    return getattr(user, "department", None)


def scope_to_department(queryset: QuerySet, user, field: str = "department") -> QuerySet:
    """Rows an official may change: their own department's, or all for a platform admin."""
    if is_platform_admin(user):
        return queryset
    department_id = getattr(user, "department_id", None)
    if department_id is None:
        return queryset.none()
    return queryset.filter(**{f"{field}_id" if "__" not in field else field: department_id})


def owns(user, obj, field: str = "department") -> bool:
    """Whether ``user`` may change ``obj``: a platform admin, or an official of the department in ``obj.<field>``."""
    if is_platform_admin(user):
        return True
    department_id = getattr(user, "department_id", None)
    return department_id is not None and getattr(obj, f"{field}_id", None) == department_id
