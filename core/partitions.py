"""Monthly partitions with retention (issue 16 §5).

The tables that grow without bound (the 逢办必查 check log, credit reports, change events, webhook
deliveries and their attempts) are declaratively partitioned by month (``PARTITION BY RANGE`` on a
timestamp; months in ``TIME_ZONE``). Each has one partition per month, named ``<table>_pYYYYMM``, and a
``<table>_default`` partition that catches a row of a month without its own partition (a back-dated
import; a test's clock), so a write never fails for want of a partition.

**The job** (``partitions_maintain``, beat 分区维护 daily): for every partitioned table it creates the
partitions of this month and the next ``AHEAD_MONTHS`` (and of any month found in the default
partition, moving those rows out), then for every ``RetentionPolicy`` it drops (DETACH + DROP) each
partition whose whole month is older than the policy, and deletes the default partition's rows past
it. Each drop is one transaction with its audit event (row count, range); for change events the same
transaction raises the feed's horizon (``core.changes``) to the highest cursor dropped, so an older
cursor gets 410. Rows that point into a dropped partition through a foreign key without a database
constraint (a delivery's attempts) go in the same transaction. Running it twice changes nothing.

**Privileges.** The worker connects as the application role, which owns no table (core/dbroles.py),
so the DDL runs in three ``SECURITY DEFINER`` functions owned by the migrating owner
(``portal_partition_create``, ``_lock``, ``_drop``). They accept only range-partitioned tables, a
``pYYYYMM`` suffix, and ``_drop`` only a partition of a table named by a retention policy whose upper
bound is past that policy both at the given time and on the database's own clock.

**Keys.** On a partitioned table every unique key includes the partition key, so the database's
primary key is ``(id, <key>)``; Django keeps ``id`` as the model's primary key, which stays unique
(one sequence hands ids out, and nothing writes ids by hand), so lookups by id are unchanged. See
``convert`` for how an existing table is turned into a partitioned one.
"""

import datetime as dt
import re
from dataclasses import astuple

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from core import audit, changes
from core.retention import MIN_DAYS, NEVER_DROPPED, RetentionPolicy

AHEAD_MONTHS = 3  # partitions exist for this month and the next three
TASK_ACTOR = "task:core.maintain_partitions"
LOCK_TIMEOUT = "10s"  # a drop waits this long for readers of the table, then is retried the next night
ADVISORY_KEY = 16_05  # pg_advisory_xact_lock(ADVISORY_KEY, hashtext(table)): one maintainer per table
_SUFFIX = re.compile(r"^p(\d{4})(\d{2})$")


# --- months ---------------------------------------------------------------------------------------


def month_of(moment) -> dt.date:
    """The first day of the local month of a datetime or date."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return moment.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local month ``[lo, hi)`` as aware datetimes."""
    tz = timezone.get_default_timezone()
    lo = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    following = add_months(month, 1)
    return lo, dt.datetime(following.year, following.month, 1, tzinfo=tz)


def suffix(month: dt.date) -> str:
    return f"p{month:%Y%m}"


# --- the SECURITY DEFINER functions (created by core/migrations/0010) -----------------------------

