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

    /// <summary>A buffer kept per thread for bodies with a Content-Length; one that grew past this is not kept.</summary>
    private const int KeptBufferBytes = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    public static Task WriteAsync(HttpContext http, int code, JsonNode body, string contentType = Json) =>
        WriteAsync(http, code, w => body.WriteTo(w), contentType);

    /// <summary>
    /// One object (or a Status): serialized into this thread's buffer, then copied into the response's pipe with
    /// its Content-Length. Nothing awaits between the two, so the buffer is free again before the flush.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, int code, Action<Utf8JsonWriter> write, string contentType = Json)
    {
        var output = Begin(http, code, contentType);
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        http.Response.ContentLength = buffer.WrittenCount;
        output.Write(buffer.WrittenSpan);
        if (buffer.Capacity > KeptBufferBytes)
        {
            _buffer = null;
        }

        await output.FlushAsync(http.RequestAborted);
    }

    /// <summary>
    /// A list or table: written straight into the response's pipe (Kestrel's pooled blocks, sent chunked), not into
    /// a byte array first. A 1,000-pod list is 0.4–1 MiB; building it in a growing array and copying it out allocated
    /// twice that on the large-object heap per request, each allocation there a full collection.
    /// </summary>
    public static async Task StreamAsync(HttpContext http, int code, Action<Utf8JsonWriter> write, string contentType = Json)
    {
        var output = Begin(http, code, contentType);
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            write(writer);
        }

        await output.FlushAsync(http.RequestAborted);
    }

    private static System.IO.Pipelines.PipeWriter Begin(HttpContext http, int code, string contentType)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = contentType;
        return http.Response.BodyWriter;
    }

    public static Task WriteStatusAsync(HttpContext http, ApiError error) => WriteAsync(http, error.Code, error.ToStatus());

    /// <summary>Adds a <c>Warning: 299 - "text"</c> header, which client-go prints as <c>Warning: text</c>.</summary>
    public static void AddWarning(HttpContext http, string text) =>
        http.Response.Headers.Append("Warning", $"299 - \"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");

    /// <summary>True when the Accept header asks for a meta.k8s.io Table.</summary>
    public static bool WantsTable(HttpContext http) =>
        http.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);
}
