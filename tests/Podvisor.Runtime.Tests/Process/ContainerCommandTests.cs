using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContainerCommandTests
{
    [Fact]
    public void BuildEnvironment_Layers_DefaultsThenImageThenContainerInOrder()
    {
        var env = ContainerCommand.BuildEnvironment(
            new Dictionary<string, string> { ["LANG"] = "C.UTF-8", ["HOME"] = "/home/app" },
            [new("B", "2"), new("A", "1"), new("LANG", "en_US.UTF-8")]);

        Assert.Equal(["PATH=" + ContainerCommand.DefaultPath, "HOME=/home/app", "LANG=en_US.UTF-8", "B=2", "A=1"], env);
    }

    [Fact]
    public void ResolveExecutable_UsesTheContainersPathNotPodvisors()
    {
        var dir = Path.Combine(Path.GetTempPath(), "podvisor-path-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var tool = Path.Combine(dir, "only-here");
            File.WriteAllText(tool, "#!/bin/sh\n");
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

            Assert.Equal((tool, null), ContainerCommand.ResolveExecutable("only-here", [$"PATH=/nonexistent:{dir}"], "/"));
            Assert.Equal(
                (null, "exec: \"only-here\": executable file not found in $PATH"),
                ContainerCommand.ResolveExecutable("only-here", ["PATH=/usr/bin"], "/"));
            Assert.Equal((tool, null), ContainerCommand.ResolveExecutable("./only-here", [], dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ResolveExecutable_MissingPath_StatError() =>
        Assert.Equal(
            (null, "exec: \"/no/such/bin\": stat /no/such/bin: no such file or directory"),
            ContainerCommand.ResolveExecutable("/no/such/bin", [], "/"));
}
