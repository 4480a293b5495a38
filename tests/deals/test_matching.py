"""The matching table: English and Chinese names, suffixes, tax ids, domains."""

import pytest

from deal_registration.matching import (
    Customer,
    blocking_keys,
    match,
    normalise_domain,
    normalise_name,
    normalise_tax_id,
)


@pytest.mark.parametrize("raw,normalised", [
    ("Shanghai Yunqi Technology Co., Ltd.", "shanghaiyunqitechnology"),
    ("SHANGHAI YUNQI TECHNOLOGY CO LTD", "shanghaiyunqitechnology"),
    ("Ｓｈａｎｇｈａｉ　Ｙｕｎｑｉ　Ｔｅｃｈｎｏｌｏｇｙ", "shanghaiyunqitechnology"),
    ("Acme, Inc.", "acme"),
    ("Acme LLC", "acme"),
    ("Acme GmbH", "acme"),
    ("Acme Corp.", "acme"),
    ("上海云启科技有限公司", "上海云启科技"),
    ("上海云启科技股份有限公司", "上海云启科技"),
    ("上海云启科技有限责任公司", "上海云启科技"),
    ("上海云启科技集团有限公司", "上海云启科技"),
    ("华为技术（中国）有限公司", "华为技术中国"),
    ("  Beijing   Huaxin -- Systems Ltd ", "beijinghuaxinsystems"),
])
def test_normalise_name(raw, normalised):
    assert normalise_name(raw) == normalised


@pytest.mark.parametrize("raw,normalised", [
    ("91310000MA1FL0001X", "91310000MA1FL0001X"),
    ("9131-0000 ma1f.l0001x", "91310000MA1FL0001X"),
    ("９１３１００００", "91310000"),
    (None, ""),
])
def test_normalise_tax_id(raw, normalised):
    assert normalise_tax_id(raw) == normalised


@pytest.mark.parametrize("raw,normalised", [
    ("example.com", "example.com"),
    ("https://WWW.Example.com:8443/about?x=1", "example.com"),
    ("http://shop.example.com/", "shop.example.com"),
    ("Sales@Example.COM", "example.com"),
    ("www.example.com.", "example.com"),
    ("", ""),
])
def test_normalise_domain(raw, normalised):
    assert normalise_domain(raw) == normalised


@pytest.mark.parametrize("a,b,field", [
    (Customer.of("Shanghai Yunqi Technology Co., Ltd."), Customer.of("SHANGHAI YUNQI TECHNOLOGY LIMITED"), "name"),
    (Customer.of("上海云启科技有限公司"), Customer.of("上海云启科技股份有限公司"), "name"),
    (Customer.of("Beijing Huaxin Systems"), Customer.of("Beijing Huaxin System"), "name"),
    (Customer.of("Yunqi", tax_id="91-310000"), Customer.of("Totally Else", tax_id="91310000"), "tax_id"),
    (Customer.of("Yunqi", domain="https://yunqi.cn"), Customer.of("Other", domain="ceo@yunqi.cn"), "domain"),
])
def test_matches_and_says_why(a, b, field):
    found = match(a, b, 0.9)
    assert found is not None and found.field == field
    assert found.as_evidence(7)["registration_id"] == 7


@pytest.mark.parametrize("a,b", [
    ("Shanghai Yunqi Technology", "Shenzhen Qianhai Data"),
    ("上海云启科技有限公司", "北京华信系统集成有限公司"),
    ("Acme Trading", "Acme Consulting"),
])
def test_different_customers_do_not_match(a, b):
    assert match(Customer.of(a), Customer.of(b), 0.9) is None


def test_threshold_is_respected():
    a, b = Customer.of("Beijing Huaxin Systems"), Customer.of("Beijing Huaxin Sys")
    score = match(a, b, 0.5).score
    assert match(a, b, score) is not None and match(a, b, min(1.0, score + 0.01)) is None


def test_blocking_keys_survive_an_edit_in_the_middle_or_at_one_end():
    base = blocking_keys("Shanghai Yunqi Technology")
    for variant in ("Shanghai Yunxi Technology", "Shanghai Xunqi Technology", "Shanghai Yunqa Technology",
                    "Beijing Yunqi Technologies Ltd"):
        assert any(x == y for x, y in zip(base, blocking_keys(variant))), variant
