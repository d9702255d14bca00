"""Issue 11 §1, data integrity of a record push: a push or an import never moves a record to another
entity (``subject_changed``), the response's counts add up, and counts and audit before-values are
exact under concurrent pushes (real threads on the real database)."""

import csv
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.models import AuditEvent
from credit import imports, services
from credit.choices import Grade, RecordState
from credit.models import CreditRecord, EntityCredit
from tests.conftest import record_data

pytestmark = pytest.mark.usefixtures("frozen_today")

PUSH_URL = "/api/v1/credit-records/"
REF = "郑市监罚〔2026〕12号"


@pytest.fixture
def two_entities(make_entity):
    return make_entity(name="郑州市金水区甲商行"), make_entity(name="郑州市二七区乙商行")


def test_push_refuses_subject_change(records_api, two_entities):
    # Given a penalty of entity A, pushed by department A's system
    a, b = two_entities
    assert records_api.post(PUSH_URL, {"records": [record_data(a.uscc, REF)]}, format="json").status_code == 200
    # When the same source_ref is resent naming entity B, in a batch with a valid new record
    batch = [record_data(a.uscc, "郑市监罚〔2026〕13号"), record_data(b.uscc, REF, title="改了主体")]
    response = records_api.post(PUSH_URL, {"records": batch}, format="json")
    # Then the whole batch is refused, naming the item and both USCC holders, and nothing moved
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    [error] = body["errors"]
    assert (error["code"], error["index"], error["attr"]) == ("subject_changed", 1, "uscc")
    assert (
        a.uscc in error["detail"]
        and b.uscc in error["detail"]
        and "郑州市金水区甲商行" in error["detail"]
        and "撤销" in error["detail"]
    )
    record = CreditRecord.objects.get(source_ref=REF)
    assert record.entity_id == a.uscc and record.title == "未按规定明码标价"
    assert not CreditRecord.objects.filter(source_ref="郑市监罚〔2026〕13号").exists()
    assert AuditEvent.objects.filter(action="credit_record.push").count() == 1


def test_wrong_subject_is_corrected_by_revoking_and_pushing_a_new_record(push, two_entities, evaluate):
    # Given a 一般 penalty recorded against the wrong entity A
    a, b = two_entities
    push(record_data(a.uscc, REF))
    evaluate()
    assert EntityCredit.objects.get(entity_id=a.uscc).grade == Grade.DISHONEST
    # When the department revokes it and pushes the fact again, for B, under a new source_ref
    record = CreditRecord.objects.get(source_ref=REF)
    services.credit_record_revoke(actor="test", record=record, reason="当事人认定错误，撤销后重新推送")
    result = push(record_data(b.uscc, f"{REF}-更正"))
    evaluate([b.uscc])
    # Then both steps are audited, A is no longer marked down, and B is
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert CreditRecord.objects.get(source_ref=REF).state == RecordState.REVOKED
    actions = list(
        AuditEvent.objects.filter(action__startswith="credit_record").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["credit_record.push", "credit_record.revoke", "credit_record.push"]
    assert EntityCredit.objects.get(entity_id=a.uscc).grade == Grade.GOOD
    assert EntityCredit.objects.get(entity_id=b.uscc).grade == Grade.DISHONEST


def test_push_response_counts_add_up_and_an_identical_resend_is_unchanged(records_api, two_entities):
    a, b = two_entities
    first = [record_data(a.uscc, "R-1"), record_data(b.uscc, "R-2")]
    assert records_api.post(PUSH_URL, {"records": first}, format="json").json() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    again = [first[0], record_data(b.uscc, "R-2", title="标题更正"), record_data(a.uscc, "R-3")]
    assert records_api.post(PUSH_URL, {"records": again}, format="json").json() == {
        "created": 1,
        "updated": 1,
        "unchanged": 1,
    }
    events = AuditEvent.objects.filter(action="credit_record.push").order_by("id")
    assert events.count() == 2
    assert events[1].after == {"created": ["R-3"], "updated": ["R-2"]}
    assert events[1].before["R-2"]["title"] == "未按规定明码标价"
    # An identical resend writes nothing: no audit event, no updated_at churn
    stamp = CreditRecord.objects.get(source_ref="R-2").updated_at
    assert records_api.post(PUSH_URL, {"records": again}, format="json").json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
    }
    assert AuditEvent.objects.filter(action="credit_record.push").count() == 2
    assert CreditRecord.objects.get(source_ref="R-2").updated_at == stamp


def test_duplicate_source_ref_in_one_batch_names_both_indexes(records_api, two_entities):
    a, b = two_entities
    batch = [record_data(a.uscc, "R-1"), record_data(a.uscc, "R-2"), record_data(b.uscc, "R-1")]
    response = records_api.post(PUSH_URL, {"records": batch}, format="json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["code"], error["index"]) == ("unique", 2)
    assert "index 0" in error["detail"] and "index 2" in error["detail"]
    assert not CreditRecord.objects.exists()


def test_push_refuses_a_template_example_reference(records_api, two_entities):
    # Given a batch whose second record still carries an import template's example reference
    a, _b = two_entities
    batch = [record_data(a.uscc, "R-1"), record_data(a.uscc, "示例-请删除")]
    # When another system pushes it
    response = records_api.post(PUSH_URL, {"records": batch}, format="json")
    # Then the whole batch is refused, naming the index, and nothing is saved
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["code"], error["index"], error["attr"]) == ("example_row", 1, "source_ref")
    assert not CreditRecord.objects.exists()


