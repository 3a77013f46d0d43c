"""The destinations an international template can name (``send_country``), as country ids.

A country's id is its ITU calling code, as in the API's own example (Afghanistan = 93); the
platform lists the ids it serves with ListSendCountryDetails (``GET …/msgsms/country``). Where
several countries share a code, the table keeps one of them. The emulator serves the same
table (a test keeps the two equal), so a catalog that ``validate`` passes is one it accepts.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["COUNTRIES", "COUNTRY_NAMES", "country_hint"]

#: (country_id, country_name_en, country_name_zh)
COUNTRIES: tuple[tuple[int, str, str], ...] = (
    (1, "United States", "美国"),
    (7, "Russia", "俄罗斯"),
    (20, "Egypt", "埃及"),
    (27, "South Africa", "南非"),
    (30, "Greece", "希腊"),
    (31, "Netherlands", "荷兰"),
    (32, "Belgium", "比利时"),
    (33, "France", "法国"),
    (34, "Spain", "西班牙"),
    (36, "Hungary", "匈牙利"),
    (39, "Italy", "意大利"),
    (40, "Romania", "罗马尼亚"),
    (41, "Switzerland", "瑞士"),
    (43, "Austria", "奥地利"),
    (44, "United Kingdom", "英国"),
    (45, "Denmark", "丹麦"),
    (46, "Sweden", "瑞典"),
    (47, "Norway", "挪威"),
    (48, "Poland", "波兰"),
    (49, "Germany", "德国"),
    (51, "Peru", "秘鲁"),
    (52, "Mexico", "墨西哥"),
    (54, "Argentina", "阿根廷"),
    (55, "Brazil", "巴西"),
    (56, "Chile", "智利"),
    (57, "Colombia", "哥伦比亚"),
    (60, "Malaysia", "马来西亚"),
    (61, "Australia", "澳大利亚"),
    (62, "Indonesia", "印度尼西亚"),
    (63, "Philippines", "菲律宾"),
    (64, "New Zealand", "新西兰"),
    (65, "Singapore", "新加坡"),
    (66, "Thailand", "泰国"),
    (81, "Japan", "日本"),
    (82, "South Korea", "韩国"),
    (84, "Vietnam", "越南"),
    (90, "Turkey", "土耳其"),
    (91, "India", "印度"),
    (92, "Pakistan", "巴基斯坦"),
    (93, "Afghanistan", "阿富汗"),
    (94, "Sri Lanka", "斯里兰卡"),
    (95, "Myanmar", "缅甸"),
    (98, "Iran", "伊朗"),
    (212, "Morocco", "摩洛哥"),
    (213, "Algeria", "阿尔及利亚"),
    (234, "Nigeria", "尼日利亚"),
    (254, "Kenya", "肯尼亚"),
    (255, "Tanzania", "坦桑尼亚"),
    (351, "Portugal", "葡萄牙"),
    (353, "Ireland", "爱尔兰"),
    (358, "Finland", "芬兰"),
    (380, "Ukraine", "乌克兰"),
    (420, "Czech Republic", "捷克"),
    (852, "Hong Kong (China)", "中国香港"),
    (853, "Macao (China)", "中国澳门"),
    (855, "Cambodia", "柬埔寨"),
    (856, "Laos", "老挝"),
    (880, "Bangladesh", "孟加拉国"),
    (886, "Taiwan (China)", "中国台湾"),
    (960, "Maldives", "马尔代夫"),
    (966, "Saudi Arabia", "沙特阿拉伯"),
    (971, "United Arab Emirates", "阿联酋"),
    (972, "Israel", "以色列"),
    (974, "Qatar", "卡塔尔"),
    (976, "Mongolia", "蒙古"),
    (977, "Nepal", "尼泊尔"),
    (998, "Uzbekistan", "乌兹别克斯坦"),
)

#: country id → English name
COUNTRY_NAMES: Mapping[int, str] = {cid: en for cid, en, _ in COUNTRIES}


def country_hint() -> str:
    """A few ids with their names, for messages that ask for a country id."""
    return ", ".join(f"{cid} {COUNTRY_NAMES[cid]}" for cid in (44, 65, 81))
