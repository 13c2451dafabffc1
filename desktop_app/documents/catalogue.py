"""The public texts shipped in resources/policy, and the documents the rules cite but the program does not ship."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.paths import resource_path

FOLDER = ("resources", "policy")


@dataclass(frozen=True)
class Document:
    key: str
    file: str                       # in resources/policy
    place: str                      # 淮南市, 江苏省 …
    number: str                     # 文号; "" for a draft or a press report
    title: str
    issuer: str
    in_force: dt.date | None        # None: not a policy text (the press report)
    cited_as: tuple[str, ...]       # how a citation names it, the rule module's spelling first
    note: str = ""                  # what the clerk should know about its standing
    # A citation naming the press report carries a summary, not a clause: a word of the summary -> the part shown
    summaries: tuple[tuple[str, str], ...] = field(default=())

    @property
    def name(self) -> str:
        """Short name for lists: place and number (or title; a press report's title names its place)."""
        if not self.number and self.title.startswith(self.place):
            return self.title
        return f"{self.place} {self.number or self.title}"

    def path(self):
        return resource_path("policy", self.file)


@dataclass(frozen=True)
class Outside:
    """A document a decision may cite whose text this program does not ship (a law, a national decision)."""

    name: str
    cited_as: tuple[str, ...]
    note: str


DOCUMENTS: tuple[Document, ...] = (
    Document("huainan", "huainan-2022-28.txt", "淮南市", "淮医保发〔2022〕28号",
             "关于进一步促进新就业形态劳动者参加基本医疗保险工作的通知",
             "淮南市医疗保障局 淮南市财政局 国家税务总局淮南市税务局", dt.date(2022, 7, 1),
             ("淮医保发〔2022〕28号",)),
    Document("jiangsu", "jiangsu-2021-61.txt", "江苏省", "苏医保发〔2021〕61号",
             "关于推动灵活就业人员参加职工基本医疗保险的通知",
             "江苏省医疗保障局 江苏省财政厅 江苏省人力资源和社会保障厅 国家税务总局江苏省税务局",
             dt.date(2022, 1, 1), ("苏医保发〔2021〕61号",)),
    Document("jiangsu-press", "jiangsu-2021-press.txt", "江苏省", "",
             "江苏省医保局新闻发布会（2021年10月20日）报道", "现代快报", None,
             ("江苏省医保局新闻发布会（2021年10月20日）",),
             note="新闻报道，不是政策文件原文；其中省内转移接续的内容转述省医保局另一份通知。",
             summaries=(("转移接续", "医保转移接续第2段"),)),
    Document("jilin", "jilin-2025-draft.txt", "吉林省", "",
             "关于优化灵活就业人员医疗保障有关政策的通知（征求意见稿）", "吉林省", dt.date(2025, 4, 1),
             ("吉林省《关于优化灵活就业人员医疗保障有关政策的通知》（征求意见稿）",
              "吉林省《关于优化灵活就业人员医疗保障有关政策的通知》",
              "《关于优化灵活就业人员医疗保障有关政策的通知》（征求意见稿）"),
             note="征求意见稿，正式印发的文本可能不同；缴费基数、费率及生育医疗待遇自公布次月调整时执行（见五（十二））。"),
    Document("xinyang", "xinyang-2023-46.txt", "信阳市", "信医保办〔2023〕46号",
             "关于印发《信阳市灵活就业人员参加职工基本医疗保险实施办法》的通知",
             "信阳市医疗保障局 信阳市财政局 国家税务总局信阳市税务局", dt.date(2023, 10, 1),
             ("信医保办〔2023〕46号",)),
)

OUTSIDE: tuple[Outside, ...] = (
    Outside("《中华人民共和国社会保险法》", ("《中华人民共和国社会保险法》",),
            "国家法律，全文请查阅国家法律法规数据库或正式出版物。"),
    Outside("全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定",
            ("全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定",),
            "全国人大常委会决定（2024年9月13日），全文请查阅中国人大网或正式出版物。"),
    # The person's remedies every notice names (issue 14): periods and where, from the two laws.
    Outside("《中华人民共和国行政复议法》", ("《中华人民共和国行政复议法》",),
            "国家法律（2023年9月1日修订），全文请查阅国家法律法规数据库或正式出版物。"),
    Outside("《中华人民共和国行政诉讼法》", ("《中华人民共和国行政诉讼法》",),
            "国家法律，全文请查阅国家法律法规数据库或正式出版物。"),
)


def documents() -> tuple[Document, ...]:
    """The shipped texts in the order the viewer lists them."""
    return DOCUMENTS


def document(key: str) -> Document:
    for doc in DOCUMENTS:
        if doc.key == key:
            return doc
    raise KeyError(key)
