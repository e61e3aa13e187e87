using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>Zendesk error bodies (api-facts 2.8).</summary>
internal static class ZdErrors
{
    public static JsonReply Invalid(string field, string description, string? error = "DuplicateValue")
    {
        var detail = new JsonObject { ["description"] = description };
        if (error is not null)
        {
            detail["error"] = error;
        }

        return Json.Status(422, new JsonObject
        {
            ["error"] = "RecordInvalid",
            ["description"] = "Record validation errors",
            ["details"] = new JsonObject { [field] = new JsonArray(detail) },
        });
    }

    public static JsonReply NotFound() => Json.Status(404, new JsonObject { ["error"] = "RecordNotFound", ["description"] = "Not found" });

    public static JsonReply BadRequest(string error, string? description = null)
    {
        var body = new JsonObject { ["error"] = error };
        if (description is not null)
        {
            body["description"] = description;
        }

        return Json.Status(400, body);
    }

    public static JsonReply Conflict() => Json.Status(409, new JsonObject { ["error"] = "DatabaseConflict", ["description"] = "Database collision" });

    public static JsonReply Forbidden(string description) => Json.Status(403, new JsonObject { ["error"] = "Forbidden", ["description"] = description });
}
