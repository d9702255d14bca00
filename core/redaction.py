"""The one redaction service for public text (DOMAIN §5): penalty summaries, pushed records, exchange files.

ID-card numbers, phone numbers, home addresses, bank accounts and health data of natural persons
are never published, even when an official typed them into the facts. Detection is by pattern and
by label, and errs on the side of masking: a masked digit string costs a reader little, a leaked
ID number cannot be taken back.
"""

import re

MASK = "＊＊＊"

# Officials type with a Chinese IME: full-width digits, letters and signs are folded to ASCII first,
# so "４１０１…" is caught like "4101…".
_FOLD = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    0xFF38: ord("X"),
    0xFF58: ord("x"),
    0xFF0B: ord("+"),
    0xFF0D: ord("-"),
    0x3000: ord(" "),
}
_SEP = r"[-\s‐-―]?"  # a space, dash or hyphen between digit groups
# 18-digit resident ID (GB 11643) and the old 15-digit form; groups may be separated (6-8-4).
_ID_CARD = re.compile(
    rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_SEP}(?:18|19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]){_SEP}\d{{3}}[\dXx](?![0-9A-Za-z])"
)
_ID_CARD_15 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])")
# Mobile numbers: 11 digits from 13–19, any grouping (3-4-4, 4-3-4 …), with an optional +86 / 0086.
_MOBILE = re.compile(rf"(?<![0-9A-Za-z])(?:(?:\+|00)?86{_SEP}|[(（]\+?86[)）]\s?)?1[3-9](?:{_SEP}\d){{9}}(?!\d)")
# Landlines: area code 0xx(x) (optionally in brackets) and a 7–8 digit number, e.g. 0371-6788 1234.
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[-\s]?)[2-9]\d{2,3}[-\s]?\d{4}(?:[-转]\d{1,5})?(?!\d)"
)
# Bank cards and accounts: runs of 12–30 digits, possibly grouped by spaces or dashes (amounts and
# dates are shorter, so they stay readable).
_DIGIT_RUN = re.compile(rf"(?<![0-9A-Za-z.])\d(?:{_SEP}\d){{11,29}}(?![0-9A-Za-z])")
# A residence by its shape, even unlabelled: building / unit / room numbers (…3号楼2单元502室,
# …5栋1801, …12号院3号). The street stays readable; the door that identifies a household does not.
_N = r"(?:\d+|[一二三四五六七八九十百零〇]+)"
_HOME_SHAPE = re.compile(
    rf"(?:{_N}号院)?{_N}\s*(?:号楼|栋|幢|座)\s*(?:{_N}\s*单元)?\s*(?:{_N}\s*(?:层|楼))?\s*{_N}\s*(?:室|户|号)?"
    rf"|{_N}号院\s*{_N}\s*号|{_N}\s*单元\s*{_N}\s*(?:室|户|号)?"
)
# Values introduced by a label. Numbers (ID, phone, account) are masked when the value has a digit
# ("通过电话告知当事人" stays); addresses and health data are masked whatever follows.
_NUMBER_LABELS = r"身份证(?:号码?)?|公民身份号码|证件号码?|联系电话|联系方式|电话|手机(?:号码?)?|微信号?|QQ号?|(?:银行)?(?:账号|帐号|账户|帐户|卡号)|开户行"
_ADDRESS_LABELS = r"(?:家庭|户籍|居住|现)?住址|家住|现住|现居住?|暂住|居住地|居住于|户籍地|住所地|住在"
_HEALTH_LABELS = r"病历|病情|诊断(?:为|结果)?|健康状况|病史|患有|确诊|体检结果"
_LABELLED = re.compile(
    rf"({_NUMBER_LABELS}|{_ADDRESS_LABELS}|{_HEALTH_LABELS})(\s*[:：为是]?\s*)([^，。；;,\n（）()、]{{2,60}})"
)
_NUMBER_LABEL = re.compile(rf"^(?:{_NUMBER_LABELS})$")


def _labelled(match: re.Match) -> str:
    label, sep, value = match.groups()
    if _NUMBER_LABEL.match(label) and not re.search(r"\d", value):
        return match.group(0)
    return f"{label}{sep}{MASK}"


def redact_text(text: str, *, keep: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> str:
    """``text`` with personal data masked. ``names`` are natural persons other than the party
    (witnesses, reporters, employees): they are masked too. ``keep`` are strings that must stay
    readable (the party's own USCC, the decision number, the authority's USCC: all public)."""
    if not text:
        return text
    text = text.translate(_FOLD)
    protected = {}
    for i, value in enumerate(v for v in keep if v):
        token = f"\x00{chr(0xE000 + i)}\x00"  # private-use character: no pattern matches it
        protected[token] = value
        text = text.replace(value.translate(_FOLD), token)
    text = _LABELLED.sub(_labelled, text)
    for pattern in (_ID_CARD, _ID_CARD_15, _MOBILE, _LANDLINE, _DIGIT_RUN, _HOME_SHAPE):
        text = pattern.sub(MASK, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, name[0] + "某")
    for token, value in protected.items():
        text = text.replace(token, value)
    return text


def contains_personal_data(text: str) -> bool:
    """True when ``text`` still holds something the patterns above would mask."""
    return bool(text) and redact_text(text) != text
