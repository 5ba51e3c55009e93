"""Money is compared in 万元 but shown in the unit the department wrote (issue 12 follow-up:
a Sichuan form's 72890 in a 元 column was shown as "7.289万元" in the letter)."""

from engine.facts import display_value
from engine.values import notation_for, parse_value

NOTATION = notation_for({})


def shown(text: str, comparator: bool = True) -> str:
    return display_value(parse_value(text, NOTATION, "target"), comparator)


def test_money_is_shown_in_the_unit_it_was_written_in():
    assert shown("72890元") == "72890元"
    assert shown("≥12000元") == "≥12000元"
    assert shown("1.5亿元") == "1.5亿元"
    assert shown("3千元") == "3千元"


def test_money_in_wan_and_other_units_are_shown_as_read():
    assert shown("107.57万元") == "107.57万元"
    assert shown("≧95%", comparator=False) == "95%"
    assert shown("7人") == "7人"


def test_the_comparison_still_uses_wan():
    value = parse_value("72890元", NOTATION, "target")
    assert str(value.quantities[0].number.normalize()) == "7.289"
    assert value.quantities[0].unit == "万元"
