from pavilion.membership.countries import (
    country_choices,
    country_name,
    is_country,
    region_name,
    region_of,
)


def test_names_in_english_and_japanese_from_one_list():
    assert country_name("JP", "en") == "Japan"
    assert country_name("JP", "ja") == "日本"
    assert country_name("de", "ja") == "ドイツ"
    en = country_choices("en")
    ja = country_choices("ja")
    assert len(en) == len(ja) == 249
    assert {code for code, _n in en} == {code for code, _n in ja}


def test_choices_are_sorted_for_each_language():
    en = [name for _c, name in country_choices("en")]
    assert en[0] == "Afghanistan"
    assert en.index("Åland Islands") < en.index("Albania")
    ja = country_choices("ja")
    assert ja[0] == ("IS", "アイスランド")
    codes = [c for c, _n in ja]
    # 日本 (ニホン) sorts among the ニ names, not after every katakana name.
    assert codes.index("NG") < codes.index("JP") < codes.index("NP")


def test_is_country_and_regions():
    assert is_country("jp") and is_country("KE")
    assert not is_country("XX") and not is_country("") and not is_country(None)
    assert region_of("JP") == "142"
    assert region_of("KE") == "002"
    assert region_of("BR") == "019"
    assert region_of("DE") == "150"
    assert region_of("NZ") == "009"
    assert region_of("AQ") == ""
    assert all(region_of(code) for code, _n in country_choices("en") if code != "AQ")
    assert region_name("150", "en") == "Europe"
