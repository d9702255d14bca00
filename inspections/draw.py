"""The verifiable draw (algorithm ``hmac-sha256-v1``, DOMAIN §4), as plain functions.

Anyone with the seed and the population file can recompute a draw:

1. The population file has one line ``USCC,STRATUM`` per entity in scope (stratum = risk class),
   sorted ascending by byte value, each ending with ``\\n`` (the last one too), in ASCII. Its SHA-256
   (hex) is the population hash.
2. In each stratum, entities are ranked ascending by the hex digest of
   HMAC-SHA256(key = the seed's 32 bytes, message = the USCC in ASCII).
3. ``k = ceil(ratio × size)`` are taken, with the ratio as an exact decimal.

Inspectors are ranked the same way by HMAC-SHA256(seed, task entity's USCC + ":" + certificate no.).

From ``hmac-sha256-v2`` on (v1 draws stay verifiable), the platform cannot choose its own luck, and
the public cannot rank by HMAC (which, with per-class ratios, revealed high-risk entities):

4. At approval the platform fixes a secret 256-bit seed share and publishes SHA-256 of its 32 bytes
   and the population hash, and names a public random value that does not exist yet.
5. The draw seed is HMAC-SHA256(key = the seed share's 32 bytes, message = the public value as
   UTF-8), in hex; steps 2 and 3 (and the inspectors) then run with that seed.

Key supervision is per item (DOMAIN §4, issue 12 §5). Design:

6. Only the plan's **sampled** items (随机抽查事项 that are not 重点监管) are drawn. The population file
   (steps 1–3, and the v2 commitment) lists the entities in the plan's scope to which at least one
   sampled item applies, and the plan's ratios apply to it unchanged. A plan without sampled items
   has an empty population file (hash of zero bytes) and selects nobody. So a key item never turns
   the ratio into 100%: 2 of 200 stay 2 of 200.
7. Each **key** item covers every entity in its own scope (the plan's scope narrowed to the item's
   监管对象) with no sampling. That is a deterministic addition, not part of the random draw, and
   it is recorded separately on the draw as the key coverage file: one line ``USCC,CATALOGUE_CODE``
   per covered entity and key item, sorted by byte value, each ending with ``\n``, ASCII, with its
   SHA-256. It carries no risk class, so it reveals nothing the public may not see.
8. One task per entity that is selected or covered (进一次门、查多项事). It carries only the items
   that apply to its entity: a selected entity, the sampled items whose 监管对象 matches it plus its
   key items; a covered entity that was not selected, its key items only. Only the departments of a
   task's items draw inspectors for it (step 2's inspector ranking, unchanged).

A verifier recomputes the selection from the seed and the population file exactly as before, and
checks that the tasks are the selection plus the entities of the key coverage file.
"""

import hashlib
import heapq
import hmac
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

ALGORITHM = "hmac-sha256-v1"
ALGORITHM_V2 = "hmac-sha256-v2"
STRATA = ("A", "B", "C", "D")


def new_seed() -> str:
    """A fresh 256-bit seed from ``secrets``, as 64 lower-case hex characters (also a v2 seed share)."""
    return secrets.token_hex(32)


def share_commitment(share_hex: str) -> str:
    """SHA-256 (hex) of the seed share's 32 bytes: published at approval (v2)."""
    return hashlib.sha256(bytes.fromhex(share_hex)).hexdigest()


def derive_seed(share_hex: str, public_value: str) -> str:
    """The v2 draw seed: HMAC-SHA256(key = seed share bytes, message = public value UTF-8), hex."""
    return hmac.new(bytes.fromhex(share_hex), public_value.encode("utf-8"), hashlib.sha256).hexdigest()


def population_file(rows) -> bytes:
    """The population file's exact bytes from ``(uscc, stratum)`` pairs."""
    lines = sorted(f"{code},{stratum}\n".encode("ascii") for code, stratum in rows)
    return b"".join(lines)


def population_hash(population: bytes) -> str:
    return hashlib.sha256(population).hexdigest()


def coverage_file(rows) -> bytes:
    """The key coverage file's exact bytes from ``(uscc, catalogue_code)`` pairs (step 7)."""
    return b"".join(sorted({f"{code},{item}\n".encode("ascii") for code, item in rows}))


def parse_coverage(coverage: bytes) -> dict[str, set[str]]:
    """``{uscc: {catalogue codes}}`` from a key coverage file."""
    covered = defaultdict(set)
    for line in coverage.split(b"\n"):
        if line:
            code, item = line.decode("ascii").split(",", 1)
            covered[code].add(item)
    return dict(covered)


def parse_population(population: bytes) -> list[tuple[str, str]]:
    return [tuple(line.split(",", 1)) for line in population.decode("ascii").splitlines()]


class KeyedHmac:
    """HMAC-SHA256 under one key (RFC 2104), kept as its two SHA-256 states with the key's pads already
    hashed: ``mac(m)`` is ``hmac.new(key, m, sha256).digest()``, byte for byte (tested), at about
    60% of the cost. The ``hmac`` module's copy/update/digest are Python methods around the same C
    hashes; a draw of 1,000,000 entities spent 2.3 of its 2.9 seconds in them (issue 16 §4).
    ``then(prefix)`` is the same key with ``prefix`` already fed (an inspector's ranking message starts
    with the entity's USCC)."""

    __slots__ = ("inner", "outer")

    def __init__(self, key: bytes = b"", *, inner=None, outer=None):
        if inner is None:
            block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
            inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
            outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self.inner, self.outer = inner, outer

    def then(self, prefix: bytes) -> "KeyedHmac":
        inner = self.inner.copy()
        inner.update(prefix)
        return KeyedHmac(inner=inner, outer=self.outer)

    def mac(self, message: bytes) -> bytes:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def digest(seed_hex: str, message: str) -> str:
    return hmac.new(bytes.fromhex(seed_hex), message.encode("utf-8"), hashlib.sha256).hexdigest()


