namespace Podvisor.Model.Selection;

/// <summary>The operators of a label selector requirement (Kubernetes' selection.Operator).</summary>
public enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// <summary>One requirement of a label selector. <c>!=</c> and <c>notin</c> match objects without the label.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        switch (Operator)
        {
            case LabelOperator.Equals:
            case LabelOperator.In:
                return has && Contains(value!);
            case LabelOperator.NotEquals:
            case LabelOperator.NotIn:
                return !has || !Contains(value!);
            case LabelOperator.Exists:
                return has;
            case LabelOperator.DoesNotExist:
                return !has;
            case LabelOperator.GreaterThan:
            case LabelOperator.LessThan:
                if (!has || !long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var actual))
                {
                    return false;
                }

                var bound = long.Parse(Values[0], System.Globalization.CultureInfo.InvariantCulture);
                return Operator == LabelOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    private bool Contains(string value)
    {
        foreach (var v in Values)
        {
            if (string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Operator switch
    {
        LabelOperator.Equals => $"{Key}={Values[0]}",
        LabelOperator.NotEquals => $"{Key}!={Values[0]}",
        LabelOperator.In => $"{Key} in ({string.Join(',', Values)})",
        LabelOperator.NotIn => $"{Key} notin ({string.Join(',', Values)})",
        LabelOperator.Exists => Key,
        LabelOperator.DoesNotExist => "!" + Key,
        LabelOperator.GreaterThan => $"{Key}>{Values[0]}",
        LabelOperator.LessThan => $"{Key}<{Values[0]}",
        _ => Key,
    };
}

/// <summary>
/// A Kubernetes label selector: a conjunction of requirements. Parses the string form used by
/// <c>?labelSelector=</c> (all operators: <c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>, <c>key</c>,
/// <c>!key</c>, and the integer <c>&gt;</c>/<c>&lt;</c>) and builds one from a meta/v1 LabelSelector.
/// Immutable and thread-safe.
/// </summary>
public sealed class LabelSelector
{
    private readonly LabelRequirement[] _requirements;

    private LabelSelector(LabelRequirement[] requirements)
    {
        _requirements = requirements;
    }

    /// <summary>Matches every object (the empty selector).</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>Matches no object (what a null meta/v1 LabelSelector means).</summary>
    public static LabelSelector Nothing { get; } = new([new LabelRequirement("", LabelOperator.In, [])]);

    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    public bool IsEverything => _requirements.Length == 0;

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var r in _requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => string.Join(',', _requirements.Select(r => r.ToString()));

    /// <summary>Parses the string form; null or blank is <see cref="Everything"/>.</summary>
    /// <exception cref="FormatException">With a Kubernetes-style message when the selector is invalid.</exception>
    public static LabelSelector Parse(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return Everything;
        }

        return new LabelSelector([.. new Parser(selector).ParseAll()]);
    }

    /// <summary>Like <see cref="Parse"/>, returning false with the error message instead of throwing.</summary>
    public static bool TryParse(string? selector, out LabelSelector result, out string? error)
    {
        try
        {
            result = Parse(selector);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            result = Nothing;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Builds a selector from a meta/v1 LabelSelector given as plain data: <paramref name="matchLabels"/> and
    /// <paramref name="matchExpressions"/> with operators In, NotIn, Exists, DoesNotExist. Both null or empty
    /// gives <see cref="Everything"/> (a non-null empty selector matches everything; a null selector matches
    /// nothing, which the caller decides by using <see cref="Nothing"/>).
    /// </summary>
    /// <exception cref="FormatException">Unknown operator, bad key/value, or values that do not fit the operator.</exception>
    public static LabelSelector FromMatch(
        IReadOnlyDictionary<string, string>? matchLabels,
        IEnumerable<(string Key, string Operator, IReadOnlyList<string>? Values)>? matchExpressions)
    {
        var list = new List<LabelRequirement>();
        if (matchLabels is not null)
        {
            foreach (var (k, v) in matchLabels.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                ValidateKey(k);
                ValidateValue(k, v);
                list.Add(new LabelRequirement(k, LabelOperator.Equals, [v]));
            }
        }

        if (matchExpressions is not null)
        {
            foreach (var (key, op, values) in matchExpressions)
            {
                ValidateKey(key);
                var vals = values ?? [];
                switch (op)
                {
                    case "In":
                    case "NotIn":
                        if (vals.Count == 0)
                        {
                            throw new FormatException($"values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
                        }

                        foreach (var v in vals)
                        {
                            ValidateValue(key, v);
                        }

                        list.Add(new LabelRequirement(key, op == "In" ? LabelOperator.In : LabelOperator.NotIn, [.. vals]));
                        break;
                    case "Exists":
                    case "DoesNotExist":
                        if (vals.Count != 0)
                        {
                            throw new FormatException("values: Invalid value: values set must be empty for exists and does not exist");
                        }

                        list.Add(new LabelRequirement(key, op == "Exists" ? LabelOperator.Exists : LabelOperator.DoesNotExist, []));
                        break;
                    default:
                        throw new FormatException($"\"{op}\" is not a valid label selector operator");
                }
            }
        }

        return list.Count == 0 ? Everything : new LabelSelector([.. list]);
    }

    internal static void ValidateKey(string key)
    {
        var error = LabelSyntax.QualifiedNameError(key);
        if (error is not null)
        {
            throw new FormatException($"unable to parse requirement: key: Invalid value: \"{key}\": {error}");
        }
    }

    internal static void ValidateValue(string key, string value)
    {
        var error = LabelSyntax.LabelValueError(value);
        if (error is not null)
        {
            throw new FormatException($"unable to parse requirement: values[0][{key}]: Invalid value: \"{value}\": {error}");
        }
    }

    /// <summary>Recursive-descent parser following k8s.io/apimachinery/pkg/labels/selector.go.</summary>
    private sealed class Parser(string input)
    {
        private enum Token
        {
            End,
            Identifier,
            Comma,
            OpenParen,
            CloseParen,
            DoubleEquals,
            Equals,
            NotEquals,
            Not,
            In,
            NotIn,
            GreaterThan,
            LessThan,
        }

        private int _pos;
        private Token _token;
        private string _text = "";

        public List<LabelRequirement> ParseAll()
        {
            var result = new List<LabelRequirement>();
            Next();
            while (true)
            {
                result.Add(ParseRequirement());
                if (_token == Token.End)
                {
                    return result;
                }

                if (_token != Token.Comma)
                {
                    throw Unexpected("',' or 'end of string'");
                }

                Next();
            }
        }

        private LabelRequirement ParseRequirement()
        {
            if (_token == Token.Not)
            {
                Next();
                var k = ExpectKey();
                Next();
                if (_token is not (Token.Comma or Token.End))
                {
                    throw Unexpected("',' or 'end of string'");
                }

                return new LabelRequirement(k, LabelOperator.DoesNotExist, []);
            }

            var key = ExpectKey();
            Next();
            switch (_token)
            {
                case Token.Comma:
                case Token.End:
                    return new LabelRequirement(key, LabelOperator.Exists, []);
                case Token.Equals:
                case Token.DoubleEquals:
                case Token.NotEquals:
                    {
                        var op = _token == Token.NotEquals ? LabelOperator.NotEquals : LabelOperator.Equals;
                        Next();
                        var value = "";
                        if (_token is Token.Identifier or Token.In or Token.NotIn)
                        {
                            value = _text;
                            Next();
                        }
                        else if (_token is not (Token.Comma or Token.End))
                        {
                            throw Unexpected("identifier");
                        }

                        ValidateValue(key, value);
                        return new LabelRequirement(key, op, [value]);
                    }

                case Token.In:
                case Token.NotIn:
                    {
                        var op = _token == Token.In ? LabelOperator.In : LabelOperator.NotIn;
                        Next();
                        if (_token != Token.OpenParen)
                        {
                            throw Unexpected("'('");
                        }

                        var values = new List<string>();
                        Next();
                        while (true)
                        {
                            if (_token is Token.Identifier or Token.In or Token.NotIn)
                            {
                                values.Add(_text);
                                Next();
                            }
                            else if (_token is Token.Comma or Token.CloseParen)
                            {
                                values.Add("");
                            }
                            else
                            {
                                throw Unexpected("',', ')' or identifier");
                            }

                            if (_token == Token.CloseParen)
                            {
                                Next();
                                break;
                            }

                            if (_token != Token.Comma)
                            {
                                throw Unexpected("',' or ')'");
                            }

                            Next();
                        }

                        foreach (var v in values)
                        {
                            ValidateValue(key, v);
                        }

                        if (_token is not (Token.Comma or Token.End))
                        {
                            throw Unexpected("',' or 'end of string'");
                        }

                        return new LabelRequirement(key, op, [.. values.Distinct(StringComparer.Ordinal)]);
                    }

                case Token.GreaterThan:
                case Token.LessThan:
                    {
                        var op = _token == Token.GreaterThan ? LabelOperator.GreaterThan : LabelOperator.LessThan;
                        Next();
                        if (_token != Token.Identifier || !long.TryParse(_text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                        {
                            throw new FormatException($"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
                        }

                        var value = _text;
                        Next();
                        return new LabelRequirement(key, op, [value]);
                    }

                default:
                    throw Unexpected("'=', '!=', '==', 'in', 'notin', '>', '<', ',' or 'end of string'");
            }
        }

        private string ExpectKey()
        {
            if (_token is not (Token.Identifier or Token.In or Token.NotIn))
            {
                throw Unexpected("identifier");
            }

            ValidateKey(_text);
            return _text;
        }

        private FormatException Unexpected(string expected)
        {
            var found = _token == Token.End ? "end of string" : _text;
            return new FormatException($"unable to parse label selector \"{input}\": found '{found}', expected: {expected}");
        }

        private void Next()
        {
            while (_pos < input.Length && char.IsWhiteSpace(input[_pos]))
            {
                _pos++;
            }

            if (_pos >= input.Length)
            {
                _token = Token.End;
                _text = "";
                return;
            }

            var c = input[_pos];
            switch (c)
            {
                case ',':
                    Set(Token.Comma, 1);
                    return;
                case '(':
                    Set(Token.OpenParen, 1);
                    return;
                case ')':
                    Set(Token.CloseParen, 1);
                    return;
                case '>':
                    Set(Token.GreaterThan, 1);
                    return;
                case '<':
                    Set(Token.LessThan, 1);
                    return;
                case '=':
                    if (Peek(1) == '=')
                    {
                        Set(Token.DoubleEquals, 2);
                    }
                    else
                    {
                        Set(Token.Equals, 1);
                    }

                    return;
                case '!':
                    if (Peek(1) == '=')
                    {
                        Set(Token.NotEquals, 2);
                    }
                    else
                    {
                        Set(Token.Not, 1);
                    }

                    return;
            }

            var start = _pos;
            while (_pos < input.Length && !IsSpecial(input[_pos]))
            {
                _pos++;
            }

            _text = input[start.._pos];
            _token = _text switch
            {
                "in" => Token.In,
                "notin" => Token.NotIn,
                _ => Token.Identifier,
            };
        }

        private char Peek(int offset) => _pos + offset < input.Length ? input[_pos + offset] : '\0';

        private void Set(Token token, int length)
        {
            _token = token;
            _text = input.Substring(_pos, length);
            _pos += length;
        }

        private static bool IsSpecial(char c) =>
            char.IsWhiteSpace(c) || c is ',' or '(' or ')' or '=' or '!' or '<' or '>';
    }
}

/// <summary>Kubernetes' validation of label keys (qualified names) and values.</summary>
internal static class LabelSyntax
{
    private const string NameMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    public static string? QualifiedNameError(string key)
    {
        if (key.Length == 0)
        {
            return "name part must be non-empty";
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = key;
        if (slash >= 0)
        {
            var prefix = key[..slash];
            name = key[(slash + 1)..];
            if (prefix.Length == 0)
            {
                return "prefix part must be non-empty";
            }

            if (prefix.Length > 253 || !IsDnsSubdomain(prefix))
            {
                return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
            }
        }

        if (name.Length == 0)
        {
            return "name part must be non-empty";
        }

        if (name.Length > 63)
        {
            return "name part must be no more than 63 characters";
        }

        return IsLabelName(name) ? null : NameMessage;
    }

    public static string? LabelValueError(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (value.Length > 63)
        {
            return "must be no more than 63 characters";
        }

        return IsLabelName(value)
            ? null
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    }

    private static bool IsLabelName(string s)
    {
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDnsSubdomain(string s)
    {
        foreach (var part in s.Split('.'))
        {
            if (part.Length == 0 || part.Length > 63 || !char.IsAsciiLetterLower(part[0]) && !char.IsAsciiDigit(part[0])
                || !char.IsAsciiLetterLower(part[^1]) && !char.IsAsciiDigit(part[^1]))
            {
                return false;
            }

            foreach (var c in part)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
