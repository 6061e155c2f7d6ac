"""The OpenAPI document itself: valid OpenAPI 3, and linked so clients can follow a created
object to what comes next."""

from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def generated():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates_against_openapi_3_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn",
                 "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


def links(schema, path, method, code):
    return schema["paths"][path][method]["responses"][code].get("links", {})


def test_a_registered_case_links_to_its_file_and_every_workflow_step():
    schema = generated()
    created = links(schema, "/api/cases/", "post", "201")
    assert created["cases_retrieve"] == {
        "operationId": "cases_retrieve", "parameters": {"id": "$response.body#/case/id"}}
    steps = {op["operationId"] for path, ops in schema["paths"].items()
             if path.startswith("/api/cases/{id}/transitions/") and path.count("{") == 1
             for op in ops.values()}
    assert steps <= set(created)
    # operations needing a second id (a notice, a party) cannot be reached from the case
    assert "cases_notices_file_retrieve" not in created


def test_a_workflow_step_links_back_to_the_case_and_what_is_open_next():
    schema = generated()
    step = links(schema, "/api/cases/{id}/transitions/accept/", "post", "200")
    assert set(step) == {"cases_retrieve", "cases_transitions_retrieve"}
    assert step["cases_retrieve"]["parameters"] == {"id": "$request.path.id"}
    assert links(schema, "/api/cases/{id}/", "get", "200") == {}


def test_nested_creations_link_to_their_own_collection():
    schema = generated()
    assert set(links(schema, "/api/archives/{id}/loans/", "post", "201")) == {
        "loans_decide_create", "loans_return_create"}
    assert set(links(schema, "/api/documents/{id}/change-requests/", "post", "201")) == {
        "change_requests_apply_create", "change_requests_decide_create"}
    # nothing to link to: no link object at all (an empty one is invalid)
    assert "links" not in schema["paths"]["/api/conflict-analyses/"]["post"]["responses"]["201"]


def resolve(schema, node):
    """A schema node with its $ref (or single allOf $ref) followed."""
    ref = node.get("$ref") or next((a["$ref"] for a in node.get("allOf", []) if "$ref" in a),
                                   None)
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else node


def test_every_link_reads_an_id_the_response_really_has():
    schema = generated()
    checked = 0
    for path, methods in schema["paths"].items():
        for operation in methods.values():
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    source = link["parameters"]["id"]
                    if source == "$request.path.id":
                        assert "{id}" in path
                        continue
                    node = resolve(schema, response["content"]["application/json"]["schema"])
                    for name in source.removeprefix("$response.body#/").split("/"):
                        node = resolve(schema, node["properties"][name])
                    assert node["type"] == "integer", (operation["operationId"], source)
                    checked += 1
    assert checked > 10
