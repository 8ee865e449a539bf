"""What must never survive in a rendered page: script elements, event handler attributes and
script-bearing URLs. Pages are compared with a render of harmless text, so the portal's own
static scripts and `json_script` blocks are not counted."""
import re
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "srcdoc", "content"}
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "link", "meta", "style", "form"}
_SCHEME = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.IGNORECASE)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.tags.append(f"<{tag} {sorted((k, v or '') for k, v in attrs)}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            # The parser has already decoded character references; a browser also drops tabs and
            # newlines anywhere in a URL and control characters or spaces around it.
            cleaned = re.sub(r"[\t\n\r]", "", value or "").strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
            if name in URL_ATTRIBUTES and _SCHEME.match(cleaned):
                self.urls.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def hostile_parts(html: str) -> dict[str, list[str]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return {"tags": collector.tags, "handlers": collector.handlers, "urls": collector.urls}


def new_hostile_parts(html: str, baseline: str) -> list[str]:
    """What the page has and the harmless render has not."""
    found, base = hostile_parts(html), hostile_parts(baseline)
    problems = []
    for kind in found:
        extra = list(found[kind])
        for item in base[kind]:
            if item in extra:
                extra.remove(item)
        problems += [f"{kind}: {item}" for item in extra]
    return problems
