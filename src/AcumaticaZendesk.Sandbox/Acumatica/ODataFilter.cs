using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>
/// The OData v3 subset Acumatica's contract-based API accepts in <c>$filter</c>: eq/ne/gt/ge/lt/le, and/or/not,
/// parentheses, substringof/startswith/endswith, literals 'text', datetimeoffset'…', datetime'…', guid'…',
/// numbers, true/false/null; linked fields as <c>MainContact/Email</c>. Text compares case-insensitively.
/// </summary>
internal static class ODataFilter
{
    public static Func<JsonObject, bool> Parse(string filter)
    {
        var parser = new Parser(Tokenize(filter));
        var expr = parser.ParseOr();
        if (!parser.AtEnd)
        {
            throw new FormatException($"Unexpected '{parser.Peek.Text}' in $filter.");
        }

        return expr;
    }

    private enum Kind { Ident, Text, Number, DateTime, Guid, LParen, RParen, Comma, End }

    private sealed record Token(Kind Kind, string Text, object? Value = null);

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { tokens.Add(new(Kind.LParen, "(")); i++; continue; }
            if (c == ')') { tokens.Add(new(Kind.RParen, ")")); i++; continue; }
            if (c == ',') { tokens.Add(new(Kind.Comma, ",")); i++; continue; }
            if (c == '\'')
            {
                var text = ReadQuoted(s, ref i);
                tokens.Add(new(Kind.Text, text, text));
                continue;
            }

            if (char.IsDigit(c) || (c == '-' && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                var start = i++;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
                var raw = s[start..i];
                tokens.Add(new(Kind.Number, raw, decimal.Parse(raw, CultureInfo.InvariantCulture)));
                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '/' or '.')) i++;
                var word = s[start..i];
                if (i < s.Length && s[i] == '\'')
                {
                    var literal = ReadQuoted(s, ref i);
                    tokens.Add(TypedLiteral(word, literal));
                    continue;
                }