FUNCTIONS_SQL = r"""
CREATE OR REPLACE FUNCTION portal_partition_create(parent regclass, suffix text, lo timestamptz, hi timestamptz)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    base text; keycol text; dflt oid; dflt_name text; part text; moved bigint := 0; ix record;
BEGIN
    SELECT c.relname, a.attname, pt.partdefid INTO base, keycol, dflt
      FROM pg_partitioned_table pt
      JOIN pg_class c ON c.oid = pt.partrelid
      JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
     WHERE pt.partrelid = parent AND pt.partstrat = 'r';
    IF base IS NULL THEN
        RAISE EXCEPTION '% is not a range-partitioned table', parent;
    END IF;
    IF suffix !~ '^p[0-9]{6}$' OR hi <= lo OR hi - lo > interval '32 days' THEN
        RAISE EXCEPTION 'invalid partition % [%, %)', suffix, lo, hi;
    END IF;
    part := base || '_' || suffix;
    IF to_regclass(quote_ident(part)) IS NOT NULL THEN
        RETURN NULL;  -- already there: nothing to do
    END IF;
    IF dflt = 0 THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
        RETURN 0;
    END IF;
    -- Rows of this month already in the default partition move into the new one (the default is locked
    -- meanwhile, so no such row can arrive in between).
    SELECT relname INTO dflt_name FROM pg_class WHERE oid = dflt;
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', dflt_name);
    EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', part, parent);
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                   dflt_name, keycol, keycol, part) USING lo, hi;
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
    -- Unique indexes kept per partition (not inherited from the parent, e.g. a credit report's serial)
    -- are copied from the default partition.
    FOR ix IN SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def
                FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
               WHERE i.indrelid = dflt AND i.indisunique
                 AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
    LOOP
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I %s', replace(ix.name, dflt_name, part), part,
                       substring(ix.def from ' USING .*$'));
    END LOOP;
    RETURN moved;
END
$fn$;

CREATE OR REPLACE FUNCTION portal_partition_lock(parent regclass, suffix text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE part oid;
BEGIN
    SELECT h.inhrelid INTO part FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
     WHERE h.inhparent = parent AND suffix ~ '^p[0-9]{6}$'
       AND c.relname = (SELECT relname FROM pg_class WHERE oid = parent) || '_' || suffix;
    IF part IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', part::regclass);
    RETURN true;
END
$fn$;

CREATE OR REPLACE FUNCTION portal_partition_drop(parent regclass, suffix text, at_time timestamptz)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE base text; part oid; bound text; upper_bound timestamptz; keep interval;
BEGIN
    SELECT c.relname INTO base FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
     WHERE pt.partrelid = parent AND pt.partstrat = 'r';
    IF base IS NULL OR suffix !~ '^p[0-9]{6}$' OR base IN ('core_auditevent', 'core_auditanchor') THEN
        RAISE EXCEPTION 'refused: % %', parent, suffix;
    END IF;
    SELECT make_interval(months => keep_months, days => keep_days) INTO keep
      FROM core_retentionpolicy WHERE base = ANY(tables) AND (keep_months >= 1 OR keep_days >= 30);
    IF keep IS NULL THEN
        RAISE EXCEPTION 'no retention policy covers %', base;
    END IF;
    SELECT h.inhrelid, pg_get_expr(c.relpartbound, c.oid) INTO part, bound
      FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
     WHERE h.inhparent = parent AND c.relname = base || '_' || suffix;
    IF part IS NULL THEN
        RETURN false;
    END IF;
    upper_bound := substring(bound from 'TO \(''([^'']+)''\)')::timestamptz;
    IF upper_bound IS NULL OR upper_bound > least(at_time, now()) - keep THEN
        RAISE EXCEPTION 'refused: % is within the retention of %', part::regclass, base;
    END IF;
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', parent, part::regclass);
    EXECUTE format('DROP TABLE %s', part::regclass);
    RETURN true;
END
$fn$;

REVOKE ALL ON FUNCTION portal_partition_create(regclass, text, timestamptz, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION portal_partition_lock(regclass, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION portal_partition_drop(regclass, text, timestamptz) FROM PUBLIC;
"""

FUNCTION_SIGNATURES = (
    "portal_partition_create(regclass, text, timestamptz, timestamptz)",
    "portal_partition_lock(regclass, text)",
    "portal_partition_drop(regclass, text, timestamptz)",
)

DROP_FUNCTIONS_SQL = "".join(f"DROP FUNCTION IF EXISTS {sig};\n" for sig in FUNCTION_SIGNATURES)


# --- converting an existing table (the migrations) ------------------------------------------------


