using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Podvisor.Api.Endpoints;

internal static class Responses
{
    public const string Json = "application/json";

    public static async Task WriteAsync(HttpContext http, int code, JsonNode body, string contentType = Json)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext http, ApiError error) => WriteAsync(http, error.Code, error.ToStatus());

    /// <summary>Adds a <c>Warning: 299 - "text"</c> header, which client-go prints as <c>Warning: text</c>.</summary>
    public static void AddWarning(HttpContext http, string text) =>
        http.Response.Headers.Append("Warning", $"299 - \"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");

    /// <summary>True when the Accept header asks for a meta.k8s.io Table.</summary>
    public static bool WantsTable(HttpContext http) =>
        http.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);
}
