"""Pure functions: normalise a customer, and decide whether two customers match.

Two registrations concern the same customer when their normalised tax ids are equal,
or their normalised domains, or their normalised names are at least
``threshold`` similar (rapidfuzz's normalised Indel ratio). The match explains
itself: which field matched, and the score.

Candidates are found through three *blocking keys* of the name, indexed in the
database: ``ab`` (first two + last two characters), ``head`` (first three) and
``tail`` (last three) of the name's distinctive core, i.e. the name without
generic words such as places and industries that many customers share. A pair that
is 90% similar keeps at least one of those unchanged unless edits hit both ends of
its core; tax ids and domains catch most such cases exactly.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz.distance import Indel

LEGAL_SUFFIXES_CJK = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "集团公司", "分公司",
                      "总公司", "公司", "集团")
LEGAL_SUFFIXES_LATIN = {"inc", "incorporated", "ltd", "limited", "llc", "gmbh", "co", "company", "corp",
                        "corporation", "plc", "ag", "sa", "srl", "bv", "pte", "pty", "kk", "llp", "lp", "oy",
                        "ab", "nv", "spa", "sarl", "sas", "group"}
GENERIC_LATIN = {"technology", "technologies", "tech", "systems", "system", "solutions", "solution",
                 "network", "networks", "data", "software", "information", "info", "digital", "trading",
                 "services", "service", "international", "intl", "holdings", "holding", "electronics",
                 "communications", "communication", "consulting", "industries", "industrial", "enterprise",
                 "enterprises", "global", "china", "shanghai", "beijing", "shenzhen", "guangzhou", "hangzhou",
                 "nanjing", "chengdu", "chongqing", "tianjin", "wuhan", "suzhou", "xian", "hong", "kong",
                 "and", "of"}
GENERIC_CJK = ("科技", "技术", "信息", "网络", "数据", "软件", "系统", "电子", "通信", "贸易", "服务", "国际",
               "控股", "实业", "数码", "智能", "中国", "上海", "北京", "深圳", "广州", "杭州", "南京", "成都",
               "重庆", "天津", "武汉", "苏州", "西安", "香港")

_WORDS = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _words(name: str) -> list[str]:
    """NFKC (full-width to half-width), case-folded words; punctuation and spaces go."""
    return _WORDS.findall(unicodedata.normalize("NFKC", name or "").casefold())


def _strip_legal_suffixes(words: list[str]) -> list[str]:
    words = list(words)
    changed = True
    while changed and words:
        changed = False
        if words[-1] in LEGAL_SUFFIXES_LATIN and len(words) > 1:
            words.pop()
            changed = True
            continue
        for suffix in LEGAL_SUFFIXES_CJK:
            if words[-1].endswith(suffix) and (len(words[-1]) > len(suffix) or len(words) > 1):
                words[-1] = words[-1][: -len(suffix)]
                if not words[-1]:
                    words.pop()
                changed = True
                break
    return words


def normalise_name(name: str) -> str:
    """``"Shanghai Yunqi Technology Co., Ltd."`` → ``"shanghaiyunqitechnology"``."""
    return "".join(_strip_legal_suffixes(_words(name)))


def normalise_tax_id(tax_id: str | None) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", tax_id or "") if ch.isalnum()).upper()


def normalise_domain(value: str | None) -> str:
    """A domain, URL or email address → the bare lower-case host without ``www.``."""
    value = unicodedata.normalize("NFKC", value or "").strip().casefold()
    if not value:
        return ""
    if "@" in value and "://" not in value:
        value = value.rsplit("@", 1)[1]
    host = urlsplit(value if "://" in value else f"//{value}").hostname or ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def core_of(name: str) -> str:
    """The distinctive part of a name, for blocking keys (see the module docstring)."""
    words = [w for w in _strip_legal_suffixes(_words(name)) if w not in GENERIC_LATIN]
    core = "".join(words)
    for generic in GENERIC_CJK:
        if _CJK.search(core):
            core = core.replace(generic, "")
    return core or normalise_name(name)


def blocking_keys(name: str) -> tuple[str, str, str]:
    core = core_of(name)
    return core[:2] + core[-2:], core[:3], core[-3:]


@dataclass(frozen=True)
class Customer:
    """A customer as the matcher sees it."""

    name: str
    tax_id: str = ""
    domain: str = ""

    @classmethod
    def of(cls, company_name: str, tax_id: str | None = None, domain: str | None = None) -> "Customer":
        return cls(normalise_name(company_name), normalise_tax_id(tax_id), normalise_domain(domain))


@dataclass(frozen=True)
class Match:
    field: str  # "tax_id", "domain" or "name"
    score: float

    def as_evidence(self, other_id: int) -> dict:
        return {"registration_id": other_id, "field": self.field, "score": round(self.score, 3)}


def match(a: Customer, b: Customer, threshold: float) -> Match | None:
    """Whether ``a`` and ``b`` are the same customer, and why."""
    if a.tax_id and a.tax_id == b.tax_id:
        return Match("tax_id", 1.0)
    if a.domain and a.domain == b.domain:
        return Match("domain", 1.0)
    score = Indel.normalized_similarity(a.name, b.name)
    return Match("name", score) if a.name and score >= threshold else None
