using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Podvisor.Api.Endpoints;

internal static class Responses
{
    public const string Json = "application/json";

    /// <summary>
    /// Escaping as close to Go's encoding/json as System.Text.Json offers: quotes as <c>\"</c> and text left readable,
    /// where the default encoder would write <c>\u0022</c> and escape every non-ASCII letter.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Utf8(JsonNode body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            body.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static async Task WriteAsync(HttpContext http, int code, JsonNode body, string contentType = Json)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = contentType;
        var bytes = Utf8(body);
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
