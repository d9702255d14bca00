"""Who sees which departments in 履职评估 and 尽职免责, and which departments a figure takes in.

- ``visible_department_ids(user)``: the departments whose evaluation results, reports and 尽职免责
  a user may read. An official sees their department's subtree (issue 17: "an official sees their
  department's subtree"); the platform administrator and the 监督人员 (overseers, DESIGN.md: "the
  admin's dashboard and 履职评估") see every department. ``None`` means all.
- ``department_scope(ids, include_subtree)``: ``{department id: [member ids]}``, the departments whose
  items count for each evaluated department (itself, or its whole subtree), in one recursive query.
"""

from django.db import connection

from core.choices import Role
from core.scoping import is_platform_admin
from supervision.selectors import department_ancestor_ids, department_subtree_ids


def sees_all(user) -> bool:
    if is_platform_admin(user):
        return True
    if not (user and user.is_authenticated):
        return False
    cached = getattr(user, "_oversight_sees_all", None)
    if cached is None:
        cached = user._oversight_sees_all = user.groups.filter(name=Role.AUDITOR).exists()
    return cached


def visible_department_ids(user) -> list[int] | None:
    """``None`` for every department; otherwise the official's subtree (empty without a department)."""
    if sees_all(user):
        return None
    department_id = getattr(user, "department_id", None)
    if department_id is None:
        return []
    cached = getattr(user, "_oversight_subtree", None)
    if cached is None:
        cached = user._oversight_subtree = department_subtree_ids(department_id)
    return cached


def scope_departments(queryset, user, field: str = "department"):
    """Rows of the departments ``user`` may see (``field`` names the department foreign key)."""
    ids = visible_department_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}_id__in": ids})


def is_superior(user, department_id: int) -> bool:
    """A platform administrator, or an official of a department above ``department_id`` (never of the
    department itself): who may accept or reject a 尽职免责 reason."""
    own = getattr(user, "department_id", None)
    if own is not None and own == department_id:
        return False
    if is_platform_admin(user):
        return True
    return own is not None and own in department_ancestor_ids(department_id)


def department_scope(department_ids, include_subtree: bool) -> dict[int, list[int]]:
    """``{id: [ids whose items count for it]}``: itself, or (``include_subtree``) its whole subtree."""
    ids = sorted(set(department_ids))
    if not include_subtree:
        return {i: [i] for i in ids}
    scope = {i: [] for i in ids}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE tree(root_id, id) AS (
                SELECT id, id FROM supervision_department WHERE id = ANY(%s)
                UNION
                SELECT tree.root_id, d.id FROM supervision_department d JOIN tree ON d.parent_id = tree.id
            )
            SELECT root_id, id FROM tree ORDER BY root_id, id
            """,
            [ids],
        )
        for root_id, member_id in cursor.fetchall():
            scope[root_id].append(member_id)
    return scope