def convert(cursor, *, table: str, key: str, uniques=(), partition_uniques=(), now=None) -> dict:
    """Turn ``table`` into a table partitioned by month on ``key``, keeping its rows, names and ids.

    Run by a migration (as the owner), in its transaction: a new partitioned table ``LIKE`` the old
    one (defaults, checks, identity), a partition for each month that has rows and for this month and
    the next ``AHEAD_MONTHS``, and the default partition; the rows move with one ``INSERT … SELECT``;
    the old table is dropped and the new one takes its name; the identity sequence goes on after the
    highest id. The primary key becomes ``(id, key)``; ``uniques`` (name → columns) are recreated with
    ``key`` appended; the old table's plain indexes and foreign keys are recreated with their names;
    ``partition_uniques`` (column lists) become a unique index on each partition, which the job copies
    to every new one. A foreign key pointing *to* the table must have been dropped before (the DROP
    refuses otherwise). Returns the number of rows moved and the partitions made.
    """
    q = connection.ops.quote_name
    tz = settings.TIME_ZONE
    cursor.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(f"SELECT DISTINCT date_trunc('month', {q(key)} AT TIME ZONE %s)::date FROM {q(table)}", [tz])  # noqa: S608
    months = {row[0] for row in cursor.fetchall()}
    current = month_of(now or timezone.now())
    months |= {add_months(current, n) for n in range(AHEAD_MONTHS + 1)}

    new = f"{table}_new"
    cursor.execute(
        f"CREATE TABLE {q(new)} (LIKE {q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY "
        f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({q(key)})"
    )
    partitions = [f"{table}_default"]
    cursor.execute(f"CREATE TABLE {q(partitions[0])} PARTITION OF {q(new)} DEFAULT")
    for month in sorted(months):
        lo, hi = bounds(month)
        name = f"{table}_{suffix(month)}"
        cursor.execute(f"CREATE TABLE {q(name)} PARTITION OF {q(new)} FOR VALUES FROM (%s) TO (%s)", [lo, hi])
        partitions.append(name)
    cursor.execute(f"INSERT INTO {q(new)} SELECT * FROM {q(table)}")  # noqa: S608
    moved = cursor.rowcount
    cursor.execute(f"DROP TABLE {q(table)}")
    cursor.execute(f"ALTER TABLE {q(new)} RENAME TO {q(table)}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {q(table + '_id_seq')}")
    cursor.execute(
        f"SELECT setval(%s, COALESCE((SELECT max(id) FROM {q(table)}), 0) + 1, false)",  # noqa: S608
        [f"{table}_id_seq"],
    )
    cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(table + '_pkey')} PRIMARY KEY (id, {q(key)})")
    for name, columns in dict(uniques).items():
        cols = ", ".join(q(c) for c in (*columns, key))
        cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} UNIQUE ({cols})")
    for _name, definition in indexes:
        cursor.execute(definition)  # CREATE INDEX <same name> ON <table> …: now the partitioned table
    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")
    for columns in partition_uniques:
        for partition in partitions:
            name = f"{partition}_{'_'.join(columns)}_uniq"
            cursor.execute(f"CREATE UNIQUE INDEX {q(name)} ON {q(partition)} ({', '.join(q(c) for c in columns)})")
    return {"rows": moved, "partitions": partitions}


# --- reading the catalog --------------------------------------------------------------------------


def partitioned_tables() -> dict[str, str]:
    """``{table: partition key column}`` for the range-partitioned tables of the current schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, a.attname FROM pg_partitioned_table pt
               JOIN pg_class c ON c.oid = pt.partrelid
               JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
               WHERE pt.partstrat = 'r' AND c.relnamespace = current_schema()::regnamespace
               ORDER BY c.relname"""
        )
        return dict(cursor.fetchall())


