"""Public pages of the bulk open data (issue 15 §2): ``/open-data/`` and its JSON, the data dictionary,
the licence, and the downloads.

A download is served only for a name listed in ``OpenDataFile`` (written by ``opendata.dumps``), from
``OPEN_DATA_DIR``: a name that is not listed, or that would leave the folder, is a 404.
"""

from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.http import PublicHttp404
from opendata import dictionary, dumps
from opendata.models import OpenDataFile


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover


def _file_view(request, row: OpenDataFile) -> dict:
    data = dictionary.BY_CODE.get(row.dataset)
    return {
        "dataset": row.dataset,
        "title": data.title if data else row.dataset,
        "day": row.day.isoformat(),
        "format": row.format,
        "filename": row.filename,
        "url": request.build_absolute_uri(reverse("open-data-file", args=[row.filename])),
        "rows": row.rows,
        "size": row.size,
        "sha256": row.sha256,
        "created_at": row.created_at.isoformat(),
    }


def _file_display(request, row: OpenDataFile) -> dict:
    return {
        **_file_view(request, row),
        "format_label": dictionary.FORMATS.get(row.format, {}).get("label", row.format),
        "rows_label": f"{row.rows:,}",
        "size_label": _size(row.size),
    }


@require_safe
def open_data_index(request):
    """Every file of the kept days, the newest day first (its files in full), with the dictionary and licence."""
    files = [_file_display(request, r) for r in dumps.listed_files()]
    days: list[dict] = []
    for f in files:
        if not days or days[-1]["day"] != f["day"]:
            days.append({"day": f["day"], "datasets": []})
        datasets = days[-1]["datasets"]
        if not datasets or datasets[-1]["code"] != f["dataset"]:
            datasets.append({"code": f["dataset"], "title": f["title"], "rows_label": f["rows_label"], "files": []})
        datasets[-1]["files"].append(f)
    context = {
        "latest": days[0] if days else None,
        "earlier": days[1:],
        "datasets": dictionary.DATASETS,
        "licence": dictionary.LICENCE,
    }
    return render(request, "opendata/open_data.html", context)


@require_safe
def open_data_index_json(request):
    """The same index for machines."""
    body = {
        "dictionary": request.build_absolute_uri(reverse("open-data-dictionary-json")),
        "licence": {
            **{k: dictionary.LICENCE[k] for k in ("name", "version", "modelled_on", "attribution")},
            "url": request.build_absolute_uri(reverse("open-data-licence")),
        },
        "files": [_file_view(request, r) for r in dumps.listed_files()],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_safe
def open_data_dictionary(request):
    context = {"datasets": dictionary.DATASETS, "types": dictionary.TYPES, "formats": dictionary.FORMATS}
    return render(request, "opendata/open_data_dictionary.html", context)


@require_safe
def open_data_dictionary_json(request):
    return JsonResponse(dictionary.as_json(), json_dumps_params={"ensure_ascii": False})


@require_safe
def open_data_licence(request):
    return render(request, "opendata/open_data_licence.html", {"licence": dictionary.LICENCE})


@require_safe
def open_data_file(request, filename: str):
    """One listed file, as an attachment; never a name outside the list or the folder."""
    row = OpenDataFile.objects.filter(filename=filename).first()
    path = dumps.file_path(filename) if row is not None else None
    if path is None or not path.is_file():
        raise PublicHttp404(_("未找到该开放数据文件。文件只保留最近7天，请从开放数据页面重新选择。"))
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=row.filename,
        content_type=dictionary.FORMATS[row.format]["content_type"],
    )
    response["ETag"] = f'"{row.sha256}"'
    response["X-Content-SHA256"] = row.sha256
    # A same-day rerun replaces the file under the same name: caches keep it a short while only.
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def open_data_latest(request, dataset: str, fmt: str):
    """``/open-data/latest/<dataset>.<format>``: the newest file of a dataset (a stable link for scripts)."""
    row = OpenDataFile.objects.filter(dataset=dataset, format=fmt).order_by("-day").first()
    if row is None:
        raise PublicHttp404(_("未找到该数据集的开放数据文件。"))
    return redirect("open-data-file", filename=row.filename)
