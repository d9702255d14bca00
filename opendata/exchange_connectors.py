"""Connectors of the outbound exchange (issue 15 §6): how a batch reaches the provincial platform and how its
receipt comes back. The file formats are described in ``opendata.exchange``.

A connector is a class with a ``name``, ``send(batch_no, body) -> Sent`` and ``receipt(batch_no) -> dict | None``;
``settings.EXCHANGE_CONNECTOR`` names it ("folder", "http", or a dotted path to another class), so a province
with its own transport (a message bus, SFTP) adds a class without touching the exchange.

- ``FolderConnector`` (前置机, the default): the front-end processor between the government network and the
  provincial platform watches a shared folder. One file per batch goes to ``<EXCHANGE_DIR>/outbox/`` (written
  to a temporary name and renamed, so the processor never picks up half a file); the processor writes the
  receipt to ``<EXCHANGE_DIR>/receipts/<batch_no>.json``.
- ``HttpConnector``: POSTs the batch to ``EXCHANGE_HTTP_URL`` with ``Authorization: Bearer <EXCHANGE_HTTP_KEY>``.
  200/201 carry the receipt; 202 means "received, receipt later", read from ``GET <URL>/<batch_no>/receipt``
  (200 with the receipt, 404 or 202 while not ready). Any other answer or a network error is a failure and
  the batch is retried.
"""

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

HTTP_TIMEOUT_SECONDS = 30
RECEIPT_STATUSES = ("accepted", "rejected")


class ExchangeError(Exception):
    """The batch did not reach the other side (it is retried); the message is shown in the admin."""


class ReceiptError(ExchangeError):
    """A receipt that cannot be read (not JSON, no valid status)."""


@dataclass
class Sent:
    """A batch handed over; ``receipt`` when the other side answered at once."""

    receipt: dict | None = None


def parse_receipt(raw: bytes | str, batch_no: str) -> dict:
    """``{"batch_no", "status": "accepted"|"rejected", "reason", …}``; anything else is a ReceiptError."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReceiptError(f"回执不是有效的 JSON：{exc}") from exc
    if not isinstance(data, dict) or data.get("status") not in RECEIPT_STATUSES:
        raise ReceiptError("回执缺少有效的 status（accepted 或 rejected）")
    if data.get("batch_no", batch_no) != batch_no:
        raise ReceiptError(f"回执的批次号 {data.get('batch_no')} 与 {batch_no} 不符")
    return data


class FolderConnector:
    """前置机 pattern: files in ``root/outbox``, receipts from ``root/receipts``."""

    name = "folder"

    def __init__(self, root=None):
        self.root = Path(root or settings.EXCHANGE_DIR)
        self.outbox = self.root / "outbox"
        self.receipts = self.root / "receipts"

    def send(self, batch_no: str, body: bytes) -> Sent:
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            # A resend (after a rejection) asks again: the old answer is no longer the answer.
            (self.receipts / f"{batch_no}.json").unlink(missing_ok=True)
            final = self.outbox / f"{batch_no}.json"
            temporary = self.outbox / f".{batch_no}.json.tmp"
            with open(temporary, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, final)  # atomic on one file system: the processor sees all of it or nothing
        except OSError as exc:
            raise ExchangeError(f"写入交换目录失败：{exc}") from exc
        return Sent()

    def receipt(self, batch_no: str) -> dict | None:
        path = self.receipts / f"{batch_no}.json"
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ReceiptError(f"读取回执失败：{exc}") from exc
        return parse_receipt(raw, batch_no)


class HttpConnector:
    """POST to the provincial platform's endpoint; the receipt in the answer or fetched later."""

    name = "http"

    def __init__(self, url=None, key=None, timeout=HTTP_TIMEOUT_SECONDS):
        self.url = (url if url is not None else settings.EXCHANGE_HTTP_URL).rstrip("/")
        self.key = key if key is not None else settings.EXCHANGE_HTTP_KEY
        self.timeout = timeout
        if not self.url.startswith(("http://", "https://")):
            raise ExchangeError("未配置省级平台接口地址（EXCHANGE_HTTP_URL）")

    def _request(self, url, *, data=None, headers=None):
        request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")  # noqa: S310 - http(s) only, checked above
        request.add_header("Authorization", f"Bearer {self.key}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise ExchangeError(f"连接省级平台失败：{getattr(exc, 'reason', exc)}") from exc

    def send(self, batch_no: str, body: bytes) -> Sent:
        status, answer = self._request(
            self.url,
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8", "X-Batch-No": batch_no},
        )
        if status in (200, 201):
            return Sent(receipt=parse_receipt(answer, batch_no))
        if status == 202:
            return Sent()
        raise ExchangeError(f"省级平台返回 HTTP {status}：{answer[:200].decode(errors='replace')}")

    def receipt(self, batch_no: str) -> dict | None:
        status, answer = self._request(f"{self.url}/{batch_no}/receipt")
        if status in (202, 404):
            return None
        if status != 200:
            raise ReceiptError(f"查询回执时省级平台返回 HTTP {status}")
        return parse_receipt(answer, batch_no)


CONNECTORS = {FolderConnector.name: FolderConnector, HttpConnector.name: HttpConnector}


def connector_class(name: str | None = None):
    """The class named ``name`` (a batch's ``connector``), or the configured one (``settings.EXCHANGE_CONNECTOR``:
    "folder", "http" or a dotted path)."""
    configured = settings.EXCHANGE_CONNECTOR
    configured_cls = CONNECTORS.get(configured) or import_string(configured)
    if name is None or name == configured_cls.name:
        return configured_cls
    return CONNECTORS[name]


def connector(name: str | None = None):
    return connector_class(name)()