def monthly_partitions(table: str) -> list[dt.date]:
    """The months that have their own partition, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = %s::regclass",
            [table],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        match = _SUFFIX.match(name.removeprefix(f"{table}_"))
        if name.startswith(f"{table}_") and match:
            months.append(dt.date(int(match[1]), int(match[2]), 1))
    return sorted(months)


def _months_in_default(table: str, key: str) -> set[dt.date]:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', {q(key)} AT TIME ZONE %s)::date FROM {q(table + '_default')}",  # noqa: S608
            [settings.TIME_ZONE],
        )
        return {row[0] for row in cursor.fetchall()}


def _lock(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ADVISORY_KEY, table])
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


# --- creating ------------------------------------------------------------------------------------


def partition_create(*, table: str, month: dt.date, actor=TASK_ACTOR) -> bool:
    """Make ``month``'s partition of ``table`` (moving its rows out of the default partition); audited.
    Returns False when it already exists."""
    lo, hi = bounds(month)
    with transaction.atomic():
        _lock(table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT portal_partition_create(%s::regclass, %s, %s, %s)", [table, suffix(month), lo, hi])
            (moved,) = cursor.fetchone()
        if moved is None:
            return False
        audit.record(
            actor=actor,
            action="partition.create",
            target=("core.partition", f"{table}_{suffix(month)}"),
            target_label=f"{table} {month:%Y-%m}",
            after={"table": table, "partition": f"{table}_{suffix(month)}", "from": lo, "to": hi, "moved": moved},
        )
    return True


# --- dropping ------------------------------------------------------------------------------------


def _policy_for(table: str) -> RetentionPolicy | None:
    if table in NEVER_DROPPED:
        return None
    return RetentionPolicy.objects.filter(tables__contains=[table]).first()


def _dependents(table: str):
    """``(child table, column)`` of foreign keys without a database constraint that cascade from ``table``."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            remote = getattr(field, "remote_field", None)
            if (
                isinstance(field, models.ForeignKey)
                and not field.db_constraint
                and remote.model._meta.db_table == table
                and remote.on_delete is models.CASCADE
            ):
                yield model._meta.db_table, field.column


def _drop_summary(cursor, table: str, key: str, where: str, params) -> dict:
    """Count what goes, delete its dependents, and (change events) the cursor to raise the horizon to."""
    q = connection.ops.quote_name
    cursor.execute(f"SELECT count(*) FROM {q(table)} WHERE {where}", params)  # noqa: S608
    summary = {"rows": cursor.fetchone()[0]}
    for child, column in _dependents(table):
        cursor.execute(
            f"DELETE FROM {q(child)} WHERE {q(column)} IN (SELECT id FROM {q(table)} WHERE {where})",  # noqa: S608
            params,
        )
        summary[f"{child}_rows"] = cursor.rowcount
    return summary


