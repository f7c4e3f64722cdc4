"""What a page offers a user, read from its HTML: links, HTMX targets and forms with their fields,
so tests generated from the pages cover a new form or fragment without being told about it."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # an input's or a button's type, or "select", "textarea"
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # value, selected


@dataclass
class Form:
    method: str
    action: str
    attributes: dict[str, str]
    fields: list[Field] = field(default_factory=list)

    @property
    def target(self) -> str:
        """Where the request goes: the HTMX attribute wins over the action, as in the browser."""
        return self.attributes.get(f"hx-{self.method}") or self.action

    def as_the_page_fills_it(self) -> list[tuple[str, str]]:
        """What pressing its first button sends: the ticked boxes, the chosen options."""
        return list(self._filled(tick_every_box=False))

    def as_a_user_fills_it(self) -> list[tuple[str, str]]:
        """The text left as it is, every box ticked and each list's first real choice taken:
        the filters narrowed as far as a user would."""
        return list(self._filled(tick_every_box=True))

    def _filled(self, tick_every_box: bool):
        radios: set[str] = set()
        pressed = False
        for each in self.fields:
            if each.kind == "select":
                values = [value for value, _selected in each.options]
                chosen = [value for value, selected in each.options if selected]
                if tick_every_box:
                    chosen = [value for value in values if value]
                if chosen or values:
                    yield each.name, (chosen or values)[0]
            elif each.kind == "radio":
                if each.name not in radios and (each.checked or not self._checked_radio(each.name)):
                    radios.add(each.name)
                    yield each.name, each.value or "on"
            elif each.kind == "checkbox":
                if each.checked or tick_every_box:
                    yield each.name, each.value or "on"
            elif each.kind in ("submit", "button", "reset"):
                if each.kind == "submit" and not pressed:
                    pressed = True
                    if each.name:
                        yield each.name, each.value
            elif each.kind not in ("file", "image"):
                yield each.name, each.value

    def _checked_radio(self, name: str) -> bool:
        return any(f.kind == "radio" and f.name == name and f.checked for f in self.fields)


class Page(HTMLParser):
    """A page's ``links``, ``hx_gets`` (elements that fetch a fragment) and ``forms``."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.hx_gets: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        given = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in given and "download" not in given:
            self.links.append(given["href"])
        if "hx-get" in given and tag != "form":
            self.hx_gets.append(given["hx-get"])
        if tag == "form":
            method = "post" if given.get("method", "get").lower() == "post" else "get"
            self._form = Form(method, given.get("action", ""), given)
            self.forms.append(self._form)
        elif self._form is None or "disabled" in given:
            return
        elif (tag == "input" and "name" in given) or tag == "button":
            kind = given.get("type", "submit" if tag == "button" else "text").lower()
            value = given.get("value", "")
            self._add(Field(given.get("name", ""), kind, value, "checked" in given))
        elif tag == "select" and "name" in given:
            self._select = self._add(Field(given["name"], "select"))
        elif tag == "option" and self._select:
            self._select.options.append((given.get("value", ""), "selected" in given))
        elif tag == "textarea" and "name" in given:
            self._textarea = self._add(Field(given["name"], "textarea"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._textarea.value += data

    def _add(self, each: Field) -> Field:
        self._form.fields.append(each)
        return each
