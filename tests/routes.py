"""The app's route table, walked through the routers it includes: tests generated from it cover
a new route without being told about it."""

from fastapi.routing import APIRoute

from app.main import app


def app_routes():
    """Every route of the app, through the routers it includes."""
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        elif isinstance(route, APIRoute):
            yield route


def get_routes() -> list[str]:
    """The paths every GET route answers, sorted."""
    return sorted({route.path for route in app_routes() if "GET" in route.methods})
