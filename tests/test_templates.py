"""Every block renders on its own: jinja2-fragments runs only the block an HTMX request asks for,
so a name the template binds elsewhere (an import, a ``set``, a macro at the top) is undefined
there and the fragment answers 500 while the whole page works."""

from collections.abc import Iterator

import pytest
from jinja2 import nodes

from app.core.templating import templates

ENV = templates.env


def own_nodes(node: nodes.Node) -> Iterator[nodes.Node]:
    """The nodes under ``node`` that belong to it, not to a block nested in it."""
    for child in node.iter_child_nodes():
        yield child
        if not isinstance(child, nodes.Block):
            yield from own_nodes(child)


def binds(node: nodes.Node) -> set[str]:
    if isinstance(node, nodes.FromImport):
        return {name if isinstance(name, str) else name[1] for name in node.names}
    if isinstance(node, nodes.Import):
        return {node.target}
    if isinstance(node, nodes.Macro):
        return {node.name}
    if isinstance(node, nodes.Assign | nodes.AssignBlock):
        targets = [node.target, *node.target.find_all(nodes.Name)]
        return {target.name for target in targets if isinstance(target, nodes.Name)}
    return set()


def top_level_names(node: nodes.Node) -> Iterator[str]:
    """What the template binds outside its blocks: only a whole page runs these statements."""
    for child in node.iter_child_nodes():
        yield from binds(child)
        if not isinstance(child, nodes.Block | nodes.Macro | nodes.For | nodes.CallBlock):
            yield from top_level_names(child)


def blocks_using_names_bound_outside(source: str) -> list[str]:
    return list(_unbound_in_blocks(ENV.parse(source), set()))


def _unbound_in_blocks(node: nodes.Node, outside: set[str]) -> Iterator[str]:
    """A nested block does not see what its enclosing block binds either, even in a whole page."""
    outside = outside | set(top_level_names(node))
    for block in (n for n in own_nodes(node) if isinstance(n, nodes.Block)):
        own = list(own_nodes(block))
        bound = set().union(*map(binds, own))
        bound |= {n.name for n in own if isinstance(n, nodes.Name) and n.ctx != "load"}
        used = {n.name for n in own if isinstance(n, nodes.Name) and n.ctx == "load"}
        for name in sorted(used & outside - bound):
            yield f"block {block.name!r} uses {name!r}"
        yield from _unbound_in_blocks(block, outside)


def test_a_block_using_a_macro_imported_or_a_value_set_outside_it_is_found():
    source = """{% from "forms.html" import field %}{% set shown = 3 %}
    {% block rows %}{{ field("name", "Name") }}{{ shown }}{% endblock %}"""
    assert blocks_using_names_bound_outside(source) == [
        "block 'rows' uses 'field'",
        "block 'rows' uses 'shown'",
    ]


def test_a_nested_block_does_not_see_its_enclosing_blocks_imports():
    source = """{% block page %}{% from "forms.html" import field %}{{ field("a", "A") }}
    {% block rows %}{{ field("b", "B") }}{% endblock %}{% endblock %}"""
    assert blocks_using_names_bound_outside(source) == ["block 'rows' uses 'field'"]


def test_a_block_binding_what_it_uses_itself_is_fine():
    source = """{% from "forms.html" import field %}{% set shown = 3 %}
    {% block rows %}{% from "forms.html" import field %}{{ field("a", "A") }}
    {% for shown in [1, 2] %}{{ shown }}{% endfor %}{% endblock %}"""
    assert blocks_using_names_bound_outside(source) == []


def test_the_csrf_field_needs_no_import():
    template = ENV.from_string("{% block rows %}{{ csrf() }}{% endblock %}")
    assert template.render(csrf_token="t<") == (
        '<input type="hidden" name="csrf_token" value="t&lt;">'
    )


@pytest.mark.parametrize("name", ENV.list_templates())
def test_every_block_renders_on_its_own(name):
    source = ENV.loader.get_source(ENV, name)[0]
    assert blocks_using_names_bound_outside(source) == [], name
