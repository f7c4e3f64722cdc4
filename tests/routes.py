"""The app's route table, walked through the routers it includes: tests generated from it cover
a new route without being told about it."""

from fastapi.routing import APIRoute

from app.main import app


def _walk(keep):
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        elif keep(route):
            yield route


def app_routes():
    """Every API or page route of the app, through the routers it includes."""
    return _walk(lambda route: isinstance(route, APIRoute))


def route_contexts():
    """Every route of the app, through the routers it includes, mounts (static files) and
    the OpenAPI schema too."""
    return _walk(lambda route: True)


def get_routes() -> list[str]:
    """The paths every GET route answers, sorted."""
    return sorted({route.path for route in app_routes() if "GET" in route.methods})
