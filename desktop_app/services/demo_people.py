"""Invented people for the demo database: common Chinese names and ID numbers with valid GB 11643 check digits."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from desktop_app.rules.idcard import check_digit  # GB 11643; tests and the bench import it from here too

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔")
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳峰建国志海东亮文博"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华慧巧美淑惠珍玉萍红玲桂兰凤洁琳素云莲梅雪婷琴晶燕倩颖"

# Area codes (GB/T 2260 districts) and street names per jurisdiction.
AREAS = {
    "huainan": ("安徽省淮南市", {"340403": "田家庵区", "340404": "谢家集区", "340405": "八公山区"},
                ("洞山中路", "淮舜南路", "朝阳东路", "国庆西路")),
    "jiangsu": ("江苏省", {"320102": "南京市玄武区", "320506": "苏州市吴中区", "320211": "无锡市滨湖区"},
                ("中山路", "人民路", "长江路", "太湖大道")),
    "jilin": ("吉林省", {"220102": "长春市南关区", "220202": "吉林市昌邑区", "220104": "长春市朝阳区"},
              ("人民大街", "解放大路", "重庆路", "松江路")),
    "xinyang": ("河南省信阳市", {"411502": "浉河区", "411503": "平桥区", "411522": "光山县"},
                ("东方红大道", "新七大道", "民权路", "胜利路")),
}


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    name: str
    sex: str
    birth_date: date
    phone: str
    address: str


class PeopleMaker:
    """Seeded: the same seed gives the same people; ID numbers never repeat."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def make(self, jurisdiction: str, sex: str, birth: date) -> DemoPerson:
        rng = self.rng
        province, districts, streets = AREAS[jurisdiction]
        code = rng.choice(sorted(districts))
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)  # the 17th digit is odd for a man
            first17 = f"{code}{birth:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used:
                break
        self.used.add(number)
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        phone = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
        address = f"{province}{districts[code]}{rng.choice(streets)}{rng.randint(1, 300)}号"
        return DemoPerson(number, name, sex, birth, phone, address)

    def birth(self, earliest_year: int, latest_year: int) -> date:
        year = self.rng.randint(earliest_year, latest_year)
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
