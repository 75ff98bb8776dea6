"""One agency id across the ways reports print an agency's name."""

from __future__ import annotations

import pytest

from pipeline.load.agency import agency_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("周口市政府办公室", "411600"), ("周口市人民政府办公室", "411600")),
        (("周口市人民政府办公厅", "411600"), ("周口市人民政府办公室", "411600")),
        (("河南省周口市人民政府办公室", "411600"), ("周口市人民政府办公室", "411600")),
        (("周口市川汇区人民政府", "411602"), ("川汇区人民政府", "411602")),
        (("川汇区 人民政府", "411602"), ("川汇区政府", "411602")),
        (("周口市政务服务和大数据管理局", "411600"), ("周口市政务服务和大数据管理局", "411600")),
        (("ＸＸ县人民政府", None), ("XX县政府", None)),
    ],
)
def test_variants_of_one_agency_share_a_key(a: tuple[str, str | None], b: tuple[str, str | None]) -> None:
    assert agency_key(*a) == agency_key(*b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a government and its general office are two agencies
        (("周口市人民政府", "411600"), ("周口市人民政府办公室", "411600")),
        (("川汇区人民政府", "411602"), ("川汇区政府办公室", "411602")),
        # namesakes in different places (鼓楼区: Nanjing, Fuzhou, Xuzhou, Kaifeng)
        (("鼓楼区人民政府", "320106"), ("鼓楼区人民政府", "350102")),
        # a department is not its government
        (("周口市教育局", "411600"), ("周口市人民政府", "411600")),
    ],
)
def test_different_agencies_get_different_keys(a: tuple[str, str | None], b: tuple[str, str | None]) -> None:
    assert agency_key(*a) != agency_key(*b)


def test_key_is_readable_and_stable() -> None:
    assert agency_key("周口市人民政府办公室", "411600") == "411600:周口市政府办公室"
    assert agency_key("某某局", None) == "000000:某某局"
    assert agency_key("某某局", "bad") == "000000:某某局"


@pytest.mark.parametrize("name", [None, "", "  "])
def test_no_name_no_key(name: str | None) -> None:
    assert agency_key(name, "411600") == ""
