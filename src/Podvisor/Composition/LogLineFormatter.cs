using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Podvisor.Composition;

/// <summary>
/// serve's log line, as the simple console formatter writes it with SingleLine and a "HH:mm:ss.fff " timestamp
/// (local time), without colours: <c>12:01:02.345 info: Podvisor.Serve[0] message exception</c>, newlines inside
/// the message and the exception replaced by spaces so one entry is one line.
/// </summary>
internal sealed class LogLineFormatter(TimeProvider time) : ConsoleFormatter(Id)
{
    public const string Id = "podvisor";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && message is null)
        {
            return;
        }

        textWriter.Write(time.GetLocalNow().ToString("HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write(']');
        WriteOneLine(textWriter, message);
        WriteOneLine(textWriter, logEntry.Exception?.ToString());
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteOneLine(TextWriter textWriter, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            textWriter.Write(' ');
            textWriter.Write(text.ReplaceLineEndings(" "));
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
