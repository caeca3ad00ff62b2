"""Tests for docgen.vietnamese: the format rules of [ND30]/[HD36] and Vietnamese collation.

Expected values are written out literally (or built from hand-written tables) rather than
recomputed with the code under test, so that each test can fail.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pytest

from docgen.vietnamese import (
    DATE_BLANK,
    NUMBER_BLANK,
    SPACE_LIKE,
    TextCharacterError,
    capitalize_first,
    clean_text,
    count2,
    document_number,
    format_counts,
    format_date,
    format_date_short,
    lower_first,
    name_sort_key,
    nfc,
    number_reference,
    place_date_line,
    sort_key,
    sort_names,
    upper,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


# ---------------------------------------------------------------------------------------------
# nfc
# ---------------------------------------------------------------------------------------------


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = "Nguye\u0302\u0303n"  # e + circumflex + tilde
    assert nfc(decomposed) == "Nguy\u1ec5n"
    assert len(nfc(decomposed)) == 6


def test_nfc_leaves_precomposed_text_alone() -> None:
    assert nfc("Lạng Sơn") == "Lạng Sơn"


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2022, 2, 5), "ngày 05 tháng 02 năm 2022"),
        (dt.date(2022, 12, 12), "ngày 12 tháng 12 năm 2022"),
        (dt.date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
        (dt.date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (dt.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (dt.date(2023, 10, 1), "ngày 01 tháng 10 năm 2023"),
        (dt.date(2023, 11, 9), "ngày 09 tháng 11 năm 2023"),
        (dt.date(2023, 3, 10), "ngày 10 tháng 3 năm 2023"),
        (dt.date(2023, 12, 31), "ngày 31 tháng 12 năm 2023"),
    ],
)
def test_format_date_examples(date: dt.date, expected: str) -> None:
    assert format_date(date) == expected


# Month words written by hand: only January and February are zero-padded.
MONTH_WORDS = ["01", "02", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]


@pytest.mark.parametrize("month", range(1, 13))
def test_format_date_every_month(month: int) -> None:
    assert (
        format_date(dt.date(2021, month, 15)) == f"ngày 15 tháng {MONTH_WORDS[month - 1]} năm 2021"
    )


DAY_WORDS = ["01", "02", "03", "04", "05", "06", "07", "08", "09"] + [str(d) for d in range(10, 32)]


@pytest.mark.parametrize("day", range(1, 32))
def test_format_date_every_day_is_padded_below_ten(day: int) -> None:
    assert format_date(dt.date(2021, 7, day)) == f"ngày {DAY_WORDS[day - 1]} tháng 7 năm 2021"


def test_format_date_accepts_datetime() -> None:
    assert format_date(dt.datetime(2022, 12, 12, 8, 30)) == "ngày 12 tháng 12 năm 2022"


def test_format_date_blank_form() -> None:
    blank = format_date(None)
    assert blank == "ngày      tháng      năm      "
    assert DATE_BLANK == "      "
    # Regular spaces only, so renderers break lines normally.
    assert "\u00a0" not in blank


@pytest.mark.parametrize("bad", ["2022-12-12", 20221212, (2022, 12, 12)])
def test_format_date_rejects_non_dates(bad: object) -> None:
    with pytest.raises(TypeError):
        format_date(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_date_short(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2022, 12, 12), "12/12/2022"),
        (dt.date(2022, 2, 5), "05/02/2022"),
        (dt.date(2019, 6, 29), "29/06/2019"),
        (dt.date(2020, 1, 1), "01/01/2020"),
        (dt.date(2023, 10, 9), "09/10/2023"),
    ],
)
def test_format_date_short(date: dt.date, expected: str) -> None:
    assert format_date_short(date) == expected


def test_format_date_short_blank() -> None:
    assert format_date_short(None) == "      /      /      "


@pytest.mark.parametrize(
    ("place", "date", "expected"),
    [
        ("Lạng Sơn", dt.date(2022, 12, 12), "Lạng Sơn, ngày 12 tháng 12 năm 2022"),
        ("Hà Nội", dt.date(2022, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2022"),
        ("Lạng Sơn", None, "Lạng Sơn, ngày      tháng      năm      "),
        ("  Lạng   Sơn ", dt.date(2019, 6, 29), "Lạng Sơn, ngày 29 tháng 6 năm 2019"),
    ],
)
def test_place_date_line(place: str, date: dt.date | None, expected: str) -> None:
    assert place_date_line(place, date) == expected


def test_place_date_line_normalises_nfd_place() -> None:
    line = place_date_line(nfd("Lạng Sơn"), dt.date(2022, 12, 12))
    assert line == "Lạng Sơn, ngày 12 tháng 12 năm 2022"
    assert is_nfc(line)


@pytest.mark.parametrize("place", ["", "   "])
def test_place_date_line_requires_a_place(place: str) -> None:
    with pytest.raises(ValueError):
        place_date_line(place, dt.date(2022, 12, 12))


# ---------------------------------------------------------------------------------------------
# Document numbers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "type_code", "issuer", "profile", "expected"),
    [
        (5, "TB", "UBND", "state", "Số: 05/TB-UBND"),
        (3125, "QĐ", "UBND", "state", "Số: 3125/QĐ-UBND"),
        (12, None, "UBND-VX", "state", "Số: 12/UBND-VX"),
        (1, "BB", "UBND", "state", "Số: 01/BB-UBND"),
        (9, "TTr", "SNV", "state", "Số: 09/TTr-SNV"),
        (10, "KH", "UBND", "state", "Số: 10/KH-UBND"),
        (100, "QyĐ", "UBND", "state", "Số: 100/QyĐ-UBND"),
        (3, None, "UBND-VX", "state", "Số: 03/UBND-VX"),
        (15, "TB", "TU", "party", "Số 15-TB/TU"),
        (7, "BB", "BCĐ", "party", "Số 07-BB/BCĐ"),
        (1, "KL", "TU", "party", "Số 01-KL/TU"),
        (10, "NQ", "TU", "party", "Số 10-NQ/TU"),
        (250, "CV", "TU", "party", "Số 250-CV/TU"),
        (None, "TB", "UBND", "state", "Số:       /TB-UBND"),
        (None, None, "UBND-VX", "state", "Số:       /UBND-VX"),
        (None, "TB", "TU", "party", "Số       -TB/TU"),
    ],
)
def test_document_number(
    number: int | None, type_code: str | None, issuer: str, profile: str, expected: str
) -> None:
    assert document_number(number, type_code, issuer, profile) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "type_code", "issuer", "profile", "expected"),
    [
        (5, "QĐ", "UBND", "state", "05/QĐ-UBND"),
        (3125, "QĐ", "UBND", "state", "3125/QĐ-UBND"),
        (12, None, "UBND-VX", "state", "12/UBND-VX"),
        (15, "TB", "TU", "party", "15-TB/TU"),
        (7, "BB", "BCĐ", "party", "07-BB/BCĐ"),
        (None, "QĐ", "UBND", "state", "      /QĐ-UBND"),
        (None, "TB", "TU", "party", "      -TB/TU"),
    ],
)
def test_number_reference(
    number: int | None, type_code: str | None, issuer: str, profile: str, expected: str
) -> None:
    assert number_reference(number, type_code, issuer, profile) == expected  # type: ignore[arg-type]


def test_number_reference_in_running_text() -> None:
    ref = number_reference(5, "QĐ", "UBND", "state")
    assert f"Kèm theo Quyết định số {ref}" == "Kèm theo Quyết định số 05/QĐ-UBND"


def test_number_blank_width() -> None:
    assert NUMBER_BLANK == "      "
    # Seven spaces between "Số:" and the slash: the usual space plus the blank.
    assert document_number(None, "TB", "UBND", "state").index("/") == len("Số:") + 7


def test_document_number_nfc_codes() -> None:
    result = document_number(5, nfd("QĐ"), nfd("BCĐ"), "state")
    assert result == "Số: 05/QĐ-BCĐ"
    assert is_nfc(result)


def test_document_number_strips_codes() -> None:
    assert document_number(5, " TB ", " UBND ", "state") == "Số: 05/TB-UBND"


@pytest.mark.parametrize("number", [0, -1, -15])
def test_document_number_rejects_non_positive(number: int) -> None:
    with pytest.raises(ValueError):
        document_number(number, "TB", "UBND", "state")


@pytest.mark.parametrize("number", [True, False, "05", 5.0])
def test_document_number_rejects_non_int(number: object) -> None:
    with pytest.raises(TypeError):
        document_number(number, "TB", "UBND", "state")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("type_code", "issuer", "profile"),
    [
        ("TB", "", "state"),
        ("TB", "  ", "state"),
        ("TB", "UB ND", "state"),
        ("TB", "UBND/VX", "state"),
        ("", "UBND", "state"),
        ("T B", "UBND", "state"),
        (None, "TU", "party"),
        ("TB", "UBND", "province"),
        ("TB", "UBND", "State"),
    ],
)
def test_document_number_rejects_bad_codes_and_profiles(
    type_code: str | None, issuer: str, profile: str
) -> None:
    with pytest.raises(ValueError):
        document_number(5, type_code, issuer, profile)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        number_reference(5, type_code, issuer, profile)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "00"), (1, "01"), (4, "04"), (9, "09"), (10, "10"), (11, "11"), (99, "99"), (120, "120")],
)
def test_count2(n: int, expected: str) -> None:
    assert count2(n) == expected


def test_count2_rejects_negative() -> None:
    with pytest.raises(ValueError):
        count2(-1)


@pytest.mark.parametrize("n", [True, 1.0, "9"])
def test_count2_rejects_non_int(n: object) -> None:
    with pytest.raises(TypeError):
        count2(n)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("collectives", "individuals", "joiner", "expected"),
    [
        (9, 11, ", ", "09 tập thể, 11 cá nhân"),
        (9, 11, " và ", "09 tập thể và 11 cá nhân"),
        (4, 0, ", ", "04 tập thể"),
        (0, 3, ", ", "03 cá nhân"),
        (0, 12, " và ", "12 cá nhân"),
        (1, 1, ", ", "01 tập thể, 01 cá nhân"),
        (15, 120, ", ", "15 tập thể, 120 cá nhân"),
    ],
)
def test_format_counts(collectives: int, individuals: int, joiner: str, expected: str) -> None:
    assert format_counts(collectives, individuals, joiner=joiner) == expected


def test_format_counts_default_joiner() -> None:
    assert format_counts(9, 11) == "09 tập thể, 11 cá nhân"


@pytest.mark.parametrize(("collectives", "individuals"), [(0, 0), (-1, 3), (3, -1)])
def test_format_counts_rejects_nothing_or_negative(collectives: int, individuals: int) -> None:
    with pytest.raises(ValueError):
        format_counts(collectives, individuals)


# ---------------------------------------------------------------------------------------------
# Casing
# ---------------------------------------------------------------------------------------------

# Hand-written pairs of the 12 vowel letters and the 5 tone marks; the precomposed letters are
# built from them, so the table covers all 72 toned/untoned vowels in both cases.
VOWELS = list(zip("aăâeêioôơuưy", "AĂÂEÊIOÔƠUƯY", strict=True))
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
UPPER_TABLE = [(nfc(lo + t), nfc(up + t)) for lo, up in VOWELS for t in TONES]


def test_upper_table_is_complete_and_precomposed() -> None:
    assert len(UPPER_TABLE) == 72
    assert all(len(lo) == 1 and len(up) == 1 for lo, up in UPPER_TABLE)
    assert len({lo for lo, _ in UPPER_TABLE}) == 72


@pytest.mark.parametrize(("lower", "expected"), UPPER_TABLE)
def test_upper_every_vowel_and_tone(lower: str, expected: str) -> None:
    assert upper(lower) == expected
    # str.upper is right for precomposed letters; our result must agree with it.
    assert lower.upper() == expected
    # Decomposed input must come out precomposed, which str.upper alone does not do.
    assert upper(nfd(lower)) == expected
    assert is_nfc(upper(nfd(lower)))
    # Upper-case input is left as it is.
    assert upper(expected) == expected


def test_str_upper_alone_keeps_nfd() -> None:
    # The reason upper() exists: for decomposed input str.upper gives decomposed output.
    decomposed = nfd("ệ")
    assert decomposed.upper() != "Ệ"
    assert upper(decomposed) == "Ệ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("đ", "Đ"),
        ("Đ", "Đ"),
        ("nguyễn", "NGUYỄN"),
        ("cộng hòa xã hội chủ nghĩa việt nam", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Độc lập - Tự do - Hạnh phúc", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"),
        ("ủy ban nhân dân tỉnh lạng sơn", "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"),
        ("đảng cộng sản việt nam", "ĐẢNG CỘNG SẢN VIỆT NAM"),
        ("biên bản số 05", "BIÊN BẢN SỐ 05"),
        ("", ""),
    ],
)
def test_upper_words(text: str, expected: str) -> None:
    assert upper(text) == expected
    assert upper(nfd(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kết luận của đồng chí Chủ tịch", "Kết luận của đồng chí Chủ tịch"),
        ("đồng chí", "Đồng chí"),
        ("ủy ban nhân dân", "Ủy ban nhân dân"),
        ("ước tính", "Ước tính"),
        ("kết luận tại UBND tỉnh", "Kết luận tại UBND tỉnh"),
        ("Kết luận", "Kết luận"),
        ("“kết luận”", "“Kết luận”"),
        ("(về việc)", "(Về việc)"),
        ("2022 năm", "2022 Năm"),
        ("", ""),
        ("123", "123"),
    ],
)
def test_capitalize_first(text: str, expected: str) -> None:
    assert capitalize_first(text) == expected
    assert capitalize_first(nfd(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kết luận của đồng chí Bí thư", "kết luận của đồng chí Bí thư"),
        ("Ủy ban", "ủy ban"),
        ("Đánh giá", "đánh giá"),
        ("Ý kiến", "ý kiến"),
        ("kết luận", "kết luận"),
        ("A", "a"),
        ("UBND tỉnh", "UBND tỉnh"),
        ("HĐND tỉnh", "HĐND tỉnh"),
        ("BCĐ", "BCĐ"),
        ("“Kết luận”", "“kết luận”"),
        ("", ""),
    ],
)
def test_lower_first(text: str, expected: str) -> None:
    assert lower_first(text) == expected
    assert lower_first(nfd(text)) == expected


# ---------------------------------------------------------------------------------------------
# Collation: single strings
# ---------------------------------------------------------------------------------------------

# Each list is in the order derived by hand from the rules: letters of the whole string first
# (alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with f j w z in their
# Latin places), then tones left to right (none < huyền < hỏi < ngã < sắc < nặng), then case.
ORDERED_WORDS = {
    "tones_of_a_then_breve": ["a", "à", "ả", "ã", "á", "ạ", "ă"],
    "whole_alphabet": list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"),
    "upper_alphabet": list("AĂÂBCDĐEÊFGHIJKLMNOÔƠPQRSTUƯVWXYZ"),
    "d_dd_e": ["d", "đ", "e"],
    "an_family": ["an", "ăn", "ân"],
    "letters_before_tones": ["ba", "bà", "bả", "bã", "bá", "bạ", "bác", "bạc", "bai", "bài"],
    "heavy_tone_short_word_before_longer": ["mạ", "mai", "mài", "mái"],
    "huyen_before_sac": ["mà", "má"],
    "o_vowels": ["on", "òn", "ón", "ôn", "ồn", "ốn", "ơn", "ờn", "pa"],
    "u_vowels": ["u", "ú", "ụ", "ư", "ừ", "ự", "v"],
    "e_vowels": ["e", "è", "ẹ", "ê", "ề", "ệ", "f", "g"],
    "i_j_k_and_y_z": ["i", "ị", "j", "k", "y", "ỳ", "z"],
    "v_w_x": ["v", "w", "x"],
    "thuy": ["thuy", "thùy", "thủy", "thũy", "thúy", "thụy", "thuyên"],
    "ha": ["ha", "hà", "hả", "hạ", "hai", "hải"],
    "nga_ngoc": ["nga", "ngà", "ngọc", "ngô"],
    "case_after_letters_and_tones": ["an", "An", "AN", "àn", "Àn", "ăn"],
    "da_vs_dda": ["da", "Da", "dà", "đa", "Đà", "e"],
    "tones_left_to_right": ["ba ba", "ba bà", "bà ba", "bà bà"],
    "letters_over_whole_string": ["bá a", "ba b", "bà c"],
    "separator_before_letters": ["ha nam", "hanam"],
    "digits_before_letters": ["2022", "a1", "ab"],
    "foreign_names": [
        "Emily",
        "Frank",
        "Giang",
        "Ivan",
        "John",
        "Kiên",
        "Walter",
        "Xuân",
        "Yến",
        "Zoe",
    ],
}


@pytest.mark.parametrize("name", sorted(ORDERED_WORDS))
def test_sort_key_orders(name: str) -> None:
    expected = ORDERED_WORDS[name]
    for a, b in zip(expected, expected[1:], strict=False):
        assert sort_key(a) < sort_key(b), f"{a!r} should sort before {b!r}"
    for seed in range(5):
        shuffled = expected[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled, key=sort_key) == expected


@pytest.mark.parametrize(("lo", "_up"), VOWELS)
def test_sort_key_tone_order_for_every_vowel(lo: str, _up: str) -> None:
    forms = [nfc(lo + t) for t in TONES]
    keys = [sort_key(f) for f in forms]
    assert keys == sorted(keys)
    assert len(set(keys)) == 6


@pytest.mark.parametrize("word", ["Nguyễn", "Thủy", "Đặng", "ướt", "hoà", "Ông", "ự"])
def test_sort_key_same_for_nfc_and_nfd(word: str) -> None:
    assert sort_key(nfd(word)) == sort_key(word)
    assert is_nfc(sort_key(nfd(word))[-1])


def test_sort_key_tone_placement_variants_are_distinct_but_adjacent() -> None:
    # Old-style "hoà" and new-style "hòa" are the same word; they must not tie (the order
    # must be total) but nothing else may fall between them.
    old, new = sort_key("hoà"), sort_key("hòa")
    assert old != new
    assert old[:2] == new[:2]
    for other in ["hoa", "hóa", "hoạ", "hoan"]:
        k = sort_key(other)
        assert not (min(old, new) < k < max(old, new))


def test_sort_key_is_case_insensitive_first() -> None:
    assert sort_key("Bình") < sort_key("bính")
    assert sort_key("an") < sort_key("An") < sort_key("ăn")


def test_sort_key_collapses_whitespace() -> None:
    assert sort_key("Hà  Nội")[:4] == sort_key("Hà Nội")[:4]
    assert sort_key("  Hà Nội ")[:4] == sort_key("Hà Nội")[:4]


def test_sort_key_tilde_on_consonant_is_not_a_tone() -> None:
    # "ñ" carries a foreign accent; it sorts with n, after plain n, before "o".
    assert sort_key("n") < sort_key("ñ") < sort_key("o")
    assert sort_key("na") < sort_key("ña") < sort_key("nà")


# ---------------------------------------------------------------------------------------------
# Collation: people's names
# ---------------------------------------------------------------------------------------------

# Derived by hand: given name first (letters, then tone), then middle names word by word, then
# family name. Notes on the tricky spots:
#   An < Anh (prefix) < Ảnh (hỏi) < Ánh (sắc) < Ân (a < â decides before anything after it);
#   Nguyễn Ánh (no middle name) < Hoàng Ngọc Ánh;
#   Cúc < Cường (u < ư); Dũng < Duy (n < y) < Đào (d < đ);
#   Tôn Nữ Thị Hà < Nguyễn Thu Hà (middle "Nữ" < "Thu");
#   Hà < Hả < Hạ (tones) < Hai < Hải (ha is a prefix of hai, so even Hạ comes first);
#   Khang < Khánh (g < h); Nga < Ngọc (a < o); On < Ôn < Ơn; Thùy < Thủy < Thúy;
#   the three Thủy: middle Thị < Thu, then family Dương < Đoàn; U < Ư.
EXPECTED_NAMES = [
    "Nguyễn Văn An",
    "Lê Thị Anh",
    "Trần Thị Anh",
    "Trần Văn Anh",
    "Vũ Thị Ảnh",
    "Nguyễn Ánh",
    "Hoàng Ngọc Ánh",
    "Phạm Thị Ân",
    "Phạm Minh Bình",
    "Phạm Văn Bình",
    "Vương Văn Bình",
    "Hồ Thị Cúc",
    "Châu Văn Cường",
    "Đỗ Văn Dũng",
    "Bùi Đức Duy",
    "Nguyễn Thị Đào",
    "Tôn Nữ Thị Hà",
    "Nguyễn Thu Hà",
    "Cao Văn Hả",
    "Lê Thị Hạ",
    "Huỳnh Văn Hai",
    "Tạ Văn Hải",
    "Nguyễn Văn Khang",
    "Lê Thị Khánh",
    "Đinh Thị Nga",
    "Trịnh Thị Ngọc",
    "Phan Văn On",
    "Hà Văn Ôn",
    "Lý Văn Ơn",
    "Nguyễn Thị Thùy",
    "Nguyễn Thị Thủy",
    "Dương Thu Thủy",
    "Đoàn Thu Thủy",
    "Nguyễn Thị Thúy",
    "Lâm Thị U",
    "Mai Văn Ư",
    "Kiều Văn Xuân",
    "Lương Thị Yến",
]


def test_expected_names_are_many_and_distinct() -> None:
    assert len(EXPECTED_NAMES) >= 30
    assert len(set(EXPECTED_NAMES)) == len(EXPECTED_NAMES)


@pytest.mark.parametrize("seed", range(10))
def test_sort_names_shuffled(seed: int) -> None:
    shuffled = EXPECTED_NAMES[:]
    random.Random(seed).shuffle(shuffled)
    assert sort_names(shuffled) == EXPECTED_NAMES


def test_sort_names_reversed() -> None:
    assert sort_names(reversed(EXPECTED_NAMES)) == EXPECTED_NAMES


def test_sort_names_nfd_input() -> None:
    decomposed = [nfd(n) for n in EXPECTED_NAMES]
    shuffled = decomposed[:]
    random.Random(42).shuffle(shuffled)
    # The strings come back as given (decomposed), in the same order.
    assert sort_names(shuffled) == decomposed


def test_sort_names_mixed_nfc_and_nfd_input() -> None:
    mixed = [nfd(n) if i % 2 else n for i, n in enumerate(EXPECTED_NAMES)]
    shuffled = mixed[:]
    random.Random(7).shuffle(shuffled)
    assert sort_names(shuffled) == mixed


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # given name decides over everything else
        ("Trần Văn An", "Âu Văn Anh"),
        ("Vũ Văn Dũng", "Bùi Văn Đào"),
        # same given name: middle name decides before family name
        ("Vương Minh Bình", "Phạm Văn Bình"),
        # same given and middle name: family name decides (d < đ)
        ("Dương Thu Thủy", "Đoàn Thu Thủy"),
        # several middle names are compared word by word
        ("Tôn Nữ Thị Hà", "Tôn Nữ Thu Hà"),
        # a single word is a given name without family name
        ("Ánh", "Nguyễn Ánh"),
        # extra spaces do not change the reading of the name
        ("Nguyễn  Văn   An", "Lê Thị Anh"),
        # tone placement of the given name does not outrank the middle name
        ("Nguyễn Thị Thủy", "Trần Văn Thuỷ"),
        ("Nguyễn Thị Thuỷ", "Trần Văn Thủy"),
        # nor does its case
        ("Lê Thị AN", "Trần Văn An"),
        ("Lê Thị An", "Trần Văn AN"),
    ],
)
def test_name_sort_key_pairs(first: str, second: str) -> None:
    assert name_sort_key(first) < name_sort_key(second)
    assert sort_names([second, first]) == [first, second]


def test_name_sort_key_is_total_for_identical_readings() -> None:
    # Same person written with old and new tone placement: distinct keys, equal in every
    # part, so only the final tie-break separates them.
    a, b = name_sort_key("Nguyễn Thị Thủy"), name_sort_key("Nguyễn Thị Thuỷ")
    assert a != b
    assert a[:3] == b[:3]


def test_name_sort_key_empty() -> None:
    assert name_sort_key("") < name_sort_key("An")


# ---------------------------------------------------------------------------------------------
# clean_text
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lạng Sơn", "Lạng Sơn"),
        ("  Lạng Sơn  ", "Lạng Sơn"),
        ("Lạng    Sơn", "Lạng Sơn"),
        ("Lạng\tSơn", "Lạng Sơn"),
        ("Lạng \t \t Sơn", "Lạng Sơn"),
        ("Lạng\u00a0Sơn", "Lạng Sơn"),  # no-break space
        ("Lạng\u2009Sơn", "Lạng Sơn"),  # thin space
        ("Lạng\u202fSơn", "Lạng Sơn"),  # narrow no-break space
        ("Lạng\u3000Sơn", "Lạng Sơn"),  # ideographic space
        ("Lạng\u2003\u00a0 Sơn", "Lạng Sơn"),  # em space + NBSP + space
        ("\u00a0Lạng Sơn\u00a0", "Lạng Sơn"),
        (nfd("Nguyễn Thị Thủy"), "Nguyễn Thị Thủy"),
        ("", ""),
        ("   ", ""),
        ("Số: 05/TB-UBND", "Số: 05/TB-UBND"),
    ],
)
def test_clean_text_single_line(raw: str, expected: str) -> None:
    cleaned = clean_text(raw)
    assert cleaned == expected
    assert is_nfc(cleaned)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dòng một\nDòng hai", "Dòng một\nDòng hai"),
        ("Dòng một\r\nDòng hai", "Dòng một\nDòng hai"),
        ("Dòng một\rDòng hai", "Dòng một\nDòng hai"),
        ("  Dòng   một  \n\tDòng\u00a0hai ", "Dòng một\nDòng hai"),
        ("Đoạn một\n\nĐoạn hai", "Đoạn một\n\nĐoạn hai"),
        ("Đoạn một\r\n\r\nĐoạn hai\r\n", "Đoạn một\n\nĐoạn hai"),
        ("\n\nNội dung\n\n", "Nội dung"),
        (nfd("Kết luận\nThủy"), "Kết luận\nThủy"),
        ("single", "single"),
    ],
)
def test_clean_text_multiline(raw: str, expected: str) -> None:
    cleaned = clean_text(raw, multiline=True)
    assert cleaned == expected
    assert is_nfc(cleaned)


@pytest.mark.parametrize(
    ("raw", "char", "position"),
    [
        ("Dòng một\nDòng hai", "\n", 8),
        ("Dòng một\r\nDòng hai", "\r", 8),
        ("a\rb", "\r", 1),
        ("\n", "\n", 0),
    ],
)
def test_clean_text_rejects_newline_in_single_line(raw: str, char: str, position: int) -> None:
    with pytest.raises(TextCharacterError) as info:
        clean_text(raw)
    assert info.value.char == char
    assert info.value.position == position
    assert f"U+{ord(char):04X}" in str(info.value)
    assert f"at position {position}" in str(info.value)


# Every class of forbidden character, with a representative or two each.
FORBIDDEN = [
    "\x00",  # C0
    "\x01",
    "\x07",
    "\x08",
    "\x0e",
    "\x1b",
    "\x1c",
    "\x1f",
    "\x7f",  # DEL
    "\x80",  # C1
    "\x9f",
    "\u200b",  # zero-width space
    "\u200c",  # ZWNJ
    "\u200d",  # ZWJ
    "\u200e",  # LRM
    "\u200f",  # RLM
    "\u202a",  # bidi embedding
    "\u202e",  # bidi override
    "\u2060",  # word joiner
    "\u2066",  # bidi isolate
    "\ufeff",  # BOM
    "\u00ad",  # soft hyphen
    "\ud800",  # lone surrogate
    "\udcff",
]


# Space-like characters pasted from Word or Excel: read as one space, in both kinds of field.
SPACE_LIKE_CHARS = ["\t", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\u00a0"]


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize(
    "char", SPACE_LIKE_CHARS, ids=[f"U+{ord(c):04X}" for c in SPACE_LIKE_CHARS]
)
def test_clean_text_reads_space_like_controls_as_one_space(char: str, multiline: bool) -> None:
    assert (
        clean_text(f"Nguyễn{char}Văn {char}{char} An{char}", multiline=multiline) == "Nguyễn Văn An"
    )
    assert set(SPACE_LIKE) == set(SPACE_LIKE_CHARS)


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("char", FORBIDDEN, ids=[f"U+{ord(c):04X}" for c in FORBIDDEN])
def test_clean_text_rejects_forbidden(char: str, multiline: bool) -> None:
    raw = "Nguyễn Văn " + char + "An"
    with pytest.raises(ValueError) as info:
        clean_text(raw, multiline=multiline)
    message = str(info.value)
    assert f"U+{ord(char):04X}" in message
    assert "at position 11" in message
    assert isinstance(info.value, TextCharacterError)
    assert info.value.position == 11
    assert info.value.char == char


def test_clean_text_control_message_wording() -> None:
    raw = "Biên bản họp\x07 xyz"
    with pytest.raises(ValueError, match=r"contains the control character U\+0007 at position 12"):
        clean_text(raw)


def test_clean_text_position_is_in_the_original_text() -> None:
    # Spaces before the bad character are collapsed by cleaning, but the reported position
    # must be the one in the text the user wrote.
    with pytest.raises(TextCharacterError) as info:
        clean_text("a     \u200bb")
    assert info.value.position == 6


def test_clean_text_reports_first_offender() -> None:
    with pytest.raises(TextCharacterError) as info:
        clean_text("ab\u200bc\x07")
    assert info.value.char == "\u200b"
    assert info.value.position == 2


@pytest.mark.parametrize("bad", [None, 5, b"bytes"])
def test_clean_text_rejects_non_strings(bad: object) -> None:
    with pytest.raises(TypeError):
        clean_text(bad)  # type: ignore[arg-type]


def test_clean_text_is_idempotent() -> None:
    samples = ["  Lạng\u00a0Sơn ", nfd("Ủy ban  nhân dân"), "a\tb"]
    for s in samples:
        once = clean_text(s)
        assert clean_text(once) == once
    multi = "  Dòng   một \r\n\r\nDòng hai "
    once = clean_text(multi, multiline=True)
    assert clean_text(once, multiline=True) == once
