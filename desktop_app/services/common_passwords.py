"""Passwords and words an attacker tries first (services/auth.py refuses them): the most frequent passwords of
the published leak lists (Chinese sites included), as whole passwords and as the letters left once digits and
symbols are taken out (admin123, Password1!, qwerty2025 are all "common")."""

COMMON_WORDS = frozenset("""
a aa aaa aaaa abc abcd abcde abcdef abcdefg abcdefgh abc abcabc admin administrator adm root user users guest test
tester testing demo password passwd pass pwd passw0rd secret letmein welcome login qwerty qwertyuiop qwert qwer
asdf asdfgh asdfghjkl asdfg zxcv zxcvb zxcvbn zxcvbnm qaz qazwsx qazwsxedc wsx edc rfv qweasd qweasdzxc qwe qweqwe
asd zxc iloveyou love lovely loveme monkey dragon master sunshine princess football baseball shadow superman
batman michael jordan hello hellokitty freedom whatever trustno starwars computer internet
china beijing shanghai woaini aini wangyi baidu tencent taobao qq qqqq weixin wechat huawei xiaomi
zhang wang li liu chen yang zhao huang zhou wu xu sun ma zhu hu guo he lin luo gao
office system manager service server default changeme change temp temporary
yibao shebao yiliao baoxian jingban xinyang huainan jiangsu jilin
""".split())

COMMON_PASSWORDS = frozenset("""
1234567890 0123456789 12345678910 1234567890a a1234567890 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx3edc 1qaz2wsx3edc4rfv
qwerty123456 qwe123456789 abc1234567 abc12345678 abcd123456 aa12345678 aa123456789 a123456789 a12345678910
password123 password1234 passw0rd123 admin12345 admin123456 admin888888 root123456 test123456 woaini1314
woaini520520 iloveyou123 5201314520 1314520520 qq123456789 zxcvbnm123 asdfghjkl1 qazwsx123456 123456789a
123456789abc 123qweasdzxc 1a2b3c4d5e 1a2b3c4d5e6f
""".split())
