"""The outbound exchange (issue 15 §6): change events → numbered batches → connector → receipt, with retries.

The change feed's reader only returns committed events (core.changes), so these tests commit
(``transaction=True``) and create the events themselves with ``core.changes.emit``, as the services will.
"""

import datetime as dt
import http.server
import json
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.changes import ChangeEvent, ChangeType, FeedConsumer, emit
from core.models import AuditEvent
from credit.models import CreditRecord
from credit.services import credit_record_revoke
from opendata import exchange
from opendata.exchange_connectors import FolderConnector, HttpConnector
from opendata.models import ExchangeBatch
from tests.conftest import record_data
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def folder(settings, tmp_path):
    settings.EXCHANGE_CONNECTOR = "folder"
    settings.EXCHANGE_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def entity(make_entity):
    return make_entity(name="郑州云杉商贸有限公司")


def licence(uscc, ref="郑市监许〔2026〕8号", **kw):
    return record_data(uscc, ref, category="administrative_licence", polarity="positive", title="食品经营许可", **kw)


def settle(timeout=180):
    """Wait until the feed's horizon has passed every event written so far. The horizon is the oldest running
    transaction on the whole PostgreSQL server (core.changes), and other test databases share this server."""
    last = ChangeEvent.objects.aggregate(t=Max("txid"))["t"] or 0

    def passed():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            return cursor.fetchone()[0] > last

    wait_for(passed, timeout, step=0.2)


def record_events(*records, type=ChangeType.RECORD_CREATED):
    with transaction.atomic():
        for r in records:
            emit(type=type, uscc=r.entity_id, ref=r.source_ref, object_id=r.pk, department=r.department)
    settle()


def pushed(push, *items, department=None):
    push(*items, department=department)
    refs = [i["source_ref"] for i in items]
    return list(CreditRecord.objects.filter(source_ref__in=refs).order_by("id"))


def write_receipt(folder, batch_no, status, reason=""):
    (folder / "receipts").mkdir(exist_ok=True)
    (folder / "receipts" / f"{batch_no}.json").write_text(
        json.dumps({"batch_no": batch_no, "status": status, "reason": reason}, ensure_ascii=False)
    )


# --- figures -------------------------------------------------------------------------------------


def test_retry_backoff_doubles_from_one_minute_to_at_most_six_hours():
    # issue 15 §6 "retries": 60 s × 2^(n−1), capped at 6 hours
    assert exchange.RETRY_BASE_SECONDS == 60 and exchange.RETRY_MAX_SECONDS == 21600
    assert exchange.retry_delay(1) == dt.timedelta(minutes=1)
    assert exchange.retry_delay(2) == dt.timedelta(minutes=2)
    assert exchange.retry_delay(3) == dt.timedelta(minutes=4)
    assert exchange.retry_delay(9) == dt.timedelta(seconds=15360)
    assert exchange.retry_delay(10) == dt.timedelta(hours=6)
    assert exchange.retry_delay(30) == dt.timedelta(hours=6)


# --- the folder connector (前置机) ---------------------------------------------------------------


def test_folder_connector_sends_a_batch_and_reads_the_accepted_receipt(folder, push, entity, frozen_today):
    # Given a licence and its change event, committed
    records = pushed(push, licence(entity.uscc))
    record_events(*records)
    # When the exchange runs
    outcome = exchange.run()
    # Then one batch was built and written to the outbox, whole (no temporary file left)
    assert outcome["built"] == 1 and outcome["sent"] == 1
    batch = ExchangeBatch.objects.get()
    assert batch.state == ExchangeBatch.State.SENT and batch.rows == 1 and batch.connector == "folder"
    assert batch.batch_no == f"SGS20261122{batch.pk:08d}"
    files = sorted(p.name for p in (folder / "outbox").iterdir())
    assert files == [f"{batch.batch_no}.json"]
    body = json.loads((folder / "outbox" / files[0]).read_text(encoding="utf-8"))
    assert body["batch_no"] == batch.batch_no and body["row_count"] == 1 and body["sha256"] == batch.sha256
    assert exchange.hashlib.sha256(exchange.canonical(body["rows"])).hexdigest() == body["sha256"]
    (item,) = body["rows"]
    assert item["op"] == "upsert" and item["kind"] == "licence" and item["ref"] == "郑市监许〔2026〕8号"
    assert item["row"]["XK_WSH"] == "郑市监许〔2026〕8号" and item["row"]["XK_ZT"] == "1"
    # ... and the consumer moved past the event in the same transaction
    consumer = FeedConsumer.objects.get(name="exchange")
    assert (consumer.cursor_txid, consumer.cursor_id) == (batch.to_txid, batch.to_event_id)
    # When the front-end processor writes the receipt, and the exchange runs again
    write_receipt(folder, batch.batch_no, "accepted")
    assert exchange.run() == {"built": 0, "sent": 0, "failed": 0, "acknowledged": 1, "rejected": 0}
    # Then the batch is acknowledged, once
    batch.refresh_from_db()
    assert batch.state == ExchangeBatch.State.ACKNOWLEDGED and batch.receipt["status"] == "accepted"
    assert AuditEvent.objects.filter(action="opendata.exchange_batch_acknowledged").count() == 1


