using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Commands;
using Podvisor.Composition;
using Podvisor.Testing;

namespace Podvisor.Tests.Composition;

/// <summary>serve's log line: what the simple console formatter wrote with SingleLine and a timestamp.</summary>
public sealed class LogLineFormatterTests
{
    private static string Format(LogLevel level, string message, Exception? exception = null, int eventId = 7)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 5, 6, 7, 89, TimeSpan.Zero));
        var formatter = new LogLineFormatter(time);
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "Podvisor.Serve", new EventId(eventId), message, exception, (s, _) => s);
        formatter.Write(entry, null, writer);
        return writer.ToString();
    }

    [Fact]
    public void Write_Information_TimestampLevelCategoryEventIdMessageOnOneLine()
    {
        Assert.Equal("05:06:07.089 info: Podvisor.Serve[7] serving on https://127.0.0.1:6443/" + Environment.NewLine, Format(LogLevel.Information, "serving on https://127.0.0.1:6443/"));
    }

    [Theory]
    [InlineData(LogLevel.Trace, "trce")]
    [InlineData(LogLevel.Debug, "dbug")]
    [InlineData(LogLevel.Warning, "warn")]
    [InlineData(LogLevel.Error, "fail")]
    [InlineData(LogLevel.Critical, "crit")]
    public void Write_Level_UsesTheConsoleLoggersFourLetterNames(LogLevel level, string name)
    {
        Assert.StartsWith($"05:06:07.089 {name}: ", Format(level, "m"), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_MultiLineMessageAndException_StayOneLine()
    {
        var line = Format(LogLevel.Error, "first\nsecond", new InvalidOperationException("broken\nbadly"));

        Assert.Equal(line.TrimEnd('\n', '\r'), line.ReplaceLineEndings(" ").TrimEnd());
        Assert.Contains("Podvisor.Serve[7] first second System.InvalidOperationException: broken badly", line, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, line, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateLoggerFactory_FiltersMicrosoftBelowWarning_KeepsPodvisorInformation()
    {
        using var loggers = CommonOptions.CreateLoggerFactory();

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Podvisor.Serve").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Podvisor.Serve").IsEnabled(LogLevel.Debug) && Environment.GetEnvironmentVariable("PODVISOR_LOG_LEVEL") is null);
    }
}
