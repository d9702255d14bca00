"""The portal's PDF kit (reportlab): the Chinese font, Chinese line breaking, paragraph styles and tables.

Every PDF of the portal (credit reports, decision documents) is built from these, so they all look
alike and break lines the same way. The font is reportlab's built-in CID font STSong-Light, which
renders Chinese without font files; documents are built with ``invariant=1`` so that the same
content gives the same bytes.
"""

from xml.sax.saxutils import escape

from reportlab.lib import colors, textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle, paragraph

FONT = "STSong-Light"
MM = 2.8346  # points per millimetre (reportlab.lib.units.mm)

# Chinese line breaking (GB/T 15834《标点符号用法》: 点号、后引号、后括号不出现在一行之首). reportlab's
# wordWrap="CJK" hangs a character that cannot start a line in the margin, but its list is the Japanese
# one, without the full-width ，；：！？》 etc., so "，" could start a line of the remedies paragraph.
CANNOT_START_LINE = "，。；：、！？）」』》〉】”’"


def use_chinese_line_breaking() -> None:
    """Add the Chinese closing punctuation to reportlab's cannot-start-a-line set (idempotent). It is
    process-wide, so it runs when this module is imported: every PDF of the portal (credit reports,
    decision documents) breaks lines the same way in every process, and a report's bytes stay the
    same for the same facts.

    Both the single-fragment wrap (``textsplit.wordSplit``) and the multi-fragment one
    (``paragraph.cjkFragSplit``) read their module's ``ALL_CANNOT_START``."""
    for module in (textsplit, paragraph):
        missing = "".join(c for c in CANNOT_START_LINE if c not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing


use_chinese_line_breaking()


def register_font() -> None:
    """Register the CID font once per process (reportlab keeps a process-wide registry)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def styles() -> dict:
    """The paragraph styles every document starts from: title, subtitle, h2, h3, body, cell, small, badge."""
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1, spaceAfter=4),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, alignment=1, textColor=colors.HexColor("#52606d"), spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=13,
            leading=20,
            spaceBefore=10,
            spaceAfter=4,
            textColor=colors.HexColor("#102a43"),
        ),
        "h3": ParagraphStyle("h3", parent=base, fontSize=10.5, leading=16, spaceBefore=6, spaceAfter=2),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#52606d")),
        "badge": ParagraphStyle("badge", parent=base, fontSize=16, leading=22, alignment=1, textColor=colors.white),
    }


def esc(value) -> str:
    """Text for a reportlab ``Paragraph`` (its markup is XML): None is empty, ``<&>`` are escaped."""
    return escape("" if value is None else str(value))


def table(rows, widths, styles, header=True):
    """A grid of text cells; the first row is a grey header repeated on every page unless ``header=False``."""
    cells = [[Paragraph(esc(v), styles["cell"]) for v in row] for row in rows]
    result = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")))
    result.setStyle(TableStyle(commands))
    return result


def kv_table(pairs, width, styles):
    """Label / value rows (the label column shaded, a quarter of ``width``); a value may be a flowable
    (e.g. a paragraph with a link)."""
    cells = [
        [Paragraph(esc(k), styles["cell"]), v if isinstance(v, Flowable) else Paragraph(esc(v), styles["cell"])]
        for k, v in pairs
    ]
    result = Table(cells, colWidths=[width * 0.24, width * 0.76])
    result.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f4f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return result


def numbered_canvas(footer: str, page_label: str = "第 %(number)s 页 共 %(total)s 页"):
    """A canvas that holds its pages until the end, so each can say 第 N 页 共 M 页 under ``footer``
    (``page_label`` with ``%(number)s`` and ``%(total)s``, e.g. the English report's "Page 1 of 3")."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                width, _height = self._pagesize
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.HexColor("#52606d"))
                self.drawString(18 * MM, 12 * MM, footer)
                self.drawRightString(width - 18 * MM, 12 * MM, page_label % {"number": number, "total": total})
                super().showPage()
            super().save()

    return NumberedCanvas