                tokens.Add(new(Kind.Ident, word));
                continue;
            }

            throw new FormatException($"Unexpected character '{c}' at position {i} in $filter.");
        }

        tokens.Add(new(Kind.End, "<end>"));
        return tokens;
    }

    private static Token TypedLiteral(string prefix, string literal)
    {
        switch (prefix.ToLowerInvariant())
        {
            case "datetimeoffset":
            case "datetime":
                if (!DateTimeOffset.TryParse(literal, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto) ||
                    literal.Contains(' ', StringComparison.Ordinal))
                {
                    throw new FormatException($"'{literal}' is not a valid {prefix} literal (URL-encode '+' as %2B and ':' as %3A).");
                }

                return new(Kind.DateTime, literal, dto);
            case "guid":
                return Guid.TryParse(literal, out var g)
                    ? new(Kind.Guid, literal, g)
                    : throw new FormatException($"'{literal}' is not a valid guid literal.");
            default:
                throw new FormatException($"Unknown literal type '{prefix}'.");
        }
    }

    private static string ReadQuoted(string s, ref int i)
    {
        i++;
        var sb = new System.Text.StringBuilder();
        while (i < s.Length)
        {
            if (s[i] == '\'')
            {
                if (i + 1 < s.Length && s[i + 1] == '\'') { sb.Append('\''); i += 2; continue; }
                i++;
                return sb.ToString();
            }

            sb.Append(s[i++]);
        }

        throw new FormatException("Unterminated string literal in $filter.");
    }

    internal static JsonNode? Resolve(JsonObject record, string path)
    {
        JsonNode? current = record;
        foreach (var part in path.Split('/'))
        {
            if (current is not JsonObject obj || !obj.TryGetPropertyValue(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int pos;

        public Token Peek => tokens[pos];

        public bool AtEnd => tokens[pos].Kind == Kind.End;

        private Token Next() => tokens[pos++];

        private bool IsWord(string word) => Peek.Kind == Kind.Ident && string.Equals(Peek.Text, word, StringComparison.OrdinalIgnoreCase);

        public Func<JsonObject, bool> ParseOr()
        {
            var left = ParseAnd();
            while (IsWord("or"))
            {
                Next();
                var l = left;
                var r = ParseAnd();
                left = rec => l(rec) || r(rec);
            }

            return left;
        }

        private Func<JsonObject, bool> ParseAnd()
        {
            var left = ParseUnary();
            while (IsWord("and"))
            {
                Next();
                var l = left;
                var r = ParseUnary();
                left = rec => l(rec) && r(rec);
            }

            return left;
        }

        private Func<JsonObject, bool> ParseUnary()
        {
            if (IsWord("not"))
            {
                Next();
                var inner = ParseUnary();
                return rec => !inner(rec);
            }

            if (Peek.Kind == Kind.LParen)
            {
                Next();
                var inner = ParseOr();
                Expect(Kind.RParen);
                return inner;
            }

            if (Peek.Kind == Kind.Ident && pos + 1 < tokens.Count && tokens[pos + 1].Kind == Kind.LParen)
            {
                var fn = ParseFunction();
                if (Peek.Kind == Kind.Ident && Peek.Text is "eq" or "ne")
                {
                    var op = Next().Text;
                    var lit = Next();
                    var want = lit.Kind == Kind.Ident && string.Equals(lit.Text, "true", StringComparison.OrdinalIgnoreCase);
                    return op == "eq" ? rec => fn(rec) == want : rec => fn(rec) != want;
                }

                return fn;
            }

            var field = Expect(Kind.Ident).Text;
            var opToken = Expect(Kind.Ident).Text.ToLowerInvariant();
            var literal = Next();
            return Comparison(field, opToken, literal);
        }

        private Func<JsonObject, bool> ParseFunction()
        {
            var name = Next().Text.ToLowerInvariant();
            Expect(Kind.LParen);
            var a = Next();
            Expect(Kind.Comma);
            var b = Next();
            Expect(Kind.RParen);
            return name switch
            {
                "substringof" => rec => Text(rec, b.Text)?.Contains(LiteralText(a), StringComparison.OrdinalIgnoreCase) == true,
                "startswith" => rec => Text(rec, a.Text)?.StartsWith(LiteralText(b), StringComparison.OrdinalIgnoreCase) == true,
                "endswith" => rec => Text(rec, a.Text)?.EndsWith(LiteralText(b), StringComparison.OrdinalIgnoreCase) == true,
                _ => throw new FormatException($"Unsupported function '{name}' in $filter."),
            };
        }

        private static string LiteralText(Token t) =>
            t.Kind == Kind.Text ? (string)t.Value! : throw new FormatException($"Expected a quoted string, got '{t.Text}'.");

        private static string? Text(JsonObject rec, string path) =>
            Resolve(rec, path) is JsonValue v ? (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()) : null;

        private Token Expect(Kind kind)
        {
            var t = Next();
            return t.Kind == kind ? t : throw new FormatException($"Expected {kind} but found '{t.Text}' in $filter.");
        }

        private static Func<JsonObject, bool> Comparison(string field, string op, Token literal)
        {
            Func<int, bool> test = op switch
            {
                "eq" => c => c == 0,
                "ne" => c => c != 0,
                "gt" => c => c > 0,
                "ge" => c => c >= 0,
                "lt" => c => c < 0,
                "le" => c => c <= 0,
                _ => throw new FormatException($"Unknown operator '{op}' in $filter."),
            };

            if (literal.Kind == Kind.Ident && string.Equals(literal.Text, "null", StringComparison.OrdinalIgnoreCase))
            {
                return op switch
                {
                    "eq" => rec => IsNull(Resolve(rec, field)),
                    "ne" => rec => !IsNull(Resolve(rec, field)),
                    _ => throw new FormatException("null can only be compared with eq/ne."),
                };
            }

            return literal.Kind switch
            {
                Kind.DateTime => rec => Resolve(rec, field) is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
                    DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) &&
                    test(d.CompareTo((DateTimeOffset)literal.Value!)),
                Kind.Guid => rec => Resolve(rec, field) is JsonValue v && v.GetValueKind() == JsonValueKind.String &&
                    Guid.TryParse(v.GetValue<string>(), out var g) && test(g.CompareTo((Guid)literal.Value!)),
                Kind.Number => rec => Resolve(rec, field) is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
                    test(decimal.Parse(v.ToJsonString(), CultureInfo.InvariantCulture).CompareTo((decimal)literal.Value!)),
                Kind.Text => rec => Resolve(rec, field) is JsonValue v &&
                    test(
                        string.Compare(
                            v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString(),
                            (string)literal.Value!,
                            StringComparison.OrdinalIgnoreCase)),
                Kind.Ident when literal.Text is "true" or "false" => rec => Resolve(rec, field) is JsonValue v &&
                    v.GetValueKind() is JsonValueKind.True or JsonValueKind.False &&
                    test(v.GetValue<bool>().CompareTo(literal.Text == "true")),
                _ => throw new FormatException($"Unexpected literal '{literal.Text}' in $filter."),
            };
        }

        private static bool IsNull(JsonNode? n) =>
            n is null || (n is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0);
    }
}