def test_a_rejected_receipt_is_kept_with_its_reason_and_can_be_sent_again(
    folder, push, entity, platform_admin, frozen_today
):
    record_events(*pushed(push, licence(entity.uscc)))
    exchange.run()
    batch = ExchangeBatch.objects.get()
    write_receipt(folder, batch.batch_no, "rejected", "XK_XKLB 许可类别不能为空")
    assert exchange.run()["rejected"] == 1
    batch.refresh_from_db()
    assert batch.state == ExchangeBatch.State.REJECTED and batch.last_error == "XK_XKLB 许可类别不能为空"
    # When a platform admin sends it again
    exchange.batch_retry(actor=platform_admin, batch=batch)
    outcome = exchange.run()
    # Then the same batch is written again and the old answer no longer counts
    batch.refresh_from_db()
    assert outcome["sent"] == 1 and batch.state == ExchangeBatch.State.SENT and batch.attempts == 2
    assert not (folder / "receipts" / f"{batch.batch_no}.json").exists()
    assert AuditEvent.objects.filter(action="opendata.exchange_batch_retry", actor_user_id=platform_admin.pk).exists()


def test_withdrawals_and_one_row_per_changed_object(folder, push, entity, frozen_today):
    # Given a licence created then revoked, both events in the feed
    (record,) = pushed(push, licence(entity.uscc))
    record_events(record)
    with transaction.atomic():
        credit_record_revoke(actor="test", record=record, reason="许可被依法撤销")
    record_events(record, type=ChangeType.RECORD_REVOKED)
    exchange.run()
    # Then one row goes, in the record's current state: withdrawn, with the reason
    (item,) = ExchangeBatch.objects.get().payload
    assert item["op"] == "withdraw" and item["reason"] == "已撤销：许可被依法撤销" and "row" not in item


def test_penalty_events_send_the_published_summary(folder, push, entity, dept_a, frozen_today):
    # Given a pushed penalty (mirrored as a published 双公示 summary) and its penalty.published event
    push(record_data(entity.uscc, "郑市监罚〔2026〕12号", amount="50000.00", penalty_types=["fine"]))
    with transaction.atomic():
        emit(type=ChangeType.PENALTY_PUBLISHED, uscc=entity.uscc, ref="郑市监罚〔2026〕12号", department=dept_a)
    settle()
    exchange.run()
    (item,) = ExchangeBatch.objects.get().payload
    assert item["kind"] == "penalty" and item["op"] == "upsert" and item["authority_uscc"] == dept_a.uscc
    assert item["row"]["CF_WSH"] == "郑市监罚〔2026〕12号" and item["row"]["CF_NR_FK"] == "5"


def test_other_events_build_no_batch_and_running_twice_builds_nothing_twice(folder, push, entity, frozen_today):
    with transaction.atomic():
        emit(type=ChangeType.GRADE_CHANGED, uscc=entity.uscc, data={"from": "GOOD", "to": "WARNING"})
    settle()
    assert exchange.run()["built"] == 0
    record_events(*pushed(push, licence(entity.uscc)))
    assert exchange.run()["built"] == 1
    assert exchange.run()["built"] == 0
    assert ExchangeBatch.objects.count() == 1


def test_a_failed_send_is_retried_after_the_backoff(folder, settings, push, entity, frozen_today):
    # Given an exchange folder that cannot be written (a file where the outbox should be)
    (folder / "outbox").write_text("not a directory")
    record_events(*pushed(push, licence(entity.uscc)))
    # When the exchange runs
    assert exchange.run()["failed"] == 1
    batch = ExchangeBatch.objects.get()
    # Then the batch failed, with the error, and waits 1 minute
    assert batch.state == ExchangeBatch.State.FAILED and batch.attempts == 1 and "写入交换目录失败" in batch.last_error
    assert dt.timedelta(seconds=59) < batch.next_attempt_at - timezone.now() <= dt.timedelta(seconds=60)
    assert exchange.run()["sent"] == 0  # not due yet
    # When the folder is repaired and a minute has passed
    (folder / "outbox").unlink()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert exchange.run()["sent"] == 1
    batch.refresh_from_db()
    assert batch.state == ExchangeBatch.State.SENT and batch.attempts == 2 and batch.last_error == ""