# --- the file import ---------------------------------------------------------------------------------

IMPORT = "/admin/credit/creditrecord/import/"
CONFIRM = "/admin/credit/creditrecord/import/confirm/"


def csv_file(*rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(imports.COLUMNS))
    for ref, code in rows:
        writer.writerow(
            [
                ref,
                code,
                "行政处罚",
                "负面",
                "一般",
                "未按规定明码标价",
                "经查属实。",
                "2026-11-01",
                "《中华人民共和国价格法》第十三条",
                "5000",
                "",
            ]
        )
    return SimpleUploadedFile("信用记录.csv", buffer.getvalue().encode("utf-8-sig"))


def test_import_preview_shows_a_subject_change_as_a_row_error(client, alice, push, two_entities):
    # Given the real penalty of A, and a file that resends its source_ref for B (row 3)
    a, b = two_entities
    push(record_data(a.uscc, REF))
    client.force_login(alice)
    response = client.post(IMPORT, {"file": csv_file(("郑市监罚〔2026〕20号", a.uscc), (REF, b.uscc))})
    # Then the preview shows that row as an error (not “更新”) and offers no confirm
    assert response.status_code == 200
    [line] = response.context["errors"]
    assert line.startswith(f"第3行：统一社会信用代码：来源编号“{REF}”的记录属于 {a.uscc}")
    assert [r.action for r in response.context["preview"].rows] == ["新增", ""]
    assert 'name="confirm"' not in response.content.decode()
    assert CreditRecord.objects.get(source_ref=REF).entity_id == a.uscc
    assert CreditRecord.objects.count() == 1


def test_import_refuses_rows_whose_reference_is_the_template_example(client, alice, two_entities):
    a, _b = two_entities
    client.force_login(alice)
    response = client.post(
        IMPORT, {"file": csv_file(("示例-请删除", a.uscc), ("示例2", a.uscc), ("郑市监罚〔2026〕21号", a.uscc))}
    )
    assert response.context["errors"] == [
        "第2行：来源编号：“示例-请删除”是导入模板的示例，不是真实记录：请删除该行或改用真实的来源编号",
        "第3行：来源编号：“示例2”是导入模板的示例，不是真实记录：请删除该行或改用真实的来源编号",
    ]
    # The save step refuses them too, whatever reached it
    with pytest.raises(services.RecordsInvalid) as exc:
        imports.push([{"row": 2, "data": record_data(a.uscc, "示例-请删除")}], actor=alice, department=alice.department)
    assert exc.value.items[0]["code"] == "example_row"
    assert not CreditRecord.objects.exists()


# --- concurrency ---------------------------------------------------------------------------------------

THREADS = 20
REFS = 60
BATCH = 24


def batch_of(thread: int, codes: list[str]) -> list[dict]:
    """Overlapping batches: thread t pushes refs 3t … 3t+23 (mod 60); some threads push the same
    content (title by t % 7), so a push can find a row already as it wants it (unchanged)."""
    refs = [(3 * thread + k) % REFS for k in range(BATCH)]
    return [record_data(codes[i % len(codes)], f"C-{i:03d}", title=f"并发标题{thread % 7}") for i in refs]


@pytest.mark.django_db(transaction=True)
def test_concurrent_pushes_report_exact_counts_and_before_values(dept_a, make_entity):
    codes = [make_entity().uscc for _ in range(5)]
    barrier = threading.Barrier(THREADS)

    def run(thread: int):
        try:
            barrier.wait(timeout=30)
            result = services.credit_records_push(
                actor=f"thread-{thread}", department=dept_a, records=batch_of(thread, codes)
            )
            return thread, result
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        results = dict(pool.map(run, range(THREADS)))

    # Every response adds up, and the rows were created exactly once in all
    touched = {f"C-{(3 * t + k) % REFS:03d}" for t in range(THREADS) for k in range(BATCH)}
    for result in results.values():
        assert result.created + result.updated + result.unchanged == BATCH
    assert sum(r.created for r in results.values()) == len(touched) == CreditRecord.objects.count()

    # Each push's audit event names exactly what it created and updated
    events = {int(e.actor_label.split("-")[1]): e for e in AuditEvent.objects.filter(action="credit_record.push")}
    for thread, result in results.items():
        if result.created + result.updated == 0:
            assert thread not in events
            continue
        after = events[thread].after
        assert (len(after["created"]), len(after["updated"])) == (result.created, result.updated)

    # Per row, the events in commit order form one chain: each update's before-value is the value
    # the previous writer left, and the last writer's value is the one stored.
    for ref in sorted(touched):
        writers = sorted(
            (e for e in events.values() if ref in e.after["created"] or ref in e.after["updated"]), key=lambda e: e.pk
        )
        assert ref in writers[0].after["created"]
        assert all(ref not in e.after["created"] for e in writers[1:])
        value = f"并发标题{int(writers[0].actor_label.split('-')[1]) % 7}"
        for event in writers[1:]:
            assert event.before[ref]["title"] == value, (ref, event.actor_label)
            new = f"并发标题{int(event.actor_label.split('-')[1]) % 7}"
            assert new != value  # an identical write is unchanged, never an update
            value = new
        assert CreditRecord.objects.get(source_ref=ref).title == value