def take(ratio: Decimal, size: int) -> int:
    """``ceil(ratio × size)`` with the ratio as an exact decimal (never a float)."""
    return int((Decimal(str(ratio)) * size).to_integral_value(rounding=ROUND_CEILING))


def strata_counts(population: bytes, ratios: dict) -> list:
    """Per stratum: size, ratio and ``take(ratio, size)``, as a draw records them (no seed needed)."""
    sizes = defaultdict(int)
    for line in population.split(b"\n"):
        if line:
            sizes[line.rsplit(b",", 1)[1].decode("ascii")] += 1
    counts = []
    for stratum in sorted(sizes):
        ratio = Decimal(str(ratios.get(stratum, 0)))
        counts.append(
            {
                "stratum": stratum,
                "size": sizes[stratum],
                "ratio": str(ratio),
                "selected": min(take(ratio, sizes[stratum]), sizes[stratum]),
            }
        )
    return counts


@dataclass
class DrawOutcome:
    population_sha256: str
    strata: list = field(default_factory=list)  # [{"stratum", "size", "ratio", "selected"}]
    selected: list = field(default_factory=list)  # [(uscc, stratum, rank, digest)]


def draw(seed_hex: str, population: bytes, ratios: dict) -> DrawOutcome:
    """Select from the population: per stratum, the ``take(ratio, size)`` lowest HMAC digests.

    Ranked by the raw digest: hex is order-preserving, so the order is that of the hex digest (step
    2); only the selected ones are written out in hex. The key is set up once and copied per code
    (``KeyedHmac``: the same HMAC, without padding the key again a million times)."""
    mac = KeyedHmac(bytes.fromhex(seed_hex)).mac
    by_stratum = defaultdict(list)
    lines = population.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    for line in lines:
        if not line:
            continue
        code, stratum = line.split(b",", 1)
        by_stratum[stratum].append((mac(code), code))
    outcome = DrawOutcome(population_hash(population))
    for stratum in sorted(by_stratum):
        ranked = by_stratum[stratum]
        ratio = Decimal(str(ratios.get(stratum.decode("ascii"), 0)))
        k = min(take(ratio, len(ranked)), len(ranked))
        chosen = heapq.nsmallest(k, ranked) if k < len(ranked) // 4 else sorted(ranked)[:k]
        name = stratum.decode("ascii")
        outcome.strata.append({"stratum": name, "size": len(ranked), "ratio": str(ratio), "selected": k})
        outcome.selected.extend(
            (code.decode("ascii"), name, rank, mac.hex()) for rank, (mac, code) in enumerate(chosen, start=1)
        )
    return outcome


VERIFY_SNIPPET = """import csv, hashlib, hmac, math
from decimal import Decimal

seed = "<64 位十六进制随机种子>"
ratios = {"A": Decimal("0.01"), "B": Decimal("0.03"), "C": Decimal("0.10"), "D": Decimal("0.30")}
data = open("population.csv", "rb").read()
print("名录哈希", hashlib.sha256(data).hexdigest())
strata = {}
for line in data.decode("ascii").splitlines():
    uscc, stratum = line.split(",")
    mac = hmac.new(bytes.fromhex(seed), uscc.encode("ascii"), hashlib.sha256).hexdigest()
    strata.setdefault(stratum, []).append((mac, uscc))
for stratum, ranked in sorted(strata.items()):
    k = math.ceil(ratios[stratum] * len(ranked))
    for mac, uscc in sorted(ranked)[:k]:
        print(stratum, uscc)
"""

# v2: the auditor's check (the seed share and the population file come with inspections:read).
VERIFY_SNIPPET_V2 = """import hashlib, hmac, math
from decimal import Decimal

share = "<64 位十六进制种子份额>"
public_value = "<公开随机数，按录入原文>"
ratios = {"A": Decimal("0.01"), "B": Decimal("0.03"), "C": Decimal("0.10"), "D": Decimal("0.30")}
data = open("population.csv", "rb").read()
print("名录哈希", hashlib.sha256(data).hexdigest())
print("种子份额承诺值", hashlib.sha256(bytes.fromhex(share)).hexdigest())
seed = hmac.new(bytes.fromhex(share), public_value.encode("utf-8"), hashlib.sha256).hexdigest()
print("摇号种子", seed)
strata = {}
for line in data.decode("ascii").splitlines():
    uscc, stratum = line.split(",")
    mac = hmac.new(bytes.fromhex(seed), uscc.encode("ascii"), hashlib.sha256).hexdigest()
    strata.setdefault(stratum, []).append((mac, uscc))
for stratum, ranked in sorted(strata.items()):
    k = math.ceil(ratios[stratum] * len(ranked))
    for mac, uscc in sorted(ranked)[:k]:
        print(stratum, uscc)
"""
