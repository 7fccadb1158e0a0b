using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Podvisor.Api.Discovery;

/// <summary>
/// The /version answer. minor must stay "32": the gcloud kubectl dispatcher execs kubectl.1.&lt;minor&gt;.
/// </summary>
public static class VersionInfo
{
    public const string GitVersion = "v1.32.0-podvisor";

    public static JsonObject Json() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.3",
        ["compiler"] = "gc",
        ["platform"] = "linux/" + (RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64"),
    };
}
