using Microsoft.AspNetCore.Http;
using Podvisor.Api.Endpoints;

namespace Podvisor.Api.Auth;

/// <summary>Bearer-token check in front of everything except the unauthenticated probes (/livez, /readyz, /healthz, /version).</summary>
internal sealed class TokenAuthentication(string token)
{
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path.Value ?? "";
        if (path is "/livez" or "/readyz" or "/healthz" or "/version" or "/version/"
            || BearerToken.Matches(http.Request.Headers.Authorization.ToString(), token))
        {
            await next(http);
            return;
        }

        await Responses.WriteStatusAsync(http, new ApiError(401, "Unauthorized", "Unauthorized"));
    }
}