def test_two_workers_at_once_build_and_send_each_batch_once(folder, push, make_entity, frozen_today):
    # Given 40 licences with their events
    records = pushed(push, *[licence(make_entity().uscc, f"许-{i}") for i in range(40)])
    record_events(*records)
    # When two workers run the exchange at the same moment
    barrier, outcomes = threading.Barrier(2), []

    def work():
        try:
            barrier.wait()
            outcomes.append(exchange.run())
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # Then every licence went in exactly one batch, written once
    assert sum(o["built"] for o in outcomes) == ExchangeBatch.objects.count() == 1
    assert sum(o["sent"] for o in outcomes) == 1
    assert len(list((folder / "outbox").iterdir())) == 1
    assert sorted(i["ref"] for i in ExchangeBatch.objects.get().payload) == sorted(r.source_ref for r in records)
    assert AuditEvent.objects.filter(action="opendata.exchange_batch_sent").count() == 1


def test_backlog_counts_and_oldest_unacknowledged_age(folder, push, entity, frozen_today):
    record_events(*pushed(push, licence(entity.uscc)))
    exchange.run()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=90)):
        backlog = exchange.backlog()
    assert backlog["sent"] == 1 and backlog["pending"] == backlog["failed"] == backlog["rejected"] == 0
    assert dt.timedelta(minutes=89) < backlog["oldest_age"] <= dt.timedelta(minutes=91)


# --- the HTTP connector, against a real loopback receiver ----------------------------------------------


class Receiver(http.server.ThreadingHTTPServer):
    """A provincial platform on loopback: fails the first ``fail`` POSTs with 500, then answers ``mode``."""

    def __init__(self, fail=1, mode="receipt"):
        self.fail, self.mode, self.posts, self.gets, self.bodies = fail, mode, 0, 0, []
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/exchange"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=None):
        data = json.dumps(body or {}, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        server = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server.posts += 1
        assert self.headers["Authorization"] == "Bearer province-key"
        if server.posts <= server.fail:
            return self.answer(500, {"error": "维护中"})
        server.bodies.append(json.loads(body))
        batch_no = self.headers["X-Batch-No"]
        if server.mode == "later":
            return self.answer(202, {"batch_no": batch_no})
        return self.answer(
            200, {"batch_no": batch_no, "status": "accepted", "received_at": "2026-11-22T10:00:00+08:00"}
        )

    def do_GET(self):
        server = self.server
        server.gets += 1
        batch_no = self.path.rstrip("/").split("/")[-2]
        if server.gets == 1:
            return self.answer(404)
        return self.answer(200, {"batch_no": batch_no, "status": "accepted"})


@pytest.fixture
def receiver(settings):
    servers = []

    def make(**kw):
        server = Receiver(**kw)
        servers.append(server)
        settings.EXCHANGE_CONNECTOR = "http"
        settings.EXCHANGE_HTTP_URL = server.url
        settings.EXCHANGE_HTTP_KEY = "province-key"
        return server

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def test_http_connector_retries_a_failing_receiver_then_gets_the_receipt(receiver, push, entity, frozen_today):
    # Given a receiver that fails the first POST
    server = receiver(fail=1)
    record_events(*pushed(push, licence(entity.uscc)))
    # When the exchange runs: the POST fails, and the batch waits its backoff
    assert exchange.run()["failed"] == 1
    batch = ExchangeBatch.objects.get()
    assert batch.state == ExchangeBatch.State.FAILED and "HTTP 500" in batch.last_error and batch.connector == "http"
    # When it runs again after a minute: the POST succeeds and the receipt is in the answer
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        outcome = exchange.run()
    assert outcome["sent"] == 1 and outcome["acknowledged"] == 1
    batch.refresh_from_db()
    assert batch.state == ExchangeBatch.State.ACKNOWLEDGED and batch.attempts == 2
    assert server.posts == 2 and server.bodies[0]["batch_no"] == batch.batch_no
    assert server.bodies[0]["rows"][0]["row"]["XK_WSH"] == "郑市监许〔2026〕8号"


def test_http_connector_202_then_the_receipt_later(receiver, push, entity, frozen_today):
    server = receiver(fail=0, mode="later")
    record_events(*pushed(push, licence(entity.uscc)))
    outcome = exchange.run()  # POST → 202, then GET → 404 (not ready)
    assert outcome["sent"] == 1 and outcome["acknowledged"] == 0
    assert ExchangeBatch.objects.get().state == ExchangeBatch.State.SENT
    assert exchange.run()["acknowledged"] == 1  # GET → 200 with the receipt
    assert ExchangeBatch.objects.get().state == ExchangeBatch.State.ACKNOWLEDGED and server.gets == 2


def test_connectors_report_an_unreachable_or_unconfigured_platform(settings, tmp_path):
    from opendata.exchange_connectors import ExchangeError

    settings.EXCHANGE_HTTP_URL = ""
    with pytest.raises(ExchangeError, match="EXCHANGE_HTTP_URL"):
        HttpConnector()
    with pytest.raises(ExchangeError, match="连接省级平台失败"):
        HttpConnector(url="http://127.0.0.1:9/x", key="k", timeout=2).send("SGS1", b"{}")
    assert FolderConnector(tmp_path).receipt("SGS1") is None
