"""Webhook throughput (issue 15 §4): 10,000 change events delivered to a local receiver.

    python bench/webhooks.py                 # 10,000 events to one subscription, then the figures
    python bench/webhooks.py --smoke         # 300 events (what the test suite runs)
    python bench/webhooks.py --reset         # delete what an earlier run left, and stop

The receiver is a threaded http.server in this process, on loopback (so the run allows private hosts for
itself); it checks every signature. The events are written set-based in one transaction
(``core.changes.emit_select``); then the task body ``opendata.webhooks.run()`` runs until every event is
delivered: the fan-out (one INSERT … SELECT per 2,000 events) and the signed POSTs (WEBHOOK_THREADS sending
threads, each outcome recorded as it comes back). Before the events are written, the fan-out consumer is
moved to the end of the feed, so the figures are for these events alone, whatever else the database holds.
"""

import argparse
import hashlib
import hmac
import http.server
import os
import sys
import threading
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["WEBHOOK_ALLOW_PRIVATE_HOSTS"] = "1"  # the receiver is on loopback

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from core import services as core_services  # noqa: E402
from core.changes import ChangeEvent, FeedConsumer, emit_select  # noqa: E402
from core.models import ApiClient  # noqa: E402
from core.uscc import UsccWarning, check_character  # noqa: E402
from opendata import webhooks  # noqa: E402
from opendata.models import WebhookAttempt, WebhookDelivery, WebhookSubscription  # noqa: E402
from supervision import services as sv  # noqa: E402
from supervision.models import Department  # noqa: E402

CLIENT_NAME = "基准测试推送接收系统"
REF_PREFIX = "bench-webhooks-"


class Receiver:
    def __init__(self):
        self.count = 0
        self.bad = 0
        self.secret = b""
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fields = dict(part.split("=", 1) for part in self.headers["X-Signature"].split(","))
                expected = hmac.new(receiver.secret, fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
                with receiver.lock:
                    receiver.count += 1
                    receiver.bad += not hmac.compare_digest(expected, fields["v1"])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"


def reset() -> None:
    subs = WebhookSubscription.objects.filter(client__name=CLIENT_NAME)
    attempts = WebhookAttempt.objects.filter(delivery__subscription__in=subs).delete()[0]
    deliveries = WebhookDelivery.objects.filter(subscription__in=subs).delete()[0]
    subs.delete()
    events = ChangeEvent.objects.filter(ref__startswith=REF_PREFIX).delete()[0]
    print(f"已删除上次运行留下的 {events:,} 个事件、{deliveries:,} 条推送任务、{attempts:,} 条推送记录")


def client() -> ApiClient:
    department = Department.objects.order_by("pk").first()
    if department:
        return _client(department)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UsccWarning)  # a made-up code for an empty database
        return _client(_bench_department())


def _bench_department():
    return sv.department_save(
        actor="bench",
        code="BENCH",
        name="基准测试部门",
        short_name="基准",
        level="city",
        region_code="410100",
        uscc="11410100MB0000001" + check_character("11410100MB0000001"),
    )


def _client(department) -> ApiClient:
    found = ApiClient.objects.filter(name=CLIENT_NAME, revoked_at__isnull=True).first()
    if found:
        return found
    made, _key = core_services.api_client_create(
        actor="bench", name=CLIENT_NAME, department=department, scopes=["credit:read"]
    )
    return made


def skip_to_end_of_feed() -> None:
    last = ChangeEvent.objects.order_by("-txid", "-id").values("txid", "id").first()
    if last:
        FeedConsumer.objects.update_or_create(
            name=webhooks.CONSUMER, defaults={"cursor_txid": last["txid"], "cursor_id": last["id"]}
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--smoke", action="store_true", help="300 个事件，只检查脚本能跑通")
    parser.add_argument("--reset", action="store_true", help="删除上次运行留下的数据后退出")
    args = parser.parse_args()
    reset()
    if args.reset:
        return
    n = 300 if args.smoke else args.events
    receiver = Receiver()
    sub, secret = webhooks.webhook_subscription_create(
        actor="bench", client=client(), url=receiver.url, event_types=["record.created"]
    )
    receiver.secret = secret.encode()
    skip_to_end_of_feed()

    started = time.perf_counter()
    with transaction.atomic():
        written = emit_select(
            "SELECT 'record.created', '91110000710926094P', %s || g, g, true, NULL, NULL, "
            "jsonb_build_object('category', 'administrative_penalty') FROM generate_series(1, %s) g",
            [REF_PREFIX, n],
        )
    emitted = time.perf_counter() - started
    print(f"写入 {written:,} 个变更事件（一个事务）：{emitted:.2f} 秒")

    started = time.perf_counter()
    fanned = {"events": 0, "deliveries": 0}
    fan_out_seconds = 0.0  # the steps that read events; the rest is waiting for the feed's horizon
    while fanned["deliveries"] < n and time.perf_counter() - started < 600:
        t = time.perf_counter()
        step = webhooks.fan_out()
        if step["events"]:
            fan_out_seconds += time.perf_counter() - t
        else:
            time.sleep(0.1)  # an older transaction elsewhere on the server still holds the feed's horizon
        fanned = {k: fanned[k] + step[k] for k in fanned}
    waited = time.perf_counter() - started - fan_out_seconds
    print(
        f"分发：{fanned['events']:,} 个事件生成 {fanned['deliveries']:,} 条推送任务，{fan_out_seconds:.2f} 秒"
        f"（另等待其他事务结束 {waited:.2f} 秒）"
    )

    started = time.perf_counter()
    totals = {"delivered": 0, "failed": 0, "claimed": 0}
    runs = 0
    while totals["delivered"] < n and time.perf_counter() - started < 1800:
        counts = webhooks.run()
        runs += 1
        for key in totals:
            totals[key] += counts[key]
        if not counts["claimed"]:
            time.sleep(0.2)
    deliver_seconds = time.perf_counter() - started
    connection.close()

    delivered = WebhookDelivery.objects.filter(subscription=sub, state=WebhookDelivery.State.DELIVERED).count()
    attempts = WebhookAttempt.objects.filter(delivery__subscription=sub).count()
    print(
        f"投递：{delivered:,} 条送达（接收方收到 {receiver.count:,} 次请求，签名错误 {receiver.bad} 次，"
        f"推送记录 {attempts:,} 条），{runs} 次 run()，{deliver_seconds:.2f} 秒"
    )
    total = fan_out_seconds + deliver_seconds
    print(f"推送吞吐量：{delivered / deliver_seconds:,.0f} 个事件/秒（仅投递）")
    print(f"推送吞吐量：{delivered / total:,.0f} 个事件/秒（分发 + 投递，{total:.2f} 秒）")
    if delivered != n or receiver.count != n or receiver.bad:
        print("错误：送达数、请求数与事件数不一致，或有签名错误", file=sys.stderr)
        sys.exit(1)
    reset()


if __name__ == "__main__":
    main()
