"""repair(markup=True): HTML source keeps its one level of escaping."""
import pytest

from archiver.mojibake import repair


@pytest.mark.parametrize("source", [
    '<p>R&amp;D 研发投入</p>',
    '<p>&lt;p&gt; 是段落标签，&#36816;城</p>',
    '<a href="list.jsp?page=2&amp;size=20">下一页</a>',
    '<p>&amp;foo; 不是实体</p>',
])
def test_repair_markup_leaves_ordinary_escaping(source: str) -> None:
    report = repair(source, markup=True)
    assert report.text == source and not report.changed


@pytest.mark.parametrize("source,fixed", [
    ("<p>&amp;ldquo;双线&amp;rdquo;</p>", "<p>&ldquo;双线&rdquo;</p>"),
    ("<p>&amp;amp;ldquo;开门红&amp;amp;rdquo;</p>", "<p>&ldquo;开门红&rdquo;</p>"),
    ("<p>研发（R&amp;amp;D）经费</p>", "<p>研发（R&amp;D）经费</p>"),
    ("<p>&amp;#36816;&amp;#22478;</p>", "<p>&#36816;&#22478;</p>"),
])
def test_repair_markup_removes_extra_layers(source: str, fixed: str) -> None:
    report = repair(source, markup=True)
    assert report.text == fixed and report.kinds == ["html_entity"]


def test_extract_shows_doubly_escaped_quotes_as_quotes() -> None:
    from archiver.process import extract

    page = ("<html><head><title>t</title></head><body><h1>关于开展“双线”工作的通知</h1>"
            "<div class='TRS_Editor'><p>全市上下打好&amp;ldquo;双线&amp;rdquo;攻坚战，"
            "研发（R&amp;D）投入持续增长，各项工作取得明显成效，群众满意度不断提升。</p></div>"
            "</body></html>").encode()
    article = extract(page, "http://127.0.0.1/a/t20220520_1.html")
    assert "“双线”" in article.body and "R&D" in article.body
