using System.Text;

namespace Podvisor.Api.Auth;

/// <summary>Renders the kubeconfig for a Podvisor server: cluster, user and context all named "podvisor".</summary>
public static class Kubeconfig
{
    public static string Render(string serverUrl, string caPem, string token)
    {
        var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem));
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: {{caData}}
                server: {{serverUrl}}
              name: podvisor
            contexts:
            - context:
                cluster: podvisor
                namespace: default
                user: podvisor
              name: podvisor
            current-context: podvisor
            preferences: {}
            users:
            - name: podvisor
              user:
                token: {{token}}

            """;
    }

    /// <summary>Renders from what a data dir holds (for <c>podvisor kubeconfig</c>); null before the first start.</summary>
    public static string? RenderFromDataDir(string dataDir)
    {
        var path = Path.Combine(dataDir, "kubeconfig");
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Writes {dataDir}/kubeconfig (0600: it holds the token) atomically.</summary>
    public static string Write(string dataDir, string content)
    {
        var path = Path.Combine(dataDir, "kubeconfig");
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temp, new UTF8Encoding(false), options))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
        return path;
    }
}
