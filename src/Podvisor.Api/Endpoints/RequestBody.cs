using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podvisor.Api.Endpoints.Protobuf;

namespace Podvisor.Api.Endpoints;

/// <summary>Reads a request body within Kubernetes' 3 MiB limit and parses it as JSON or YAML.</summary>
internal static class RequestBody
{
    public const long MaxBytes = 3 * 1024 * 1024;

    /// <summary>
    /// Kestrel's hard limit. Bodies between <see cref="MaxBytes"/> and this are read and discarded so an HTTP/1.1 client
    /// that is still sending sees the 413 instead of a reset connection.
    /// </summary>
    public const long DrainLimitBytes = 16 * 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpContext http, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var tooLarge = http.Request.ContentLength > MaxBytes;
        int read;
        while (!(http.Request.ContentLength > DrainLimitBytes) && (read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (tooLarge || buffer.Length + read > MaxBytes)
            {
                tooLarge = true;
                continue;
            }

            buffer.Write(chunk, 0, read);
        }

        if (tooLarge || http.Request.ContentLength > DrainLimitBytes)
        {
            throw TooLarge();
        }

        return buffer.ToArray();
    }

    /// <summary>The media type without parameters, lower case; a missing Content-Type counts as JSON.</summary>
    public static string MediaType(HttpContext http)
    {
        var ct = http.Request.ContentType;
        if (string.IsNullOrWhiteSpace(ct))
        {
            return "application/json";
        }

        var semi = ct.IndexOf(';', StringComparison.Ordinal);
        return (semi < 0 ? ct : ct[..semi]).Trim().ToLowerInvariant();
    }

    /// <summary>
    /// Parses JSON, YAML for YAML media types, or Kubernetes protobuf for the kinds <see cref="ProtobufBody"/> covers;
    /// throws ApiError 400 on malformed input, 415 on other protobuf.
    /// </summary>
    public static JsonNode? Parse(byte[] body, string mediaType)
    {
        if (mediaType == ProtobufBody.MediaType)
        {
            return ProtobufBody.Parse(body);
        }

        if (mediaType.Contains("protobuf", StringComparison.Ordinal))
        {
            throw UnsupportedMediaType();
        }

        if (body.Length == 0)
        {
            throw ApiError.BadRequest("the request body is empty");
        }

        var isYaml = mediaType.Contains("yaml", StringComparison.Ordinal);
        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 100 });
        }
        catch (JsonException e) when (!isYaml)
        {
            throw ApiError.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
        catch (JsonException)
        {
            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(body);
            }
            catch (DecoderFallbackException)
            {
                throw ApiError.BadRequest("error converting YAML to JSON: invalid UTF-8");
            }

            try
            {
                return YamlJson.Parse(text);
            }
            catch (FormatException e)
            {
                throw ApiError.BadRequest(e.Message);
            }
        }
    }

    /// <summary>Parses a body that must be a JSON object (an API object or a merge patch).</summary>
    public static JsonObject ParseObject(byte[] body, string mediaType, string what) =>
        Parse(body, mediaType) as JsonObject ?? throw ApiError.BadRequest($"{what}: the body must be a JSON object");

    public static ApiError UnsupportedMediaType() =>
        new(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");

    private static ApiError TooLarge() => new(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
}
