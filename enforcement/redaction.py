"""The one redaction service for public penalty summaries (DOMAIN §5).

ID-card numbers, phone numbers, home addresses, bank accounts and health data of natural persons
are never published, even when an official typed them into the facts. Detection is by pattern and
by label, and errs on the side of masking: a masked digit string costs a reader little, a leaked
ID number cannot be taken back.
"""

import re

MASK = "＊＊＊"

# 18-digit resident ID (GB 11643) and the old 15-digit form; digits may be separated by spaces.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
_ID_CARD_15 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])")
# Mobile numbers (with optional +86 and separators) and landlines such as 0371-6788 1234.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[-\s]?[2-9]\d{2,3}[-\s]?\d{4}(?!\d)")
# Bank cards and accounts: runs of 12–30 digits, possibly grouped by spaces or dashes (amounts and
# dates are shorter, so they stay readable).
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z.])\d(?:[-\s]?\d){11,29}(?![0-9A-Za-z])")
# A labelled value: 住址/家庭住址/身份证号/电话/账号/病历… up to the next punctuation.
_LABELLED = re.compile(
    r"((?:家庭)?住址|现住址|户籍地|居住地|住所地|身份证(?:号码?)?|公民身份号码|证件号码?|联系电话|电话|手机(?:号码?)?|"
    r"(?:银行)?(?:账号|帐号|账户|帐户|卡号)|开户行|病历|病情|诊断|健康状况|病史)"
    r"(\s*[:：为是]?\s*)([^，。；;,\n（）()]{2,60})"
)


def redact_text(text: str, *, keep: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> str:
    """``text`` with personal data masked. ``names`` are natural persons other than the party
    (witnesses, reporters, employees): they are masked too. ``keep`` are strings that must stay
    readable (the party's own USCC, which is public)."""
    if not text:
        return text
    protected = {}
    for i, value in enumerate(v for v in keep if v):
        token = f"\x00{i}\x00"
        protected[token] = value
        text = text.replace(value, token)
    text = _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    for pattern in (_ID_CARD, _ID_CARD_15, _MOBILE, _DIGIT_RUN, _LANDLINE):
        text = pattern.sub(MASK, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, name[0] + "某")
    for token, value in protected.items():
        text = text.replace(token, value)
    return text


def contains_personal_data(text: str) -> bool:
    """True when ``text`` still holds something the patterns above would mask."""
    return bool(text) and redact_text(text) != text
