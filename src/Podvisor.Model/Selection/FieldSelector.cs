using System.Text;

namespace Podvisor.Model.Selection;

/// <summary>One term of a field selector: <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>.</summary>
public sealed record FieldRequirement(string Field, bool Negated, string Value)
{
    /// <summary>A missing field compares as the empty string, as in Kubernetes.</summary>
    public bool Matches(string? actual) => string.Equals(actual ?? "", Value, StringComparison.Ordinal) != Negated;

    public override string ToString() => $"{Escape(Field)}{(Negated ? "!=" : "=")}{Escape(Value)}";

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);
}

/// <summary>
/// A Kubernetes field selector (a conjunction of <c>=</c>, <c>==</c>, <c>!=</c> terms; <c>\</c> escapes
/// <c>,</c>, <c>=</c> and <c>\</c> in values). Which fields exist is the caller's business: see
/// <see cref="Fields"/>. Immutable and thread-safe.
/// </summary>
public sealed class FieldSelector
{
    private readonly FieldRequirement[] _requirements;

    private FieldSelector(FieldRequirement[] requirements)
    {
        _requirements = requirements;
    }

    public static FieldSelector Everything { get; } = new([]);

    public IReadOnlyList<FieldRequirement> Requirements => _requirements;

    public bool IsEverything => _requirements.Length == 0;

    /// <summary>The field names the selector uses, so the caller can reject unsupported ones.</summary>
    public IEnumerable<string> Fields => _requirements.Select(r => r.Field);

    /// <param name="fieldValue">Returns a field's value, or null when absent (compares as "").</param>
    public bool Matches(Func<string, string?> fieldValue)
    {
        foreach (var r in _requirements)
        {
            if (!r.Matches(fieldValue(r.Field)))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => string.Join(',', _requirements.Select(r => r.ToString()));

    /// <summary>Parses the string form; null or blank is <see cref="Everything"/>.</summary>
    /// <exception cref="FormatException">With a Kubernetes-style message when a term cannot be understood.</exception>
    public static FieldSelector Parse(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return Everything;
        }

        var list = new List<FieldRequirement>();
        foreach (var term in SplitTerms(selector))
        {
            list.Add(ParseTerm(term));
        }

        return new FieldSelector([.. list]);
    }

    private static FieldRequirement ParseTerm(string term)
    {
        // Find the first unescaped operator: "!=", "==" or "=".
        for (var i = 0; i < term.Length; i++)
        {
            var c = term[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            int opLength;
            bool negated;
            if (c == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                opLength = 2;
                negated = true;
            }
            else if (c == '=' && i + 1 < term.Length && term[i + 1] == '=')
            {
                opLength = 2;
                negated = false;
            }
            else if (c == '=')
            {
                opLength = 1;
                negated = false;
            }
            else
            {
                continue;
            }

            var field = Unescape(term[..i]).Trim();
            var value = Unescape(term[(i + opLength)..]);
            if (field.Length == 0)
            {
                throw new FormatException($"invalid selector: '{term}'; can't understand '{term}'");
            }

            return new FieldRequirement(field, negated, value);
        }

        throw new FormatException($"invalid selector: '{term}'; can't understand '{term}'");
    }

    private static List<string> SplitTerms(string selector)
    {
        var terms = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < selector.Length; i++)
        {
            var c = selector[i];
            if (c == '\\' && i + 1 < selector.Length)
            {
                current.Append(c).Append(selector[i + 1]);
                i++;
            }
            else if (c == ',')
            {
                terms.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        terms.Add(current.ToString());
        return terms;
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                var next = s[i + 1];
                if (next is not ('\\' or ',' or '='))
                {
                    throw new FormatException($"invalid field selector: invalid escape sequence: \\{next}");
                }

                sb.Append(next);
                i++;
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }
}
