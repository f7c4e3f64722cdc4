"""Reading the region tree."""

from sqlmodel import Session, col, select

from app.models import Region, RegionLevel


def children(session: Session, parent_id: int | None) -> list[Region]:
    """The regions directly below a parent; without one, the top level (the city and 市本级)."""
    parent = col(Region.parent_id)
    where = parent.is_(None) if parent_id is None else parent == parent_id
    return list(session.exec(select(Region).where(where).order_by(Region.sort_order, Region.id)))


def tree(session: Session) -> list[tuple[Region, int]]:
    """Every region in display order with its depth, for pickers."""
    regions = list(session.exec(select(Region).order_by(Region.sort_order, Region.id)))
    by_parent: dict[int | None, list[Region]] = {}
    for region in regions:
        by_parent.setdefault(region.parent_id, []).append(region)
    ordered: list[tuple[Region, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for region in by_parent.get(parent_id, []):
            ordered.append((region, depth))
            walk(region.id, depth + 1)

    walk(None, 0)
    return ordered


def path_names(session: Session) -> dict[int, str]:
    """Every region's name after its ancestors below the city, e.g. 红塔区 北城街道 瓦窑村."""
    ordered = tree(session)
    levels = {region.id: region.level for region, _depth in ordered}
    names: dict[int, str] = {}
    for region, _depth in ordered:
        parent = region.parent_id
        below_city = parent is None or levels[parent] == RegionLevel.city
        names[region.id] = region.name if below_city else f"{names[parent]} {region.name}"
    return names


def path_name(session: Session, region: Region) -> str:
    """One region's name as ``path_names`` gives it, reading only its ancestors."""
    names = [region.name]
    parent = session.get(Region, region.parent_id) if region.parent_id else None
    while parent is not None and parent.level != RegionLevel.city:
        names.append(parent.name)
        parent = session.get(Region, parent.parent_id) if parent.parent_id else None
    return " ".join(reversed(names))


def subtree_ids(session: Session, region_id: int) -> set[int]:
    """The region and every region below it."""
    below: dict[int | None, list[int]] = {}
    for child_id, parent_id in session.exec(select(Region.id, Region.parent_id)):
        below.setdefault(parent_id, []).append(child_id)
    found, frontier = {region_id}, [region_id]
    while frontier:
        children = below.get(frontier.pop(), [])
        found.update(children)
        frontier.extend(children)
    return found


def villages(session: Session, within: int | None = None) -> list[Region]:
    """Villages and communities in display order, optionally only those within a region."""
    allowed = subtree_ids(session, within) if within is not None else None
    return [
        region
        for region, _depth in tree(session)
        if region.level == RegionLevel.village and (allowed is None or region.id in allowed)
    ]
