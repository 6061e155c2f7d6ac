"""OpenAPI post-processing: every operation documents its error responses."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import is_list_serializer

from api.filters import MOMENT_PATTERN
from api.strict import (
    DATE_PATTERN,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_ID,
    MOMENT_IN_CALENDAR,
    NONBLANK_TEXT_PATTERN,
    TEXT_PATTERN,
)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, documenting a nested list's bound (`many=True, max_length=…`)
    as `maxItems` as it already does for a ListField's."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (is_list_serializer(field) and getattr(field, "max_length", None) is not None
                and isinstance(schema, dict) and schema.get("type") == "array"):
            schema["maxItems"] = field.max_length
        return schema

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "rule": {"type": "string", "nullable": True},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "additionalProperties": True,
}
ERRORS = {"400": "Invalid input", "401": "Not authenticated", "403": "Not allowed",
          "404": "Not found", "409": "Not allowed in the current state",
          "413": "Upload too large", "429": "Too many requests"}


def bound_ids_and_years(result, generator, request, public):
    """What the types alone do not say: ids (`{id}`, `{…_pk}`) are from 1, years in the
    path are the years the API covers, and a date in a request is in those years
    (api.strict.FIRST_YEAR..LAST_YEAR; refused with a 400 otherwise)."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if (parameter["in"] == "query" and schema.get("type") == "string"
                        and not {"enum", "format", "minLength"} & set(schema)):
                    schema["minLength"] = 1  # an empty filter is refused (api.filters)
                if parameter["in"] == "query" and schema.get("format") == "date-time":
                    schema["pattern"] = MOMENT_PATTERN  # api.filters.plausible_moment
                if parameter["in"] != "path" or schema.get("type") != "integer":
                    continue
                if parameter["name"] == "year":
                    schema.update(minimum=FIRST_YEAR, maximum=LAST_YEAR)
                else:
                    schema.update(minimum=1, maximum=MAX_ID)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: the input shapes
            continue
        for prop in component.get("properties", {}).values():
            for node in (prop, prop.get("items") or {}):
                if node.get("readOnly") or node.get("type") != "string":
                    continue
                if node.get("format") == "date":
                    node["pattern"] = DATE_PATTERN
                elif node.get("format") == "date-time":
                    node["pattern"] = MOMENT_IN_CALENDAR
                elif not {"format", "enum", "pattern"} & set(node):
                    # api.strict: no control characters; not blank where it is required
                    node["pattern"] = (NONBLANK_TEXT_PATTERN if node.get("minLength", 0) >= 1
                                       else TEXT_PATTERN)
    return result


def split_form_and_json_bodies(result, generator, request, public):
    """An operation that takes a file takes it as multipart only: its JSON body is the
    same fields without the file (JSON cannot carry one; a required file means no JSON
    body at all). A form's values are text, so none of them is `null` there: a field
    left out takes its default."""
    components = result.get("components", {}).get("schemas", {})
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            content = operation.get("requestBody", {}).get("content", {})
            name = _ref_name(content.get("multipart/form-data", {}).get("schema", {}))
            component = components.get(name or "")
            if not component:
                continue
            properties = component.get("properties", {})
            files = {k for k, v in properties.items() if v.get("format") == "binary"}
            if not files:
                continue
            required = component.get("required", [])
            if "application/json" in content:
                if files & set(required):
                    del content["application/json"]
                else:
                    content["application/json"]["schema"] = {
                        **component,
                        "properties": {k: v for k, v in properties.items()
                                       if k not in files}}
            form = {k: {p: q for p, q in v.items() if p != "nullable"}
                    for k, v in properties.items()}
            content["multipart/form-data"]["schema"] = {**component, "properties": form}
    return result


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result


def add_links(result, generator, request, public):
    """OpenAPI links from what a call creates to what can be done with it next: a created
    object's `id` feeds the operations on `/api/<collection>/{id}/…`, and a workflow step
    leads to the case file and the steps open after it. Clients (and schemathesis's
    stateful run) follow them instead of guessing ids."""
    paths = result.get("paths", {})
    components = result["components"]["schemas"]
    collections = _collections_by_component(paths, components)
    for path, methods in paths.items():
        for operation in methods.values():
            for code, response in operation.get("responses", {}).items():
                component = _component(response)
                if not code.startswith("2") or component not in collections:
                    continue
                if code == "201":
                    targets = _item_operations(paths, collections[component])
                    source = _id_pointer(component, components)
                elif "/transitions/" in path:
                    targets = [op for op in _item_operations(paths, "/api/cases/")
                               if op in ("cases_retrieve", "cases_transitions_retrieve")]
                    source = "$request.path.id"  # the case the step was taken on
                else:
                    continue
                if targets and source:
                    response["links"] = {
                        target: {"operationId": target, "parameters": {"id": source}}
                        for target in targets}
    return result


def _id_pointer(component: str, components) -> str | None:
    """Where the created object's id is in the response: at the top, or inside the
    object the response wraps (the case file holds its case under `case`)."""
    properties = components.get(component, {}).get("properties", {})
    if "id" in properties:
        return "$response.body#/id"
    for name, prop in properties.items():
        if "id" in components.get(_ref_name(prop) or "", {}).get("properties", {}):
            return f"$response.body#/{name}/id"
    return None


def _ref_name(node) -> str | None:
    """The component a schema node refers to, directly or as drf-spectacular wraps a
    read-only reference (`allOf: [$ref]`)."""
    refs = [node.get("$ref")] + [a.get("$ref") for a in node.get("allOf", [])]
    ref = next((r for r in refs if r), None)
    return ref.rsplit("/", 1)[-1] if ref else None


def _component(response) -> str | None:
    return _ref_name(response.get("content", {}).get("application/json", {})
                     .get("schema", {}))


def _collections_by_component(paths, components) -> dict[str, str]:
    """Which collection path an object schema lives under, read from `{id}` GETs and
    from the paginated lists (`/api/loans/` lists `Loan`s)."""
    collections = {}
    for path, methods in paths.items():
        get = methods.get("get")
        if get is None or path.count("{") > 1:
            continue
        ok = get.get("responses", {}).get("200", {})
        if path.endswith("/{id}/"):
            component = _component(ok)
            if component:
                collections.setdefault(component, path.removesuffix("{id}/"))
        elif "{" not in path:
            listed = components.get(_component(ok) or "", {})  # Paginated…List
            item = _ref_name(listed.get("properties", {}).get("results", {}).get("items", {}))
            if item:
                collections.setdefault(item, path)
    return collections


def _item_operations(paths, collection: str) -> list[str]:
    """Operations on one object of the collection that need no other path parameter."""
    found = []
    for path, methods in paths.items():
        if path.startswith(collection + "{id}/") and path.count("{") == 1:
            found += [op["operationId"] for op in methods.values() if "operationId" in op]
    return found
