"""Render a report record as the HTML a government site publishes.

Variants cover what saved pages look like: UTF-8 or GBK, with or without a <meta charset>, a
bare fragment or a whole page (navigation menu, scripts, styles, a layout table around the
article, a footer), Word's export residue (MsoNormal paragraphs, <o:p></o:p>, &nbsp; in empty
cells) and long labels broken with <br/>.
"""

from __future__ import annotations

from html import escape
from typing import Any

from pipeline.synth.layout import Block, Table, Variant, breakable, outline, placements

_CHROME_HEAD = """<style type="text/css">
body{{font-family:"宋体";font-size:14px}} .nav li{{float:left}} td{{border:1px solid #000}}
</style>
<script type="text/javascript">var _hmt = _hmt || []; var title = "<table><tr><td>脚本里的表格</td></tr></table>";</script>
"""
_NAV = """<div class="header"><div class="logo">{site}</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<nav><table class="menu"><tr><td><a href="/xxgk/">信息公开指南</a></td><td><a href="/xxgkml/">信息公开目录</a></td>
<td><a href="/nb/">信息公开年报</a></td></tr></table></nav>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
"""
_FOOTER = """<div class="footer"><table><tr><td>主办：{site}</td><td>网站标识码：4116000001</td></tr>
<tr><td>豫ICP备05001234号</td><td>联系电话：0394-8888888</td></tr></table></div>
<script>document.write("<p>访问量</p>");</script>
"""


def _text(s: str, v: Variant) -> str:
    """Escape, and break a long label in two with <br/> when the variant asks for it."""
    if v.label_breaks and breakable(s):
        cut = len(s) // 2
        return escape(s[:cut]) + "<br/>" + escape(s[cut:])
    return escape(s)


def _table_html(table: Table, v: Variant) -> str:
    out = [
        '<table border="1" cellspacing="0" cellpadding="0" class="MsoNormalTable">'
        if v.word_residue
        else '<table border="1" cellspacing="0">'
    ]
    by_row: dict[int, list[str]] = {}
    for r, _c, cell in placements(table):
        attrs = ""
        if cell.rowspan > 1:
            attrs += f' rowspan="{cell.rowspan}"'
        if cell.colspan > 1:
            attrs += f' colspan="{cell.colspan}"'
        tag = "th" if cell.header and not v.word_residue else "td"
        if v.word_residue:
            attrs += " style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt'"
            inner = _text(cell.text, v) if cell.text else "&nbsp;"
            body = f'<p class="MsoNormal" align="center"><span style="font-family:宋体">{inner}<o:p></o:p></span></p>'
        else:
            body = _text(cell.text, v)
        by_row.setdefault(r, []).append(f"<{tag}{attrs}>{body}</{tag}>")
    for r in range(len(table.rows)):
        out.append("<tr>" + "".join(by_row.get(r, [])) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _block_html(block: Block, v: Variant) -> str:
    if block.kind == "table" and block.table is not None:
        return _table_html(block.table, v)
    text = escape(block.text)
    if v.word_residue:
        style = {"title": ' align="center"', "right": ' align="right"'}.get(block.kind, "")
        return f'<p class="MsoNormal"{style}><span style="font-family:宋体">{text}<o:p></o:p></span></p>'
    if block.kind == "title":
        return f'<p style="text-align:center"><strong>{text}</strong></p>'
    if block.kind == "heading":
        return f"<p><strong>{text}</strong></p>"
    if block.kind == "right":
        return f'<p style="text-align:right">{text}</p>'
    return f"<p>{text}</p>"


def render_html(record: dict[str, Any], *, variant: int | Variant = 0) -> bytes:
    """The report as HTML bytes (encoding, page chrome and residue per the variant)."""
    v = Variant.of(variant)
    body = "\n".join(_block_html(b, v) for b in outline(record, v))
    charset = "gb2312" if v.encoding == "gbk" else "utf-8"
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if v.meta_charset else ""
    )
    if v.chrome:
        site = escape(record["agency"]["name"]) + "门户网站"
        title = escape(f"{record['agency']['name']}{record['year']}年政府信息公开工作年度报告")
        page = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f"<html><head>{meta}<title>{title}_{site}</title>\n{_CHROME_HEAD.format()}</head>\n<body>\n"
            + _NAV.format(site=site)
            + '<table width="1000" align="center"><tr><td class="main">\n'
            + f'<div class="info">发布时间：{record["year"] + 1}-01-20 来源：{site}</div>\n'
            + f'<div class="TRS_Editor">\n{body}\n</div>\n</td></tr></table>\n'
            + _FOOTER.format(site=site)
            + "</body></html>\n"
        )
    elif v.meta_charset:
        page = f"<html><head>{meta}</head><body>\n{body}\n</body></html>\n"
    else:
        page = f'<div class="TRS_Editor">\n{body}\n</div>\n'
    return page.encode("gb18030" if v.encoding == "gbk" else "utf-8", errors="xmlcharrefreplace")
