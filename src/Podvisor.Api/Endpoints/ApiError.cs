using System.Text.Json.Nodes;
using Podvisor.Api.Resources;

namespace Podvisor.Api.Endpoints;

/// <summary>A failed request, rendered as a meta/v1 Status with the HTTP code mirrored in <c>code</c>.</summary>
internal sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public static ApiError NotFound(ResourceStrategy s, string name) =>
        new(404, "NotFound", $"{s.QualifiedResource} \"{name}\" not found", Detail(s, name));

    public static ApiError NotFoundPath() =>
        new(404, "NotFound", "the server could not find the requested resource", null);

    public static ApiError AlreadyExists(ResourceStrategy s, string name) =>
        new(409, "AlreadyExists", $"{s.QualifiedResource} \"{name}\" already exists", Detail(s, name));

    public static ApiError Conflict(ResourceStrategy s, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {s.QualifiedResource} \"{name}\": {why}", Detail(s, name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiError Gone(string message) => new(410, "Expired", message);

    public static ApiError Invalid(ResourceStrategy s, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add((JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Message, ["field"] = e.Field });
        }

        var parts = errors.Select(e => $"{e.Field}: {e.Message}").ToList();
        var summary = parts.Count == 1 ? parts[0] : $"[{string.Join(", ", parts)}]";
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = s.Type.Group.Length == 0 ? null : s.Type.Group,
            ["kind"] = s.Type.Kind,
            ["causes"] = causes,
        };
        if (details["group"] is null)
        {
            details.Remove("group");
        }

        return new ApiError(422, "Invalid", $"{s.Type.Kind} \"{name}\" is invalid: {summary}", details);
    }

    public JsonObject ToStatus() => StatusJson(Code, Reason, Message, Details);

    public static JsonObject StatusJson(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return status;
    }

    private static JsonObject Detail(ResourceStrategy s, string name)
    {
        var d = new JsonObject { ["name"] = name };
        if (s.Type.Group.Length > 0)
        {
            d["group"] = s.Type.Group;
        }

        d["kind"] = s.Type.Resource;
        return d;
    }
}
