"""Markdown to safe HTML: rendered with `markdown`, sanitised with `nh3`. Every app renders user text here."""
import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

_EXTENSIONS = ["extra", "sane_lists", "smarty"]
_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    html = markdown_lib.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    return mark_safe(nh3.clean(html, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer nofollow"))