def partition_drop(*, policy: RetentionPolicy, table: str, key: str, month: dt.date, now) -> dict | None:
    """Drop ``month``'s partition of ``table`` in one transaction with its audit event (and, for change
    events, the horizon). Returns what was dropped, or None when another run holds it or it is gone."""
    lo, hi = bounds(month)
    name = f"{table}_{suffix(month)}"
    q = connection.ops.quote_name
    with transaction.atomic():
        _lock(table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT portal_partition_lock(%s::regclass, %s)", [table, suffix(month)])
            if not cursor.fetchone()[0]:
                return None
            where = f"{q(key)} >= %s AND {q(key)} < %s"
            summary = _drop_summary(cursor, table, key, where, [lo, hi])
            if table == changes.ChangeEvent._meta.db_table:
                last = changes.last_cursor_where(where, [lo, hi])
                if last is None:  # an event of a transaction still running: not yet (next night)
                    transaction.set_rollback(True)
                    return None
                summary["horizon"] = list(astuple(changes.horizon_raise(last)))
            cursor.execute("SELECT portal_partition_drop(%s::regclass, %s, %s)", [table, suffix(month), now])
        audit.record(
            actor=TASK_ACTOR,
            action="partition.drop",
            target=policy,
            target_label=f"{policy.label}：{name}",
            after={"table": table, "partition": name, "from": lo, "to": hi, "policy": policy.period_text(), **summary},
        )
    return {"partition": name, **summary}


def default_prune(*, policy: RetentionPolicy, table: str, key: str, cutoff, now) -> int:
    """Delete the default partition's rows older than ``cutoff`` (a month's start: the catch-all has no month
    to drop)."""
    default = f"{table}_default"
    q = connection.ops.quote_name
    with transaction.atomic():
        _lock(table)
        with connection.cursor() as cursor:
            where = f"{q(key)} < %s"
            if table == changes.ChangeEvent._meta.db_table:
                deleted, last = changes.delete_where(default, where, [cutoff])
                summary = {"rows": deleted}
                if deleted:
                    summary["horizon"] = list(astuple(changes.horizon_raise(last)))
            else:
                summary = _drop_summary(cursor, default, key, where, [cutoff])
                cursor.execute(f"DELETE FROM {q(default)} WHERE {where}", [cutoff])  # noqa: S608
        if summary["rows"]:
            audit.record(
                actor=TASK_ACTOR,
                action="partition.prune_default",
                target=policy,
                target_label=f"{policy.label}：{default}",
                after={"table": table, "partition": default, "before": cutoff, **summary},
            )
    return summary["rows"]


# --- the job -------------------------------------------------------------------------------------


def retention_apply(*, table: str, now=None) -> dict:
    """Drop what ``table``'s policy no longer keeps: whole months, then the default partition's old rows."""
    now = now or timezone.now()
    policy = _policy_for(table)
    key = partitioned_tables().get(table)
    done = {"dropped": [], "rows": 0}
    if policy is None or key is None:
        return done
    cutoff = policy.cutoff(now)
    for month in monthly_partitions(table):
        if bounds(month)[1] > cutoff:
            break
        dropped = partition_drop(policy=policy, table=table, key=key, month=month, now=now)
        if dropped:
            done["dropped"].append(dropped)
            done["rows"] += dropped["rows"]
    # The default partition's rows go by whole months too: a month is kept whole until all of it is past retention.
    month_start = bounds(month_of(cutoff))[0]
    done["rows"] += default_prune(policy=policy, table=table, key=key, cutoff=month_start, now=now)
    return done


def partitions_maintain(*, now=None, ahead: int = AHEAD_MONTHS) -> dict:
    """The nightly job: future partitions for every partitioned table, then each policy's drops."""
    now = now or timezone.now()
    current = month_of(now)
    result = {"created": [], "dropped": [], "rows": 0}
    tables = partitioned_tables()
    for table, key in tables.items():
        policy = _policy_for(table)
        wanted = {add_months(current, n) for n in range(ahead + 1)}
        cutoff = policy.cutoff(now) if policy else None
        # A month that landed in the default partition gets its own partition, unless it is past retention.
        wanted |= {m for m in _months_in_default(table, key) if cutoff is None or bounds(m)[1] > cutoff}
        have = set(monthly_partitions(table))
        for month in sorted(wanted - have):
            if partition_create(table=table, month=month):
                result["created"].append(f"{table}_{suffix(month)}")
    for policy in RetentionPolicy.objects.all():
        for table in policy.tables:
            if table in tables:
                done = retention_apply(table=table, now=now)
                result["dropped"] += [d["partition"] for d in done["dropped"]]
                result["rows"] += done["rows"]
    return result


# --- the policies' service ------------------------------------------------------------------------


def _snapshot(policy: RetentionPolicy) -> dict:
    return {"keep_months": policy.keep_months, "keep_days": policy.keep_days, "reason": policy.reason}


@transaction.atomic
def retention_policy_update(*, actor, policy: RetentionPolicy, keep_months, keep_days, reason) -> RetentionPolicy:
    """Change how long a kind of data is kept, with its reason (audited); takes effect at the next 分区维护."""
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写保留依据（引用的文件或规定）"
    try:
        keep_months, keep_days = int(keep_months or 0), int(keep_days or 0)
    except (TypeError, ValueError):
        errors["keep_months"] = "保留月数和保留天数须为非负整数"
        keep_months = keep_days = 0
    if keep_months < 0 or keep_days < 0:
        errors["keep_months"] = "保留月数和保留天数须为非负整数"
    elif keep_months < 1 and keep_days < MIN_DAYS:
        errors["keep_days"] = f"保留期限至少 {MIN_DAYS} 天（或 1 个月）"
    if errors:
        raise ValidationError(errors)
    row = RetentionPolicy.objects.select_for_update().get(pk=policy.pk)
    before = _snapshot(row)
    row.keep_months, row.keep_days, row.reason = keep_months, keep_days, reason
    row.save(update_fields=["keep_months", "keep_days", "reason", "updated_at"])
    audit.record(actor=actor, action="retention_policy.update", target=row, before=before, after=_snapshot(row))
    return row
